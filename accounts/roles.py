"""What each role may do: the permission matrix, as data (STYLE.md §7).

Actions are ``<domain>.<verb>`` strings. Business roles are granted on a unit subtree and
their actions are checked with ``Model.objects.restrict(user, action)``; the 三员 roles are
unscoped and hold only their own administrative action — none of them reads personnel data.
"""

from __future__ import annotations

from accounts.choices import Role


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
    GRASSROOTS_VIEW = "grassroots.view"
    GRASSROOTS_CHANGE = "grassroots.change"
    TALENT_VIEW = "talent.view"
    TALENT_CHANGE = "talent.change"
    USERS_MANAGE = "accounts.manage_users"
    GRANTS_MANAGE = "accounts.manage_grants"
    AUDIT_VIEW = "audit.view"


A = Action
_READ_ALL = {A.DASHBOARD_VIEW, A.ORGS_VIEW, A.CADRES_VIEW, A.GRASSROOTS_VIEW, A.TALENT_VIEW}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset({A.USERS_MANAGE}),
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
            A.GRASSROOTS_VIEW,
            A.GRASSROOTS_CHANGE,
            A.TALENT_VIEW,
        }
    ),
    Role.LEADER: frozenset(_READ_ALL),
}

UNSCOPED_ACTIONS = frozenset({A.USERS_MANAGE, A.GRANTS_MANAGE, A.AUDIT_VIEW})
