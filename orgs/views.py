"""Unit tree pages: tree, list with export, detail, create/edit/move, 撤销/恢复, 职数."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.choices import AuditAction
from audit.selectors import object_history
from audit.services import audit_record_standalone
from core.choices import CodeTable
from core.excel import xlsx_response
from core.forms import add_service_errors, form_saved
from core.importing import STATUS_CSS
from core.listing import apply_sort, paginate, query_without
from core.permissions import Action, can_in_path, has_action, require_action
from core.selectors import code_choices
from orgs import extensions, selectors, services
from orgs.choices import UnitKind, UnitLevel
from orgs.forms import QuotaForm, UnitForm, UnitMoveForm
from orgs.models import Unit

SORT_COLUMNS = {
    "name": "name",
    "code": "code",
    "kind": "kind",
    "level": "level",
    "path": "path",
    "updated": "updated_at",
}


def _filters(request: HttpRequest) -> selectors.UnitFilters:
    return {
        "q": request.GET.get("q", ""),
        "kind": request.GET.get("kind", ""),
        "level": request.GET.get("level", ""),
        "include_inactive": request.GET.get("inactive") == "1",
    }


@require_action(Action.ORGS_VIEW)
def tree_view(request: HttpRequest) -> HttpResponse:
    roots = selectors.unit_roots(user=request.user)
    q = request.GET.get("q", "").strip()
    matches = list(selectors.unit_list(user=request.user, filters={"q": q})[:50]) if q else []
    return render(
        request,
        "orgs/tree.html",
        {
            "roots": roots,
            "q": q,
            "matches": matches,
            "can_change": any(can_in_path(request.user, Action.ORGS_CHANGE, r.path) for r in roots),
        },
    )


@require_action(Action.ORGS_VIEW)
def children_view(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: the children of one node."""
    parent = selectors.unit_get(user=request.user, pk=pk)
    children = selectors.unit_children(user=request.user, parent=parent)
    return render(request, "orgs/_children.html", {"children": children})


@require_action(Action.ORGS_VIEW)
def list_view(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.unit_list(user=request.user, filters=_filters(request))
    qs, sort = apply_sort(request, qs, SORT_COLUMNS, default="path")
    if request.GET.get("export") == "xlsx":
        return _export(request, qs)
    page, size = paginate(request, qs)
    return render(
        request,
        "orgs/list.html",
        {
            "page": page,
            "size": size,
            "sort": sort,
            "filters": _filters(request),
            "kinds": UnitKind.choices,
            "levels": UnitLevel.choices,
            "qs_sort": query_without(request, "sort", "page"),
            "qs_page": query_without(request, "page"),
            "qs_export": query_without(request, "page", "size"),
            "can_export": _can(request, Action.ORGS_EXPORT),
        },
    )


def _export(request: HttpRequest, qs: Any) -> HttpResponseBase:
    if not request.user.is_authenticated or not _can(request, Action.ORGS_EXPORT):
        raise Http404("页面不存在")
    qs = selectors.units_exportable(user=request.user, units=qs)
    count = qs.count()
    audit_record_standalone(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="orgs.Unit",
        object_repr=f"单位名册（{count} 条）",
        changes={"filters": dict(_filters(request))},
        sensitive=True,
    )
    rows = (
        (
            u.name,
            u.short_name,
            u.code,
            u.get_kind_display(),
            u.get_level_display(),
            u.parent.name if u.parent else "",
            u.region_code,
            "有效" if u.is_active else "已撤销",
        )
        for u in qs.iterator(chunk_size=2000)
    )
    return xlsx_response(
        filename="单位名册.xlsx",
        title="单位名册",
        headers=[
            "单位名称",
            "简称",
            "单位代码",
            "单位类别",
            "单位级别",
            "上级单位",
            "行政区划",
            "状态",
        ],
        rows=rows,
    )


def _can(request: HttpRequest, action: str, unit: Unit | None = None) -> bool:
    if unit is None:
        return has_action(request.user, action)
    return can_in_path(request.user, action, unit.path)


@require_action(Action.ORGS_VIEW)
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, pk=pk)
    rank_names = dict(code_choices(table=CodeTable.RANK_LEVEL))
    quotas = [
        (q, rank_names.get(q.rank_level, q.rank_level))
        for q in selectors.quota_list(user=request.user, unit=unit)
    ]
    return render(
        request,
        "orgs/detail.html",
        {
            "unit": unit,
            "ancestors": selectors.unit_ancestors(user=request.user, unit=unit),
            "children": selectors.unit_children(
                user=request.user, parent=unit, include_inactive=True
            ),
            "quotas": quotas,
            "can_change": _can(request, Action.ORGS_CHANGE, unit),
            "quota_form": QuotaForm(),
            "history": object_history(unit),
            "links": extensions.unit_links(request.user, unit),
        },
    )


def _changeable(request: HttpRequest, pk: int) -> Unit:
    unit = selectors.unit_get(user=request.user, pk=pk, action=Action.ORGS_CHANGE)
    return unit


@require_action(Action.ORGS_CHANGE)
def create_view(request: HttpRequest, parent_pk: int) -> HttpResponse:
    parent = _changeable(request, parent_pk)
    form = UnitForm(
        request.POST or None, initial={"kind": UnitKind.GOV_DEPT, "level": parent.level}
    )

    def save(data: dict[str, Any]) -> Unit:
        return services.unit_create(
            acting_user=request.user,
            parent=parent,
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            level=data["level"],
            short_name=data["short_name"],
            order=data["order"],
            region_code=data["region_code"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success=lambda unit: f"已新增单位“{unit.name}”",
        then=lambda unit: redirect("orgs:detail", pk=unit.pk),
    ):
        return done
    return render(request, "orgs/form.html", {"form": form, "parent": parent, "creating": True})


@require_action(Action.ORGS_CHANGE)
def edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _changeable(request, pk)
    initial = {f: getattr(unit, f) for f in services.UNIT_FIELDS}
    initial["version"] = unit.version
    form = UnitForm(request.POST or None, initial=initial)

    def save(cleaned: dict[str, Any]) -> Unit:
        data = dict(cleaned)
        version = data.pop("version", None)
        return services.unit_update(acting_user=request.user, unit=unit, version=version, **data)

    if done := form_saved(
        request,
        form,
        save,
        success="已保存",
        then=lambda saved: redirect("orgs:detail", pk=saved.pk),
    ):
        return done
    return render(request, "orgs/form.html", {"form": form, "unit": unit, "creating": False})


@require_action(Action.ORGS_CHANGE)
def move_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _changeable(request, pk)
    form = UnitMoveForm(request.POST or None, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["new_parent"].strip()
        target = selectors.unit_by_code(user=request.user, code=code, action=Action.ORGS_CHANGE)
        if target is None:
            form.add_error("new_parent", "找不到该单位，或您无权在其下调整")
        else:
            try:
                services.unit_move(
                    acting_user=request.user,
                    unit=unit,
                    new_parent=target,
                    version=form.cleaned_data.get("version"),
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(
                    form,
                    exc if isinstance(exc, ValidationError) else ValidationError(str(exc)),
                    default_field="new_parent",
                )
            else:
                messages.success(request, f"已将“{unit.name}”移至“{target.name}”之下")
                return redirect("orgs:detail", pk=unit.pk)
    return render(request, "orgs/move.html", {"form": form, "unit": unit})


@require_action(Action.ORGS_VIEW)
def search_view(request: HttpRequest) -> HttpResponse:
    """htmx partial: <option>s for the unit pickers (move target)."""
    q = request.GET.get("q", request.GET.get("new_parent", "")).strip()
    units = (
        selectors.unit_list(user=request.user, filters={"q": q}, action=Action.ORGS_CHANGE)[:20]
        if q
        else []
    )
    return render(request, "orgs/_options.html", {"units": units})


@require_POST
@require_action(Action.ORGS_CHANGE)
def deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(user=request.user, pk=pk, action=Action.ORGS_CHANGE)
    restore = request.POST.get("restore") == "1"
    try:
        if restore:
            services.unit_restore(acting_user=request.user, unit=unit)
            messages.success(request, f"已恢复“{unit.name}”")
        else:
            services.unit_deactivate(acting_user=request.user, unit=unit)
            messages.success(request, f"已撤销“{unit.name}”，可在本页点击“恢复”撤回此操作")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("orgs:detail", pk=unit.pk)


@require_POST
@require_action(Action.ORGS_CHANGE)
def quota_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _changeable(request, pk)
    form = QuotaForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.quota_set(
                acting_user=request.user,
                unit=unit,
                rank_level=data["rank_level"],
                title=data["title"],
                quota=data["quota"],
                note=data["note"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "职数已保存")
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("orgs:detail", pk=unit.pk)


# ---------------------------------------------------------------- Excel import of the tree

UNIT_IMPORTS = "orgs_imports"  # session key: staged token → {"unit": pk, "name": file name}


def _import_target(request: HttpRequest, pk: Any = None, code: str | None = None) -> Unit:
    """The import's target: active and in the user's ORGS_CHANGE scope; 404 otherwise (the
    same 404 for a unit outside the scope as for a missing one)."""
    import re

    unit = None
    if code is not None:
        unit = (
            selectors.unit_by_code(user=request.user, code=code.strip(), action=Action.ORGS_CHANGE)
            if code.strip()
            else None
        )
    elif re.fullmatch(r"[0-9]{1,18}", str(pk or "")):  # ASCII digits only ("²".isdigit())
        unit = (
            selectors.units_for(user=request.user, action=Action.ORGS_CHANGE)
            .filter(is_active=True, pk=int(str(pk)))
            .first()
        )
    if unit is None:
        raise Http404("单位不存在")
    return unit


@require_action(Action.ORGS_CHANGE)
def import_view(request: HttpRequest) -> HttpResponse:
    """Step 1 of the unit-tree import: the target unit and the .xlsx file."""
    from core import importing, staging

    errors: dict[str, str] = {}
    if request.method == "POST":
        target = _import_target(request, code=request.POST.get("unit", ""))
        upload = request.FILES.get("file")
        if upload is None:
            errors["file"] = "请选择要上传的 Excel 文件"
        elif upload.size is not None and upload.size > importing.upload_limit():
            errors["file"] = importing.too_large_message()
        else:
            name = upload.name or "单位.xlsx"
            token = staging.stage(user=request.user, data=upload.read(), name=name)
            imports = request.session.get(UNIT_IMPORTS, {})
            imports[token] = {"unit": target.pk, "name": name}
            request.session[UNIT_IMPORTS] = dict(list(imports.items())[-10:])
            return redirect("orgs:import_preview", token=token)
    elif "unit" in request.GET:
        target = _import_target(request, pk=request.GET["unit"])
    else:
        roots = selectors.unit_roots(user=request.user, action=Action.ORGS_CHANGE)
        active = [r for r in roots if r.is_active]
        if not active:
            raise Http404("单位不存在")
        target = active[0]
    return render(request, "orgs/import.html", {"target": target, "errors": errors})


def _unit_import_staged(request: HttpRequest, token: str) -> tuple[bytes, str, Unit]:
    from core import staging

    info = request.session.get(UNIT_IMPORTS, {}).get(token)
    loaded = staging.load(user=request.user, token=token) if info else None
    if not info or loaded is None:
        raise Http404("导入文件已过期或不存在，请重新上传")
    unit = _import_target(request, pk=info["unit"])
    data, name = loaded
    return data, name, unit


def _forget_unit_import(request: HttpRequest, token: str) -> None:
    from core import staging

    staging.discard(token)
    imports = request.session.get(UNIT_IMPORTS, {})
    if imports.pop(token, None) is not None:
        request.session[UNIT_IMPORTS] = imports


@require_action(Action.ORGS_CHANGE)
def import_preview_view(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: what the file would do, row by row; 确认导入 writes it all or nothing."""
    from django.urls import reverse

    from core import importing
    from orgs.import_kinds import UNITS

    data, name, unit = _unit_import_staged(request, token)
    run: dict[str, Any] = {
        "acting_user": request.user,
        "unit": unit,
        "kind": UNITS,
        "data": data,
        "filename": name,
    }
    if request.method == "POST":
        if "cancel" in request.POST:
            _forget_unit_import(request, token)
            messages.info(request, "已取消导入，数据库未作任何改动")
            return redirect(reverse("orgs:import") + f"?unit={unit.pk}")
        try:
            done = importing.import_file(**run, confirm=True)
        except (importing.ImportRefused, PermissionDenied) as exc:
            messages.error(request, f"未导入：{exc}。数据库未作任何改动。")
            return redirect("orgs:import_preview", token=token)
        _forget_unit_import(request, token)
        messages.success(request, f"导入完成：{done.summary()}")
        return redirect("orgs:tree")
    refused = ""
    plan: importing.ImportPlan | None = None
    try:
        plan = importing.import_file(**run)
    except (importing.ImportRefused, PermissionDenied) as exc:
        refused = str(exc)
        _forget_unit_import(request, token)
    rows = []
    counts: list[tuple[str, str, int]] = []
    if plan is not None:
        rows = [{"row": r, "css": r.status_css, "messages": r.report()} for r in plan.rows]
        totals = plan.counts
        counts = [(status.label, STATUS_CSS[status], totals[status]) for status in plan.statuses]
    return render(
        request,
        "orgs/import_preview.html",
        {
            "token": token,
            "name": name,
            "unit": unit,
            "rows": rows,
            "counts": counts,
            "errors": len(plan.refused) if plan else 0,
            "writes": plan.writes if plan else 0,
            "refused": refused,
            "notes": plan.notes if plan else [],
        },
    )


@require_action(Action.ORGS_CHANGE)
def import_template_view(request: HttpRequest) -> HttpResponse:
    from urllib.parse import quote

    from orgs.tree_import import units_template_xlsx

    response = HttpResponse(
        units_template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('单位导入模板.xlsx')}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
