"""Account reads for the 三员 pages (no personnel data)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import ApiToken, RoleGrant, User
from accounts.roles import Action
from accounts.scoping import has_action
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
