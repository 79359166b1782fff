"""选拔任用 writes: each atomic, audited in the same transaction and checked against scope.

A case is changed under ``selection.change`` on the case's unit; a candidate needs that right
on the cadre's unit too. Anything outside the actor's scope is refused like a missing object
(``PermissionDenied`` → 404). The stage changes only through ``case_advance`` and its table
(``choices.STAGE_TRANSITIONS``); the rules it enforces are data in ``selection.rules``.
Writes to the cadre record (任职 / 免职) go through ``cadres.services``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.choices import AuditAction
from audit.services import audit_record
from cadres import services as cadre_services
from cadres.choices import CadreStatus
from cadres.models import Assessment, Cadre, Position
from core.attachments import check_attachment
from core.dates import add_months
from core.permissions import Action, can_in_path, require
from core.ranks import rank_step
from core.text import stripped
from core.upload import UploadRejected
from core.workdays import notice_end
from orgs.models import Unit
from selection import rules
from selection.choices import (
    ACTIVE_CANDIDATE,
    CANDIDATE_TRANSITIONS,
    CHECKLIST_ITEMS,
    STAGE_ORDER,
    STAGE_TRANSITIONS,
    CandidateStatus,
    Stage,
    is_backward,
)
from selection.models import (
    Attachment,
    Candidate,
    DecisionMeeting,
    DecisionVote,
    InspectionChecklist,
    PublicNotice,
    SelectionCase,
    SelectionPost,
    StageRecord,
)

TITLE_MAX, REASON_MAX = 100, 300
POST_FIELDS = ("unit", "title", "rank_level", "is_leading", "is_head", "probation_applies")


# ---------------------------------------------------------------- checks

# A case refused by ``require`` reads as a missing 事项 (the model's verbose name is shorter).
CASE_MISSING = "选拔任用事项不存在或无权操作"


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _locked(case: SelectionCase, version: int | None = None) -> SelectionCase:
    current = SelectionCase.objects.select_for_update().select_related("unit").get(pk=case.pk)
    if version is not None and current.version != version:
        raise ValidationError("该选拔任用事项已被他人修改，请刷新后重试")
    return current


def _bump(case: SelectionCase) -> None:
    case.version += 1
    case.save(update_fields=["version", "updated_at", "stage"])


def _audit(user: Any, action: str, case: SelectionCase, changes: dict[str, Any]) -> None:
    audit_record(actor=user, action=action, obj=case, changes=changes)


def _stage_label(stage: str) -> str:
    return Stage(stage).label


def _require_stage(case: SelectionCase, stages: Iterable[str], what: str) -> None:
    allowed = tuple(stages)
    if case.stage not in allowed:
        names = "、".join(_stage_label(s) for s in allowed)
        raise ValidationError(f"{what}只能在“{names}”环节办理，当前为“{_stage_label(case.stage)}”")


# ---------------------------------------------------------------- case and posts


def _validate_post(post: SelectionPost) -> None:
    errors: dict[str, str] = {}
    post.title = stripped(post.title)
    if not post.title:
        errors["title"] = "请填写拟任职务名称"
    if post.rank_level and rank_step(post.rank_level) is None:
        errors["rank_level"] = "领导职务层次代码无效"
    if errors:
        raise ValidationError(errors)


def case_create(
    *,
    acting_user: Any,
    unit: Unit,
    title: str,
    posts: list[dict[str, Any]],
    opened_on: dt.date | None = None,
    today: dt.date | None = None,
) -> SelectionCase:
    """动议: open a case of ``unit`` for ``posts`` (dicts of ``POST_FIELDS``)."""
    require(acting_user, Action.SELECTION_CHANGE, unit)
    title = stripped(title)
    if not title:
        raise ValidationError({"title": "请填写事项名称"})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"事项名称不能超过 {TITLE_MAX} 个字"})
    if not posts:
        raise ValidationError({"posts": "请至少填写一个拟任职务"})
    opened = opened_on or _today(today)
    with transaction.atomic():
        case = SelectionCase.objects.create(
            unit=unit,
            title=title,
            opened_on=opened,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        for order, fields in enumerate(posts):
            _post_add(acting_user, case, fields, order)
        StageRecord.objects.create(
            case=case, stage=Stage.PROPOSAL, date=opened, recorded_by=_user(acting_user)
        )
        _audit(
            acting_user,
            AuditAction.CREATE,
            case,
            {
                "after": {
                    "title": title,
                    "unit": unit.name,
                    "posts": [str(p) for p in case.posts.all()],
                }
            },
        )
    return case


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


def _post_add(
    acting_user: Any, case: SelectionCase, fields: dict[str, Any], order: int
) -> SelectionPost:
    unknown = set(fields) - set(POST_FIELDS)
    if unknown:
        raise ValueError(f"not post fields: {sorted(unknown)}")
    unit = fields.get("unit")
    if unit is None:
        raise ValidationError({"unit": "请选择任职单位"})
    require(acting_user, Action.SELECTION_CHANGE, unit)
    data = dict(fields)
    data.setdefault("is_leading", True)
    # 试用期 defaults on for leading posts only (2014条例 Art.42 covers 领导职务).
    data.setdefault("probation_applies", bool(data["is_leading"]))
    post = SelectionPost(case=case, order=order, **data)
    _validate_post(post)
    post.save()
    return post


def post_add(*, acting_user: Any, case: SelectionCase, **fields: Any) -> SelectionPost:
    """Add a post to a case still at 动议 or 民主推荐."""
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    with transaction.atomic():
        current = _locked(case)
        _require_stage(current, (Stage.PROPOSAL, Stage.RECOMMENDATION), "增加拟任职务")
        post = _post_add(acting_user, current, fields, current.posts.count())
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {"section": "拟任职务", "after": {"post": str(post)}},
        )
    return post


def stage_record_set(
    *,
    acting_user: Any,
    case: SelectionCase,
    stage: str,
    date: dt.date,
    outcome: str = "",
    note: str = "",
    version: int | None = None,
) -> StageRecord:
    """Record the date, outcome and note of a stage the case has reached."""
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    if stage not in Stage.values or stage == Stage.CLOSED:
        raise ValidationError({"stage": "环节无效"})
    with transaction.atomic():
        current = _locked(case, version)
        if Stage.values.index(stage) > Stage.values.index(current.stage):
            raise ValidationError({"stage": f"尚未进入“{_stage_label(stage)}”环节"})
        record, _ = StageRecord.objects.update_or_create(
            case=current,
            stage=stage,
            defaults={
                "date": date,
                "outcome": stripped(outcome),
                "note": stripped(note),
                "recorded_by": _user(acting_user),
            },
        )
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": _stage_label(stage),
                "after": {"date": date.isoformat(), "outcome": record.outcome, "note": record.note},
            },
        )
    return record


# ---------------------------------------------------------------- candidates


def _set_candidate_status(candidate: Candidate, status: str) -> None:
    """The one place a candidate's status changes (``CANDIDATE_TRANSITIONS``)."""
    if status == candidate.status:
        return
    if status not in CANDIDATE_TRANSITIONS[candidate.status]:
        raise ValidationError(
            f"{candidate.cadre.name}当前为“{CandidateStatus(candidate.status).label}”，"
            f"不能改为“{CandidateStatus(status).label}”"
        )
    candidate.status = status
    candidate.save(update_fields=["status"])


def candidate_add(
    *,
    acting_user: Any,
    case: SelectionCase,
    cadre: Cadre,
    post: SelectionPost,
    exceptional: bool = False,
    exceptional_reason: str = "",
    recommendation_votes: int | None = None,
    positions_to_end: Iterable[Position] = (),
    version: int | None = None,
) -> Candidate:
    """推荐人选: put ``cadre`` forward for ``post`` (at 民主推荐 or 确定考察对象).

    The cadre must be 在职 and belong to the case's unit tree: the committee running the case
    selects among the cadres it manages.
    """
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    require(acting_user, Action.SELECTION_CHANGE, cadre)
    reason = stripped(exceptional_reason)
    if post.case_id != case.pk:
        raise ValidationError({"post": "拟任职务不属于本事项"})
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError({"cadre": f"{cadre.name}已{CadreStatus(cadre.status).label}"})
    if not cadre.unit_path.startswith(case.unit.path):
        raise ValidationError({"cadre": f"{cadre.name}不在“{case.unit.name}”及其下属单位"})
    if exceptional and not reason:
        # 破格提拔的须说明破格情形和理由 (2014条例 Art.41).
        raise ValidationError({"exceptional_reason": "破格提拔须说明破格情形和理由"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"exceptional_reason": f"破格理由不能超过 {REASON_MAX} 个字"})
    ends = list(positions_to_end)
    for position in ends:
        if position.cadre_id != cadre.pk or position.end_date is not None:
            raise ValidationError({"positions_to_end": "拟免去职务须是该干部现任的职务"})
    with transaction.atomic():
        current = _locked(case, version)
        _require_stage(current, (Stage.RECOMMENDATION, Stage.CANDIDATES), "提出人选")
        if Candidate.objects.filter(case=current, post=post, cadre=cadre).exists():
            raise ValidationError({"cadre": f"{cadre.name}已是该职务的人选"})
        candidate = Candidate.objects.create(
            case=current,
            cadre=cadre,
            post=post,
            exceptional=exceptional,
            exceptional_reason=reason,
            recommendation_votes=recommendation_votes,
        )
        candidate.positions_to_end.set(ends)
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": "人选",
                "item": candidate.pk,
                "after": {
                    "cadre": cadre.name,
                    "post": str(post),
                    "exceptional": exceptional,
                    "exceptional_reason": reason,
                    "recommendation_votes": recommendation_votes,
                    "positions_to_end": [p.full_title for p in ends],
                },
            },
        )
    return candidate


def candidate_withdraw(
    *, acting_user: Any, candidate: Candidate, reason: str, version: int | None = None
) -> Candidate:
    """Take a candidate out of the running (kept on the record with the reason)."""
    case = candidate.case
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    reason = stripped(reason)
    if not reason:
        raise ValidationError({"reason": "请填写不再考虑该人选的原因"})
    with transaction.atomic():
        current = _locked(case, version)
        fresh = Candidate.objects.select_for_update().select_related("cadre").get(pk=candidate.pk)
        if fresh.status == CandidateStatus.WITHDRAWN:
            raise ValidationError(f"{fresh.cadre.name}已不再考虑")
        _set_candidate_status(fresh, CandidateStatus.WITHDRAWN)
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": "人选",
                "item": fresh.pk,
                "after": {"status": "不再考虑", "reason": reason},
            },
        )
    return fresh


def checklist_set(
    *, acting_user: Any, candidate: Candidate, version: int | None = None, **fields: Any
) -> InspectionChecklist:
    """考察: record the checks of one 考察对象 (each item a boolean with its date)."""
    allowed = {*CHECKLIST_ITEMS, *(f"{k}_date" for k in CHECKLIST_ITEMS), "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not checklist fields: {sorted(unknown)}")
    case = candidate.case
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    with transaction.atomic():
        current = _locked(case, version)
        _require_stage(current, (Stage.INSPECTION,), "考察记录")
        checklist, _ = InspectionChecklist.objects.get_or_create(candidate=candidate)
        for name, value in fields.items():
            setattr(checklist, name, stripped(value) if name == "note" else value)
        errors = {
            f"{item}_date": f"请填写“{label}”的时间"
            for item, label in CHECKLIST_ITEMS.items()
            if getattr(checklist, item) and getattr(checklist, f"{item}_date") is None
        }
        if errors:
            raise ValidationError(errors)
        checklist.save()
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": "考察",
                "item": candidate.pk,
                "after": {
                    label: getattr(checklist, item) for item, label in CHECKLIST_ITEMS.items()
                },
            },
        )
    return checklist


# ---------------------------------------------------------------- decision and notice


def decision_record(
    *,
    acting_user: Any,
    case: SelectionCase,
    date: dt.date,
    members_due: int,
    members_present: int,
    votes: dict[int, tuple[int, int, int]],
    note: str = "",
    version: int | None = None,
) -> DecisionMeeting:
    """讨论决定: the meeting and its votes, ``{candidate id: (for, against, abstain)}``."""
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    errors: dict[str, str] = {}
    if members_due < 1:
        errors["members_due"] = "应到会成员须至少 1 人"
    if members_present > members_due:
        errors["members_present"] = "实到会成员不能多于应到会成员"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(case, version)
        _require_stage(current, (Stage.DECISION,), "讨论决定")
        candidates = {
            c.pk: c
            for c in current.candidates.select_related("cadre").filter(
                status__in=(CandidateStatus.INSPECTED, CandidateStatus.APPROVED)
            )
        }
        for candidate_id, (yes, no, abstain) in votes.items():
            if candidate_id not in candidates:
                raise ValidationError({"votes": "表决对象须是本事项的考察对象"})
            if yes + no + abstain > members_present:
                name = candidates[candidate_id].cadre.name
                raise ValidationError(
                    {"votes": f"{name}的票数合计超过实到会成员 {members_present} 人"}
                )
        meeting, _ = DecisionMeeting.objects.update_or_create(
            case=current,
            defaults={
                "date": date,
                "members_due": members_due,
                "members_present": members_present,
                "note": stripped(note),
            },
        )
        for candidate_id, (yes, no, abstain) in votes.items():
            DecisionVote.objects.update_or_create(
                candidate_id=candidate_id,
                defaults={
                    "meeting": meeting,
                    "votes_for": yes,
                    "votes_against": no,
                    "votes_abstain": abstain,
                },
            )
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": "讨论决定",
                "after": {
                    "date": date.isoformat(),
                    "members_due": members_due,
                    "members_present": members_present,
                    "votes": {candidates[k].cadre.name: list(v) for k, v in votes.items()},
                },
            },
        )
    return meeting


def notice_set(
    *,
    acting_user: Any,
    case: SelectionCase,
    start_date: dt.date,
    working_days: int = rules.NOTICE_MIN_WORKING_DAYS.value,
    objections: str = "",
    version: int | None = None,
) -> PublicNotice:
    """任前公示: first day and length; the last day is computed over China's calendar."""
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    minimum = rules.NOTICE_MIN_WORKING_DAYS.value
    if working_days < minimum:
        raise ValidationError({"working_days": f"公示期不少于 {minimum} 个工作日"})
    end = notice_end(start_date, working_days)
    with transaction.atomic():
        current = _locked(case, version)
        _require_stage(current, (Stage.DECISION, Stage.PUBLIC_NOTICE), "任前公示")
        notice, _ = PublicNotice.objects.update_or_create(
            case=current,
            defaults={
                "start_date": start_date,
                "working_days": working_days,
                "end_date": end,
                "objections": stripped(objections),
            },
        )
        _bump(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": "任前公示",
                "after": {
                    "start_date": start_date.isoformat(),
                    "working_days": working_days,
                    "end_date": end.isoformat(),
                    "objections": notice.objections,
                },
            },
        )
    return notice


# ---------------------------------------------------------------- hard checks


def assessment_problem(cadre: Cadre, today: dt.date) -> str:
    """近三年年度考核结果中有基本称职以下等次的不得列为考察对象 (rules.ASSESSMENT_YEARS).

    "近三年" is the last three completed assessment years before ``today``'s year.
    """
    years = rules.ASSESSMENT_YEARS.value
    first = today.year - years
    bad = (
        Assessment.objects.filter(
            cadre=cadre, year__gte=first, year__lt=today.year, grade__in=rules.BELOW_COMPETENT
        )
        .order_by("year")
        .first()
    )
    if bad is None:
        return ""
    return (
        f"{cadre.name} {bad.year} 年度考核为“{bad.get_grade_display()}”，"
        f"近{years}年年度考核有基本称职以下等次的，不得列为考察对象"
    )


def _rank_on(positions: list[Position], day: dt.date) -> int | None:
    """Highest ladder step among the positions open on ``day``."""
    steps = [
        rank_step(p.rank_level)
        for p in positions
        if p.start_date <= day and (p.end_date is None or p.end_date >= day)
    ]
    known = [s for s in steps if s is not None]
    return max(known) if known else None


def last_promotion(cadre: Cadre) -> Position | None:
    """The cadre's latest promotion (提拔), or None.

    A promotion is a position whose rank_level is higher on the GB/T 12407 ladder than the
    highest rank_level the cadre held on the day before it started (a first ranked post,
    with nothing ranked before it, counts as a promotion too). Lateral moves and posts off
    the ladder are not promotions.
    """
    positions = list(cadre.positions.all())
    best: Position | None = None
    for p in positions:
        step = rank_step(p.rank_level)
        if step is None:
            continue
        before = _rank_on(positions, p.start_date - dt.timedelta(days=1))
        if (before is None or step > before) and (best is None or p.start_date > best.start_date):
            best = p
    return best


def exceptional_problems(candidate: Candidate, today: dt.date) -> list[str]:
    """破格提拔的硬性限制 (2014条例 Art.9; rules.EXCEPTIONAL_*): probation, one year, 越两级."""
    cadre = candidate.cadre
    name = cadre.name
    problems: list[str] = []
    positions = list(cadre.positions.all())
    for p in positions:
        if (
            p.end_date is None
            and p.probation_end
            and p.probation_end > today
            and not p.probation_confirmed
        ):
            problems.append(
                f"{name}担任“{p.full_title}”的试用期至 {p.probation_end:%Y.%m.%d} 未满，"
                "不得破格提拔"
            )
    promotion = last_promotion(cadre)
    months = rules.EXCEPTIONAL_AFTER_PROMOTION_MONTHS.value
    if promotion is not None and add_months(promotion.start_date, months) > today:
        problems.append(
            f"{name}于 {promotion.start_date:%Y.%m.%d} 提拔任“{promotion.full_title}”，"
            "提拔任职不满一年，不得破格提拔"
        )
    target = rank_step(candidate.post.rank_level)
    current = _rank_on(positions, today)
    if (
        target is not None
        and current is not None
        and target - current > rules.EXCEPTIONAL_MAX_STEPS.value
    ):
        problems.append(f"{name}拟任职务超过现任职务层次两级以上，不得越两级提拔")
    return problems


def _active(case: SelectionCase, *statuses: str) -> list[Candidate]:
    return list(
        case.candidates.select_related("cadre", "post", "post__unit")
        .prefetch_related("cadre__positions", "positions_to_end")
        .filter(status__in=statuses or ACTIVE_CANDIDATE)
        .order_by("id")
    )


def _enter_inspection(acting_user: Any, case: SelectionCase, today: dt.date) -> None:
    """确定考察对象 → 考察: each 推荐人选 must pass the negative list and the 破格 limits;
    each 考察对象's personal-matters report goes on the 重点抽查 list (凡提必查) of the newest
    report year that covers them, when 干部监督 has opened one."""
    candidates = _active(case, CandidateStatus.NOMINATED)
    if not candidates:
        raise ValidationError("尚未确定考察对象，请先提出人选")
    problems: list[str] = []
    for c in candidates:
        problem = assessment_problem(c.cadre, today)
        if problem:
            problems.append(problem)
        if c.exceptional:
            problems.extend(exceptional_problems(c, today))
    if problems:
        raise ValidationError(problems)
    for c in candidates:
        _set_candidate_status(c, CandidateStatus.INSPECTED)
        _check_personal_matters(acting_user, case, c.cadre)


def _check_personal_matters(acting_user: Any, case: SelectionCase, cadre: Cadre) -> None:
    """凡提必查 (个人有关事项报告 抽查核实): file the candidate for a targeted check."""
    from supervision.selectors import has_targeted_check, report_year_for
    from supervision.services import targeted_check_add

    if not can_in_path(acting_user, Action.SUPERVISION_CHANGE, cadre.unit_path):
        return  # the 干部监督 side files it (the checklist item is ticked by hand)
    report_year = report_year_for(cadre)
    if report_year is None:
        return  # no report year opened yet: the checklist item is ticked by hand
    if has_targeted_check(report_year, cadre):
        return  # already on the list (another case, or added by hand)
    targeted_check_add(
        acting_user=acting_user,
        report_year=report_year,
        cadre=cadre,
        reason=f"凡提必查：{case.title}"[:100],
    )


def _enter_decision(case: SelectionCase) -> None:
    """考察 → 讨论决定: every 考察对象 has a complete checklist."""
    missing: list[str] = []
    for c in _active(case, CandidateStatus.INSPECTED):
        checklist = InspectionChecklist.objects.filter(candidate=c).first()
        for item, label in CHECKLIST_ITEMS.items():
            if checklist is None or not getattr(checklist, item):
                missing.append(f"{c.cadre.name}尚未完成“{label}”")
    if missing:
        raise ValidationError(missing)


def _enter_notice(case: SelectionCase) -> None:
    """讨论决定 → 任前公示: 以应到会成员超过半数同意形成决定 (rules.DECISION_MAJORITY_SOURCE)."""
    meeting = DecisionMeeting.objects.filter(case=case).first()
    if meeting is None:
        raise ValidationError("尚未记录讨论决定会议")
    candidates = _active(case, CandidateStatus.INSPECTED)
    problems: list[str] = []
    for c in candidates:
        vote = DecisionVote.objects.filter(candidate=c).first()
        if vote is None:
            problems.append(f"{c.cadre.name}尚未表决")
        elif vote.votes_for * 2 <= meeting.members_due:
            problems.append(
                f"{c.cadre.name}同意 {vote.votes_for} 票，"
                f"未超过应到会成员 {meeting.members_due} 人的半数，"
                "不能形成任用决定；请先将未获通过的人选退出，再进入任前公示"
            )
    if problems:
        raise ValidationError(problems)
    for c in candidates:
        _set_candidate_status(c, CandidateStatus.APPROVED)


def _appoint(acting_user: Any, case: SelectionCase, on: dt.date, today: dt.date) -> None:
    """任前公示 → 任职: the notice has ended; open the new posts and end the old ones."""
    notice = PublicNotice.objects.filter(case=case).first()
    if notice is None:
        raise ValidationError("尚未进行任前公示")
    minimum = rules.NOTICE_MIN_WORKING_DAYS.value
    if notice.working_days < minimum:
        raise ValidationError(f"公示期不少于 {minimum} 个工作日")
    if today <= notice.end_date or on <= notice.end_date:
        raise ValidationError(f"公示期至 {notice.end_date:%Y.%m.%d} 结束，公示期满后方可任职")
    for c in _active(case, CandidateStatus.APPROVED):  # pragma: no mutate (equivalent)
        post = c.post
        before = _rank_on(list(c.cadre.positions.all()), on)
        target = rank_step(post.rank_level)
        promoted = target is not None and (before is None or target > before)
        probation_end = (
            add_months(on, rules.PROBATION_MONTHS.value)
            if post.probation_applies and post.is_leading and promoted
            else None
        )
        position = cadre_services.position_start(
            acting_user=acting_user,
            cadre=c.cadre,
            unit=post.unit,
            title=post.title,
            rank_level=post.rank_level,
            is_leading=post.is_leading,
            is_head=post.is_head,
            start_date=on,
            probation_end=probation_end,
        )
        for old in c.positions_to_end.all():
            cadre_services.position_end(
                acting_user=acting_user,
                position=Position.objects.get(pk=old.pk),
                end_date=on,
                end_reason=f"任{post}",
            )
        c.appointed_position = position
        c.save(update_fields=["appointed_position"])  # pragma: no mutate (equivalent)
        _set_candidate_status(c, CandidateStatus.APPOINTED)


def _go_back(case: SelectionCase, to_stage: str) -> None:
    """Returning undoes the candidates' progress past ``to_stage``."""
    order = Stage.values.index
    reset: tuple[str, ...]
    if order(to_stage) < order(Stage.INSPECTION):
        reset = (CandidateStatus.INSPECTED, CandidateStatus.APPROVED)
        target = CandidateStatus.NOMINATED
    elif order(to_stage) < order(Stage.PUBLIC_NOTICE):
        reset, target = (CandidateStatus.APPROVED,), CandidateStatus.INSPECTED
    else:
        return
    for c in _active(case, *reset):
        _set_candidate_status(c, target)


def case_advance(
    acting_user: Any,
    case: SelectionCase,
    to_stage: str,
    reason: str = "",
    *,
    on: dt.date | None = None,
    today: dt.date | None = None,
    version: int | None = None,
) -> SelectionCase:
    """The one way a case changes stage (``STAGE_TRANSITIONS``), with the 条例's checks.

    Forward moves go one stage at a time; going back needs ``reason``. ``on`` is the date the
    stage is entered (default ``today``); ``today`` defaults to the local date.
    """
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    now = _today(today)
    day = on or now
    reason = stripped(reason)
    if to_stage not in Stage.values:
        raise ValidationError({"stage": "环节无效"})
    with transaction.atomic():
        current = _locked(case, version)
        from_stage = current.stage
        if to_stage == from_stage:
            raise ValidationError(f"已在“{_stage_label(to_stage)}”环节")
        if to_stage not in STAGE_TRANSITIONS[from_stage]:
            raise ValidationError(
                f"当前为“{_stage_label(from_stage)}”环节，不能转到“{_stage_label(to_stage)}”"
                + ("（不能跳过环节）" if not is_backward(from_stage, to_stage) else "")
            )
        backward = is_backward(from_stage, to_stage)
        if backward:
            if not reason:
                raise ValidationError({"reason": "退回到之前的环节须说明理由"})
            _go_back(current, to_stage)
        elif to_stage == Stage.RECOMMENDATION and not current.posts.exists():
            raise ValidationError("请先填写拟任职务")
        elif to_stage == Stage.CANDIDATES and not _active(current):
            raise ValidationError("民主推荐尚未产生人选")
        elif to_stage == Stage.INSPECTION:
            _enter_inspection(acting_user, current, now)
        elif to_stage == Stage.DECISION:
            _enter_decision(current)
        elif to_stage == Stage.PUBLIC_NOTICE:
            _enter_notice(current)
        elif to_stage == Stage.APPOINTMENT:
            _appoint(acting_user, current, day, now)
        current.stage = to_stage
        _bump(current)
        if to_stage != Stage.CLOSED:
            record, created = StageRecord.objects.get_or_create(
                case=current,
                stage=to_stage,
                defaults={"date": day, "note": reason, "recorded_by": _user(acting_user)},
            )
            if not created and backward:
                record.note = "\n".join(
                    filter(None, [record.note, f"{day:%Y.%m.%d} 退回：{reason}"])
                )
                record.save(update_fields=["note", "updated_at"])
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {
                "section": "环节",
                "before": {"stage": _stage_label(from_stage)},
                "after": {
                    "stage": _stage_label(to_stage),
                    "date": day.isoformat(),
                    "reason": reason,
                },
            },
        )
    return current


# ---------------------------------------------------------------- attachments


def attachment_add(
    *, acting_user: Any, case: SelectionCase, stage: str, name: str, data: bytes
) -> Attachment:
    """A document of a stage the case has reached, checked by content (core.attachments)."""
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    if stage not in Stage.values or stage == Stage.CLOSED:
        raise ValidationError({"stage": "请选择环节"})
    if STAGE_ORDER.index(stage) > STAGE_ORDER.index(case.stage):
        raise ValidationError({"stage": f"尚未进行到“{_stage_label(stage)}”环节"})
    try:
        checked = check_attachment(name, data)
    except UploadRejected as exc:
        raise ValidationError({"file": exc.message}) from exc
    with transaction.atomic():
        current = _locked(case)
        item = Attachment.objects.create(
            case=current,
            stage=stage,
            name=checked.name,
            content_type=checked.content_type,
            size=len(checked.data),
            sha256=hashlib.sha256(checked.data).hexdigest(),
            data=checked.data,
            uploaded_by=_user(acting_user),
        )
        _audit(
            acting_user,
            AuditAction.CREATE,
            current,
            {
                "section": "附件",
                "after": {
                    "stage": _stage_label(stage),
                    "name": item.name,
                    "size": item.size,
                    "sha256": item.sha256,
                },
            },
        )
    return item


def attachment_delete(*, acting_user: Any, attachment: Attachment) -> None:
    """Remove a document; the audit event keeps its name and digest."""
    case = attachment.case
    require(acting_user, Action.SELECTION_CHANGE, case, message=CASE_MISSING)
    with transaction.atomic():
        current = _locked(case)
        before = {
            "stage": _stage_label(attachment.stage),
            "name": attachment.name,
            "sha256": attachment.sha256,
        }
        Attachment.objects.filter(pk=attachment.pk, case=current).delete()
        _audit(acting_user, AuditAction.DELETE, current, {"section": "附件", "before": before})
