"""/api/v1/selection/...: cases, their stage records, candidates, checklists, decision, notice
and attachment list, through the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja resolves Query[...] of a paginated
# view from real annotations only (see orgs/api.py).

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cadres.models import Position
from cadres.selectors import cadre_get
from core.http import MAX_INT
from core.pagination import Pagination
from core.permissions import Action
from core.workdays import CalendarYearMissing
from selection import selectors, services
from selection.choices import Stage
from selection.models import (
    Attachment,
    Candidate,
    DecisionMeeting,
    DecisionVote,
    InspectionChecklist,
    PublicNotice,
    SelectionCase,
    StageRecord,
)
from selection.rules import NOTICE_MIN_WORKING_DAYS
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
    version: int  # required: the page form carries it (optimistic lock)


@router.get("/selection/cases", response=list[CaseOut], summary="选拔任用事项（按授权范围）")
@paginate(Pagination, page_size=50)
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


# ---------------------------------------------------------------- stages, candidates, decision


class StageRecordIn(Schema):
    date: dt.date
    outcome: str = ""
    note: str = ""
    version: int  # the case's version: required, a stale one is refused


class StageRecordOut(Schema):
    stage: str
    label: str = Field(alias="get_stage_display")
    date: dt.date
    outcome: str
    note: str


class CandidateIn(Schema):
    cadre_id: int
    post_id: int | None = None  # the case's first post when not given, as on the page
    recommendation_votes: int | None = Field(None, ge=0, le=MAX_INT)
    exceptional: bool = False
    exceptional_reason: str = Field("", max_length=REASON_MAX)
    end_current: bool = True  # 任职时免去现任职务 (the page's default)
    version: int  # the case's version: required, a stale one is refused


class CandidateOut(Schema):
    id: int
    case_id: int
    cadre_id: int
    cadre_name: str
    post_id: int
    post: str
    status: str
    status_label: str = Field(alias="get_status_display")
    exceptional: bool
    exceptional_reason: str
    recommendation_votes: int | None
    positions_to_end: list[str]

    @staticmethod
    def resolve_cadre_name(obj: Candidate) -> str:
        return obj.cadre.name

    @staticmethod
    def resolve_post(obj: Candidate) -> str:
        return str(obj.post)

    @staticmethod
    def resolve_positions_to_end(obj: Candidate) -> list[str]:
        return [p.full_title for p in obj.positions_to_end.all()]


class WithdrawIn(Schema):
    reason: str = Field(max_length=REASON_MAX)
    version: int  # the case's version: required, a stale one is refused


class ChecklistIn(Schema):
    """考察: each check done or not, with its date (``CHECKLIST_ITEMS``); a PUT replaces all."""

    file_review: bool = False
    file_review_date: dt.date | None = None
    personal_matters: bool = False
    personal_matters_date: dt.date | None = None
    discipline_opinion: bool = False
    discipline_opinion_date: dt.date | None = None
    no_disqualification: bool = False
    no_disqualification_date: dt.date | None = None
    note: str = ""


class ChecklistPutIn(ChecklistIn):
    version: int  # the case's version: required, a stale one is refused


class ChecklistOut(ChecklistIn):
    candidate_id: int


# The columns are PositiveSmallIntegerField: larger numbers are refused here, not by the database.
SMALL_MAX = 32767


class VoteIn(Schema):
    candidate_id: int
    votes_for: int = Field(ge=0, le=SMALL_MAX)
    votes_against: int = Field(0, ge=0, le=SMALL_MAX)
    votes_abstain: int = Field(0, ge=0, le=SMALL_MAX)


class DecisionIn(Schema):
    date: dt.date
    members_due: int = Field(le=SMALL_MAX)
    members_present: int = Field(ge=0, le=SMALL_MAX)
    note: str = ""
    votes: list[VoteIn]
    version: int  # the case's version: required, a stale one is refused


class VoteOut(Schema):
    candidate_id: int
    cadre_name: str
    votes_for: int
    votes_against: int
    votes_abstain: int

    @staticmethod
    def resolve_cadre_name(obj: DecisionVote) -> str:
        return obj.candidate.cadre.name


class DecisionOut(Schema):
    date: dt.date
    members_due: int
    members_present: int
    note: str
    votes: list[VoteOut]

    @staticmethod
    def resolve_votes(obj: DecisionMeeting) -> list[DecisionVote]:
        return list(obj.votes.select_related("candidate__cadre").order_by("candidate_id"))


class NoticeIn(Schema):
    start_date: dt.date
    working_days: int = NOTICE_MIN_WORKING_DAYS.value
    objections: str = ""
    version: int  # the case's version: required, a stale one is refused


class NoticeOut(Schema):
    start_date: dt.date
    working_days: int
    end_date: dt.date
    objections: str


class AttachmentOut(Schema):
    id: int
    stage: str
    stage_label: str = Field(alias="get_stage_display")
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str
    download_url: str

    @staticmethod
    def resolve_uploaded_by(obj: Attachment) -> str:
        user = obj.uploaded_by
        return (user.full_name or user.username) if user is not None else ""

    @staticmethod
    def resolve_download_url(obj: Attachment) -> str:
        return reverse("selection:attachment_download", args=[obj.pk])


def _case_for_change(request: HttpRequest, case_id: int) -> SelectionCase:
    return selectors.case_get(user=request.user, pk=case_id, action=Action.SELECTION_CHANGE)


def _candidate_for_change(request: HttpRequest, candidate_id: int) -> Candidate:
    """A candidate of a case the user may change, or 404 (as ``views._candidate_for_change``)."""
    return selectors.candidate_get(
        user=request.user, pk=candidate_id, action=Action.SELECTION_CHANGE
    )


@router.put(
    "/selection/cases/{int:case_id}/stages/{stage}",
    response=StageRecordOut,
    summary="环节记录：时间、结果、备注（已进入的环节）",
)
def selection_stage_record_set(
    request: HttpRequest, case_id: int, stage: str, payload: StageRecordIn
) -> StageRecord:
    return services.stage_record_set(
        acting_user=request.user,
        case=_case_for_change(request, case_id),
        stage=stage,
        date=payload.date,
        outcome=payload.outcome,
        note=payload.note,
        version=payload.version,
    )


@router.post(
    "/selection/cases/{int:case_id}/candidates",
    response={201: CandidateOut},
    summary="提出人选（民主推荐、确定考察对象环节）",
)
def selection_candidate_add(
    request: HttpRequest, case_id: int, payload: CandidateIn
) -> Status[Candidate]:
    case = _case_for_change(request, case_id)
    cadre = cadre_get(user=request.user, pk=payload.cadre_id, action=Action.SELECTION_CHANGE)
    posts = case.posts.order_by("order", "id")
    post = posts.filter(pk=payload.post_id).first() if payload.post_id else posts.first()
    if post is None:
        raise ValidationError({"post_id": "拟任职务不属于本事项"})
    ends = (
        list(Position.objects.filter(cadre=cadre, end_date__isnull=True))
        if payload.end_current
        else []
    )
    candidate = services.candidate_add(
        acting_user=request.user,
        case=case,
        cadre=cadre,
        post=post,
        exceptional=payload.exceptional,
        exceptional_reason=payload.exceptional_reason,
        recommendation_votes=payload.recommendation_votes,
        positions_to_end=ends,
        version=payload.version,
    )
    return Status(201, candidate)


@router.post(
    "/selection/candidates/{int:candidate_id}/withdraw",
    response=CandidateOut,
    summary="不再考虑该人选（须说明原因）",
)
def selection_candidate_withdraw(
    request: HttpRequest, candidate_id: int, payload: WithdrawIn
) -> Candidate:
    return services.candidate_withdraw(
        acting_user=request.user,
        candidate=_candidate_for_change(request, candidate_id),
        reason=payload.reason,
        version=payload.version,
    )


@router.put(
    "/selection/candidates/{int:candidate_id}/checklist",
    response=ChecklistOut,
    summary="考察记录：档案审核、个人有关事项查核、征求纪检监察意见、负面情形核实",
)
def selection_checklist_set(
    request: HttpRequest, candidate_id: int, payload: ChecklistPutIn
) -> InspectionChecklist:
    return services.checklist_set(
        acting_user=request.user,
        candidate=_candidate_for_change(request, candidate_id),
        version=payload.version,
        **payload.dict(exclude={"version"}),
    )


@router.post(
    "/selection/cases/{int:case_id}/decision",
    response=DecisionOut,
    summary="讨论决定：会议、应到和实到人数、对每名考察对象的表决",
)
def selection_decision_record(
    request: HttpRequest, case_id: int, payload: DecisionIn
) -> DecisionMeeting:
    votes = {v.candidate_id: (v.votes_for, v.votes_against, v.votes_abstain) for v in payload.votes}
    if len(votes) != len(payload.votes):
        raise ValidationError({"votes": "同一人选只能表决一次"})
    return services.decision_record(
        acting_user=request.user,
        case=_case_for_change(request, case_id),
        date=payload.date,
        members_due=payload.members_due,
        members_present=payload.members_present,
        votes=votes,
        note=payload.note,
        version=payload.version,
    )


@router.put(
    "/selection/cases/{int:case_id}/notice",
    response=NoticeOut,
    summary="任前公示：开始日期和工作日数（截止日按节假日安排计算）",
)
def selection_notice_set(request: HttpRequest, case_id: int, payload: NoticeIn) -> PublicNotice:
    case = _case_for_change(request, case_id)
    try:
        return services.notice_set(
            acting_user=request.user,
            case=case,
            start_date=payload.start_date,
            working_days=payload.working_days,
            objections=payload.objections,
            version=payload.version,
        )
    except CalendarYearMissing as exc:
        raise ValidationError({"start_date": str(exc)}) from exc


@router.get(
    "/selection/cases/{int:case_id}/attachments",
    response=list[AttachmentOut],
    summary="附件目录（只含文件信息；下载经页面链接，下载留痕）",
)
def selection_attachments(request: HttpRequest, case_id: int) -> list[Attachment]:
    case = selectors.case_get(user=request.user, pk=case_id)
    return list(case.attachments.defer("data").select_related("uploaded_by").order_by("id"))
