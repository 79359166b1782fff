"""Hooks through which apps above cadres add to the cadre pages.

Apps depend downward only (DESIGN.md): cadres may not import alerts or development, yet the
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
    return [p for p in (provider(user, cadre) for provider in _panels) if p is not None]
