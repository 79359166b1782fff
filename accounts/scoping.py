"""Resolving a user's grants into unit subtrees (the engine behind ``restrict``)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from accounts.models import RoleGrant
from accounts.roles import ROLE_ACTIONS, UNSCOPED_ACTIONS

_CACHE_ATTR = "_zugong_grants"


def grants_of(user: Any) -> list[tuple[str, str]]:
    """``(role, unit path)`` pairs of an active user, cached on the user object per request.

    Grants are read on every request, so a change by the security administrator shows at
    the user's next page load (docs/journeys.md, journey 11).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = [
            (role, path or "")
            for role, path in RoleGrant.objects.filter(user_id=user.pk).values_list(
                "role", "unit__path"
            )
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> set[str]:
    return {role for role, _ in grants_of(user)}


def has_action(user: Any, action: str) -> bool:
    """True when any grant of the user carries ``action`` (somewhere in the tree)."""
    return any(action in ROLE_ACTIONS.get(role, ()) for role, _ in grants_of(user))


def scope_paths(user: Any, action: str) -> list[str]:
    """Minimal list of unit-path prefixes where ``user`` may perform ``action``."""
    if action in UNSCOPED_ACTIONS:
        raise ValueError(f"{action} is not a unit-scoped action")
    paths = sorted(
        path for role, path in grants_of(user) if path and action in ROLE_ACTIONS.get(role, ())
    )
    minimal: list[str] = []
    for path in paths:
        if not minimal or not path.startswith(minimal[-1]):
            minimal.append(path)
    return minimal


def can_in_path(user: Any, action: str, path: str) -> bool:
    """True when ``path`` (a unit's path) lies inside one of the user's subtrees for ``action``."""
    return any(path.startswith(prefix) for prefix in scope_paths(user, action))


def require_action(action: str) -> Any:
    """View decorator: signed-in users holding ``action`` somewhere; others get the 404 page.

    A 404 rather than 403 so that a page's existence tells an unauthorised user nothing.
    """

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if action and not has_action(request.user, action):
                raise Http404("页面不存在")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
