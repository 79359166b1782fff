"""Hooks through which apps above cadres add to the cadre pages.

Apps depend downward only (docs/architecture.md, "Layers"): cadres may not import alerts or
development, yet the
roster and the cadre page should show their badges and panels. Those apps register a
provider here in their ``AppConfig.ready``; cadres calls whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Badge:
    """A small label next to a cadre's name (e.g. "预警 2")."""

    label: str
    css: str = "text-bg-danger"
    title: str = ""


@dataclass(frozen=True)
class Panel:
    """A block on the cadre page's header area, rendered from ``template`` with ``context``."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100  # lower first: warnings before records


BadgeProvider = Callable[[Any, list[int]], dict[int, list[Badge]]]
PanelProvider = Callable[[Any, Any], Panel | None]

_badges: list[BadgeProvider] = []
_panels: list[PanelProvider] = []


def register_badges(provider: BadgeProvider) -> BadgeProvider:
    if provider not in _badges:
        _badges.append(provider)
    return provider


def register_panel(provider: PanelProvider) -> PanelProvider:
    if provider not in _panels:
        _panels.append(provider)
    return provider


def badges_for(user: Any, cadre_ids: Iterable[int]) -> dict[int, list[Badge]]:
    """Every registered badge of these (already scoped) cadres, one query per provider."""
    ids = list(cadre_ids)
    out: dict[int, list[Badge]] = {}
    if not ids:
        return out
    for provider in _badges:
        for cadre_id, badges in provider(user, ids).items():
            out.setdefault(cadre_id, []).extend(badges)
    return out


def panels_for(user: Any, cadre: Any) -> list[Panel]:
    """The registered panels of one (already scoped) cadre's page."""
    panels = [p for p in (provider(user, cadre) for provider in _panels) if p is not None]
    return sorted(panels, key=lambda p: p.order)


@dataclass(frozen=True)
class UnitNote:
    """A finding about a unit shown on its team page (e.g. an over-quota warning)."""

    severity: str  # "danger", "warning" or "info"
    title: str
    message: str


FlagCounter = Callable[[Any, list[int]], dict[int, int]]
UnitNoteProvider = Callable[[Any, list[int]], list[UnitNote]]

_flag_counters: list[FlagCounter] = []
_unit_notes: list[UnitNoteProvider] = []


def register_flag_counter(provider: FlagCounter) -> FlagCounter:
    if provider not in _flag_counters:
        _flag_counters.append(provider)
    return provider


def register_unit_notes(provider: UnitNoteProvider) -> UnitNoteProvider:
    if provider not in _unit_notes:
        _unit_notes.append(provider)
    return provider


def flag_counts(user: Any, cadre_ids: Iterable[int]) -> dict[int, int]:
    """How many open flags (alerts) each of these (already scoped) cadres has."""
    ids = list(cadre_ids)
    out: dict[int, int] = {}
    if not ids:
        return out
    for provider in _flag_counters:
        for cadre_id, n in provider(user, ids).items():
            out[cadre_id] = out.get(cadre_id, 0) + n
    return out


def unit_notes(user: Any, unit_ids: Iterable[int]) -> list[UnitNote]:
    """Every registered note about these (already scoped) units, most urgent first."""
    ids = list(unit_ids)
    notes = [n for provider in _unit_notes for n in provider(user, ids)]
    order = {"danger": 0, "warning": 1}
    return sorted(notes, key=lambda n: order.get(n.severity, 2))
