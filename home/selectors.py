"""Key figures for the dashboard, per role, always within the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import RoleGrant, User
from analysis.team import AGE_FIGURES, add_rows, figures_from, people_aggregates, remembered
from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres.choices import CadreStatus
from cadres.models import Cadre
from cadres.roster import CodeNames
from core.choices import CodeTable
from core.permissions import Action, Role, has_action, scope_paths
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.selectors import quota_total, unit_kind_counts


def business_figures(*, user: Any) -> dict[str, Any]:
    """Counts of the user's scope: units by kind and level, approved leadership posts."""
    kinds = unit_kind_counts(user=user)
    kind_labels = dict(UnitKind.choices)
    levels = (
        Unit.objects.restrict(user, Action.ORGS_VIEW)
        .filter(is_active=True)
        .values("level")
        .annotate(n=Count("id"))
        .order_by("level")
    )
    level_labels = dict(UnitLevel.choices)
    by_kind = [{"name": kind_labels.get(r["kind"], r["kind"]), "value": r["n"]} for r in kinds]
    return {
        "unit_total": sum(r["n"] for r in kinds),
        "township_total": sum(
            r["n"] for r in kinds if r["kind"] in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
        ),
        "village_total": sum(
            r["n"] for r in kinds if r["kind"] in (UnitKind.VILLAGE, UnitKind.COMMUNITY)
        ),
        "quota_total": quota_total(user=user),
        "by_kind": by_kind,
        "by_level": [
            {"name": level_labels.get(r["level"], r["level"]), "value": r["n"]} for r in levels
        ],
    }


def admin_figures(*, user: Any) -> dict[str, Any]:
    """Figures for the 三员: accounts, grants, audit activity (no personnel data)."""
    figures: dict[str, Any] = {}
    now = timezone.now()
    if has_action(user, Action.USERS_MANAGE):
        figures["users"] = User.objects.aggregate(
            total=Count("id"),
            active=Count("id", filter=Q(is_active=True)),
            locked=Count("id", filter=Q(locked_until__gt=now)),
            must_change=Count("id", filter=Q(must_change_password=True)),
        )
    if has_action(user, Action.GRANTS_MANAGE):
        labels = dict(Role.choices)
        figures["grants"] = [
            {"name": labels.get(r["role"], r["role"]), "value": r["n"]}
            for r in RoleGrant.objects.values("role").annotate(n=Count("id")).order_by("role")
        ]
    if has_action(user, Action.AUDIT_VIEW):
        since = now - dt.timedelta(days=1)
        figures["audit"] = AuditEvent.objects.filter(occurred_at__gte=since).aggregate(
            total=Count("id"),
            failed=Count("id", filter=Q(action=AuditAction.LOGIN_FAILED)),
            locked=Count("id", filter=Q(action=AuditAction.LOCKED)),
            sensitive=Count("id", filter=Q(sensitive=True)),
        )
    return figures


def cadre_figures(*, user: Any) -> dict[str, Any]:
    """Key figures of the active cadres in the user's cadre scope: one GROUP BY 领导职务层次
    with conditional counts (analysis.team.people_aggregates), remembered per data state.

    ``scope_units``: the tops of the user's subtrees, for the links to 结构分析."""
    today = timezone.localdate()
    paths = tuple(scope_paths(user, Action.CADRES_VIEW))

    def by_rank_level() -> list[dict[str, Any]]:
        return [
            dict(row)
            for row in Cadre.objects.restrict(user, Action.CADRES_VIEW)
            .filter(status=CadreStatus.ACTIVE)
            .values("rank_level")
            .annotate(**people_aggregates(today, only=AGE_FIGURES))
            .order_by("rank_level")
        ]

    rows = remembered(("dashboard-cadres", paths, today), by_rank_level)
    figures = figures_from(add_rows(rows), today, expertise=[])
    names = CodeNames()
    leading = [r for r in rows if r["rank_level"]]
    return {
        "total": figures["count"],
        "average_age": figures["average_age"],
        "women": figures["women"],
        "women_percent": figures["women_percent"],
        "under_40": figures["under_40"],
        "under_40_percent": figures["under_40_percent"],
        "with_rank_level": sum(int(r["count"]) for r in leading),
        "by_rank_level": [
            {
                "name": names(CodeTable.RANK_LEVEL, r["rank_level"]) or r["rank_level"],
                "value": r["count"],
            }
            for r in leading
        ],
        "age_bands": figures["age_bands"],
        "scope_units": list(
            Unit.objects.filter(path__in=paths).order_by("path").only("id", "name")
        ),
    }


def alert_figures(*, user: Any) -> dict[str, Any]:
    """The user's open alerts by level and those new since their last visit to the centre
    (read only: looking at the dashboard does not move the "last visit")."""
    from alerts.choices import Severity
    from alerts.models import AlertVisit
    from alerts.selectors import alert_list, list_counts

    visit = AlertVisit.objects.filter(user=user).values_list("seen_at", flat=True).first()
    counts = list_counts(alert_list(user=user), since=visit)
    return {
        "levels": [(s.value, s.label, counts[s.value]) for s in Severity],
        "total": sum(counts[s.value] for s in Severity),
        "new": counts["new"] if visit else None,
    }
