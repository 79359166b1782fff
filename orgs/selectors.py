"""Unit reads, always through ``restrict(user, action)``: the one way a page or an API
handler finds units (docs/architecture.md, "How a request flows")."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from core.permissions import Action, scope_paths
from orgs.models import PostQuota, Unit, UnitQuerySet


class UnitFilters(TypedDict, total=False):
    q: str
    kind: str
    level: str
    parent: int | None
    include_inactive: bool


def unit_list(
    *, user: Any, filters: UnitFilters | None = None, action: str = Action.ORGS_VIEW
) -> QuerySet[Unit]:
    """Units the user may see, filtered; ``q`` matches name, code or pinyin initials."""
    filters = filters or {}
    # prefetch, not select_related: a JOIN to the parent makes PostgreSQL join every unit in
    # scope before ORDER BY … LIMIT (27k rows at province tier, ~20 ms); the prefetch looks
    # up only the parents of the page's rows (docs/performance.md).
    qs = Unit.objects.restrict(user, action).prefetch_related("parent")
    if not filters.get("include_inactive"):
        qs = qs.filter(is_active=True)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(code__iexact=q)
            | Q(pinyin_initials__startswith=q.lower())
        )
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    if level := filters.get("level"):
        qs = qs.filter(level=level)
    if parent := filters.get("parent"):
        qs = qs.filter(parent_id=parent)
    return qs.order_by("path")


def unit_get(*, user: Any, pk: int, action: str = Action.ORGS_VIEW) -> Unit:
    """One unit in scope, or 404 — the same 404 for missing and forbidden."""
    unit = Unit.objects.restrict(user, action).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404("单位不存在")
    return unit


def units_for(*, user: Any, action: str = Action.ORGS_VIEW) -> QuerySet[Unit]:
    """Every unit inside the user's scope for ``action`` (active or not), for a caller that
    narrows it further: the units one may pick, change or export."""
    return Unit.objects.restrict(user, action)


def units_exportable(*, user: Any, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """``units`` (a list the user sees) narrowed to those the user may also export."""
    # Every unit queryset is a UnitQuerySet (Unit.objects); the stubs type it as QuerySet.
    return cast(UnitQuerySet, units).restrict(user, Action.ORGS_EXPORT)


def unit_by_code(
    *, user: Any, code: str, action: str = Action.ORGS_VIEW, include_inactive: bool = False
) -> Unit | None:
    """The unit with ``code`` inside the user's scope for ``action``, else None (the same
    None for a missing unit and a forbidden one); only an active one unless
    ``include_inactive``. The one way a code typed into a form or a filter finds its unit."""
    qs = Unit.objects.restrict(user, action).filter(code=code)
    return (qs if include_inactive else qs.filter(is_active=True)).first()


def unit_chosen(*, user: Any, code: str, action: str, refusal: str, field: str = "unit") -> Unit:
    """The active unit a form names by code, within ``user``'s scope for ``action``; else a
    ValidationError on the form's ``field`` saying ``refusal`` (the same for a unit that does
    not exist and one outside the scope)."""
    unit = unit_by_code(user=user, code=code.strip(), action=action)
    if unit is None:
        raise ValidationError({field: refusal})
    return unit


def unit_by_code_or_name(*, user: Any, value: str, action: str = Action.ORGS_VIEW) -> Unit | None:
    """The unit a picker's text names (its code or its full name) inside the user's scope,
    an active one before a revoked one, else None."""
    return (
        Unit.objects.restrict(user, action)
        .filter(Q(code=value) | Q(name=value))
        .order_by("-is_active", "path")
        .first()
    )


def unit_default(*, user: Any, action: str) -> Unit | None:
    """The top unit of the user's first subtree for ``action`` (a form's suggested unit)."""
    paths = scope_paths(user, action)
    return Unit.objects.filter(path__in=paths[:1]).first() if paths else None


def unit_roots(*, user: Any, action: str = Action.ORGS_VIEW) -> list[Unit]:
    """The tops of the user's visible subtrees (where the tree page starts)."""
    paths = scope_paths(user, action)
    return list(Unit.objects.filter(path__in=paths).order_by("order", "path"))


def unit_children(*, user: Any, parent: Unit, include_inactive: bool = False) -> list[Unit]:
    """Direct children of a visible unit, each annotated with its child count."""
    qs = Unit.objects.restrict(user, Action.ORGS_VIEW).filter(parent=parent)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(
        # Siblings by their 排序号, then in pinyin order (what a clerk expects of Chinese names).
        qs.annotate(child_count=Count("children", filter=Q(children__is_active=True))).order_by(
            "order", "pinyin_initials", "name"
        )
    )


def unit_ancestors(*, user: Any, unit: Unit) -> list[Unit]:
    """Visible ancestors of ``unit`` from the top down (for breadcrumbs)."""
    segments = unit.path.split("/")[:-2]  # "a/b/c/" → ancestors "a/", "a/b/"
    prefixes = ["/".join(segments[: i + 1]) + "/" for i in range(len(segments))]
    return list(
        Unit.objects.restrict(user, Action.ORGS_VIEW).filter(path__in=prefixes).order_by("depth")
    )


def quota_list(*, user: Any, unit: Unit) -> QuerySet[PostQuota]:
    return (
        PostQuota.objects.restrict(user, Action.ORGS_VIEW)
        .filter(unit=unit)
        .order_by("rank_level", "title")
    )


def unit_kind_counts(*, user: Any) -> list[dict[str, Any]]:
    """Active units in scope grouped by kind (dashboard)."""
    return [
        dict(row)
        for row in Unit.objects.restrict(user, Action.ORGS_VIEW)
        .filter(is_active=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]


def quota_total(*, user: Any) -> int:
    total = PostQuota.objects.restrict(user, Action.ORGS_VIEW).aggregate(s=Sum("quota"))["s"]
    return int(total or 0)
