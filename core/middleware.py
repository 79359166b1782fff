"""Request middleware of the shared kernel."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core import context


def client_ip(request: HttpRequest) -> str:
    """The client address for the audit log.

    Each of the ``ZUGONG_TRUSTED_PROXIES`` proxies appends the address it saw to
    X-Forwarded-For, so the N-th entry from the right is the one the outermost trusted proxy
    saw; everything to its left was written by the client and may be forged. With 0 (the
    default) the header is ignored. A header shorter than N, or an entry that is not an IP
    address, falls back to REMOTE_ADDR (docs/security.md).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    trusted = int(getattr(settings, "ZUGONG_TRUSTED_PROXIES", 0))
    if trusted <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if entry.strip()
    ]
    if len(forwarded) < trusted:
        return remote
    candidate = forwarded[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


class RequestContextMiddleware:
    """Gives every request an id and records its IP for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), request_id=request_id, channel=channel)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
