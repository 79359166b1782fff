"""Cadre reads, always through ``restrict(user, action)``."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cadres.models import Cadre, IdConflictStatus, IdNumberConflict, Position
from core.permissions import Action
from orgs.models import Unit


def name_match(q: str, prefix: str = "") -> Q:
    """A cadre whose name contains ``q``, or whose pinyin initials start with it (``zs``);
    ``prefix`` reaches the cadre through a relation (``"cadre__"``)."""
    q = q.strip()
    if q.isascii() and q.isalpha():
        return Q(**{f"{prefix}name_initials__startswith": q.lower()})
    return Q(**{f"{prefix}name__contains": q})


def cadre_get(*, user: Any, pk: int, action: str = Action.CADRES_VIEW) -> Cadre:
    """One cadre in scope, or 404 — the same 404 for missing and forbidden."""
    cadre = Cadre.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    if cadre is None:
        raise Http404("干部不存在")
    return cadre


def cadres_for(
    *, user: Any, action: str = Action.CADRES_VIEW, under: Unit | None = None
) -> QuerySet[Cadre]:
    """Every cadre inside the user's scope for ``action`` (any status), for a caller that
    narrows it further: the cadres one may add to a pool, a programme or a case; ``under``
    keeps only those of that unit's subtree."""
    qs = Cadre.objects.restrict(user, action)
    return qs.filter(unit_path__startswith=under.path) if under is not None else qs


def cadre_full(*, user: Any, pk: int, action: str = Action.CADRES_VIEW) -> Cadre:
    """A cadre with every child record prefetched: a fixed number of queries, any record size."""
    qs = (
        Cadre.objects.restrict(user, action)
        .select_related("unit", "photo")
        .defer("photo__data")
        .prefetch_related(
            "educations",
            Prefetch("positions", queryset=Position.objects.select_related("unit")),
            "assessments",
            "records",
            "family",
        )
    )
    cadre = qs.filter(pk=pk).first()
    if cadre is None:
        raise Http404("干部不存在")
    return cadre


def cadres_for_forms(*, user: Any, pks: list[int], action: str = Action.CADRES_VIEW) -> list[Cadre]:
    """Cadres in the given order, with what the 任免审批表 and LRMX need prefetched."""
    qs = (
        Cadre.objects.restrict(user, action)
        .filter(pk__in=pks)
        .select_related("unit", "photo")
        .prefetch_related("educations", "positions", "assessments", "records", "family")
    )
    by_pk = {c.pk: c for c in qs}
    return [by_pk[pk] for pk in pks if pk in by_pk]


def cadre_search(*, user: Any, q: str, limit: int = 10) -> QuerySet[Cadre]:
    """The top search: name, pinyin initials (``zwd``) or a full ID number."""
    from cadres.roster import roster_queryset

    return roster_queryset(user=user, filters={"q": q, "status": "all"}).order_by(
        "name_initials", "id"
    )[:limit]


def unit_options(*, user: Any, q: str, action: str = Action.CADRES_CHANGE) -> QuerySet[Unit]:
    """Units for a picker, within the user's scope for ``action``."""
    from orgs.selectors import unit_list

    q = q.strip()
    if not q:
        return Unit.objects.none()
    return unit_list(user=user, filters={"q": q}, action=action)[:20]


def id_conflicts_to_handle(*, user: Any) -> QuerySet[IdNumberConflict]:
    """Open 身份证号核实 whose holder the user may change (the people who can decide)."""
    return (
        IdNumberConflict.objects.restrict(user, Action.CADRES_CHANGE)
        .filter(status=IdConflictStatus.OPEN)
        .select_related("holder__unit", "unit", "requested_by")
    )


def id_conflicts_answered(*, user: Any) -> QuerySet[IdNumberConflict]:
    """The user's own requests once decided (an open or withdrawn one is never shown to its
    entrant: to them the record was simply created)."""
    return (
        IdNumberConflict.objects.filter(
            requested_by=user,
            status__in=[IdConflictStatus.TRANSFERRED, IdConflictStatus.REJECTED],
        )
        .select_related("unit", "handled_by")
        .order_by("-handled_at", "-id")
    )


def id_conflict_get(*, user: Any, pk: int) -> IdNumberConflict:
    found = id_conflicts_to_handle(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404("核实申请不存在或无权查看")
    return found


def id_conflict_notes(*, user: Any, cadre: Cadre) -> dict[str, Any]:
    """What the cadre page says about 核实: open ones to those who may decide them (a query
    only for a record 待核实); a rejection is on the record itself (``id_check_note``)."""
    notes: dict[str, Any] = {"open": [], "rejected": cadre.id_check_note}
    if cadre.id_pending:
        notes["open"] = list(id_conflicts_to_handle(user=user).filter(cadre=cadre))
    return notes
