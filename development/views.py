"""Pool pages: list, pool page (在库 / 已出库 / 推荐人选 / 变更记录), entry with its evidence,
create/edit, 入库 and 出库 forms, and the members' Excel export. Programme pages: list,
programme page with its assignments and their Excel export, create/edit, and an
assignment's page with its edit form and the forms that start, evaluate, end or cancel it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.choices import AuditAction
from audit.selectors import object_history
from audit.services import audit_record_export_standalone
from cadres.models import Cadre
from cadres.roster import roster_queryset
from cadres.selectors import cadre_get, cadres_for
from core.choices import CodeTable
from core.dates import age_in_months_style
from core.excel import xlsx_response
from core.forms import add_service_errors, form_saved
from core.http import request_int
from core.listing import PAGE_SIZES, paginate, query_without
from core.permissions import Action, can_in_path, has_action, require_action
from core.selectors import code_map
from development import selectors, services
from development.choices import (
    EVIDENCE_COLOURS,
    LIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    EntryStatus,
    PoolKind,
    ProgrammeKind,
)
from development.forms import (
    AssignmentCancelForm,
    AssignmentEditForm,
    AssignmentEndForm,
    AssignmentEvaluateForm,
    AssignmentForm,
    AssignmentStartForm,
    EntryAddForm,
    EntryExitForm,
    EvidenceForm,
    PoolForm,
    ProgrammeForm,
)
from development.models import Assignment, Pool, PoolEntry, Programme
from orgs.models import Unit
from orgs.selectors import unit_by_code, unit_chosen, unit_default

TABS = (
    ("members", "在库"),
    ("history", "已出库"),
    ("candidates", "推荐人选"),
    ("log", "变更记录"),
)
DEFAULT_ENTRY_REASON = "符合入库条件"


def _can(request: HttpRequest, action: str, pool: Pool | None = None) -> bool:
    if pool is None:
        return has_action(request.user, action)
    return can_in_path(request.user, action, pool.unit.path)


def _today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- list


def _filters(request: HttpRequest) -> selectors.PoolFilters:
    return {
        "q": request.GET.get("q", ""),
        "kind": request.GET.get("kind", ""),
        "include_inactive": request.GET.get("inactive") == "1",
    }


@require_action(Action.POOLS_VIEW)
def pool_list_view(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page, size = paginate(request, selectors.pool_list(user=request.user, filters=filters))
    rows = [{"pool": p, "criteria": p.get_criteria().describe()} for p in page]
    return render(
        request,
        "development/pool_list.html",
        {
            "page": page,
            "rows": rows,
            "size": size,
            "filters": filters,
            "kinds": PoolKind.choices,
            "qs_page": query_without(request, "page"),
            "can_change": _can(request, Action.POOLS_CHANGE),
        },
    )


# ---------------------------------------------------------------- create / edit


@require_action(Action.POOLS_CHANGE)
def pool_create_view(request: HttpRequest) -> HttpResponse:
    unit = unit_default(user=request.user, action=Action.POOLS_CHANGE)
    initial = {
        "unit": unit.code if unit else "",
        "kind": PoolKind.YOUNG,
        "is_active": True,
        "max_age": 35,
        "rank_levels": ["141", "142"],
        "min_education": "2",
        "assessment_years": 3,
        "none_below_competent": True,
        "min_excellent": 1,
    }
    form = PoolForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Pool:
        return services.pool_create(
            acting_user=request.user,
            unit=unit_chosen(
                user=request.user,
                code=data["unit"],
                action=Action.POOLS_CHANGE,
                refusal="找不到该单位，或您无权在其中建立干部库",
            ),
            kind=data["kind"],
            name=data["name"],
            description=data["description"],
            criteria=form.criteria(),
            is_active=data["is_active"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success=lambda pool: f"已建立“{pool.name}”，下面是按入库条件推荐的人选",
        then=lambda pool: redirect(_detail_url(pool, tab="candidates")),
    ):
        return done
    return render(
        request, "development/pool_form.html", {"form": form, "title": "新建干部库", "pool": None}
    )


@require_action(Action.POOLS_CHANGE)
def pool_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.pool_get(user=request.user, pk=pk, action=Action.POOLS_CHANGE)
    initial = {
        "kind": pool.kind,
        "name": pool.name,
        "description": pool.description,
        "is_active": pool.is_active,
        "version": pool.version,
        **PoolForm.initial_from(pool.get_criteria()),
    }
    form = PoolForm(request.POST or None, initial=initial, creating=False)

    def save(data: dict[str, Any]) -> Pool:
        return services.pool_update(
            acting_user=request.user,
            pool=pool,
            version=data.get("version"),
            kind=data["kind"],
            name=data["name"],
            description=data["description"],
            is_active=data["is_active"],
            criteria=form.criteria(),
        )

    if done := form_saved(
        request, form, save, success="已保存", then=lambda saved: redirect(_detail_url(saved))
    ):
        return done
    return render(
        request,
        "development/pool_form.html",
        {"form": form, "title": f"编辑“{pool.name}”", "pool": pool},
    )


# ---------------------------------------------------------------- the pool page


def _detail_url(pool: Pool, **params: Any) -> str:
    url = reverse("development:pool_detail", args=[pool.pk])
    return f"{url}?{urlencode(params)}" if params else url


def _tag_badges(entry: PoolEntry) -> list[dict[str, Any]]:
    return [
        {
            "tag": tag,
            "label": label,
            "count": len(items),
            "colour": EVIDENCE_COLOURS[tag],
            "title": "；".join(item.text for item in items),
        }
        for tag, label, items in selectors.evidence_by_tag(entry)
    ]


def entry_rows(entries: Any, today: dt.date) -> list[dict[str, Any]]:
    """Display rows of entries (cadre, unit and evidence prefetched by ``pool_members``)."""
    ranks = code_map(table=CodeTable.RANK_LEVEL)
    education = code_map(table=CodeTable.EDUCATION)
    rows = []
    for entry in entries:
        cadre = entry.cadre
        rows.append(
            {
                "entry": entry,
                "cadre": cadre,
                "age": age_in_months_style(cadre.birth_date, today),
                "unit": cadre.unit.name,
                "title": cadre.current_title,
                "rank": ranks.get(cadre.rank_level, ""),
                "education": education.get(cadre.education_level, ""),
                "badges": _tag_badges(entry),
            }
        )
    return rows


def _page_size(request: HttpRequest, default: int) -> int:
    size = request_int(request.GET.get("size"), default=default)
    return size if size in PAGE_SIZES else default


@require_action(Action.POOLS_VIEW)
def pool_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    pool = selectors.pool_get(user=request.user, pk=pk)
    tab = request.GET.get("tab", "members")
    if tab not in dict(TABS):
        tab = "members"
    today = _today()
    context: dict[str, Any] = {
        "pool": pool,
        "tab": tab,
        "tabs": TABS,
        "criteria": pool.get_criteria().describe(),
        "in_count": selectors.pool_members(user=request.user, pool=pool).count(),
        "can_change": _can(request, Action.POOLS_CHANGE, pool),
        "can_export": _can(request, Action.CADRES_EXPORT, pool),
        "qs_page": query_without(request, "page"),
        "default_reason": DEFAULT_ENTRY_REASON,
    }
    if tab in ("members", "history"):
        status = EntryStatus.IN if tab == "members" else EntryStatus.OUT
        q = request.GET.get("q", "")
        page, size = paginate(
            request, selectors.pool_members(user=request.user, pool=pool, status=status, q=q)
        )
        context.update(page=page, size=size, rows=entry_rows(page, today), q=q)
    elif tab == "candidates":
        size = _page_size(request, selectors.CANDIDATE_PAGE_SIZE)
        page = selectors.pool_candidates(
            user=request.user,
            pool=pool,
            today=today,
            page=request_int(request.GET.get("page"), default=1, minimum=1),
            size=size,
        )
        context.update(
            page=page,
            size=size,
            back=urlencode({"tab": "candidates", "page": page.number, "size": size}),
            inactive=not pool.is_active,
        )
    else:
        context["history"] = object_history(pool, limit=50)
    return render(request, "development/pool_detail.html", context)


@require_action(Action.POOLS_VIEW)
def pool_export_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """在库 (or ``?status=out`` 已出库) members as Excel; needs the cadre export right too."""
    pool = selectors.pool_get(user=request.user, pk=pk)
    if not _can(request, Action.CADRES_EXPORT, pool):
        raise Http404("页面不存在")
    status = EntryStatus.OUT if request.GET.get("status") == EntryStatus.OUT else EntryStatus.IN
    entries = selectors.pool_members(
        user=request.user, pool=pool, status=status, action=Action.CADRES_EXPORT
    )
    rows = entry_rows(entries, _today())
    label = EntryStatus(status).label
    audit_record_export_standalone(
        actor=request.user,
        subjects=[row["cadre"].pk for row in rows],
        action=AuditAction.EXPORT,
        obj=pool,
        object_repr=f"{pool.name}{label}名单（{len(rows)} 人）",
        changes={"status": status},
        sensitive=True,
    )
    headers = [
        "姓名",
        "性别",
        "出生年月",
        "年龄",
        "单位",
        "现任职务",
        "领导职务层次",
        "最高学历",
        "熟悉专业有何专长",
        "入库时间",
        "入库理由",
        "学过",
        "干过",
        "管用",
    ]
    if status == EntryStatus.OUT:
        headers += ["出库时间", "出库理由"]
    return xlsx_response(
        filename=f"{pool.name}_{label}名单_{_today():%Y%m%d}.xlsx",
        title=f"{label}名单",
        headers=headers,
        rows=(_export_row(row, status) for row in rows),
    )


def _export_row(row: dict[str, Any], status: str) -> list[Any]:
    cadre, entry = row["cadre"], row["entry"]
    evidence = {
        tag: "；".join(i.text for i in items)
        for tag, _label, items in selectors.evidence_by_tag(entry)
    }
    values = [
        cadre.name,
        cadre.sex_name,
        f"{cadre.birth_date:%Y.%m}",
        row["age"],
        row["unit"],
        row["title"],
        row["rank"],
        row["education"],
        cadre.expertise,
        f"{timezone.localtime(entry.entered_at):%Y.%m.%d}",
        entry.reason,
        evidence.get("studied", ""),
        evidence.get("done", ""),
        evidence.get("proven", ""),
    ]
    if status == EntryStatus.OUT:
        exited = timezone.localtime(entry.exited_at) if entry.exited_at else None
        values += [f"{exited:%Y.%m.%d}" if exited else "", entry.exit_reason]
    return values


# ---------------------------------------------------------------- entries


@require_action(Action.POOLS_CHANGE)
def entry_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """入库: POST from the 推荐人选 list (one click) or from the search below; GET searches."""
    pool = selectors.pool_get(user=request.user, pk=pk, action=Action.POOLS_CHANGE)
    if request.method == "POST":
        form = EntryAddForm(request.POST)
        back = request.POST.get("back", "")
        search = request.POST.get("q", "").strip()
        # A refusal returns to the list the click came from: the search, or the pool page.
        refused = f"{request.path}?{urlencode({'q': search})}" if search else _back(pool, back)
        if not form.is_valid():
            messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
            return redirect(refused)
        cadre = cadre_get(
            user=request.user, pk=form.cleaned_data["cadre"], action=Action.POOLS_CHANGE
        )
        try:
            entry = services.pool_entry_add(
                acting_user=request.user,
                pool=pool,
                cadre=cadre,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(refused)
        messages.success(request, f"已将{cadre.name}列入“{pool.name}”，可在其入库记录中添加佐证")
        if back:
            return redirect(_back(pool, back))
        return redirect("development:entry_detail", pk=entry.pk)
    q = request.GET.get("q", "").strip()
    found: list[Cadre] = []
    open_ids: set[int] = set()
    if q:
        found = list(
            roster_queryset(
                user=request.user,
                filters={"q": q},
                action=Action.POOLS_CHANGE,
                under=pool.unit,
            )
            .select_related("unit")
            .order_by("unit_path", "sort_order", "id")[:20]
        )
        open_ids = set(
            PoolEntry.objects.filter(
                pool=pool, status=EntryStatus.IN, cadre__in=[c.pk for c in found]
            ).values_list("cadre_id", flat=True)
        )
    today = _today()
    return render(
        request,
        "development/entry_add.html",
        {
            "pool": pool,
            "q": q,
            "found": [
                (c, age_in_months_style(c.birth_date, today), c.pk in open_ids) for c in found
            ],
        },
    )


def _back(pool: Pool, back: str) -> str:
    """The pool page with the query string the form came from (only ever this pool's page;
    the string is parsed and re-encoded, so it cannot smuggle anything into the header)."""
    url = reverse("development:pool_detail", args=[pool.pk])
    query = QueryDict(back).urlencode() if back else "tab=candidates"
    return f"{url}?{query}"


def _entry_context(request: HttpRequest, entry: PoolEntry, form: Any = None) -> dict[str, Any]:
    can_change = can_in_path(
        request.user, Action.POOLS_CHANGE, entry.pool.unit.path
    ) and can_in_path(request.user, Action.POOLS_CHANGE, entry.cadre.unit_path)
    today = _today()
    return {
        "entry": entry,
        "pool": entry.pool,
        "cadre": entry.cadre,
        "age": age_in_months_style(entry.cadre.birth_date, today),
        "groups": [
            (tag, label, EVIDENCE_COLOURS[tag], items)
            for tag, label, items in selectors.evidence_by_tag(entry)
        ],
        "can_change": can_change and entry.is_open,
        "stays": selectors.entries_of_cadre(user=request.user, cadre=entry.cadre),
        "form": form if form is not None else EvidenceForm(),
        "history": object_history(entry, limit=30),
    }


@require_action(Action.POOLS_VIEW)
def entry_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk)
    return render(request, "development/entry_detail.html", _entry_context(request, entry))


@require_POST
@require_action(Action.POOLS_CHANGE)
def evidence_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk, action=Action.POOLS_CHANGE)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            item = services.pool_evidence_add(
                acting_user=request.user, entry=entry, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已添加佐证（{item.get_tag_display()}）")
            return redirect("development:entry_detail", pk=entry.pk)
    return render(request, "development/entry_detail.html", _entry_context(request, entry, form))


@require_POST
@require_action(Action.POOLS_CHANGE)
def evidence_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.evidence_get(user=request.user, pk=pk, action=Action.POOLS_CHANGE)
    try:
        services.pool_evidence_delete(acting_user=request.user, evidence=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已删除该条佐证（变更记录中保留原内容）")
    return redirect("development:entry_detail", pk=item.entry_id)


@require_action(Action.POOLS_CHANGE)
def entry_exit_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.entry_get(user=request.user, pk=pk, action=Action.POOLS_CHANGE)
    if not entry.is_open:
        messages.info(request, "该干部已出库")
        return redirect("development:entry_detail", pk=entry.pk)
    form = EntryExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pool_entry_exit(
                acting_user=request.user, entry=entry, reason=form.cleaned_data["exit_reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{entry.cadre.name}已出库，记录保留在“已出库”中")
            return redirect(_detail_url(entry.pool, tab="history"))
    return render(request, "development/entry_exit.html", {"form": form, "entry": entry})


# ---------------------------------------------------------------- programmes


def _programme_filters(request: HttpRequest) -> selectors.ProgrammeFilters:
    return {
        "q": request.GET.get("q", ""),
        "kind": request.GET.get("kind", ""),
        "include_inactive": request.GET.get("inactive") == "1",
    }


def _can_programme(request: HttpRequest, programme: Programme | None = None) -> bool:
    if programme is None:
        return has_action(request.user, Action.PROGRAMMES_CHANGE)
    return can_in_path(request.user, Action.PROGRAMMES_CHANGE, programme.unit.path)


@require_action(Action.PROGRAMMES_VIEW)
def programme_list_view(request: HttpRequest) -> HttpResponse:
    filters = _programme_filters(request)
    page, size = paginate(request, selectors.programme_list(user=request.user, filters=filters))
    return render(
        request,
        "development/programme_list.html",
        {
            "page": page,
            "size": size,
            "filters": filters,
            "kinds": ProgrammeKind.choices,
            "qs_page": query_without(request, "page"),
            "can_change": _can_programme(request),
        },
    )


@require_action(Action.PROGRAMMES_CHANGE)
def programme_create_view(request: HttpRequest) -> HttpResponse:
    unit = unit_default(user=request.user, action=Action.PROGRAMMES_CHANGE)
    initial = {
        "unit": unit.code if unit else "",
        "kind": ProgrammeKind.SECONDMENT,
        "is_active": True,
        "start_date": _today(),
    }
    form = ProgrammeForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Programme:
        return services.programme_create(
            acting_user=request.user,
            unit=unit_chosen(
                user=request.user,
                code=data["unit"],
                action=Action.PROGRAMMES_CHANGE,
                refusal="找不到该单位，或您无权在其中建立培养项目",
            ),
            kind=data["kind"],
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            goals=data["goals"],
            is_active=data["is_active"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success=lambda programme: f"已建立“{programme.name}”，可在下面添加培养安排",
        then=lambda programme: redirect("development:programme_detail", pk=programme.pk),
    ):
        return done
    return render(
        request,
        "development/programme_form.html",
        {"form": form, "title": "新建培养项目", "programme": None},
    )


@require_action(Action.PROGRAMMES_CHANGE)
def programme_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, pk=pk, action=Action.PROGRAMMES_CHANGE)
    initial = {
        "kind": programme.kind,
        "name": programme.name,
        "start_date": programme.start_date,
        "end_date": programme.end_date,
        "goals": programme.goals,
        "is_active": programme.is_active,
        "version": programme.version,
    }
    form = ProgrammeForm(request.POST or None, initial=initial, creating=False)

    def save(data: dict[str, Any]) -> Programme:
        return services.programme_update(
            acting_user=request.user,
            programme=programme,
            version=data.get("version"),
            kind=data["kind"],
            name=data["name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            goals=data["goals"],
            is_active=data["is_active"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success="已保存",
        then=lambda saved: redirect("development:programme_detail", pk=saved.pk),
    ):
        return done
    return render(
        request,
        "development/programme_form.html",
        {"form": form, "title": f"编辑“{programme.name}”", "programme": programme},
    )


@require_action(Action.PROGRAMMES_VIEW)
def programme_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in AssignmentStatus.values else ""
    qs = selectors.programme_assignments(user=request.user, programme=programme, status=status)
    page, size = paginate(request, qs)
    return render(
        request,
        "development/programme_detail.html",
        {
            "programme": programme,
            "page": page,
            "size": size,
            "status": status,
            "statuses": AssignmentStatus.choices,
            "qs_page": query_without(request, "page"),
            "can_change": _can_programme(request, programme),
            "can_export": can_in_path(request.user, Action.CADRES_EXPORT, programme.unit.path),
            "history": object_history(programme, limit=30),
        },
    )


PROGRAMME_EXPORT_HEADERS = (
    "姓名",
    "本单位",
    "现任职务",
    "接收单位",
    "挂任职务",
    "导师",
    "开始",
    "计划结束",
    "实际结束",
    "状态",
    "中期评价",
    "期满评价（等次）",
)


@require_action(Action.PROGRAMMES_VIEW)
def programme_export_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The programme's assignments (``?status=`` as on its page) as Excel; like the pool
    export it needs the cadre export right too, and is audited as a sensitive read."""
    programme = selectors.programme_get(user=request.user, pk=pk)
    if not can_in_path(request.user, Action.CADRES_EXPORT, programme.unit.path):
        raise Http404("页面不存在")
    status = request.GET.get("status", "")
    status = status if status in AssignmentStatus.values else ""
    assignments = list(
        selectors.programme_assignments(
            user=request.user, programme=programme, status=status, action=Action.CADRES_EXPORT
        )
    )
    label = AssignmentStatus(status).label if status else ""
    audit_record_export_standalone(
        actor=request.user,
        subjects=[a.cadre_id for a in assignments],
        action=AuditAction.EXPORT,
        obj=programme,
        object_repr=f"{programme.name}{label}培养安排（{len(assignments)} 人）",
        changes={"filters": {"status": status}} if status else {},
        sensitive=True,
    )
    return xlsx_response(
        filename=f"{programme.name}_{label}培养安排_{_today():%Y%m%d}.xlsx",
        title=f"{label}培养安排",
        headers=PROGRAMME_EXPORT_HEADERS,
        rows=(_assignment_row(a) for a in assignments),
    )


def _day(value: dt.date | None) -> str:
    return f"{value:%Y.%m.%d}" if value else ""


def _assignment_row(a: Assignment) -> list[Any]:
    final = a.final_evaluation
    if a.final_grade:
        final = f"{final}（{a.get_final_grade_display()}）"
    return [
        a.cadre.name,
        a.cadre.unit.name,
        a.cadre.current_title,
        a.host_display,
        a.post_title,
        a.mentor_name,
        _day(a.start_date),
        _day(a.end_date),
        _day(a.ended_on),
        a.get_status_display(),
        a.mid_evaluation,
        final,
    ]


@require_action(Action.PROGRAMMES_CHANGE)
def assignment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET searches cadres of the programme's subtree (``?q=``) or shows the form for one
    (``?cadre=``); POST plans the assignment."""
    programme = selectors.programme_get(user=request.user, pk=pk, action=Action.PROGRAMMES_CHANGE)
    data = request.POST if request.method == "POST" else None
    cadre_id = request_int(request.POST.get("cadre") or request.GET.get("cadre"))
    cadre = None
    if cadre_id is not None:
        cadre = (
            cadres_for(user=request.user, action=Action.PROGRAMMES_CHANGE, under=programme.unit)
            .filter(pk=cadre_id)
            .select_related("unit")
            .first()
        )
        if cadre is None:
            raise Http404("干部不存在")
    initial = {"cadre": cadre.pk if cadre else None, "start_date": programme.start_date}
    form = AssignmentForm(data, initial=initial)
    if request.method == "POST" and cadre is not None and form.is_valid():
        assignment = _plan_assignment(request, form, programme, cadre)
        if assignment is not None:
            messages.success(request, f"已为{cadre.name}安排“{programme.name}”")
            return redirect("development:assignment_detail", pk=assignment.pk)
    q = request.GET.get("q", "").strip()
    found: list[Cadre] = []
    if q and cadre is None:
        found = list(
            roster_queryset(
                user=request.user,
                filters={"q": q},
                action=Action.PROGRAMMES_CHANGE,
                under=programme.unit,
            )
            .select_related("unit")
            .order_by("unit_path", "sort_order", "id")[:20]
        )
    return render(
        request,
        "development/assignment_add.html",
        {"programme": programme, "cadre": cadre, "form": form, "q": q, "found": found},
    )


_NO_HOST = object()  # the host unit typed in the form was not found


def _host_unit(request: HttpRequest, form: AssignmentForm, keep: Unit | None = None) -> Any:
    """The host unit picked in ``form`` (``None`` when a name is typed instead), or
    ``_NO_HOST`` after marking the field. ``keep``: the unit already chosen stays valid even
    if it has since been deactivated."""
    code = form.cleaned_data["host_unit"].strip()
    if not code:
        return None
    if keep is not None and code == keep.code:
        return keep
    found = unit_by_code(user=request.user, code=code, action=Action.PROGRAMMES_VIEW)
    if found is None:
        form.add_error("host_unit", "找不到该单位；系统外的单位请填写接收单位名称")
        return _NO_HOST
    return found


def _add_assignment_errors(form: AssignmentForm, exc: ValidationError) -> None:
    """The service names the host as one value (``host``): show it under the unit box."""
    if hasattr(exc, "error_dict") and "host" in exc.error_dict:
        exc.error_dict["host_unit"] = exc.error_dict.pop("host")
    add_service_errors(form, exc)


def _plan_assignment(
    request: HttpRequest, form: AssignmentForm, programme: Programme, cadre: Cadre
) -> Assignment | None:
    data = form.cleaned_data
    host_unit = _host_unit(request, form)
    if host_unit is _NO_HOST:
        return None
    try:
        return services.assignment_create(
            acting_user=request.user,
            programme=programme,
            cadre=cadre,
            host_unit=host_unit,
            host_name=data["host_name"],
            post_title=data["post_title"],
            mentor_name=data["mentor_name"],
            start_date=data["start_date"],
            end_date=data["end_date"],
        )
    except ValidationError as exc:
        _add_assignment_errors(form, exc)
        return None


@require_action(Action.PROGRAMMES_CHANGE)
def assignment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct the host, post, mentor or dates of a planned or running assignment."""
    assignment = selectors.assignment_get(user=request.user, pk=pk, action=Action.PROGRAMMES_CHANGE)
    if assignment.status not in LIVE_ASSIGNMENT_STATUSES:
        messages.error(request, f"培养安排{assignment.get_status_display()}，不能再修改")
        return redirect("development:assignment_detail", pk=assignment.pk)
    initial = {
        "host_unit": assignment.host_unit.code if assignment.host_unit else "",
        "host_name": assignment.host_name,
        "post_title": assignment.post_title,
        "mentor_name": assignment.mentor_name,
        "start_date": assignment.start_date,
        "end_date": assignment.end_date,
        "version": assignment.version,
    }
    started = assignment.status == AssignmentStatus.ACTIVE
    form = AssignmentEditForm(request.POST or None, initial=initial, started=started)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        host_unit = _host_unit(request, form, keep=assignment.host_unit)
        if host_unit is not _NO_HOST:
            try:
                services.assignment_update(
                    acting_user=request.user,
                    assignment=assignment,
                    version=data.get("version"),
                    host_unit=host_unit,
                    host_name=data["host_name"],
                    post_title=data["post_title"],
                    mentor_name=data["mentor_name"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                )
            except ValidationError as exc:
                _add_assignment_errors(form, exc)
            else:
                messages.success(request, "已保存对培养安排的修改")
                return redirect("development:assignment_detail", pk=assignment.pk)
    return render(
        request,
        "development/assignment_edit.html",
        {
            "assignment": assignment,
            "programme": assignment.programme,
            "cadre": assignment.cadre,
            "form": form,
        },
    )


def _assignment_context(
    request: HttpRequest, assignment: Assignment, **forms_given: Any
) -> dict[str, Any]:
    can_change = can_in_path(
        request.user, Action.PROGRAMMES_CHANGE, assignment.programme.unit.path
    ) and can_in_path(request.user, Action.PROGRAMMES_CHANGE, assignment.cadre.unit_path)
    status = assignment.status
    version = {"version": assignment.version}
    return {
        "assignment": assignment,
        "programme": assignment.programme,
        "cadre": assignment.cadre,
        "can_change": can_change,
        "can_edit": can_change and status in LIVE_ASSIGNMENT_STATUSES,
        "can_start": can_change and status == AssignmentStatus.PLANNED,
        "can_evaluate": can_change and status in (AssignmentStatus.ACTIVE, AssignmentStatus.ENDED),
        "can_end": can_change and status == AssignmentStatus.ACTIVE,
        "can_cancel": can_change and status in (AssignmentStatus.PLANNED, AssignmentStatus.ACTIVE),
        "start_form": forms_given.get("start_form") or AssignmentStartForm(initial=version),
        "evaluate_form": forms_given.get("evaluate_form")
        or AssignmentEvaluateForm(
            initial={
                **version,
                "stage": "mid" if status == AssignmentStatus.ACTIVE else "final",
                "evaluated_on": _today(),
            }
        ),
        "end_form": forms_given.get("end_form")
        or AssignmentEndForm(initial={**version, "ended_on": min(_today(), assignment.end_date)}),
        "cancel_form": forms_given.get("cancel_form") or AssignmentCancelForm(initial=version),
        "others": selectors.assignments_of_cadre(user=request.user, cadre=assignment.cadre).exclude(
            pk=assignment.pk
        ),
        "history": object_history(assignment, limit=30),
    }


@require_action(Action.PROGRAMMES_VIEW)
def assignment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    return render(
        request,
        "development/assignment_detail.html",
        _assignment_context(request, assignment),
    )


def _assignment_step(
    request: HttpRequest, pk: int, form_class: Any, key: str, call: Any, done: str
) -> HttpResponse:
    """One POSTed step on an assignment: a valid form calls the service, errors re-render."""
    assignment = selectors.assignment_get(user=request.user, pk=pk, action=Action.PROGRAMMES_CHANGE)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(assignment, form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # A refused step (wrong status, stale version) may belong to a form the page
                # no longer shows: say it at the top.
                messages.error(request, "；".join(exc.messages))
                return redirect("development:assignment_detail", pk=assignment.pk)
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("development:assignment_detail", pk=assignment.pk)
    messages.error(request, "未能保存，请查看下面的提示")
    context = _assignment_context(request, assignment, **{key: form})
    return render(request, "development/assignment_detail.html", context, status=200)


@require_POST
@require_action(Action.PROGRAMMES_CHANGE)
def assignment_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_step(
        request,
        pk,
        AssignmentStartForm,
        "start_form",
        lambda a, d: services.assignment_start(
            acting_user=request.user,
            assignment=a,
            started_on=d["started_on"],
            version=d.get("version"),
        ),
        "已到岗，培养安排进行中",
    )


@require_POST
@require_action(Action.PROGRAMMES_CHANGE)
def assignment_evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_step(
        request,
        pk,
        AssignmentEvaluateForm,
        "evaluate_form",
        lambda a, d: services.assignment_evaluate(
            acting_user=request.user,
            assignment=a,
            stage=d["stage"],
            text=d["text"],
            evaluated_on=d["evaluated_on"],
            grade=d["grade"],
            version=d.get("version"),
        ),
        "已保存评价",
    )


@require_POST
@require_action(Action.PROGRAMMES_CHANGE)
def assignment_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_step(
        request,
        pk,
        AssignmentEndForm,
        "end_form",
        lambda a, d: services.assignment_end(
            acting_user=request.user,
            assignment=a,
            ended_on=d["ended_on"],
            version=d.get("version"),
        ),
        "培养安排已结束",
    )


@require_POST
@require_action(Action.PROGRAMMES_CHANGE)
def assignment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_step(
        request,
        pk,
        AssignmentCancelForm,
        "cancel_form",
        lambda a, d: services.assignment_cancel(
            acting_user=request.user,
            assignment=a,
            reason=d["cancel_reason"],
            version=d.get("version"),
        ),
        "培养安排已取消",
    )
