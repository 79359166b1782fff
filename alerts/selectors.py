"""Reads of the warning system; every list is scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When

from accounts.roles import Action
from alerts.choices import AlertStatus, Subject
from alerts.models import Alert


def visible_alerts(*, user: Any) -> QuerySet[Alert]:
    """Every alert the user may see (active or not)."""
    return Alert.objects.restrict(user, Action.ALERTS_VIEW).select_related("rule")


def active_alert_counts(cadre_ids: Iterable[int]) -> dict[int, int]:
    """Active alerts not dismissed, per cadre: the badges of the roster and team pages.

    The caller has already scoped ``cadre_ids`` (they are the rows it shows)."""
    ids = list(cadre_ids)
    if not ids:
        return {}
    rows = (
        Alert.objects.filter(subject=Subject.CADRE, subject_id__in=ids, is_active=True)
        .exclude(status=AlertStatus.DISMISSED)
        .values("subject_id")
        .annotate(n=Count("id"))
    )
    return {r["subject_id"]: r["n"] for r in rows}


def alerts_of_cadre(*, user: Any, cadre_id: int) -> list[Alert]:
    """The active alerts of one cadre, most urgent first."""
    alerts = list(
        visible_alerts(user=user).filter(subject=Subject.CADRE, subject_id=cadre_id, is_active=True)
    )
    order = {"danger": 0, "warning": 1, "info": 2}
    alerts.sort(key=lambda a: (a.status == AlertStatus.DISMISSED, order.get(a.severity, 9)))
    return alerts


def alerts_of_units(*, user: Any, unit_ids: Iterable[int]) -> list[Alert]:
    """The active unit alerts (quotas, team composition …) of these units."""
    return list(
        visible_alerts(user=user).filter(
            subject=Subject.UNIT, subject_id__in=list(unit_ids), is_active=True
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
    qs = visible_alerts(user=user).select_related("cadre", "unit")
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
    return qs.order_by(SEVERITY_ORDER, "-first_seen_at", "-id")


SEVERITY_ORDER = Case(
    When(severity="danger", then=Value(0)),
    When(severity="warning", then=Value(1)),
    default=Value(2),
)


def severity_counts(qs: QuerySet[Alert]) -> dict[str, int]:
    """How many of each level a list holds (the header's badges)."""
    rows = qs.order_by().values("severity").annotate(n=Count("id"))
    return {r["severity"]: r["n"] for r in rows}
