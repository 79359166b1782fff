"""Supervision pages: a cadre's political profile with a one-form add, the report years, one
year's reports with its spot check (seed and drawn list), and the key units and posts."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Action
from accounts.scoping import can_in_path, has_action, require_action
from core.forms import add_service_errors
from core.listing import paginate, query_without
from orgs.models import Unit
from supervision import selectors, services
from supervision.choices import CheckKind
from supervision.forms import ConductForm, DrawForm, KeyPostForm, ReportYearForm
from supervision.rules import DEFAULT_REPORT_RANK_LEVELS

VIEW, CHANGE = Action.SUPERVISION_VIEW, Action.SUPERVISION_CHANGE


@require_action(VIEW)
def cadre_profile_view(request: HttpRequest, pk: int) -> HttpResponse:
    """政治画像 of one cadre; a clerk adds a 正面 / 负面 entry from the same page."""
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    can_change = can_in_path(request.user, CHANGE, cadre.unit_path)
    form = ConductForm(request.POST or None) if can_change else None
    if request.method == "POST":
        if form is None:
            return redirect("supervision:cadre_profile", pk=cadre.pk)
        if form.is_valid():
            try:
                services.conduct_add(acting_user=request.user, cadre=cadre, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已记入清单")
                return redirect("supervision:cadre_profile", pk=cadre.pk)
    profile = selectors.political_profile(user=request.user, cadre=cadre)
    return render(
        request,
        "supervision/cadre_profile.html",
        {"cadre": cadre, "profile": profile, "form": form, "can_change": can_change},
    )


@require_POST
@require_action(CHANGE)
def conduct_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.conduct_get(user=request.user, pk=pk)
    services.conduct_delete(acting_user=request.user, entry=entry)
    messages.success(request, "已删除该条记录（变更记录中保留原内容）")
    return redirect("supervision:cadre_profile", pk=entry.cadre_id)


@require_action(VIEW)
def report_year_list_view(request: HttpRequest) -> HttpResponse:
    page, size = paginate(request, selectors.report_year_list(user=request.user))
    return render(
        request,
        "supervision/report_year_list.html",
        {
            "page": page,
            "size": size,
            "qs_page": query_without(request, "page"),
            "can_change": has_action(request.user, CHANGE),
        },
    )


@require_action(VIEW)
def report_year_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One year's reports (全部 / 已报 / 未报) and its spot check: seed, candidates, drawn list."""
    report_year = selectors.report_year_get(user=request.user, pk=pk)
    state = request.GET.get("state", "")
    submitted = {"yes": True, "no": False}.get(state)
    reports = selectors.reports_of_year(
        user=request.user, report_year=report_year, submitted=submitted
    )
    page, size = paginate(request, reports)
    spot_check = getattr(report_year, "spot_check", None)
    checks = list(selectors.checked_reports(user=request.user, report_year=report_year))
    context = {
        "report_year": report_year,
        "page": page,
        "size": size,
        "state": state,
        "qs_page": query_without(request, "page"),
        "spot_check": spot_check,
        "verify": selectors.spot_check_verify(spot_check) if spot_check else None,
        "random_checks": [c for c in checks if c.kind == CheckKind.RANDOM],
        "targeted_checks": [c for c in checks if c.kind == CheckKind.TARGETED],
        "can_change": can_in_path(request.user, CHANGE, report_year.unit.path),
        "draw_form": DrawForm(),
    }
    return render(request, "supervision/report_year_detail.html", context)


@require_POST
@require_action(CHANGE)
def spot_check_draw_view(request: HttpRequest, pk: int) -> HttpResponse:
    report_year = selectors.report_year_get(user=request.user, pk=pk, action=CHANGE)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("supervision:report_year_detail", pk=report_year.pk)
    try:
        check = services.spot_check_draw(
            acting_user=request.user,
            report_year=report_year,
            percentage=form.cleaned_data["percentage"],
            seed=form.cleaned_data["seed"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已抽取 {len(check.drawn_ids)} 份报告，随机种子 {check.seed}")
    return redirect("supervision:report_year_detail", pk=report_year.pk)


@require_action(VIEW)
def key_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/key_list.html",
        {
            "key_units": selectors.key_unit_list(user=request.user),
            "key_posts": selectors.key_post_list(user=request.user),
            "can_change": has_action(request.user, CHANGE),
        },
    )


def _chosen_unit(request: HttpRequest, code: str) -> Unit | None:
    """The active unit of that code within the user's supervision-change scope."""
    return (
        Unit.objects.restrict(request.user, CHANGE)
        .filter(code=code.strip(), is_active=True)
        .first()
    )


@require_action(CHANGE)
def report_year_create_view(request: HttpRequest) -> HttpResponse:
    """Open a year's 个人有关事项报告: lists every cadre of the subtree who must report."""
    initial = {
        "year": timezone.localdate().year - 1,
        "rank_levels": list(DEFAULT_REPORT_RANK_LEVELS),
    }
    form = ReportYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = _chosen_unit(request, data["unit"])
        if unit is None:
            form.add_error("unit", "找不到该单位，或您无权在其中开展报告工作")
        else:
            try:
                report_year = services.report_year_create(
                    acting_user=request.user,
                    unit=unit,
                    year=data["year"],
                    due_date=data["due_date"],
                    rank_levels=data["rank_levels"],
                    note=data["note"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                count = report_year.reports.count()
                messages.success(request, f"已开展 {report_year.year} 年度报告，应报告 {count} 人")
                return redirect("supervision:report_year_detail", pk=report_year.pk)
    return render(request, "supervision/form.html", {"form": form, "title": "开展年度报告"})


@require_action(CHANGE)
def key_post_create_view(request: HttpRequest) -> HttpResponse:
    form = KeyPostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = _chosen_unit(request, data.pop("unit"))
        if unit is None:
            form.add_error("unit", "找不到该单位，或您无权设置其关键岗位")
        else:
            try:
                services.key_post_add(acting_user=request.user, unit=unit, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已设置关键岗位")
                return redirect("supervision:key_list")
    return render(request, "supervision/form.html", {"form": form, "title": "设置关键岗位"})
