"""/api/v1/pools: the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja resolves Query[...] of a paginated
# view from real annotations only (see orgs/api.py).

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from accounts.roles import Action
from cadres.models import Cadre
from development import selectors, services
from development.choices import EntryStatus, PoolKind
from development.models import Pool, PoolEntry
from development.services import NOTE_MAX, REASON_MAX

router = Router(tags=["干部库"])


class PoolOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    description: str
    unit_id: int
    unit_name: str
    criteria: dict[str, Any]
    criteria_text: list[str]
    is_active: bool
    member_count: int
    version: int

    @staticmethod
    def resolve_unit_name(obj: Pool) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_criteria_text(obj: Pool) -> list[str]:
        return obj.get_criteria().describe()


class PoolFilterIn(Schema):
    q: str = ""
    kind: PoolKind | None = None
    include_inactive: bool = False


class EvidenceOut(Schema):
    id: int
    tag: str
    tag_label: str = Field(alias="get_tag_display")
    text: str
    date: dt.date | None
    source: str


class EntryOut(Schema):
    id: int
    pool_id: int
    cadre_id: int
    cadre_name: str
    status: str
    entered_at: dt.datetime
    reason: str
    note: str
    exited_at: dt.datetime | None
    exit_reason: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_cadre_name(obj: PoolEntry) -> str:
        return obj.cadre.name

    @staticmethod
    def resolve_evidence(obj: PoolEntry) -> list[Any]:
        return list(obj.evidence.all())


class MembersIn(Schema):
    status: EntryStatus = EntryStatus.IN


class CandidateOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    age: int
    unit_id: int
    unit_name: str
    current_title: str
    rank_level: str
    education_level: str
    expertise: str
    reasons: list[str]


class CandidatesIn(Schema):
    page: int = Field(1, ge=1)
    size: int = Field(selectors.CANDIDATE_PAGE_SIZE, ge=1, le=100)


class CandidatePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[CandidateOut]


class EntryIn(Schema):
    cadre_id: int
    reason: str = Field(max_length=REASON_MAX)
    note: str = Field("", max_length=NOTE_MAX)


class ExitIn(Schema):
    reason: str = Field(max_length=REASON_MAX)


@router.get("/pools", response=list[PoolOut], summary="干部库列表（按授权范围）")
@paginate(PageNumberPagination, page_size=50)
def pool_list(request: HttpRequest, filters: Query[PoolFilterIn]) -> Any:
    return selectors.pool_list(user=request.user, filters=filters.dict())  # type: ignore[arg-type]


@router.get("/pools/{int:pool_id}/members", response=list[EntryOut], summary="在库或已出库人员")
@paginate(PageNumberPagination, page_size=50)
def pool_members(request: HttpRequest, pool_id: int, filters: Query[MembersIn]) -> Any:
    pool = selectors.pool_get(user=request.user, pk=pool_id)
    return selectors.pool_members(user=request.user, pool=pool, status=filters.status)


@router.get(
    "/pools/{int:pool_id}/candidates", response=CandidatePageOut, summary="推荐人选（含符合的条件）"
)
def pool_candidates(
    request: HttpRequest, pool_id: int, params: Query[CandidatesIn]
) -> dict[str, Any]:
    pool = selectors.pool_get(user=request.user, pk=pool_id)
    result = selectors.pool_candidates(
        user=request.user,
        pool=pool,
        today=timezone.localdate(),
        page=params.page,
        size=params.size,
    )
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "items": list(result.object_list),
    }


@router.post("/pools/{int:pool_id}/entries", response={201: EntryOut}, summary="入库")
def pool_entry_add(request: HttpRequest, pool_id: int, payload: EntryIn) -> Status[PoolEntry]:
    pool = selectors.pool_get(user=request.user, pk=pool_id, action=Action.POOLS_CHANGE)
    cadre = (
        Cadre.objects.restrict(request.user, Action.POOLS_CHANGE)
        .filter(pk=payload.cadre_id)
        .first()
    )
    if cadre is None:
        raise Http404("干部不存在")
    entry = services.pool_entry_add(
        acting_user=request.user,
        pool=pool,
        cadre=cadre,
        reason=payload.reason,
        note=payload.note,
    )
    return Status(201, entry)


@router.post("/pools/{int:pool_id}/entries/{int:entry_id}/exit", response=EntryOut, summary="出库")
def pool_entry_exit(
    request: HttpRequest, pool_id: int, entry_id: int, payload: ExitIn
) -> PoolEntry:
    entry = selectors.entry_get(user=request.user, pk=entry_id, action=Action.POOLS_CHANGE)
    if entry.pool_id != pool_id:
        raise Http404("入库记录不存在")
    return services.pool_entry_exit(acting_user=request.user, entry=entry, reason=payload.reason)
