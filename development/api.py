"""/api/v1/pools and /api/v1/programmes: the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja resolves Query[...] of a paginated
# view from real annotations only (see orgs/api.py).

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cadres.selectors import cadre_get
from core.pagination import MAX_PAGE, Pagination
from core.permissions import Action
from development import selectors, services
from development.choices import (
    AssignmentStatus,
    EntryStatus,
    EvaluationGrade,
    EvaluationStage,
    PoolKind,
    ProgrammeKind,
)
from development.models import Assignment, Pool, PoolEntry, Programme
from development.services import (
    EVALUATION_MAX,
    HOST_MAX,
    MENTOR_MAX,
    NAME_MAX,
    NOTE_MAX,
    POST_MAX,
    REASON_MAX,
)
from orgs.selectors import units_for

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
    page: int = Field(1, ge=1, le=MAX_PAGE)
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
@paginate(Pagination, page_size=50)
def pool_list(request: HttpRequest, filters: Query[PoolFilterIn]) -> Any:
    return selectors.pool_list(user=request.user, filters=filters.dict())  # type: ignore[arg-type]


@router.get("/pools/{int:pool_id}/members", response=list[EntryOut], summary="在库或已出库人员")
@paginate(Pagination, page_size=50)
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
    cadre = cadre_get(user=request.user, pk=payload.cadre_id, action=Action.POOLS_CHANGE)
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


# ---------------------------------------------------------------- programmes

TAGS = ["培养项目"]


class ProgrammeOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    unit_id: int
    unit_name: str
    start_date: dt.date
    end_date: dt.date | None
    goals: str
    is_active: bool
    live_count: int
    version: int

    @staticmethod
    def resolve_unit_name(obj: Programme) -> str:
        return obj.unit.name


class ProgrammeFilterIn(Schema):
    q: str = ""
    kind: ProgrammeKind | None = None
    include_inactive: bool = False


class ProgrammeIn(Schema):
    unit_id: int
    kind: ProgrammeKind
    name: str = Field(max_length=NAME_MAX)
    start_date: dt.date
    end_date: dt.date | None = None
    goals: str = ""
    is_active: bool = True


class AssignmentOut(Schema):
    id: int
    programme_id: int
    cadre_id: int
    cadre_name: str
    host_unit_id: int | None
    host: str = Field(alias="host_display")
    post_title: str
    mentor_name: str
    start_date: dt.date
    end_date: dt.date
    ended_on: dt.date | None
    status: str
    status_label: str = Field(alias="get_status_display")
    mid_evaluation: str
    mid_evaluated_on: dt.date | None
    final_evaluation: str
    final_evaluated_on: dt.date | None
    final_grade: str
    cancel_reason: str
    resume_note: str
    version: int

    @staticmethod
    def resolve_cadre_name(obj: Assignment) -> str:
        return obj.cadre.name


class AssignmentFilterIn(Schema):
    status: AssignmentStatus | None = None


class AssignmentIn(Schema):
    cadre_id: int
    host_unit_id: int | None = None
    host_name: str = Field("", max_length=HOST_MAX)
    post_title: str = Field(max_length=POST_MAX)
    mentor_name: str = Field("", max_length=MENTOR_MAX)
    start_date: dt.date
    end_date: dt.date


class AssignmentPatchIn(Schema):
    """Fields left out stay as they are; the host is one value (a unit id or a typed name)."""

    version: int
    host_unit_id: int | None = None
    host_name: str | None = Field(None, max_length=HOST_MAX)
    post_title: str | None = Field(None, max_length=POST_MAX)
    mentor_name: str | None = Field(None, max_length=MENTOR_MAX)
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class StartIn(Schema):
    started_on: dt.date | None = None
    version: int  # required: the page form carries it (optimistic lock)


class EvaluateIn(Schema):
    stage: EvaluationStage
    text: str = Field(max_length=EVALUATION_MAX)
    evaluated_on: dt.date
    grade: EvaluationGrade | None = None
    version: int  # required: the page form carries it (optimistic lock)


class EndIn(Schema):
    ended_on: dt.date
    version: int  # required: the page form carries it (optimistic lock)


class CancelIn(Schema):
    reason: str = Field(max_length=REASON_MAX)
    version: int  # required: the page form carries it (optimistic lock)


@router.get(
    "/programmes",
    response=list[ProgrammeOut],
    summary="培养项目列表（按授权范围）",
    tags=TAGS,
)
@paginate(Pagination, page_size=50)
def programme_list(request: HttpRequest, filters: Query[ProgrammeFilterIn]) -> Any:
    return selectors.programme_list(user=request.user, filters=filters.dict())  # type: ignore[arg-type]


@router.post("/programmes", response={201: ProgrammeOut}, summary="新建培养项目", tags=TAGS)
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[Programme]:
    unit = (
        units_for(user=request.user, action=Action.PROGRAMMES_CHANGE)
        .filter(pk=payload.unit_id, is_active=True)
        .first()
    )
    if unit is None:
        raise Http404("单位不存在")
    programme = services.programme_create(
        acting_user=request.user,
        unit=unit,
        kind=payload.kind,
        name=payload.name,
        start_date=payload.start_date,
        end_date=payload.end_date,
        goals=payload.goals,
        is_active=payload.is_active,
    )
    programme.live_count = 0  # type: ignore[attr-defined]
    return Status(201, programme)


@router.get(
    "/programmes/{int:programme_id}/assignments",
    response=list[AssignmentOut],
    summary="培养项目的培养安排",
    tags=TAGS,
)
@paginate(Pagination, page_size=50)
def programme_assignments(
    request: HttpRequest, programme_id: int, filters: Query[AssignmentFilterIn]
) -> Any:
    programme = selectors.programme_get(user=request.user, pk=programme_id)
    qs = selectors.programme_assignments(user=request.user, programme=programme)
    return qs.filter(status=filters.status) if filters.status else qs


@router.post(
    "/programmes/{int:programme_id}/assignments",
    response={201: AssignmentOut},
    summary="新增培养安排",
    tags=TAGS,
)
def assignment_create(
    request: HttpRequest, programme_id: int, payload: AssignmentIn
) -> Status[Assignment]:
    programme = selectors.programme_get(
        user=request.user, pk=programme_id, action=Action.PROGRAMMES_CHANGE
    )
    cadre = cadre_get(user=request.user, pk=payload.cadre_id, action=Action.PROGRAMMES_CHANGE)
    host_unit = None
    if payload.host_unit_id is not None:
        host_unit = (
            units_for(user=request.user, action=Action.PROGRAMMES_VIEW)
            .filter(pk=payload.host_unit_id, is_active=True)
            .first()
        )
        if host_unit is None:
            raise Http404("单位不存在")
    assignment = services.assignment_create(
        acting_user=request.user,
        programme=programme,
        cadre=cadre,
        host_unit=host_unit,
        host_name=payload.host_name,
        post_title=payload.post_title,
        mentor_name=payload.mentor_name,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, assignment)


def _assignment_for_change(request: HttpRequest, assignment_id: int) -> Assignment:
    return selectors.assignment_get(
        user=request.user, pk=assignment_id, action=Action.PROGRAMMES_CHANGE
    )


@router.get(
    "/assignments/{int:assignment_id}",
    response=AssignmentOut,
    summary="培养安排",
    tags=TAGS,
)
def assignment_detail(request: HttpRequest, assignment_id: int) -> Assignment:
    return selectors.assignment_get(user=request.user, pk=assignment_id)


@router.patch(
    "/assignments/{int:assignment_id}",
    response=AssignmentOut,
    summary="修改培养安排（接收单位、挂任职务、导师、起止日期；带版本号）",
    tags=TAGS,
)
def assignment_update(
    request: HttpRequest, assignment_id: int, payload: AssignmentPatchIn
) -> Assignment:
    assignment = _assignment_for_change(request, assignment_id)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    if "host_unit_id" in fields:
        unit_id = fields.pop("host_unit_id")
        fields["host_unit"] = None
        if unit_id is not None:
            fields["host_unit"] = (
                units_for(user=request.user, action=Action.PROGRAMMES_VIEW)
                .filter(pk=unit_id)
                .filter(Q(is_active=True) | Q(pk=assignment.host_unit_id))
                .first()
            )
            if fields["host_unit"] is None:
                raise Http404("单位不存在")
    return services.assignment_update(
        acting_user=request.user, assignment=assignment, version=payload.version, **fields
    )


@router.post(
    "/assignments/{int:assignment_id}/start",
    response=AssignmentOut,
    summary="到岗（开始）",
    tags=TAGS,
)
def assignment_start(request: HttpRequest, assignment_id: int, payload: StartIn) -> Assignment:
    return services.assignment_start(
        acting_user=request.user,
        assignment=_assignment_for_change(request, assignment_id),
        started_on=payload.started_on,
        version=payload.version,
    )


@router.post(
    "/assignments/{int:assignment_id}/evaluate",
    response=AssignmentOut,
    summary="中期评价或期满评价",
    tags=TAGS,
)
def assignment_evaluate(
    request: HttpRequest, assignment_id: int, payload: EvaluateIn
) -> Assignment:
    return services.assignment_evaluate(
        acting_user=request.user,
        assignment=_assignment_for_change(request, assignment_id),
        stage=payload.stage,
        text=payload.text,
        evaluated_on=payload.evaluated_on,
        grade=payload.grade or "",
        version=payload.version,
    )


@router.post(
    "/assignments/{int:assignment_id}/end",
    response=AssignmentOut,
    summary="结束（挂职、墩苗写入简历其间说明）",
    tags=TAGS,
)
def assignment_end(request: HttpRequest, assignment_id: int, payload: EndIn) -> Assignment:
    return services.assignment_end(
        acting_user=request.user,
        assignment=_assignment_for_change(request, assignment_id),
        ended_on=payload.ended_on,
        version=payload.version,
    )


@router.post(
    "/assignments/{int:assignment_id}/cancel",
    response=AssignmentOut,
    summary="取消",
    tags=TAGS,
)
def assignment_cancel(request: HttpRequest, assignment_id: int, payload: CancelIn) -> Assignment:
    return services.assignment_cancel(
        acting_user=request.user,
        assignment=_assignment_for_change(request, assignment_id),
        reason=payload.reason,
        version=payload.version,
    )
