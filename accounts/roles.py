"""What each role may do: the permission matrix, as data (docs/architecture.md, "Services and
selectors").

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
