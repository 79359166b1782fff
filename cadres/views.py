"""Cadre pages: roster, the cadre page with its tabs, edit forms, photo, ID reveal, 任免审批表."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.choices import AuditAction
from audit.selectors import counted, object_history
from audit.services import audit_record_export_standalone
from cadres import extensions, roster, selectors, services
from cadres import forms as f
from cadres.choices import CadreStatus, EducationKind, ManagementLevel
from cadres.models import (
    Assessment,
    Cadre,
    CadrePhoto,
    Education,
    FamilyMember,
    Position,
    RewardPunishment,
    RosterColumnSet,
)
from cadres.retirement import CADRE_FIELDS, retirement_month
from core.choices import CodeTable
from core.dates import age_in_months_style
from core.forms import add_service_errors
from core.http import request_int
from core.listing import paginate, query_without
from core.permissions import Action, can_in_path, has_action, require_action
from core.selectors import cached_code_choices
from orgs.models import Unit
from orgs.selectors import unit_by_code

TABS = (
    ("basic", "基本信息"),
    ("resume", "简历"),
    ("positions", "任职"),
    ("education", "学历学位"),
    ("assessments", "考核"),
    ("records", "奖惩"),
    ("family", "家庭成员"),
    ("history", "变更记录"),
)


def _can(request: HttpRequest, action: str, cadre: Cadre | None = None) -> bool:
    if cadre is not None:
        return can_in_path(request.user, action, cadre.unit_path)
    return has_action(request.user, action)


def _unit_in_scope(
    request: HttpRequest, code: str, action: str = Action.CADRES_CHANGE
) -> Unit | None:
    code = code.strip()
    return unit_by_code(user=request.user, code=code, action=action) if code else None


# ---------------------------------------------------------------- roster


def _sort(request: HttpRequest) -> tuple[str, bool]:
    raw = request.GET.get("sort", "unit")
    descending = raw.startswith("-")
    key = raw.lstrip("-")
    if key not in roster.SORTS:
        return "unit", False
    return key, descending


def _ordered(qs: Any, key: str, descending: bool) -> Any:
    fields = roster.SORTS[key]
    return qs.order_by(*[f"-{x}" if descending else x for x in fields])


@require_action(Action.CADRES_VIEW)
def roster_view(request: HttpRequest) -> HttpResponseBase:
    filters = roster.filters_from(request.GET)
    unit = (
        unit_by_code(
            user=request.user,
            code=filters["unit"],
            action=Action.CADRES_VIEW,
            include_inactive=True,
        )
        if filters.get("unit")
        else None
    )
    qs = roster.roster_queryset(user=request.user, filters=filters, unit=unit)
    key, descending = _sort(request)
    qs = _ordered(qs, key, descending)
    if request.GET.get("export") == "xlsx":
        return _export(request, filters)
    if request.GET.get("export") == "template":
        if not _can(request, Action.CADRES_REVEAL_ID):
            raise Http404("页面不存在")
        return roster.reimport_export_response(user=request.user, filters=filters)
    # Plain values of the columns shown, not model instances: 50 rows stay cheap.
    page, size = paginate(request, qs.values(*ROSTER_VALUES), count=counted)
    units = dict(Unit.objects.filter(pk__in={c["unit_id"] for c in page}).values_list("id", "name"))
    names = roster.CodeNames()
    today = timezone.localdate()
    statuses = dict(CadreStatus.choices)
    detail = reverse("cadres:detail", args=[0])[: -len("0/")]
    # Every cell as display text: the template only prints.
    rows = [
        {
            "pk": c["id"],
            "url": f"{detail}{c['id']}/",
            "name": c["name"],
            "status": "" if c["status"] == CadreStatus.ACTIVE else statuses.get(c["status"], ""),
            "sex": SEX_NAMES.get(c["sex"], ""),
            "birth": f"{c['birth_date']:%Y.%m}（{age_in_months_style(c['birth_date'], today)}岁）",
            "retirement": retirement_month(**{field: c[field] for field in CADRE_FIELDS}),
            "ethnicity": names(CodeTable.ETHNICITY, c["ethnicity"]),
            "political": names(CodeTable.POLITICAL_STATUS, c["political_status"]),
            "unit": units.get(c["unit_id"], ""),
            "title": c["current_title"] or "—",
            "rank": names(CodeTable.RANK_LEVEL, c["rank_level"])
            or names(CodeTable.GRADE, c["grade"])
            or "—",
            "since": f"{c['rank_level_since']:%Y.%m}" if c["rank_level_since"] else "—",
            "education": names(CodeTable.EDUCATION, c["education_level"]) or "—",
        }
        for c in page
    ]
    badges = extensions.badges_for(request.user, [r["pk"] for r in rows])
    for row in rows:
        row["badges"] = badges.get(row["pk"], [])
    column_sets = list(RosterColumnSet.objects.filter(owner_id=request.user.pk))
    return render(
        request,
        "cadres/roster.html",
        {
            "page": page,
            "rows": rows,
            "size": size,
            "sort": {"key": key, "descending": descending},
            "filters": filters,
            "filter_unit": unit,
            "status_selected": filters.get("status") or CadreStatus.ACTIVE,
            "choices": {
                "rank_level": cached_code_choices(table=CodeTable.RANK_LEVEL),
                "grade": cached_code_choices(table=CodeTable.GRADE),
                "ethnicity": cached_code_choices(table=CodeTable.ETHNICITY),
                "political_status": cached_code_choices(table=CodeTable.POLITICAL_STATUS),
                "management_level": ManagementLevel.choices,
                "experience": [(k, label) for k, (label, _kinds) in roster.EXPERIENCE.items()],
                "status": CadreStatus.choices,
            },
            "columns": roster.COLUMNS,
            "default_columns": roster.DEFAULT_COLUMNS,
            "column_sets": column_sets,
            "q_problem": roster.query_problem(filters.get("q") or ""),
            "id_conflicts_open": has_action(request.user, Action.CADRES_CHANGE)
            and selectors.id_conflicts_to_handle(user=request.user).exists(),
            "qs_sort": query_without(request, "sort", "page"),
            "qs_page": query_without(request, "page"),
            "qs_export": query_without(request, "page", "size", "export", "columns"),
            "can_export": _can(request, Action.CADRES_EXPORT),
            "can_export_full": _can(request, Action.CADRES_REVEAL_ID),
            "can_change": _can(request, Action.CADRES_CHANGE),
        },
    )


ROSTER_VALUES = (
    "id",
    "name",
    "status",
    "sex",
    "birth_date",
    "ethnicity",
    "political_status",
    "unit_id",
    "current_title",
    "rank_level",
    "grade",
    "rank_level_since",
    "education_level",
    "professional_title",  # with sex, birth, level and 职级: the 退休时间
)
SEX_NAMES = {"1": "男", "2": "女"}


def _export(request: HttpRequest, filters: roster.RosterFilters) -> HttpResponseBase:
    if not _can(request, Action.CADRES_EXPORT):
        raise Http404("页面不存在")
    columns = request.GET.getlist("columns")  # unknown names are dropped by the export
    if set_id := request.GET.get("column_set", ""):
        chosen = RosterColumnSet.objects.filter(
            owner_id=request.user.pk, pk=request_int(set_id) or 0
        ).first()
        if chosen is not None:
            columns = list(chosen.columns)
    return roster.export_response(user=request.user, filters=filters, columns=columns)


@require_POST
@require_action(Action.CADRES_EXPORT)
def column_set_save_view(request: HttpRequest) -> HttpResponse:
    try:
        item = services.column_set_save(
            acting_user=request.user,
            name=request.POST.get("name", ""),
            columns=request.POST.getlist("columns"),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已保存列组合“{item.name}”")
    return redirect(reverse("cadres:roster") + "?" + request.POST.get("back", ""))


@require_POST
@require_action(Action.CADRES_EXPORT)
def column_set_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = RosterColumnSet.objects.filter(owner_id=request.user.pk, pk=pk).first()
    if item is None:
        raise Http404("列组合不存在")
    services.column_set_delete(acting_user=request.user, column_set=item)
    messages.success(request, f"已删除列组合“{item.name}”")
    return redirect("cadres:roster")


@require_action(Action.CADRES_VIEW)
def search_view(request: HttpRequest) -> HttpResponse:
    """The top search box: one match opens the cadre page; several list; none says so."""
    q = request.GET.get("q", "").strip()
    found = list(selectors.cadre_search(user=request.user, q=q, limit=21)) if q else []
    if len(found) == 1:
        return redirect("cadres:detail", pk=found[0].pk)
    if request.headers.get("HX-Request"):
        return render(
            request,
            "cadres/_search_results.html",
            {"found": found[:10], "q": q, "q_problem": roster.query_problem(q)},
        )
    return redirect(reverse("cadres:roster") + "?" + request.GET.urlencode())


@require_action(Action.CADRES_VIEW)
def unit_options_view(request: HttpRequest) -> HttpResponse:
    """htmx partial: units in the user's cadre scope for the pickers (value = code)."""
    # The picker sends its own field's value: ``unit``, ``to_unit``, ``host_unit`` … or ``q``.
    q = next((str(v) for k, v in request.GET.items() if k == "q" or k.endswith("unit")), "")
    action = Action.CADRES_VIEW if request.GET.get("for") == "view" else Action.CADRES_CHANGE
    units = selectors.unit_options(user=request.user, q=q, action=action)
    return render(request, "orgs/_options.html", {"units": units})


# ---------------------------------------------------------------- the cadre page


@require_action(Action.CADRES_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = selectors.cadre_full(user=request.user, pk=pk)
    tab = request.GET.get("tab", "basic")
    if tab not in dict(TABS):
        tab = "basic"
    names = roster.CodeNames()
    today = timezone.localdate()
    positions = sorted(cadre.positions.all(), key=lambda p: (p.end_date is not None, p.start_date))
    context: dict[str, Any] = {
        "cadre": cadre,
        "tab": tab,
        "tabs": TABS,
        "today": today,
        "age": cadre.age_at(today),
        "names": {
            "ethnicity": names(CodeTable.ETHNICITY, cadre.ethnicity),
            "political": names(CodeTable.POLITICAL_STATUS, cadre.political_status),
            "rank": names(CodeTable.RANK_LEVEL, cadre.rank_level),
            "grade": names(CodeTable.GRADE, cadre.grade),
            "education": names(CodeTable.EDUCATION, cadre.education_level),
            "degree": names(CodeTable.DEGREE, cadre.degree),
        },
        "open_positions": [p for p in positions if p.end_date is None],
        "past_positions": sorted(
            (p for p in positions if p.end_date is not None),
            key=lambda p: p.start_date,
            reverse=True,
        ),
        "position_rows": [
            (p, names(CodeTable.RANK_LEVEL, p.rank_level), names(CodeTable.GRADE, p.grade))
            for p in sorted(positions, key=lambda p: p.start_date, reverse=True)
        ],
        "education_rows": [
            (e, names(CodeTable.EDUCATION, e.education_level), names(CodeTable.DEGREE, e.degree))
            for e in cadre.educations.all()
        ],
        "family_rows": [
            (
                m,
                m.is_minor(today),
                None
                if m.deceased() or not m.birth_date
                else age_in_months_style(m.birth_date, today),
            )
            for m in cadre.family.all()
        ],
        "has_photo": _has_photo(cadre),
        "can_change": _can(request, Action.CADRES_CHANGE, cadre),
        "can_reveal": _can(request, Action.CADRES_REVEAL_ID, cadre),
        "can_export": _can(request, Action.CADRES_EXPORT, cadre),
        "masked_id": cadre.id_number.masked() if cadre.id_number else "",
        "education_kinds": dict(EducationKind.choices),
        "panels": extensions.panels_for(request.user, cadre),
        "next_url": request.get_full_path(),
        "id_conflicts": selectors.id_conflict_notes(user=request.user, cadre=cadre),
    }
    if tab == "history":
        context["history"] = object_history(cadre, limit=50)
    services.audit_record_view(request.user, cadre, tab=dict(TABS)[tab])
    return render(request, "cadres/detail.html", context)


def _has_photo(cadre: Cadre) -> bool:
    try:
        return cadre.photo is not None
    except CadrePhoto.DoesNotExist:
        return False


@require_action(Action.CADRES_VIEW)
def photo_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    photo = CadrePhoto.objects.filter(cadre=cadre).first()
    if photo is None:
        raise Http404("没有照片")
    response = HttpResponse(bytes(photo.data), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="photo-{cadre.pk}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_POST
@require_action(Action.CADRES_REVEAL_ID)
def reveal_id_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = selectors.cadre_get(user=request.user, pk=pk, action=Action.CADRES_REVEAL_ID)
    value = services.cadre_reveal_id(acting_user=request.user, cadre=cadre)
    return HttpResponse(f'<span class="font-monospace">{value}</span>' if value else "未填写")


# ---------------------------------------------------------------- edit forms


def _changeable(request: HttpRequest, pk: int) -> Cadre:
    return selectors.cadre_get(user=request.user, pk=pk, action=Action.CADRES_CHANGE)


def _service_call(form: Any, call: Any, **kwargs: Any) -> bool:
    try:
        call(**kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    return True


@require_action(Action.CADRES_CHANGE)
def create_view(request: HttpRequest) -> HttpResponse:
    form = f.NewCadreForm(
        request.POST or None, initial={"management_level": ManagementLevel.COUNTY}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        unit = _unit_in_scope(request, data.pop("unit"))
        if unit is None:
            form.add_error("unit", "找不到该单位，或您无权在其中新增干部")
        else:
            try:
                cadre = services.cadre_create(acting_user=request.user, unit=unit, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新增干部“{cadre.name}”")
                return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/form.html", {"form": form, "title": "新增干部", "picker": True})


@require_action(Action.CADRES_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    initial: dict[str, Any] = {name: getattr(cadre, name) for name in f.CadreForm.base_fields}
    initial["id_number"] = ""  # never put the full number into a page
    initial["version"] = cadre.version
    form = f.CadreForm(request.POST or None, initial=initial)
    form.fields["id_number"].help_text = (
        f"现为 {cadre.id_number.masked()}；留空表示不修改"
        if cadre.id_number
        else "填写后将校验出生年月和性别"
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if data.get("id_number") is None:
            data.pop("id_number")
        if _service_call(
            form,
            services.cadre_update,
            acting_user=request.user,
            cadre=cadre,
            version=version,
            **data,
        ):
            messages.success(request, "已保存")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(
        request, "cadres/form.html", {"form": form, "cadre": cadre, "title": "编辑基本信息"}
    )


@require_action(Action.CADRES_CHANGE)
def resume_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    form = f.ResumeForm(
        request.POST or None,
        initial={
            "resume_manual": cadre.resume_manual,
            "resume": cadre.resume,
            "resume_extra": cadre.resume_extra,
            "version": cadre.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if not data["resume_manual"]:
            data.pop("resume")
        if _service_call(
            form,
            services.cadre_update,
            acting_user=request.user,
            cadre=cadre,
            version=version,
            **data,
        ):
            messages.success(request, "简历已保存")
            return redirect(reverse("cadres:detail", args=[cadre.pk]) + "?tab=resume")
    return render(request, "cadres/form.html", {"form": form, "cadre": cadre, "title": "编辑简历"})


# Child records: section → (form, model, add service, update service, delete service, tab).
SECTIONS: dict[str, tuple[Any, type[Model], Any, Any, Any, str, str]] = {
    "position": (
        f.PositionForm,
        Position,
        services.position_start,
        services.position_update,
        services.position_delete,
        "positions",
        "任职",
    ),
    "education": (
        f.EducationForm,
        Education,
        services.education_add,
        services.education_update,
        services.education_delete,
        "education",
        "学历学位",
    ),
    "assessment": (
        f.AssessmentForm,
        Assessment,
        services.assessment_set,
        None,
        services.assessment_delete,
        "assessments",
        "年度考核",
    ),
    "record": (
        f.RecordForm,
        RewardPunishment,
        services.record_add,
        None,
        services.record_delete,
        "records",
        "奖惩",
    ),
    "family": (
        f.FamilyForm,
        FamilyMember,
        services.family_add,
        services.family_update,
        services.family_delete,
        "family",
        "家庭成员",
    ),
}
_ITEM_ARG = {
    "position": "position",
    "education": "education",
    "assessment": "assessment",
    "record": "record",
    "family": "member",
}


def _section(section: str) -> tuple[Any, type[Model], Any, Any, Any, str, str]:
    if section not in SECTIONS:
        raise Http404("页面不存在")
    return SECTIONS[section]


def _item(model: type[Model], cadre: Cadre, item_pk: int) -> Any:
    item = model._default_manager.filter(pk=item_pk, cadre=cadre).first()
    if item is None:
        raise Http404("记录不存在")
    return item


@require_action(Action.CADRES_CHANGE)
def child_form_view(
    request: HttpRequest, pk: int, section: str, item_pk: int | None = None
) -> HttpResponse:
    cadre = _changeable(request, pk)
    form_class, model, add, update, _delete, tab, label = _section(section)
    item = _item(model, cadre, item_pk) if item_pk else None
    if item is not None and update is None:
        raise Http404("页面不存在")
    initial: dict[str, Any] = {"version": cadre.version}
    if item is not None:
        initial.update(
            {
                name: getattr(item, name, None)
                for name in form_class.base_fields
                if name != "version"
            }
        )
        if section == "position" and item.unit_id:
            initial["unit"] = item.unit.code
        if section == "family":
            initial["id_number"] = ""
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if section == "position":
            code = data.pop("unit") or ""
            data["unit"] = None
            if code:
                unit = _unit_in_scope(request, code, Action.CADRES_VIEW)
                if unit is None:
                    form.add_error("unit", "找不到该单位，请从候选中选择")
                    return render(
                        request,
                        "cadres/form.html",
                        {"form": form, "cadre": cadre, "title": label, "picker": True},
                    )
                data["unit"] = unit
        if section == "family" and item is not None and data.get("id_number") is None:
            data.pop("id_number")
        if item is None:
            ok = _service_call(
                form, add, acting_user=request.user, cadre=cadre, version=version, **data
            )
        else:
            ok = _service_call(
                form,
                update,
                acting_user=request.user,
                version=version,
                **{_ITEM_ARG[section]: item},
                **data,
            )
        if ok:
            messages.success(request, f"{label}已保存")
            return redirect(reverse("cadres:detail", args=[cadre.pk]) + f"?tab={tab}")
    title = f"{'编辑' if item else '新增'}{label}"
    return render(
        request,
        "cadres/form.html",
        {"form": form, "cadre": cadre, "title": title, "picker": section == "position"},
    )


@require_POST
@require_action(Action.CADRES_CHANGE)
def child_delete_view(request: HttpRequest, pk: int, section: str, item_pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    _form_class, model, _add, _update, delete, tab, label = _section(section)
    item = _item(model, cadre, item_pk)
    try:
        delete(
            acting_user=request.user,
            version=request_int(request.POST.get("version")),
            **{_ITEM_ARG[section]: item},
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除该条{label}（变更记录中保留原内容）")
    return redirect(reverse("cadres:detail", args=[cadre.pk]) + f"?tab={tab}")


@require_action(Action.CADRES_CHANGE)
def position_end_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    position = _item(Position, cadre, item_pk)
    form = f.PositionEndForm(request.POST or None, initial={"version": cadre.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if _service_call(
            form, services.position_end, acting_user=request.user, position=position, **data
        ):
            messages.success(request, f"已免去“{position.full_title}”")
            return redirect(reverse("cadres:detail", args=[cadre.pk]) + "?tab=positions")
    return render(
        request,
        "cadres/form.html",
        {"form": form, "cadre": cadre, "title": f"免去 {position.full_title}"},
    )


@require_action(Action.CADRES_CHANGE)
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    form = f.StatusForm(
        request.POST or None, initial={"status": cadre.status, "version": cadre.version}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if _service_call(
            form, services.cadre_set_status, acting_user=request.user, cadre=cadre, **data
        ):
            messages.success(request, "状态已更新")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/form.html", {"form": form, "cadre": cadre, "title": "变更状态"})


@require_action(Action.CADRES_CHANGE)
def transfer_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    form = f.TransferForm(request.POST or None, initial={"version": cadre.version})
    if request.method == "POST" and form.is_valid():
        unit = _unit_in_scope(request, form.cleaned_data["to_unit"])
        if unit is None:
            form.add_error("to_unit", "找不到该单位，或您无权调入该单位")
        elif _service_call(
            form,
            services.cadre_transfer,
            acting_user=request.user,
            cadre=cadre,
            to_unit=unit,
            version=form.cleaned_data.get("version"),
        ):
            messages.success(request, f"已调往“{unit.name}”")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(
        request,
        "cadres/form.html",
        {"form": form, "cadre": cadre, "title": "调动（变更所在单位）", "picker": True},
    )


@require_action(Action.CADRES_CHANGE)
def photo_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _changeable(request, pk)
    form = f.PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "delete" in request.POST:
            services.photo_delete(acting_user=request.user, cadre=cadre)
            messages.success(request, "照片已删除")
            return redirect("cadres:detail", pk=cadre.pk)
        if form.is_valid():
            upload = form.cleaned_data["photo"]
            if upload.size > services.MAX_PHOTO_BYTES:
                form.add_error("photo", "照片不能超过 5 MB")
            elif _service_call(
                form, services.photo_set, acting_user=request.user, cadre=cadre, data=upload.read()
            ):
                messages.success(request, "照片已更新")
                return redirect("cadres:detail", pk=cadre.pk)
    return render(
        request,
        "cadres/form.html",
        {"form": form, "cadre": cadre, "title": "上传照片", "multipart": True},
    )


# ---------------------------------------------------------------- 任免审批表 and LRMX


def _form_initial(request: HttpRequest) -> dict[str, Any]:
    return {
        "RenMianLiYou": "工作需要",
        "JiSuanNianLingShiJian": f"{timezone.localdate():%Y.%m}",
        "TianBiaoRen": getattr(request.user, "full_name", "") or request.user.get_username(),
        # The reporting unit is usually the clerk's own department (中共××县委组织部).
        "ChengBaoDanWei": getattr(getattr(request.user, "unit", None), "name", ""),
    }


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_action(Action.CADRES_EXPORT)
def approval_form_view(request: HttpRequest, pk: int) -> HttpResponse:
    """生成任免审批表: fill 拟任/拟免/任免理由, download the PDF (audited)."""
    from cadres.approval_form import render_forms
    from cadres.lrmx import cadre_to_form

    cadre = selectors.cadre_get(user=request.user, pk=pk, action=Action.CADRES_EXPORT)
    extra_values = (cadre.lrmx_extra or {}).get("values", {})
    initial = _form_initial(request)
    initial["NiMianZhiWu"] = cadre.current_title
    for key in ("NiRenZhiWu", "NiMianZhiWu", "RenMianLiYou", "ChengBaoDanWei"):
        if extra_values.get(key):
            initial[key] = extra_values[key]
    form = f.ApprovalFormForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        full = selectors.cadres_for_forms(
            user=request.user, pks=[cadre.pk], action=Action.CADRES_EXPORT
        )[0]
        overrides = dict(form.cleaned_data)
        overrides["TianBiaoShiJian"] = f"{timezone.localdate():%Y%m}"
        data = render_forms([cadre_to_form(full, **overrides)])
        audit_record_export_standalone(
            actor=request.user,
            subjects=[full.pk],
            action=AuditAction.DOWNLOAD,
            obj=cadre,
            changes={"document": "干部任免审批表", **{k: v for k, v in overrides.items() if v}},
            sensitive=True,
        )
        return _pdf_response(data, f"干部任免审批表_{cadre.name}.pdf")
    return render(
        request,
        "cadres/approval_form.html",
        {"form": form, "cadre": cadre, "title": "生成任免审批表"},
    )


@require_action(Action.CADRES_EXPORT)
def lrmx_export_one_view(request: HttpRequest, pk: int) -> HttpResponse:
    from cadres.lrmx import export_one

    cadre = selectors.cadre_get(user=request.user, pk=pk, action=Action.CADRES_EXPORT)
    full = selectors.cadres_for_forms(
        user=request.user, pks=[cadre.pk], action=Action.CADRES_EXPORT
    )[0]
    filename, data = export_one(full)
    audit_record_export_standalone(
        actor=request.user,
        subjects=[full.pk],
        action=AuditAction.EXPORT,
        obj=cadre,
        changes={"document": "LRMX"},
        sensitive=True,
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- imports (Excel, LRMX)

# The page's kinds (in the URL) → the import kinds registered with core.importing.
IMPORT_KINDS = {"excel": "cadres.excel", "lrmx": "cadres.lrmx"}


def _import_kind(kind: str) -> str:
    from core import importing

    name = IMPORT_KINDS.get(kind, "")
    if name not in importing.kind_names():
        raise Http404("页面不存在")
    return name


def _import_rows(kind: str, plan: Any) -> list[dict[str, Any]]:
    rows = []
    for r in plan.rows:
        row = {
            "where": r.where,
            "who": r.who,
            "status": str(r.status),
            "label": r.status_label,
            "css": r.status_css,
            "messages": r.report(),
        }
        if kind == "lrmx":  # the main fields of the file, and what it changes
            row.update(sex=r.sex, birth=r.birth_month, title=r.title, changes=list(r.changes))
        rows.append(row)
    return rows


def _counts(plan: Any) -> list[tuple[str, str, int]]:
    from core.importing import STATUS_CSS, RowStatus

    counts: dict[str, int] = dict.fromkeys(RowStatus.values, 0)
    for row in plan.rows:
        counts[row.status] += 1
    return [(status.label, STATUS_CSS[status], counts[status]) for status in RowStatus]


def _staged(request: HttpRequest, token: str) -> tuple[dict[str, Any], bytes, str, Unit]:
    from core import staging

    info = request.session.get("imports", {}).get(token)
    loaded = staging.load(user=request.user, token=token) if info else None
    if not info or loaded is None:
        raise Http404("导入文件已过期或不存在，请重新上传")
    unit = _unit_in_scope(request, info["unit"])
    if unit is None:
        raise Http404("单位不存在")
    data, name = loaded
    return info, data, name, unit


@require_action(Action.CADRES_CHANGE)
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Step 1: choose the unit and upload the file (Excel roster, or LRMX / zip of LRMX)."""
    from core import importing, staging

    _import_kind(kind)
    form_class = f.LrmxUploadForm if kind == "lrmx" else f.ImportUploadForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        picked = form.cleaned_data["file"]
        uploads = picked if isinstance(picked, list) else [picked]
        folder = form.cleaned_data.get("folder") or []
        uploads = [*uploads, *folder]
        unit = _unit_in_scope(request, form.cleaned_data["unit"])
        if unit is None:
            form.add_error("unit", "找不到该单位，或您无权向其导入干部")
            return render(request, "cadres/import.html", {"form": form, "kind": kind})
        try:
            importing.check_size(sum(u.size for u in uploads))
        except importing.ImportRefused as exc:
            form.add_error("file", exc.message)
            return render(request, "cadres/import.html", {"form": form, "kind": kind})
        info: dict[str, Any] = {"kind": kind, "unit": unit.code, "name": uploads[0].name}
        if len(uploads) > 1 or folder:
            data, info = _lrmx_bundle(uploads, info)
        else:
            data = uploads[0].read()
        if not data:
            form.add_error(
                "folder" if folder else "file",
                "所选文件中没有任免审批表（.lrmx、.xml 或 .zip）文件",
            )
            return render(request, "cadres/import.html", {"form": form, "kind": kind})
        token = staging.stage(user=request.user, data=data, name=info["name"])
        imports = request.session.get("imports", {})
        imports[token] = info
        request.session["imports"] = dict(list(imports.items())[-10:])
        return redirect("cadres:import_preview", kind=kind, token=token)
    return render(request, "cadres/import.html", {"form": form, "kind": kind})


def _lrmx_bundle(uploads: list[Any], info: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Several LRMX uploads (or a folder) staged as one zip; b"" when none is LRMX."""
    from cadres import lrmx

    data, kept, skipped = lrmx.bundle_uploads((u.name, u.read()) for u in uploads)
    if not kept:
        return b"", info
    shown = "、".join(kept[:3])
    name = f"{shown} 等 {len(kept)} 个文件" if len(kept) > 3 else f"{shown}（{len(kept)} 个文件）"
    return data, {**info, "name": name, "bundle": True, "skipped": skipped[:100]}


@require_action(Action.CADRES_CHANGE)
def import_preview_view(request: HttpRequest, kind: str, token: str) -> HttpResponseBase:
    """Step 2: what the file would do, row by row; nothing is written yet."""
    from core import importing, staging

    info, data, name, unit = _staged(request, token)
    if info["kind"] != kind:
        raise Http404("页面不存在")
    run: dict[str, Any] = {
        "acting_user": request.user,
        "unit": unit,
        "kind": _import_kind(kind),
        "data": data,
        "filename": name,
        "options": info,
    }
    if request.method == "POST":
        if "cancel" in request.POST:
            staging.discard(token)
            messages.info(request, "已取消导入，数据库未作任何改动")
            return redirect("cadres:import", kind=kind)
        skip = "skip_errors" in request.POST
        try:
            done = importing.import_file(**run, confirm=True, skip_errors=skip)
        except importing.ImportRefused as exc:
            messages.error(request, f"未导入：{exc.message}。数据库未作任何改动。")
            return redirect("cadres:import_preview", kind=kind, token=token)
        staging.discard(token)
        summary = "，".join(f"{label} {n}" for label, _css, n in _counts(done) if n)
        messages.success(request, f"导入完成：{summary}")
        return redirect(reverse("cadres:roster") + f"?unit={unit.code}")
    refused = ""
    rows: list[dict[str, Any]] = []
    plan: Any = None  # the Excel plan also writes the error report
    try:
        plan = importing.import_file(**run)
        rows = _import_rows(kind, plan)
    except importing.ImportRefused as exc:
        refused = exc.message
        # A file that cannot be imported at all is deleted at once, not kept for a day: it
        # may hold full ID numbers (docs/security.md). The page below says why; the user
        # uploads again.
        staging.discard(token)
        imports = request.session.get("imports", {})
        if imports.pop(token, None) is not None:
            request.session["imports"] = imports
    if kind == "excel" and request.GET.get("errors") == "xlsx" and plan is not None:
        response = HttpResponse(
            plan.error_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote('导入错误报告.xlsx')}"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(
        request,
        "cadres/import_preview.html",
        {
            "kind": kind,
            "token": token,
            "name": name,
            "unit": unit,
            "rows": rows,
            "counts": _counts(plan) if plan is not None else [],
            "errors": len(plan.refused) if plan is not None else 0,
            "writes": plan.writes if plan is not None else 0,
            "refused": refused,
            "notes": list(plan.notes) if plan is not None else [],
        },
    )


@require_action(Action.CADRES_CHANGE)
def import_template_view(request: HttpRequest) -> HttpResponse:
    from cadres.excel_import import template_xlsx

    response = HttpResponse(
        template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote('干部信息导入模板.xlsx')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- batch (meeting packet)


def _batch_ids(request: HttpRequest) -> list[int]:
    raw = request.POST.getlist("ids") or request.GET.getlist("ids")
    ids: list[int] = []
    for value in raw:
        for part in str(value).split(","):
            number = request_int(part.strip(), minimum=1)
            if number is not None and number not in ids:
                ids.append(number)
    return ids[:200]


@require_action(Action.CADRES_EXPORT)
def batch_view(request: HttpRequest) -> HttpResponseBase:
    """批量生成: the chosen cadres in meeting order → one PDF, or a zip of their LRMX files."""
    ids = _batch_ids(request)
    cadres = selectors.cadres_for_forms(user=request.user, pks=ids, action=Action.CADRES_EXPORT)
    if request.method == "POST" and "order" in request.POST and cadres:
        # The page posts the ids in the order the clerk arranged them.
        form = f.ApprovalFormForm(request.POST)
        if form.is_valid():
            overrides_common = {
                k: v for k, v in form.cleaned_data.items() if k not in ("NiRenZhiWu", "NiMianZhiWu")
            }
            overrides_common["TianBiaoShiJian"] = f"{timezone.localdate():%Y%m}"
            what = request.POST.get("what", "pdf")
            if what == "lrmx":
                from cadres.lrmx import export_zip

                data = export_zip(cadres)
                document = "LRMX（zip）"
                response = HttpResponse(data, content_type="application/zip")
                filename = f"任免材料_LRMX_{timezone.localdate():%Y%m%d}.zip"
            else:
                from cadres.approval_form import render_forms
                from cadres.lrmx import cadre_to_form

                forms_ = [
                    cadre_to_form(
                        c,
                        NiRenZhiWu=request.POST.get(f"proposed_{c.pk}", ""),
                        NiMianZhiWu=request.POST.get(f"removed_{c.pk}", ""),
                        **overrides_common,
                    )
                    for c in cadres
                ]
                data = render_forms(forms_)
                document = "干部任免审批表（批量）"
                response = HttpResponse(data, content_type="application/pdf")
                filename = f"干部任免审批表_{len(cadres)}人_{timezone.localdate():%Y%m%d}.pdf"
            audit_record_export_standalone(
                actor=request.user,
                subjects=[c.pk for c in cadres],
                action=AuditAction.DOWNLOAD,
                object_type="cadres.Cadre",
                object_repr=f"{document}（{len(cadres)} 人）",
                changes={"document": document},
                sensitive=True,
            )
            response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
            response["X-Content-Type-Options"] = "nosniff"
            return response
    else:
        form = f.ApprovalFormForm(initial=_form_initial(request))
    return render(request, "cadres/batch.html", {"cadres": cadres, "form": form})


# ---------------------------------------------------------------- 身份证号核实


@require_action(Action.CADRES_CHANGE)
def id_conflicts_view(request: HttpRequest) -> HttpResponse:
    """Open 核实 for those who may decide them; decided ones for the user who entered them."""
    return render(
        request,
        "cadres/id_conflicts.html",
        {
            "open": list(selectors.id_conflicts_to_handle(user=request.user)[:200]),
            "answered": list(selectors.id_conflicts_answered(user=request.user)[:50]),
        },
    )


@require_POST
@require_action(Action.CADRES_CHANGE)
def id_conflict_decide_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    conflict = selectors.id_conflict_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")[:200]
    try:
        if decision == "transfer":
            holder = services.id_conflict_transfer(
                acting_user=request.user, conflict=conflict, reason=reason
            )
            messages.success(request, f"已同意调入：{holder.name} 现属“{conflict.unit.name}”")
        else:
            services.id_conflict_reject(acting_user=request.user, conflict=conflict, reason=reason)
            messages.success(request, "已驳回，申请单位记录中的身份证号已移除")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("cadres:id_conflicts")
