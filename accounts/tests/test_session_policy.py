"""Session policy: 30-minute idle and 8-hour absolute limits (docs/security.md, "Identity and
sessions")."""

from __future__ import annotations

import time
from urllib.parse import unquote

from django.conf import settings
from django.contrib.sessions.models import Session

from accounts.middleware import LAST_SEEN, LOGIN_AT
from accounts.models import UserSession
from audit.choices import AuditAction
from zugong.testing import PersonaTestCase

from .utils import DASHBOARD_URL, LOGIN_URL, events, last_seq, signed_in_client


class SessionPolicyTests(PersonaTestCase):
    def age_session(self, client, *, login_ago: float, seen_ago: float) -> str:
        session = client.session
        now = time.time()
        session[LOGIN_AT] = now - login_ago
        session[LAST_SEEN] = now - seen_ago
        session.save()
        return session.session_key

    def test_it_keeps_a_session_within_the_limits(self):
        assert settings.ZUGONG_SESSION_IDLE_MINUTES == 30
        assert settings.ZUGONG_SESSION_ABSOLUTE_HOURS == 8
        client = signed_in_client("liaison_a")
        key = self.age_session(client, login_ago=7 * 3600, seen_ago=29 * 60)
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 200
        assert Session.objects.filter(session_key=key).exists()
        assert client.session[LAST_SEEN] > time.time() - 60

    def test_it_ends_a_session_idle_for_more_than_30_minutes(self):
        client = signed_in_client("liaison_a")
        key = self.age_session(client, login_ago=3600, seen_ago=31 * 60)
        start = last_seq()
        response = client.get("/orgs/")
        assert response.status_code == 302
        assert unquote(response["Location"]) == f"{LOGIN_URL}?next=/orgs/"
        assert "会话已超时，请重新登录" in client.get(response["Location"]).content.decode()
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(session_key=key).exists()
        assert client.get(DASHBOARD_URL).status_code == 302
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.SESSION_EXPIRED
        assert event.actor_id == self.liaison_a.pk

    def test_it_ends_a_session_older_than_8_hours_even_when_active(self):
        client = signed_in_client("liaison_a")
        key = self.age_session(client, login_ago=8 * 3600 + 60, seen_ago=10)
        start = last_seq()
        response = client.get(DASHBOARD_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)
        page = client.get(response["Location"]).content.decode()
        assert "登录已超过最长时限，请重新登录" in page
        assert not Session.objects.filter(session_key=key).exists()
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.SESSION_EXPIRED

    def test_it_keeps_a_busy_session_alive_past_30_minutes_of_wall_time(self):
        client = signed_in_client("liaison_a")
        self.age_session(client, login_ago=2 * 3600, seen_ago=20 * 60)
        assert client.get(DASHBOARD_URL).status_code == 200
        # The request above counted as activity: the idle clock restarted.
        session = client.session
        assert time.time() - session[LAST_SEEN] < 60
        session[LOGIN_AT] = time.time() - 3 * 3600
        session.save()
        assert client.get(DASHBOARD_URL).status_code == 200

    def test_it_answers_an_expired_api_call_with_401(self):
        client = signed_in_client("liaison_a")
        self.age_session(client, login_ago=3600, seen_ago=31 * 60)
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert client.get("/api/v1/me").status_code == 401
