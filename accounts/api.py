"""API authentication (bearer tokens) and the /me endpoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from accounts.models import ApiToken
from accounts.services import token_digest
from core.permissions import Role, grants_of

router = Router(tags=["账户"])


class TokenAuth(HttpBearer):
    """``Authorization: Bearer zg_…``; revoked, expired or disabled-user tokens fail."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(
                token_digest=token_digest(token),
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=5):
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


class GrantOut(Schema):
    role: str
    role_label: str
    unit_path: str


class MeOut(Schema):
    username: str
    full_name: str
    grants: list[GrantOut]


@router.get("/me", response=MeOut, summary="当前用户及其授权")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "username": user.username,
        "full_name": getattr(user, "full_name", ""),
        "grants": [
            {"role": r, "role_label": Role(r).label, "unit_path": p} for r, p in grants_of(user)
        ],
    }
