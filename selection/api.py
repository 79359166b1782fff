"""/api/v1/selection/cases: the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja resolves Query[...] of a paginated
# view from real annotations only (see orgs/api.py).

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from accounts.roles import Action
from selection import selectors, services
from selection.choices import Stage
from selection.services import REASON_MAX

router = Router(tags=["选拔任用"])


class CaseOut(Schema):
    id: int
    title: str
    unit_id: int
    unit_name: str
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    opened_on: dt.date
    version: int

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)


class CaseFilterIn(Schema):
    stage: Stage | None = None


class StageOut(Schema):
    stage: str
    label: str
    reached: bool
    current: bool
    date: dt.date | None
    outcome: str
    note: str


class CandidateRecordOut(Schema):
    cadre_id: int
    name: str
    post: str
    status: str
    exceptional: bool
    exceptional_reason: str
    recommendation_votes: int | None
    checks: list[tuple[str, bool, dt.date | None]]
    inspection_note: str
    votes: tuple[int, int, int] | None
    majority: bool | None
    positions_to_end: list[str]
    appointed: str


class CaseRecordOut(Schema):
    title: str
    unit: str
    stage: str
    opened_on: dt.date
    posts: list[str]
    stages: list[StageOut]
    candidates: list[CandidateRecordOut]
    meeting: dict[str, Any] | None
    notice: dict[str, Any] | None


class AdvanceIn(Schema):
    to_stage: Stage
    reason: str = Field("", max_length=REASON_MAX)
    on: dt.date | None = None
    version: int | None = None


@router.get("/selection/cases", response=list[CaseOut], summary="选拔任用事项（按授权范围）")
@paginate(PageNumberPagination, page_size=50)
def selection_case_list(request: HttpRequest, filters: Query[CaseFilterIn]) -> Any:
    return selectors.case_list(user=request.user, stage=filters.stage or "")


@router.get(
    "/selection/cases/{int:case_id}", response=CaseRecordOut, summary="选拔任用纪实（各环节）"
)
def selection_case_record(request: HttpRequest, case_id: int) -> Any:
    case = selectors.case_get(user=request.user, pk=case_id)
    return selectors.case_record(case)


@router.post(
    "/selection/cases/{int:case_id}/advance",
    response=CaseOut,
    summary="转入下一环节或退回（退回须说明理由）",
)
def selection_case_advance(request: HttpRequest, case_id: int, payload: AdvanceIn) -> Any:
    case = selectors.case_get(user=request.user, pk=case_id, action=Action.SELECTION_CHANGE)
    return services.case_advance(
        request.user,
        case,
        payload.to_stage,
        payload.reason,
        on=payload.on,
        version=payload.version,
    )
