"""A stored ciphertext that fails its check (altered in the database, or under a key no
longer configured) is a security event, not a crash: the user sees a clear Chinese message,
the API answers JSON, and the auditor finds the event in the audit log (docs/security.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from audit.choices import AuditAction
from audit.services import audit_record_standalone
from core.crypto import DecryptionError

logger = logging.getLogger("zugong.security")

INTEGRITY_MESSAGE = "该记录的加密数据校验失败，已通知审计管理员"
# 500: the server cannot serve the record and nothing the client sends again will change
# that; a 4xx would tell integrators (and monitoring) the request was at fault.
INTEGRITY_STATUS = 500


def record_decryption_failure(request: HttpRequest, exc: DecryptionError) -> None:
    """Write the security event for the auditor; a failure to write it is logged, never
    allowed to replace the user's answer."""
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    model, _, field = exc.purpose.rpartition(".")
    logger.error(
        "encrypted value failed its check: %s (%s) at %s %s",
        exc.purpose or "?",
        exc,
        request.method,
        request.path,
    )
    try:
        audit_record_standalone(
            actor=actor,
            action=AuditAction.INTEGRITY_FAILURE,
            object_type=model,
            object_repr=INTEGRITY_MESSAGE,
            changes={
                "field": field,
                "reason": str(exc),
                "method": request.method,
                "path": request.path,
            },
            sensitive=True,
        )
    except Exception:
        logger.exception("could not audit the decryption failure")


def decryption_failure_response(request: HttpRequest, exc: DecryptionError) -> HttpResponse:
    record_decryption_failure(request, exc)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": INTEGRITY_MESSAGE}, status=INTEGRITY_STATUS)
    html = render_to_string("integrity_error.html", {"message": INTEGRITY_MESSAGE})
    return HttpResponse(html, status=INTEGRITY_STATUS)


class DecryptionFailureMiddleware:
    """Turns a ``DecryptionError`` escaping a view into the page above (the API registers
    the same answer as its own exception handler, zugong/api.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, DecryptionError):
            return decryption_failure_response(request, exc)
        return None
