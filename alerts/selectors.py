"""Reads of the warning system; every list is scoped to what the asking user may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

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
