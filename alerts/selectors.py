"""Reads of the warning system; every list is scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from alerts.choices import AlertStatus, Severity, Subject
from alerts.models import Alert
from core.permissions import Action, scope_paths


def visible_alerts(*, user: Any) -> QuerySet[Alert]:
    """Every alert the user may see (active or not)."""
    return Alert.objects.restrict(user, Action.ALERTS_VIEW).select_related("rule")


def compute_paths(*, user: Any) -> list[str]:
    """The tops of the subtrees where the user may recompute alerts (``alerts.handle``)."""
    return scope_paths(user, Action.ALERTS_HANDLE)


def active_alert_counts(cadre_ids: Iterable[int]) -> dict[int, int]:
    """Active alerts not dismissed, per cadre: the badges of the roster and team pages.

    The caller has already scoped ``cadre_ids`` (they are the rows it shows)."""
    ids = list(cadre_ids)
    if not ids:
        return {}
    rows = (
        # By cadre_id (indexed with is_active), not subject_id: 50 lookups, not a table scan.
        Alert.objects.filter(cadre_id__in=ids, is_active=True)
        .exclude(status=AlertStatus.DISMISSED)
        .values("cadre_id")
        .annotate(n=Count("id"))
    )
    return {r["cadre_id"]: r["n"] for r in rows}


def alerts_of_cadre(*, user: Any, cadre_id: int) -> list[Alert]:
    """The active alerts of one cadre, most urgent first."""
    alerts = list(visible_alerts(user=user).filter(cadre_id=cadre_id, is_active=True))
    alerts.sort(key=lambda a: (a.status == AlertStatus.DISMISSED, a.rank))
    return alerts


def alerts_of_units(*, user: Any, unit_ids: Iterable[int]) -> list[Alert]:
    """The active unit alerts (quotas, team composition …) of these units."""
    return list(
        visible_alerts(user=user).filter(
            subject=Subject.UNIT, unit_id__in=list(unit_ids), is_active=True
        )
    )


def alert_list(
    *,
    user: Any,
    q: str = "",
    rule: Any = None,
    unit: Any = None,
    severity: str = "",
    status: str = "pending",
    since: Any = None,
    include_resolved: bool = False,
) -> QuerySet[Alert]:
    """The alert centre's list: scoped, filtered, most urgent and newest first."""
    qs = visible_alerts(user=user).select_related("cadre__unit", "unit")
    if not include_resolved:
        qs = qs.filter(is_active=True)
    if rule is not None:
        qs = qs.filter(rule=rule)
    if unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    if severity:
        qs = qs.filter(severity=severity)
    if status == "pending":
        qs = qs.exclude(status=AlertStatus.DISMISSED)
    elif status in AlertStatus.values:
        qs = qs.filter(status=status)
    if since is not None:
        qs = qs.filter(first_seen_at__gt=since)
    if q:
        qs = qs.filter(Q(cadre__name__contains=q) | Q(unit__name__contains=q))
    return qs.order_by("rank", "-first_seen_at", "-id")


def list_counts(qs: QuerySet[Alert], *, since: Any = None) -> dict[str, int]:
    """In one pass over a list: how many of each level, and how many are new since ``since``
    (the header's badges, the pager's total and the "此后新增" figure)."""
    aggregates: dict[str, Any] = {
        level: Count("id", filter=Q(severity=level)) for level in Severity.values
    }
    if since is not None:
        aggregates["new"] = Count("id", filter=Q(first_seen_at__gt=since))
    counts = {k: int(v or 0) for k, v in qs.order_by().aggregate(**aggregates).items()}
    counts.setdefault("new", 0)
    return counts
