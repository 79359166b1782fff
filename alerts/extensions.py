"""What the alerts app adds to the cadre pages (registered in AlertsConfig.ready)."""

from __future__ import annotations

from typing import Any

from alerts.selectors import active_alert_counts, alerts_of_cadre, alerts_of_units
from cadres.extensions import Badge, Panel, UnitNote
from core.permissions import Action, has_action


def alert_badges(user: Any, cadre_ids: list[int]) -> dict[int, list[Badge]]:
    if not has_action(user, Action.ALERTS_VIEW):
        return {}
    return {
        cadre_id: [Badge(label=f"预警 {n}", css="text-bg-danger", title=f"{n} 条预警未排除")]
        for cadre_id, n in active_alert_counts(cadre_ids).items()
    }


def alert_panel(user: Any, cadre: Any) -> Panel | None:
    if not has_action(user, Action.ALERTS_VIEW):
        return None
    return Panel(
        order=10,
        template="alerts/_cadre_panel.html",
        context={
            "alerts": alerts_of_cadre(user=user, cadre_id=cadre.pk),
            "can_handle": has_action(user, Action.ALERTS_HANDLE),
        },
    )


def alert_counts(user: Any, cadre_ids: list[int]) -> dict[int, int]:
    if not has_action(user, Action.ALERTS_VIEW):
        return {}
    return active_alert_counts(cadre_ids)


def alert_unit_notes(user: Any, unit_ids: list[int]) -> list[UnitNote]:
    if not has_action(user, Action.ALERTS_VIEW):
        return []
    return [
        UnitNote(severity=a.severity, title=a.rule.name, message=a.message)
        for a in sorted(alerts_of_units(user=user, unit_ids=unit_ids), key=lambda a: (a.rank, a.pk))
    ]
