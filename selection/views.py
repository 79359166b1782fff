"""选拔任用 pages: the case list, a new case, and the case page — a stepper of the stages with
one form for the current stage. Every POST calls one service and comes back to the case page
with the service's message (a refusal shows its Chinese reason)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.choices import AuditAction
from audit.services import audit_record_export_standalone, audit_record_standalone
from cadres.choices import CadreStatus
from cadres.models import Position
from cadres.roster import roster_queryset
from cadres.selectors import cadres_for
from core.forms import add_service_errors
from core.http import request_int
from core.listing import paginate, query_without
from core.permissions import Action, can_in_path, has_action, require_action
from core.workdays import CalendarYearMissing
from orgs.models import Unit
from orgs.selectors import unit_by_code, unit_default
from selection import selectors, services
from selection.choices import (
    CHECKLIST_ITEMS,
    STAGE_ORDER,
    STAGE_TRANSITIONS,
    CandidateStatus,
    Stage,
    is_backward,
)
from selection.forms import (
    AdvanceForm,
    CandidateForm,
    CaseForm,
    ChecklistForm,
    DecisionForm,
    NoticeForm,
    StageRecordForm,
    WithdrawForm,
)
from selection.models import Candidate, InspectionChecklist, SelectionCase
from selection.record_pdf import record_pdf

CADRE_OPTIONS_MAX = 20


def _detail(case: SelectionCase) -> HttpResponse:
    return redirect(reverse("selection:case_detail", args=[case.pk]))


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_refused(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def _case_for_change(request: HttpRequest, pk: int) -> SelectionCase:
    return selectors.case_get(user=request.user, pk=pk, action=Action.SELECTION_CHANGE)


# ---------------------------------------------------------------- list and create


@require_action(Action.SELECTION_VIEW)
def case_list_view(request: HttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    q = request.GET.get("q", "")
    page, size = paginate(request, selectors.case_list(user=request.user, stage=stage, q=q))
    return render(
        request,
        "selection/case_list.html",
        {
            "page": page,
            "size": size,
            "stage": stage,
            "q": q,
            "today": timezone.localdate(),
            "stages": Stage.choices,
            "qs_page": query_without(request, "page"),
            "can_change": has_action(request.user, Action.SELECTION_CHANGE),
        },
    )


def _unit(request: HttpRequest, code: str) -> Unit | None:
    return unit_by_code(user=request.user, code=code.strip(), action=Action.SELECTION_CHANGE)


@require_action(Action.SELECTION_CHANGE)
def case_create_view(request: HttpRequest) -> HttpResponse:
    default = unit_default(user=request.user, action=Action.SELECTION_CHANGE)
    code = default.code if default else ""
    initial = {
        "unit": code,
        "post_unit": code,
        "opened_on": timezone.localdate(),
        "rank_level": "141",
        "probation_applies": True,
    }
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit, post_unit = _unit(request, data["unit"]), _unit(request, data["post_unit"])
        if unit is None:
            form.add_error("unit", "找不到该单位，或您无权在其中办理选拔任用")
        if post_unit is None:
            form.add_error("post_unit", "找不到该单位，或您无权在其中办理选拔任用")
        if unit is not None and post_unit is not None:
            try:
                case = services.case_create(
                    acting_user=request.user,
                    unit=unit,
                    title=data["title"],
                    opened_on=data["opened_on"],
                    posts=[
                        {
                            "unit": post_unit,
                            "title": data["post_title"],
                            "rank_level": data["rank_level"],
                            "is_head": data["is_head"],
                            "probation_applies": data["probation_applies"],
                        }
                    ],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已建立“{case.title}”")
                return _detail(case)
    return render(request, "selection/case_form.html", {"form": form})


# ---------------------------------------------------------------- the case page


def _candidates_qs(request: HttpRequest, case: SelectionCase) -> Any:
    """Active cadres of the case's unit subtree the user may propose."""
    return cadres_for(user=request.user, action=Action.SELECTION_CHANGE, under=case.unit).filter(
        status=CadreStatus.ACTIVE
    )


def _candidate_form(request: HttpRequest, case: SelectionCase, data: Any = None) -> CandidateForm:
    url = reverse("selection:candidate_options", args=[case.pk])
    return CandidateForm(data, options_url=url)


@require_action(Action.SELECTION_CHANGE)
def candidate_options_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: up to 20 cadres matching the typed name, initials or ID number."""
    case = _case_for_change(request, pk)
    q = (request.GET.get("cadre") or request.GET.get("q") or "").strip()
    found = []
    if q:
        found = list(
            roster_queryset(user=request.user, filters={"q": q, "status": "active"})
            .filter(pk__in=_candidates_qs(request, case).values("pk"))
            .select_related("unit")
            .order_by("name_initials", "id")
            .only("id", "name", "current_title", "unit__name")[:CADRE_OPTIONS_MAX]
        )
    return render(request, "selection/_cadre_options.html", {"cadres": found})


def _checklist_initial(candidate: Candidate) -> dict[str, Any]:
    """What is on record, and today for a date not yet filled in (a clerk records a check
    on the day it is done; an unchecked item's date is not saved, see checklist_view)."""
    today = timezone.localdate()
    record = InspectionChecklist.objects.filter(candidate=candidate).first()
    initial: dict[str, Any] = {"note": record.note if record else ""}
    for item in CHECKLIST_ITEMS:
        initial[item] = bool(record and getattr(record, item))
        initial[f"{item}_date"] = (record and getattr(record, f"{item}_date")) or today
    return initial


def _stage_form(stage: str, date: dt.date | None) -> StageRecordForm:
    return StageRecordForm(prefix=f"stage-{stage}", initial={"date": date or timezone.localdate()})


@require_action(Action.SELECTION_VIEW)
def case_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    record = selectors.case_record(case)
    can_change = can_in_path(request.user, Action.SELECTION_CHANGE, case.unit.path)
    allowed = STAGE_TRANSITIONS[case.stage]
    forward = [s for s in STAGE_ORDER if s in allowed and not is_backward(case.stage, s)]
    backward = [
        (s, Stage(s).label) for s in STAGE_ORDER if s in allowed and is_backward(case.stage, s)
    ]
    candidates = list(
        case.candidates.select_related("cadre", "post", "post__unit").order_by("post__order", "id")
    )
    context: dict[str, Any] = {
        "case": case,
        "record": record,
        "can_change": can_change,
        "can_print_form": has_action(request.user, Action.CADRES_EXPORT),
        "forward": [(s, Stage(s).label) for s in forward],
        "backward": backward,
        "today": timezone.localdate(),
        "candidates": candidates,
        "inspected": [c for c in candidates if c.status == CandidateStatus.INSPECTED],
        "attachments": list(case.attachments.defer("data").order_by("id")),
        "upload_stages": [
            (s, Stage(s).label)
            for s in STAGE_ORDER[: STAGE_ORDER.index(case.stage) + 1]
            if s != Stage.CLOSED
        ],
        "stage_rows": [
            (entry, _stage_form(entry["stage"], entry["date"]))
            for entry in record["stages"]
            if entry["reached"]
        ],
    }
    if can_change and case.stage in (Stage.RECOMMENDATION, Stage.CANDIDATES):
        context["candidate_form"] = _candidate_form(request, case)
    if can_change and case.stage == Stage.INSPECTION:
        context["checklist_forms"] = [
            (c, ChecklistForm(prefix=f"c{c.pk}", initial=_checklist_initial(c)))
            for c in candidates
            if c.status == CandidateStatus.INSPECTED
        ]
    if can_change and case.stage == Stage.DECISION:
        context["decision_form"] = DecisionForm(initial={"date": timezone.localdate()})
    if can_change and case.stage in (Stage.DECISION, Stage.PUBLIC_NOTICE):
        notice = record["notice"]
        # A notice already set is edited in place (e.g. to record 公示反映情况), not retyped.
        context["notice_form"] = NoticeForm(
            initial={k: notice[k] for k in ("start_date", "working_days", "objections")}
            if notice
            else None
        )
    return render(request, "selection/case_detail.html", context)


@require_action(Action.SELECTION_VIEW)
def case_record_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The 纪实 as one PDF (its download is audited: it names candidates and votes)."""
    case = selectors.case_get(user=request.user, pk=pk)
    record = selectors.case_record(case)
    data = record_pdf(record)
    audit_record_export_standalone(
        actor=request.user,
        subjects=[c["cadre_id"] for c in record["candidates"]],
        action=AuditAction.EXPORT,
        obj=case,
        object_repr=f"{case.title} 纪实",
        sensitive=True,
    )
    response = HttpResponse(data, content_type="application/pdf")
    filename = quote(f"{case.title}纪实.pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- stage forms


def _version(request: HttpRequest) -> int | None:
    """The case version the page was drawn with: a save over someone else's change is refused."""
    return request_int(request.POST.get("version", "").strip())


@require_POST
@require_action(Action.SELECTION_CHANGE)
def case_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(case)
    data = form.cleaned_data
    try:
        services.case_advance(
            request.user,
            case,
            data["to_stage"],
            data["reason"],
            on=data["on"],
            version=data["version"],
        )
    except (ValidationError, CalendarYearMissing) as exc:
        if isinstance(exc, ValidationError):
            _refused(request, exc)
        else:
            messages.error(request, str(exc))
    else:
        label = Stage(data["to_stage"]).label if data["to_stage"] in Stage.values else ""
        messages.success(request, f"已转到“{label}”环节")
    return _detail(case)


@require_POST
@require_action(Action.SELECTION_CHANGE)
def stage_record_view(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = StageRecordForm(request.POST, prefix=f"stage-{stage}")
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(case)
    try:
        services.stage_record_set(
            acting_user=request.user,
            case=case,
            stage=stage,
            version=_version(request),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已保存环节记录")
    return _detail(case)


@require_POST
@require_action(Action.SELECTION_CHANGE)
def candidate_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = _candidate_form(request, case, request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(case)
    data = form.cleaned_data
    # Out of scope reads as missing; the service says why an in-scope one cannot stand.
    cadre = (
        cadres_for(user=request.user, action=Action.SELECTION_CHANGE)
        .filter(pk=data["cadre"])
        .first()
    )
    if cadre is None:
        messages.error(request, "干部：找不到该干部，请输入姓名或拼音首字母后从列表中选择")
        return _detail(case)
    ends = (
        list(Position.objects.filter(cadre=cadre, end_date__isnull=True))
        if data["end_current"]
        else []
    )
    try:
        services.candidate_add(
            acting_user=request.user,
            case=case,
            cadre=cadre,
            post=case.posts.order_by("order", "id")[0],
            exceptional=data["exceptional"],
            exceptional_reason=data["exceptional_reason"],
            recommendation_votes=data["recommendation_votes"],
            positions_to_end=ends,
            version=_version(request),
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已提出人选{cadre.name}")
    return _detail(case)


def _candidate_for_change(request: HttpRequest, pk: int) -> Candidate:
    return selectors.candidate_get(user=request.user, pk=pk, action=Action.SELECTION_CHANGE)


@require_POST
@require_action(Action.SELECTION_CHANGE)
def candidate_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate_for_change(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(candidate.case)
    try:
        services.candidate_withdraw(
            acting_user=request.user,
            candidate=candidate,
            reason=form.cleaned_data["reason"],
            version=_version(request),
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已不再考虑{candidate.cadre.name}")
    return _detail(candidate.case)


@require_POST
@require_action(Action.SELECTION_CHANGE)
def checklist_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = _candidate_for_change(request, pk)
    form = ChecklistForm(request.POST, prefix=f"c{candidate.pk}")
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(candidate.case)
    data = dict(form.cleaned_data)
    for item in CHECKLIST_ITEMS:
        if not data.get(item):
            data[f"{item}_date"] = None  # the date box defaults to today; unchecked means not done
    try:
        services.checklist_set(
            acting_user=request.user,
            candidate=candidate,
            version=_version(request),
            **data,
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已保存{candidate.cadre.name}的考察记录")
    return _detail(candidate.case)


def _votes(request: HttpRequest, case: SelectionCase) -> dict[int, tuple[int, int, int]]:
    votes: dict[int, tuple[int, int, int]] = {}
    for c in case.candidates.filter(status=CandidateStatus.INSPECTED):
        counts = []
        for kind in ("for", "against", "abstain"):
            raw = request.POST.get(f"{kind}_{c.pk}", "").strip() or "0"
            count = request_int(raw, maximum=32767)  # PositiveSmallIntegerField
            if count is None:
                raise ValidationError("票数须为不超过 32767 的非负整数")
            counts.append(count)
        votes[c.pk] = (counts[0], counts[1], counts[2])
    return votes


@require_POST
@require_action(Action.SELECTION_CHANGE)
def decision_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(case)
    try:
        services.decision_record(
            acting_user=request.user,
            case=case,
            votes=_votes(request, case),
            version=_version(request),
            **form.cleaned_data,
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "已保存讨论决定")
    return _detail(case)


@require_POST
@require_action(Action.SELECTION_CHANGE)
def notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        _form_refused(request, form)
        return _detail(case)
    try:
        notice = services.notice_set(
            acting_user=request.user, case=case, version=_version(request), **form.cleaned_data
        )
    except ValidationError as exc:
        _refused(request, exc)
    except CalendarYearMissing as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已保存任前公示，公示期至 {notice.end_date:%Y.%m.%d}")
    return _detail(case)


# ---------------------------------------------------------------- attachments

MAX_UPLOAD = 20 * 1024 * 1024


@require_POST
@require_action(Action.SELECTION_CHANGE)
def attachment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return _detail(case)
    if upload.size is not None and upload.size > MAX_UPLOAD:
        messages.error(request, "附件超过 20 MB 上限")
        return _detail(case)
    try:
        item = services.attachment_add(
            acting_user=request.user,
            case=case,
            stage=request.POST.get("stage", ""),
            name=upload.name or "",
            data=upload.read(),
        )
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"已上传附件“{item.name}”")
    return _detail(case)


@require_action(Action.SELECTION_VIEW)
def attachment_download_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A stage document, as a download only (never shown inline), audited as a sensitive read."""
    item = selectors.attachment_get(user=request.user, pk=pk, action=Action.SELECTION_VIEW)
    audit_record_standalone(
        actor=request.user,
        action=AuditAction.DOWNLOAD,
        obj=item.case,
        object_repr=f"{item.case.title} 附件：{item.name}",
        changes={"attachment": item.pk, "sha256": item.sha256},
        sensitive=True,
    )
    response = HttpResponse(bytes(item.data), content_type=item.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@require_action(Action.SELECTION_CHANGE)
def attachment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.attachment_get(user=request.user, pk=pk, action=Action.SELECTION_CHANGE)
    services.attachment_delete(acting_user=request.user, attachment=item)
    messages.success(request, f"已删除附件“{item.name}”")
    return _detail(item.case)
