"""Reading a user's grants from the database; ``core.permissions`` asks this for them (the
checks themselves live there, so every layer can use them)."""

from __future__ import annotations

from typing import Any

from accounts.models import RoleGrant

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
