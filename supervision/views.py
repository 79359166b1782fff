"""Supervision pages: a cadre's political profile with a one-form add, the indicator
catalogue, the report years, one year's reports with its spot check (seed and drawn list),
targeted checks and the check list, one cadre's report with its items and findings, and the
key units and posts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.choices import AuditAction
from audit.services import audit_record_export_standalone
from core.excel import xlsx_response
from core.forms import add_service_errors, form_saved
from core.listing import paginate, query_without
from core.permissions import Action, can_in_path, has_action, require_action
from orgs.models import Unit
from orgs.selectors import unit_chosen
from supervision import selectors, services
from supervision.choices import CheckKind
from supervision.forms import (
    ConductForm,
    DrawForm,
    FindingForm,
    IndicatorForm,
    KeyPostEditForm,
    KeyPostForm,
    KeyUnitForm,
    ReportItemForm,
    ReportSubmitForm,
    ReportUnsubmitForm,
    ReportYearForm,
    TargetedCheckForm,
    TraitForm,
)
from supervision.models import KeyPost, KeyUnit, PersonalReport, ReportYear
from supervision.rules import DEFAULT_REPORT_RANK_LEVELS

VIEW, CHANGE = Action.SUPERVISION_VIEW, Action.SUPERVISION_CHANGE
CATALOGUE = Action.SUPERVISION_CATALOGUE


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
                # Entered from the cadre page: back there (only to this cadre's page).
                if request.POST.get("next") == reverse("cadres:detail", args=[cadre.pk]):
                    return redirect("cadres:detail", pk=cadre.pk)
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
    """One year's reports (全部 / 已报 / 未报), its spot check (seed, candidates, drawn list),
    the targeted-check form and the check list with findings."""
    report_year = selectors.report_year_get(user=request.user, pk=pk)
    return _render_year(request, report_year)


def _render_year(
    request: HttpRequest,
    report_year: ReportYear,
    *,
    draw_form: DrawForm | None = None,
    targeted_form: TargetedCheckForm | None = None,
) -> HttpResponse:
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")
    reports = selectors.reports_of_year(
        user=request.user, report_year=report_year, submitted=STATES.get(state), q=q
    )
    page, size = paginate(request, reports)
    spot_check = getattr(report_year, "spot_check", None)
    rows = selectors.check_list(user=request.user, report_year=report_year)
    random_checks = [c for row in rows for c in row.checks if c.kind == CheckKind.RANDOM]
    if spot_check is not None:  # the draw's order, as an auditor compares it
        order = {pk: i for i, pk in enumerate(spot_check.drawn_ids)}
        random_checks.sort(key=lambda c: order.get(c.report_id, len(order)))
    can_change = can_in_path(request.user, CHANGE, report_year.unit.path)
    if can_change and targeted_form is None:
        targeted_form = TargetedCheckForm(reports=_year_reports(request, report_year))
    context = {
        "report_year": report_year,
        "page": page,
        "size": size,
        "state": state,
        "q": q,
        "qs_page": query_without(request, "page"),
        "spot_check": spot_check,
        "verify": selectors.spot_check_verify(spot_check) if spot_check else None,
        "random_checks": random_checks,
        "check_rows": rows,
        "can_change": can_change,
        "can_export": can_in_path(request.user, Action.CADRES_EXPORT, report_year.unit.path),
        "draw_form": draw_form or DrawForm(),
        "targeted_form": targeted_form if can_change else None,
    }
    return render(request, "supervision/report_year_detail.html", context)


REPORT_EXPORT_HEADERS = ("姓名", "单位", "现任职务", "报告日期", "报告情况", "查核方式", "查核结果")
STATES = {"yes": True, "no": False}


@require_action(VIEW)
def report_year_export_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The year's reports (``?state=yes|no`` as on the page, e.g. the 未报告 list to chase) as
    Excel, with how each was checked and what was found; needs the cadre export right too and
    is audited as a sensitive read."""
    report_year = selectors.report_year_get(user=request.user, pk=pk)
    if not can_in_path(request.user, Action.CADRES_EXPORT, report_year.unit.path):
        raise Http404("页面不存在")
    state = request.GET.get("state", "")
    reports = list(
        selectors.reports_of_year(
            user=request.user, report_year=report_year, submitted=STATES.get(state)
        )
    )
    checked = {
        row.report.pk: row
        for row in selectors.check_list(user=request.user, report_year=report_year)
    }
    label = {"yes": "已报告", "no": "未报告"}.get(state, "")
    audit_record_export_standalone(
        actor=request.user,
        subjects=[report.cadre_id for report in reports],
        action=AuditAction.EXPORT,
        obj=report_year,
        object_repr=f"{report_year}{label}名单（{len(reports)} 人）",
        changes={"filters": {"state": state}} if state else {},
        sensitive=True,
    )
    due = report_year.due_date

    def row(report: PersonalReport) -> list[Any]:
        check = checked.get(report.pk)
        if report.submitted_on is None:
            status = "未报告"
        else:
            status = "逾期报告" if report.submitted_on > due else "按时报告"
        return [
            report.cadre.name,
            report.cadre.unit.name,
            report.cadre.current_title,
            f"{report.submitted_on:%Y.%m.%d}" if report.submitted_on else "",
            status,
            "、".join(c.get_kind_display() for c in check.checks) if check else "",
            "；".join(
                f"{f.get_kind_display()}：{f.get_subkind_display()}，{f.consequence}"
                for f in check.findings
            )
            if check
            else "",
        ]

    return xlsx_response(
        filename=f"{report_year.year}年度个人有关事项报告{label}名单_{timezone.localdate():%Y%m%d}.xlsx",
        title=f"{report_year.year}年度{label or '报告情况'}",
        headers=REPORT_EXPORT_HEADERS,
        rows=(row(r) for r in reports),
    )


def _year_reports(request: HttpRequest, report_year: ReportYear) -> Any:
    return selectors.reports_of_year(user=request.user, report_year=report_year, action=CHANGE)


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


@require_POST
@require_action(CHANGE)
def targeted_check_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """重点抽查（凡提必查）: put one of the year's reports on the check list with a reason."""
    report_year = selectors.report_year_get(user=request.user, pk=pk, action=CHANGE)
    form = TargetedCheckForm(request.POST, reports=_year_reports(request, report_year))
    if form.is_valid():
        cadre = form.cleaned_data["report"].cadre
        try:
            services.targeted_check_add(
                acting_user=request.user,
                report_year=report_year,
                cadre=cadre,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已将{cadre.name}的报告列入重点抽查名单")
            return redirect(
                reverse("supervision:report_year_detail", args=[report_year.pk]) + "#checks"
            )
    return _render_year(request, report_year, targeted_form=form)


# ---------------------------------------------------------------- one cadre's report


@require_action(VIEW)
def report_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One cadre's report of one year: status, items by the 14 categories, checks, findings."""
    report = selectors.report_get(user=request.user, pk=pk)
    return _render_report(request, report, audit_read=True)


def _render_report(
    request: HttpRequest,
    report: PersonalReport,
    *,
    submit_form: ReportSubmitForm | None = None,
    item_form: ReportItemForm | None = None,
    finding_form: FindingForm | None = None,
    unsubmit_form: ReportUnsubmitForm | None = None,
    audit_read: bool = False,
) -> HttpResponse:
    can_change = can_in_path(request.user, CHANGE, report.cadre.unit_path)
    checks = list(selectors.report_checks(user=request.user, report=report))
    items = list(selectors.report_items(user=request.user, report=report))
    if can_change:
        if submit_form is None and not report.is_submitted:
            submit_form = ReportSubmitForm(initial={"submitted_on": timezone.localdate()})
        if unsubmit_form is None and report.is_submitted and not checks:
            unsubmit_form = ReportUnsubmitForm()
        item_form = item_form or ReportItemForm()
        if checks:
            finding_form = finding_form or FindingForm()
    findings = list(selectors.report_findings(user=request.user, report=report))
    if audit_read:
        services.report_read_record(
            acting_user=request.user, report=report, items=items, findings=findings
        )
    context = {
        "report": report,
        "report_year": report.report_year,
        "late": report.submitted_on is not None
        and report.submitted_on > report.report_year.due_date,
        "groups": selectors.items_by_category(items),
        "item_count": len(items),
        "checks": checks,
        "findings": findings,
        "can_change": can_change,
        "submit_form": submit_form if can_change else None,
        "item_form": item_form if can_change else None,
        "finding_form": finding_form if can_change else None,
        "unsubmit_form": unsubmit_form if can_change else None,
    }
    return render(request, "supervision/report_detail.html", context)


def _report_url(report: PersonalReport, anchor: str = "") -> str:
    return reverse("supervision:report_detail", args=[report.pk]) + (f"#{anchor}" if anchor else "")


@require_POST
@require_action(CHANGE)
def report_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, action=CHANGE)
    form = ReportSubmitForm(request.POST)
    if form.is_valid():
        try:
            services.report_submit(
                acting_user=request.user,
                report=report,
                submitted_on=form.cleaned_data["submitted_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"已登记{report.cadre.name}的报告于 {report.submitted_on:%Y.%m.%d} 提交"
            )
            return redirect(_report_url(report))
    return _render_report(request, report, submit_form=form)


@require_POST
@require_action(CHANGE)
def report_unsubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, action=CHANGE)
    form = ReportUnsubmitForm(request.POST)
    if form.is_valid():
        try:
            services.report_unsubmit(
                acting_user=request.user, report=report, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已撤销{report.cadre.name}的报告登记")
            return redirect(_report_url(report))
    return _render_report(request, report, unsubmit_form=form)


@require_POST
@require_action(CHANGE)
def report_item_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, action=CHANGE)
    form = ReportItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.report_item_add(
                acting_user=request.user, report=report, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已添加报告事项：{item.get_category_display()}")
            return redirect(_report_url(report, "items"))
    return _render_report(request, report, item_form=form)


@require_POST
@require_action(CHANGE)
def report_item_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.report_item_get(user=request.user, pk=pk)
    services.report_item_delete(acting_user=request.user, item=item)
    messages.success(request, "已删除该报告事项（变更记录中保留原内容）")
    return redirect(_report_url(item.report, "items"))


@require_POST
@require_action(CHANGE)
def finding_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk, action=CHANGE)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            finding = services.finding_add(
                acting_user=request.user, report=report, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已录入查核结果：{finding.get_kind_display()}")
            return redirect(_report_url(report, "findings"))
    return _render_report(request, report, finding_form=form)


# ---------------------------------------------------------------- key units and posts


@require_action(VIEW)
def key_list_view(request: HttpRequest) -> HttpResponse:
    return _render_key_list(request)


def _render_key_list(request: HttpRequest, *, unit_form: KeyUnitForm | None = None) -> HttpResponse:
    """重点部门 (not paged: a county marks a few dozen) and 关键岗位 (paged), both searchable."""
    q = request.GET.get("q", "").strip()
    user = request.user
    key_units = list(selectors.key_unit_list(user=user, q=q))
    page, size = paginate(request, selectors.key_post_list(user=user, q=q))
    can_change = has_action(user, CHANGE)
    editable_units = {k.pk for k in key_units if can_in_path(user, CHANGE, k.unit.path)}
    editable_posts = {p.pk for p in page if can_in_path(user, CHANGE, p.unit.path)}
    return render(
        request,
        "supervision/key_list.html",
        {
            "key_units": key_units,
            "page": page,
            "size": size,
            "q": q,
            "qs_page": query_without(request, "page"),
            "can_change": can_change,
            "editable_units": editable_units,
            "editable_posts": editable_posts,
            "unit_form": (unit_form or KeyUnitForm()) if can_change else None,
        },
    )


def _chosen_unit(request: HttpRequest, code: str, refusal: str) -> Unit:
    """The active unit of that code within the user's supervision-change scope, else the
    refusal on the form's unit field."""
    return unit_chosen(user=request.user, code=code, action=CHANGE, refusal=refusal)


@require_action(CHANGE)
def report_year_create_view(request: HttpRequest) -> HttpResponse:
    """Open a year's 个人有关事项报告: lists every cadre of the subtree who must report."""
    initial = {
        "year": timezone.localdate().year - 1,
        "rank_levels": list(DEFAULT_REPORT_RANK_LEVELS),
    }
    form = ReportYearForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> ReportYear:
        return services.report_year_create(
            acting_user=request.user,
            unit=_chosen_unit(request, data["unit"], "找不到该单位，或您无权在其中开展报告工作"),
            year=data["year"],
            due_date=data["due_date"],
            rank_levels=data["rank_levels"],
            note=data["note"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success=lambda year: f"已开展 {year.year} 年度报告，应报告 {year.reports.count()} 人",
        then=lambda year: redirect("supervision:report_year_detail", pk=year.pk),
    ):
        return done
    return render(request, "supervision/form.html", {"form": form, "title": "开展年度报告"})


@require_action(CHANGE)
def key_post_create_view(request: HttpRequest) -> HttpResponse:
    form = KeyPostForm(request.POST or None)

    def save(cleaned: dict[str, Any]) -> KeyPost:
        data = dict(cleaned)
        unit = _chosen_unit(request, data.pop("unit"), "找不到该单位，或您无权设置其关键岗位")
        return services.key_post_add(acting_user=request.user, unit=unit, **data)

    if done := form_saved(
        request,
        form,
        save,
        success="已设置关键岗位",
        then=lambda _: redirect("supervision:key_list"),
    ):
        return done
    return render(request, "supervision/form.html", {"form": form, "title": "设置关键岗位"})


@require_POST
@require_action(CHANGE)
def key_unit_mark_view(request: HttpRequest) -> HttpResponse:
    """Mark a unit as 重点部门 from the key list's form; errors show on that page."""
    form = KeyUnitForm(request.POST)

    def save(data: dict[str, Any]) -> KeyUnit:
        return services.key_unit_mark(
            acting_user=request.user,
            unit=_chosen_unit(request, data["unit"], "找不到该单位，或您无权将其标记为重点部门"),
            reason=data["reason"],
            note=data["note"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success=lambda key_unit: f"已将“{key_unit.unit.name}”标记为重点部门",
        then=lambda _: redirect("supervision:key_list"),
    ):
        return done
    return _render_key_list(request, unit_form=form)


@require_POST
@require_action(CHANGE)
def key_unit_unmark_view(request: HttpRequest, pk: int) -> HttpResponse:
    key_unit = selectors.key_unit_get(user=request.user, pk=pk)
    services.key_unit_unmark(acting_user=request.user, key_unit=key_unit)
    messages.success(request, f"已取消“{key_unit.unit.name}”的重点部门标记")
    return redirect("supervision:key_list")


@require_action(CHANGE)
def key_post_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.key_post_get(user=request.user, pk=pk)
    initial = {f: getattr(post, f) for f in services.KEY_POST_FIELDS}
    form = KeyPostEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.key_post_update(acting_user=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存关键岗位“{form.cleaned_data['title']}”")
            return redirect("supervision:key_list")
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": f"修改关键岗位：{post.unit.name} {post.title}",
            "back_url": reverse("supervision:key_list"),
        },
    )


@require_POST
@require_action(CHANGE)
def key_post_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.key_post_get(user=request.user, pk=pk)
    services.key_post_delete(acting_user=request.user, post=post)
    messages.success(request, f"已删除关键岗位“{post.unit.name} {post.title}”")
    return redirect("supervision:key_list")


# ---------------------------------------------------------------- indicator catalogue


def indicator_list_view(request: HttpRequest) -> HttpResponse:
    """政治素质指标: read by everyone in 干部监督, kept by the 系统管理员."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (has_action(user, VIEW) or has_action(user, CATALOGUE)):
        raise Http404("页面不存在")
    return render(
        request,
        "supervision/indicator_list.html",
        {
            "catalogue": selectors.indicator_catalogue(user=user),
            "can_edit": has_action(user, CATALOGUE),
        },
    )


def _catalogue_url(anchor: str = "") -> str:
    return reverse("supervision:indicator_list") + (f"#{anchor}" if anchor else "")


def _catalogue_form(request: HttpRequest, form: Any, title: str, note: str = "") -> HttpResponse:
    return render(
        request,
        "supervision/form.html",
        {"form": form, "title": title, "note": note, "back_url": _catalogue_url()},
    )


@require_action(CATALOGUE)
def indicator_create_view(request: HttpRequest) -> HttpResponse:
    form = IndicatorForm(request.POST or None, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已添加指标“{indicator.name}”")
            return redirect(_catalogue_url(f"indicator-{indicator.pk}"))
    return _catalogue_form(request, form, "添加政治素质指标")


@require_action(CATALOGUE)
def indicator_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(pk=pk)
    initial = {f: getattr(indicator, f) for f in services.INDICATOR_FIELDS}
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_update(
                acting_user=request.user, indicator=indicator, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            state = "" if indicator.is_active else "（已停用）"
            messages.success(request, f"已保存指标“{indicator.name}”{state}")
            return redirect(_catalogue_url(f"indicator-{indicator.pk}"))
    return _catalogue_form(
        request,
        form,
        f"修改指标：{indicator.name}",
        "指标不能删除（已有清单记录引用）；不再使用时取消“启用”即可。",
    )


@require_action(CATALOGUE)
def trait_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.indicator_get(pk=pk)
    form = TraitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.trait_add(acting_user=request.user, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已为指标“{indicator.name}”添加行为特征")
            return redirect(_catalogue_url(f"indicator-{indicator.pk}"))
    return _catalogue_form(request, form, f"为指标“{indicator.name}”添加行为特征")


@require_action(CATALOGUE)
def trait_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    trait = selectors.trait_get(pk=pk)
    initial = {f: getattr(trait, f) for f in services.TRAIT_FIELDS}
    form = TraitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.trait_update(acting_user=request.user, trait=trait, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存行为特征")
            return redirect(_catalogue_url(f"indicator-{trait.indicator_id}"))
    return _catalogue_form(
        request,
        form,
        f"修改行为特征（{trait.indicator.name}）",
        "已引用该特征的清单记录将显示修改后的文字，原文字保留在变更记录中。",
    )


@require_POST
@require_action(CATALOGUE)
def trait_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    trait = selectors.trait_get(pk=pk)
    try:
        services.trait_delete(acting_user=request.user, trait=trait)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除行为特征“{trait.text}”")
    return redirect(_catalogue_url(f"indicator-{trait.indicator_id}"))
