"""What 干部监督 adds to the cadre page (registered in SupervisionConfig.ready): the counts of
the cadre's 正面清单 / 负面清单 and, for a clerk, the one form that records a new entry."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q

from cadres.extensions import Panel
from core.permissions import Action, can_in_path
from supervision.choices import Polarity
from supervision.models import BehaviourTrait, ConductEntry, Indicator

INDICATORS_CACHE_KEY = "supervision:indicators:traits"
# Catalogue data read on every cadre page; the catalogue services clear it on each change, the
# expiry only bounds what another process (with its own local cache) may still show.
INDICATORS_CACHE_SECONDS = 60


def _indicators() -> list[tuple[int, str, list[tuple[int, str]]]]:
    """The active indicators with their behaviour traits, for the panel's form, remembered
    briefly (every cadre page)."""
    found = cache.get(INDICATORS_CACHE_KEY)
    if found is None:
        indicators = list(Indicator.objects.filter(is_active=True).values_list("pk", "name"))
        traits: dict[int, list[tuple[int, str]]] = {pk: [] for pk, _name in indicators}
        for pk, indicator_id, text in (
            BehaviourTrait.objects.filter(indicator_id__in=traits)
            .order_by("indicator_id", "order", "id")
            .values_list("pk", "indicator_id", "text")
        ):
            traits[indicator_id].append((pk, text))
        found = [(pk, name, traits[pk]) for pk, name in indicators]
        cache.set(INDICATORS_CACHE_KEY, found, INDICATORS_CACHE_SECONDS)
    return list(found)


def forget_indicators() -> None:
    """Drop the cached indicator list, so a catalogue change shows on the next cadre page."""
    cache.delete(INDICATORS_CACHE_KEY)


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
