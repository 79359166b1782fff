"""Who may do what: the roles, the actions and the permission matrix as data, and the checks
every app uses (docs/architecture.md, "Layers").

Actions are ``<domain>.<verb>`` strings. Business roles are granted on a unit subtree and
their actions are checked in one way (docs/architecture.md, "How a request flows"): reads
start from ``Model.objects.restrict(user, action)`` inside a selector, writes call
``require(user, action, obj)``; the 三员 roles are unscoped and hold only their own
administrative action — none of them reads personnel data.

The grants themselves are rows of ``accounts`` (above ``core``): ``accounts`` registers the
function that reads a user's grants (``register_grant_source``) when it is ready, and the
checks here ask it. So every layer can check a permission without importing ``accounts``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"
    CADRE_CLERK = "cadre_clerk", "干部科"
    ORG_CLERK = "org_clerk", "组织科"
    TALENT_CLERK = "talent_clerk", "人才办"
    LIAISON = "liaison", "单位联络员"
    LEADER = "leader", "领导（只读）"


# 三员 (等保 separation of duties): unscoped, mutually exclusive, no personnel data.
THREE_ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


class Action:
    """Action names used by pages, API and exports."""

    DASHBOARD_VIEW = "dashboard.view"
    ORGS_VIEW = "orgs.view"
    ORGS_CHANGE = "orgs.change"
    ORGS_EXPORT = "orgs.export"
    CADRES_VIEW = "cadres.view"
    CADRES_CHANGE = "cadres.change"
    CADRES_EXPORT = "cadres.export"
    CADRES_REVEAL_ID = "cadres.reveal_id"
    ALERTS_VIEW = "alerts.view"
    ALERTS_HANDLE = "alerts.handle"
    ALERT_RULES_MANAGE = "alerts.manage_rules"
    POOLS_VIEW = "pools.view"
    POOLS_CHANGE = "pools.change"
    SELECTION_VIEW = "selection.view"
    SELECTION_CHANGE = "selection.change"
    SUPERVISION_VIEW = "supervision.view"
    SUPERVISION_CHANGE = "supervision.change"
    SUPERVISION_CATALOGUE = "supervision.manage_catalogue"
    PROGRAMMES_VIEW = "programmes.view"
    PROGRAMMES_CHANGE = "programmes.change"
    GRASSROOTS_VIEW = "grassroots.view"
    GRASSROOTS_CHANGE = "grassroots.change"
    TALENT_VIEW = "talent.view"
    TALENT_CHANGE = "talent.change"
    USERS_MANAGE = "accounts.manage_users"
    GRANTS_MANAGE = "accounts.manage_grants"
    AUDIT_VIEW = "audit.view"


A = Action
_READ_ALL = {
    A.DASHBOARD_VIEW,
    A.ORGS_VIEW,
    A.CADRES_VIEW,
    A.ALERTS_VIEW,
    A.POOLS_VIEW,
    A.SELECTION_VIEW,
    A.SUPERVISION_VIEW,
    A.PROGRAMMES_VIEW,
    A.GRASSROOTS_VIEW,
    A.TALENT_VIEW,
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # Rule thresholds and the 政治素质指标 catalogue are system configuration, not personnel
    # data: the 系统管理员 keeps them.
    Role.SYSADMIN: frozenset({A.USERS_MANAGE, A.ALERT_RULES_MANAGE, A.SUPERVISION_CATALOGUE}),
    Role.SECADMIN: frozenset({A.GRANTS_MANAGE}),
    Role.AUDITOR: frozenset({A.AUDIT_VIEW}),
    Role.CADRE_CLERK: frozenset(
        {
            A.DASHBOARD_VIEW,
            A.ORGS_VIEW,
            A.ORGS_CHANGE,
            A.ORGS_EXPORT,
            A.CADRES_VIEW,
            A.CADRES_CHANGE,
            A.CADRES_EXPORT,
            A.CADRES_REVEAL_ID,
            A.ALERTS_VIEW,
            A.ALERTS_HANDLE,
            A.POOLS_VIEW,
            A.POOLS_CHANGE,
            A.SELECTION_VIEW,
            A.SELECTION_CHANGE,
            A.SUPERVISION_VIEW,
            A.SUPERVISION_CHANGE,
            A.PROGRAMMES_VIEW,
            A.PROGRAMMES_CHANGE,
        }
    ),
    Role.ORG_CLERK: frozenset(
        {
            A.DASHBOARD_VIEW,
            A.ORGS_VIEW,
            A.ORGS_CHANGE,
            A.ORGS_EXPORT,
            A.GRASSROOTS_VIEW,
            A.GRASSROOTS_CHANGE,
        }
    ),
    Role.TALENT_CLERK: frozenset(
        {A.DASHBOARD_VIEW, A.ORGS_VIEW, A.ORGS_EXPORT, A.TALENT_VIEW, A.TALENT_CHANGE}
    ),
    Role.LIAISON: frozenset(
        {
            A.DASHBOARD_VIEW,
            A.ORGS_VIEW,
            A.CADRES_VIEW,
            A.ALERTS_VIEW,
            A.GRASSROOTS_VIEW,
            A.GRASSROOTS_CHANGE,
            A.TALENT_VIEW,
        }
    ),
    Role.LEADER: frozenset(_READ_ALL),
}

UNSCOPED_ACTIONS = frozenset(
    {A.USERS_MANAGE, A.GRANTS_MANAGE, A.AUDIT_VIEW, A.ALERT_RULES_MANAGE, A.SUPERVISION_CATALOGUE}
)


# ---------------------------------------------------------------- the checks

GrantSource = Callable[[Any], list[tuple[str, str]]]
_grant_source: GrantSource | None = None


def register_grant_source(source: GrantSource) -> None:
    """Called by ``accounts`` when it is ready: ``source(user)`` gives ``(role, unit path)``
    pairs of an active user (empty for anyone else)."""
    global _grant_source
    _grant_source = source


def grants_of(user: Any) -> list[tuple[str, str]]:
    if _grant_source is None:
        raise RuntimeError("accounts has not registered its grant source (INSTALLED_APPS)")
    return _grant_source(user)


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


def scope_path_of(obj: Any) -> str:
    """The unit path of a scoped object: its model's ``scope_path_field`` (the field
    ``restrict`` filters on, e.g. ``unit__path``) followed attribute by attribute."""
    path_field = getattr(type(obj), "scope_path_field", None)
    if path_field is None:
        raise TypeError(f"{type(obj).__name__} has no scope_path_field; it cannot be scoped")
    value = obj
    for name in path_field.split("__"):
        value = getattr(value, name)
    return str(value)


def can(user: Any, action: str, obj: Any) -> bool:
    """True when ``obj`` lies inside one of the user's subtrees for ``action``."""
    return can_in_path(user, action, scope_path_of(obj))


def require(
    user: Any,
    action: str,
    obj: Any,
    *,
    message: str = "",
    error: type[Exception] = PermissionDenied,
) -> None:
    """The scope check of every write: raise ``error`` unless ``obj`` is in the user's scope
    for ``action``.

    The message reads like a missing object ("干部不存在或无权操作", from the model's
    ``verbose_name``), so a refusal tells nothing about what exists outside the scope.
    """
    if not can(user, action, obj):
        raise error(message or f"{obj._meta.verbose_name}不存在或无权操作")


def require_action(action: str) -> Any:
    """View decorator: signed-in users holding ``action`` somewhere; others get the 404 page.

    A 404 rather than 403 so that a page's existence tells an unauthorised user nothing.
    """

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not request.user.is_authenticated:
                # Imported here: auth's views load its forms, which need the user model.
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if action and not has_action(request.user, action):
                raise Http404("页面不存在")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
