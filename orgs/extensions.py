"""Hooks through which apps above orgs add links to a unit's page (orgs imports none of them).

An app registers, in its ``AppConfig.ready``, a provider ``(user, unit) -> [UnitLink, …]``
that returns only the links the user may follow (e.g. cadres' 班子结构 for a user who may see
the unit's cadres)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UnitLink:
    label: str
    url: str
    icon: str = "link-45deg"


LinkProvider = Callable[[Any, Any], list[UnitLink]]
_providers: list[LinkProvider] = []


def register_unit_links(provider: LinkProvider) -> LinkProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unit_links(user: Any, unit: Any) -> list[UnitLink]:
    """Every registered link for this (already scoped) unit."""
    return [link for provider in _providers for link in provider(user, unit)]
