"""What 干部监督 adds to the cadre page (registered in SupervisionConfig.ready): the counts of
the cadre's 正面清单 / 负面清单 and, for a clerk, the one form that records a new entry."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from accounts.roles import Action
from accounts.scoping import can_in_path
from cadres.extensions import Panel
from supervision.choices import Polarity
from supervision.models import ConductEntry, Indicator

INDICATORS_CACHE_SECONDS = 60  # catalogue data: a renamed indicator shows within a minute


def _indicators() -> list[tuple[int, str]]:
    """The active indicators for the panel's form, remembered briefly (every cadre page)."""
    found = cache.get("supervision:indicators")
    if found is None:
        found = list(Indicator.objects.filter(is_active=True).values_list("pk", "name"))
        cache.set("supervision:indicators", found, INDICATORS_CACHE_SECONDS)
    return list(found)


def conduct_panel(user: Any, cadre: Any) -> Panel | None:
    if not can_in_path(user, Action.SUPERVISION_VIEW, cadre.unit_path):
        return None
    counts = ConductEntry.objects.filter(cadre_id=cadre.pk).aggregate(
        positive=Count("id", filter=Q(polarity=Polarity.POSITIVE)),
        negative=Count("id", filter=Q(polarity=Polarity.NEGATIVE)),
    )
    can_change = can_in_path(user, Action.SUPERVISION_CHANGE, cadre.unit_path)
    return Panel(
        template="supervision/_cadre_panel.html",
        context={
            "counts": counts,
            "indicators": _indicators() if can_change else None,
            "polarities": Polarity.choices,
        },
    )
