"""Account reads for the 三员 pages (no personnel data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import ApiToken, PasswordReset, RoleGrant, TotpEnrolmentCode, User
from core.permissions import Action, has_action
from orgs.models import Unit


def user_list(*, user: Any, q: str = "", action: str = Action.USERS_MANAGE) -> QuerySet[User]:
    """All accounts, for the system or security administrator."""
    if not has_action(user, action):
        return User.objects.none()
    qs = User.objects.select_related("unit").order_by("username")
    if q := q.strip():
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs


def user_get(*, user: Any, pk: int, action: str = Action.USERS_MANAGE) -> User:
    found = user_list(user=user, action=action).filter(pk=pk).first()
    if found is None:
        raise Http404("用户不存在")
    return found


def grant_list(*, user: Any, q: str = "") -> QuerySet[RoleGrant]:
    if not has_action(user, Action.GRANTS_MANAGE):
        return RoleGrant.objects.none()
    qs = RoleGrant.objects.select_related("user", "unit", "granted_by").order_by(
        "user__username", "role"
    )
    if q := q.strip():
        qs = qs.filter(Q(user__username__icontains=q) | Q(user__full_name__icontains=q))
    return qs


def grant_get(*, user: Any, pk: int) -> RoleGrant:
    found = grant_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("授权不存在")
    return found


def token_list(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at")


def token_get(*, user: Any, pk: int) -> ApiToken:
    found = token_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("令牌不存在")
    return found


def unit_options(*, q: str, limit: int = 20) -> list[Unit]:
    """Active units matching ``q`` by name, pinyin initials or code, for the 三员' pickers.

    Unscoped on purpose: assigning a unit to an account or a grant needs every unit's name,
    which is organisational, not personnel, data.
    """
    q = q.strip()
    if not q:
        return []
    return list(
        Unit.objects.filter(is_active=True)
        .filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(pinyin_initials__startswith=q.lower()))
        .select_related("parent")
        .order_by("depth", "path")[:limit]
    )


def pending_resets() -> QuerySet[PasswordReset]:
    """Password resets waiting for the 安全管理员's confirmation, oldest first."""
    return (
        PasswordReset.objects.filter(confirmed_at__isnull=True, user__is_active=True)
        .select_related("user", "reset_by")
        .order_by("reset_at", "id")
    )


def totp_unenrolled() -> list[User]:
    """Active accounts whose role requires a second factor that is not bound yet, with the
    time their current enrolment code (if any) expires."""
    from django.conf import settings
    from django.utils import timezone

    roles = list(settings.ZUGONG_TOTP_REQUIRED_ROLES)
    if not roles:
        return []
    users = list(
        User.objects.filter(is_active=True, totp_confirmed_at__isnull=True, grants__role__in=roles)
        .distinct()
        .order_by("username")
    )
    live = dict(
        TotpEnrolmentCode.objects.filter(
            user__in=users, used_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("user_id", "expires_at")
    )
    for u in users:
        u.code_expires_at = live.get(u.pk)  # type: ignore[attr-defined]
    return users
