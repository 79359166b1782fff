"""Session policy: idle and absolute time-outs, forced password change (docs/security.md, "Identity
and sessions")."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.services import logout_record, password_expired

LOGIN_AT = "zg_login_at"
LAST_SEEN = "zg_last_seen"
# Touching the session on every request would write a row per click; a minute is precise
# enough for a 30-minute idle limit.
_TOUCH_EVERY = 60


class SessionPolicyMiddleware:
    """Ends sessions idle for 30 min or older than 8 h; sends must-change users to the form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not getattr(request, "api_token", None):
            now = time.time()
            session = request.session
            login_at = session.get(LOGIN_AT)
            last_seen = session.get(LAST_SEEN)
            if login_at is None or last_seen is None:
                session[LOGIN_AT] = login_at = now
                session[LAST_SEEN] = last_seen = now
            idle = now - last_seen > settings.ZUGONG_SESSION_IDLE_MINUTES * 60
            too_old = now - login_at > settings.ZUGONG_SESSION_ABSOLUTE_HOURS * 3600
            if idle or too_old:
                logout_record(user=user, session_key=session.session_key, expired=True)
                logout(request)
                return self._expired(
                    request, "会话已超时，请重新登录" if idle else "登录已超过最长时限，请重新登录"
                )
            if now - last_seen > _TOUCH_EVERY:
                session[LAST_SEEN] = now
            if (user.must_change_password or password_expired(user)) and not self._exempt(request):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先修改密码"}, status=403)
                return redirect("accounts:password_change")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        allowed = (reverse("accounts:password_change"), reverse("accounts:logout"), "/static/")
        return request.path.startswith(allowed)

    @staticmethod
    def _expired(request: HttpRequest, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        response = redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.path})}")
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = response["Location"]
        return response
