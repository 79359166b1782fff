"""Helpers shared by the accounts tests (not a test module)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client

from audit.models import AuditEvent
from zugong.testing import PASSWORD

LOGIN_URL = "/accounts/login/"
DASHBOARD_URL = "/"


def login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    """POST the login form as a browser would."""
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def signed_in_client(username: str, password: str = PASSWORD) -> Client:
    """A client that signed in through the real login page (so its session is tracked)."""
    client = Client()
    response = login(client, username, password)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def session_exists(key: str | None) -> bool:
    return bool(key) and Session.objects.filter(session_key=key).exists()


def events(**filters: Any) -> list[AuditEvent]:
    """Audit events matching ``filters``, oldest first."""
    return list(AuditEvent.objects.filter(**filters).order_by("seq"))


def last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def message_texts(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


_NAV = re.compile(r'<aside class="zg-sidebar[^"]*"[^>]*>(.*?)</aside>', re.S)
_NAV_LABEL = re.compile(
    r'<a class="nav-link[^"]*" href="[^"]*"><i class="bi [^"]*"></i>\s*([^<]+)</a>'
)


def nav_labels(response: Any) -> list[str]:
    """The labels of the sidebar navigation links on a rendered page."""
    match = _NAV.search(response.content.decode())
    if match is None:
        return []
    return [label.strip() for label in _NAV_LABEL.findall(match.group(1))]
