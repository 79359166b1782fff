"""选拔任用 reads, always through ``restrict(user, action)``, and the case's 纪实."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.permissions import Action
from selection.choices import ACTIVE_CANDIDATE, CHECKLIST_ITEMS, STAGE_ORDER, Stage
from selection.models import (
    Attachment,
    Candidate,
    DecisionMeeting,
    InspectionChecklist,
    PublicNotice,
    SelectionCase,
)
from supervision.selectors import negative_entries


def case_list(*, user: Any, stage: str = "", q: str = "") -> QuerySet[SelectionCase]:
    """The cases the user may see, newest first, with their notice and the candidates still
    in the running (``active_candidates``); ``q`` searches the title."""
    cases = (
        SelectionCase.objects.restrict(user, Action.SELECTION_VIEW)
        .select_related("unit", "notice")
        .prefetch_related(
            Prefetch(
                "candidates",
                queryset=Candidate.objects.filter(status__in=ACTIVE_CANDIDATE)
                .select_related("cadre")
                .order_by("id"),
                to_attr="active_candidates",
            )
        )
    )
    if stage in Stage.values:
        cases = cases.filter(stage=stage)
    if q := q.strip():
        cases = cases.filter(title__contains=q)
    return cases


def case_get(*, user: Any, pk: int, action: str = Action.SELECTION_VIEW) -> SelectionCase:
    """One case, or 404 when it is missing or outside the user's scope (the same answer)."""
    case = SelectionCase.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    if case is None:
        raise Http404("选拔任用事项不存在")
    return case


def candidate_get(*, user: Any, pk: int, action: str = Action.SELECTION_CHANGE) -> Candidate:
    """One candidate of a case in scope, or 404 — the same 404 for missing and forbidden."""
    candidate = (
        Candidate.objects.restrict(user, action)
        .select_related("case", "case__unit", "cadre", "post", "post__unit")
        .filter(pk=pk)
        .first()
    )
    if candidate is None:
        raise Http404("人选不存在")
    return candidate


def attachment_get(*, user: Any, pk: int, action: str = Action.SELECTION_VIEW) -> Attachment:
    """One stage document of a case in scope, or 404 — the same 404 for missing and forbidden."""
    return get_object_or_404(
        Attachment.objects.restrict(user, action).select_related("case"), pk=pk
    )


class StageEntry(TypedDict):
    stage: str
    label: str
    reached: bool
    current: bool
    date: dt.date | None
    outcome: str
    note: str


class CandidateEntry(TypedDict):
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
    negative_entries: list[str]  # 负面清单 (干部监督), shown to whoever weighs the candidate


class CaseRecord(TypedDict):
    title: str
    unit: str
    stage: str
    opened_on: dt.date
    posts: list[str]
    stages: list[StageEntry]
    candidates: list[CandidateEntry]
    meeting: dict[str, Any] | None
    notice: dict[str, Any] | None


def _checks(checklist: InspectionChecklist | None) -> list[tuple[str, bool, dt.date | None]]:
    if checklist is None:
        return [(label, False, None) for label in CHECKLIST_ITEMS.values()]
    return [
        (label, bool(getattr(checklist, item)), getattr(checklist, f"{item}_date"))
        for item, label in CHECKLIST_ITEMS.items()
    ]


def _candidate(
    c: Candidate, meeting: DecisionMeeting | None, negative: dict[int, list[Any]]
) -> CandidateEntry:
    checklist = getattr(c, "checklist", None)
    vote = getattr(c, "vote", None)
    votes = (vote.votes_for, vote.votes_against, vote.votes_abstain) if vote else None
    majority = vote.votes_for * 2 > meeting.members_due if vote is not None and meeting else None
    return {
        "cadre_id": c.cadre_id,
        "name": c.cadre.name,
        "post": str(c.post),
        "status": c.get_status_display(),
        "exceptional": c.exceptional,
        "exceptional_reason": c.exceptional_reason,
        "recommendation_votes": c.recommendation_votes,
        "checks": _checks(checklist),
        "inspection_note": checklist.note if checklist else "",
        "votes": votes,
        "majority": majority,
        "positions_to_end": [p.full_title for p in c.positions_to_end.all()],
        "appointed": c.appointed_position.full_title if c.appointed_position else "",
        "negative_entries": [
            f"{e.date:%Y.%m.%d} {e.indicator.name if e.indicator else ''}：{e.evidence}"
            f"（{e.source}）"
            for e in negative.get(c.cadre_id, [])
        ],
    }


def case_record(case: SelectionCase) -> CaseRecord:
    """The 纪实 of a case: every stage with its date and outcome, the votes and the checks.

    The caller has already fetched ``case`` through ``case_get`` (scoped).
    """
    records = {r.stage: r for r in case.records.all()}
    reached_index = STAGE_ORDER.index(case.stage)
    stages: list[StageEntry] = []
    for index, stage in enumerate(STAGE_ORDER):
        if stage == Stage.CLOSED:
            continue
        record = records.get(stage)
        stages.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "reached": index <= reached_index,
                "current": stage == case.stage,
                "date": record.date if record else None,
                "outcome": record.outcome if record else "",
                "note": record.note if record else "",
            }
        )
    meeting = DecisionMeeting.objects.filter(case=case).first()
    notice = PublicNotice.objects.filter(case=case).first()
    candidates = (
        case.candidates.select_related(
            "cadre", "post", "post__unit", "checklist", "vote", "appointed_position"
        )
        .prefetch_related("positions_to_end")
        .order_by("post__order", "id")
    )
    # The 政治素质 negative list of every candidate, in one query (the 考察 must weigh it).
    negative = negative_entries(c.cadre_id for c in candidates)
    return {
        "title": case.title,
        "unit": case.unit.name,
        "stage": Stage(case.stage).label,
        "opened_on": case.opened_on,
        "posts": [str(p) for p in case.posts.select_related("unit")],
        "stages": stages,
        "candidates": [_candidate(c, meeting, negative) for c in candidates],
        "meeting": None
        if meeting is None
        else {
            "date": meeting.date,
            "members_due": meeting.members_due,
            "members_present": meeting.members_present,
            "note": meeting.note,
        },
        "notice": None
        if notice is None
        else {
            "start_date": notice.start_date,
            "working_days": notice.working_days,
            "end_date": notice.end_date,
            "objections": notice.objections,
        },
    }
