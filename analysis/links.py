"""The unit page's links to its team pages, registered with orgs.extensions."""

from __future__ import annotations

from typing import Any


def team_links(user: Any, unit: Any) -> list[Any]:
    """The unit page's links to its 班子结构 and 结构分析 (for users who may see its cadres)."""
    from django.urls import reverse

    from core.permissions import Action, can_in_path
    from orgs.extensions import UnitLink

    if not can_in_path(user, Action.CADRES_VIEW, unit.path):
        return []
    return [
        UnitLink("班子结构", reverse("analysis:team", args=[unit.pk]), "people"),
        UnitLink("结构分析", reverse("analysis:structure", args=[unit.pk]), "bar-chart"),
    ]
