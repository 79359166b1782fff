"""The alert centre (预警中心) and the rule catalogue (预警规则)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from alerts.choices import AlertStatus, Severity
from alerts.forms import AlertFilterForm, AlertHandleForm, RuleForm, shown
from alerts.models import AlertRule
from alerts.registry import RULES, Scope
from alerts.selectors import alert_list, compute_paths, list_counts, visible_alerts
from alerts.services import (
    alert_set_status,
    alert_visit_record,
    alerts_compute,
    alerts_set_status_many,
    last_scheduled_run,
    rule_update,
)
from audit.choices import AuditAction
from audit.services import audit_record_export_standalone
from core.excel import xlsx_response
from core.http import request_int
from core.listing import paginate, query_without
from core.ordered import in_id_order
from core.permissions import Action, has_action, require_action
from orgs.selectors import unit_by_code

EXPORT_HEADERS = [
    "级别",
    "规则",
    "对象",
    "所在单位",
    "说明",
    "依据",
    "首次发现",
    "处理状态",
    "处理说明",
]


@require_action(Action.ALERTS_VIEW)
def alert_list_view(request: HttpRequest) -> HttpResponseBase:
    form = AlertFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    unit = None
    if data.get("unit"):
        unit = unit_by_code(
            user=request.user, code=data["unit"], action=Action.ALERTS_VIEW, include_inactive=True
        )
    previous = alert_visit_record(acting_user=request.user, session_key=request.session.session_key)
    base = alert_list(
        user=request.user,
        q=data.get("q", ""),
        rule=data.get("rule"),
        unit=unit,
        status=data.get("status") or "pending",
        since=previous if data.get("new") else None,
        include_resolved=bool(data.get("resolved")),
    )
    severity = data.get("severity", "")
    qs = base.filter(severity=severity) if severity else base
    if request.GET.get("export") == "xlsx":
        return _export(request, qs, data)
    counts = list_counts(base, since=previous)
    total = counts[severity] if severity else sum(counts[s] for s in Severity.values)
    page, size = paginate(request, qs, count=lambda _qs: total)
    return render(
        request,
        "alerts/list.html",
        {
            "form": form,
            "page": page,
            "size": size,
            "filter_unit": unit,
            "unit_code": data.get("unit", ""),
            "counts": [(s, s.label, counts[s]) for s in Severity],
            "previous_visit": previous,
            "new_count": counts["new"],
            "can_handle": has_action(request.user, Action.ALERTS_HANDLE),
            "scheduled_run": _scheduled_run_note(),
            "qs_page": query_without(request, "page"),
            "qs_export": query_without(request, "page", "size", "export"),
            # Re-encoded from the parsed query (get_full_path passes the raw query through).
            "next_url": f"{request.path}?{request.GET.urlencode()}",
        },
    )


SCHEDULE_STALE = dt.timedelta(days=2)


def _scheduled_run_note() -> dict[str, Any]:
    """When the daily run last ran, and whether that is too long ago (the timer is missing)."""
    last = last_scheduled_run()
    return {"last": last, "stale": last is None or timezone.now() - last > SCHEDULE_STALE}


def _export(request: HttpRequest, qs: Any, data: dict[str, Any]) -> HttpResponseBase:
    # The alerts of the file, in its order, read once: the log lists their cadres and the file
    # is written from these alerts only (core/ordered.py).
    listed = list(qs.values_list("pk", "cadre_id"))
    audit_record_export_standalone(
        actor=request.user,
        subjects=[cadre_id for _pk, cadre_id in listed if cadre_id is not None],
        action=AuditAction.EXPORT,
        object_type="alerts.Alert",
        object_repr="预警导出",
        changes={"filters": {k: str(v) for k, v in data.items() if v}},
        sensitive=True,
    )
    statuses = dict(AlertStatus.choices)
    severities = dict(Severity.choices)
    rows = (
        (
            severities.get(a.severity, a.severity),
            a.rule.name,
            a.cadre.name if a.cadre_id and a.cadre else (a.unit.name if a.unit else ""),
            a.cadre.unit.name if a.cadre_id and a.cadre else (a.unit.name if a.unit else ""),
            a.message,
            a.rule.source,
            timezone.localtime(a.first_seen_at).strftime("%Y-%m-%d"),
            statuses.get(a.status, a.status) + ("" if a.is_active else "（已不成立）"),
            a.handled_note,
        )
        for a in in_id_order(
            qs.select_related("cadre__unit", "rule", "unit"), [pk for pk, _ in listed]
        )
    )
    return xlsx_response(
        filename="预警清单.xlsx", title="预警清单", headers=EXPORT_HEADERS, rows=rows
    )


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("alerts:list")


@require_POST
@require_action(Action.ALERTS_HANDLE)
def alert_handle_view(request: HttpRequest, alert_id: int) -> HttpResponseBase:
    alert = get_object_or_404(visible_alerts(user=request.user), pk=alert_id)
    status = {
        "acknowledge": AlertStatus.ACKNOWLEDGED,
        "dismiss": AlertStatus.DISMISSED,
        "reopen": AlertStatus.OPEN,
    }.get(request.POST.get("do", ""))
    form = AlertHandleForm(request.POST)
    if status is None or not form.is_valid():
        messages.error(request, "操作无效")
        return redirect(_back(request))
    try:
        alert_set_status(
            acting_user=request.user, alert=alert, status=status, note=form.cleaned_data["note"]
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_back(request))
    messages.success(request, f"预警已标记为“{AlertStatus(status).label}”")
    return redirect(_back(request))


@require_POST
@require_action(Action.ALERTS_HANDLE)
def alert_handle_many_view(request: HttpRequest) -> HttpResponseBase:
    """知悉 / 排除 the ticked alerts with one note (all or none)."""
    status = {"acknowledge": AlertStatus.ACKNOWLEDGED, "dismiss": AlertStatus.DISMISSED}.get(
        request.POST.get("do", "")
    )
    # One integer parser for every request value (core/http.py): junk and huge ids drop out.
    ids = {n for v in request.POST.getlist("ids") if (n := request_int(v)) is not None}
    form = AlertHandleForm(request.POST)
    if status is None or not form.is_valid():
        messages.error(request, "操作无效")
        return redirect(_back(request))
    alerts = list(visible_alerts(user=request.user).filter(pk__in=ids, is_active=True))
    try:
        changed = alerts_set_status_many(
            acting_user=request.user, alerts=alerts, status=status, note=form.cleaned_data["note"]
        )
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(_back(request))
    messages.success(request, f"{changed} 条预警已标记为“{AlertStatus(status).label}”")
    return redirect(_back(request))


@require_POST
@require_action(Action.ALERTS_HANDLE)
def compute_view(request: HttpRequest) -> HttpResponseBase:
    """Recompute the alerts of the user's scope: a write, so it needs alerts.handle (领导 and
    单位联络员 only read alerts and get the not-found page, docs/security.md)."""
    today = timezone.localdate()
    totals = {"found": 0, "created": 0, "resolved": 0, "reopened": 0}
    for path in compute_paths(user=request.user):
        summary = alerts_compute(acting_user=request.user, scope=Scope(path=path, today=today))
        for key in totals:
            totals[key] += summary.totals[key]
    messages.success(
        request,
        f"已重新计算：当前成立 {totals['found']} 条，新增 {totals['created']} 条，"
        f"不再成立 {totals['resolved']} 条，重新打开 {totals['reopened']} 条",
    )
    return redirect(_back(request))


@require_POST
@require_action(Action.ALERTS_HANDLE)
def compute_cadre_view(request: HttpRequest, cadre_id: int) -> HttpResponseBase:
    """Recompute one cadre's alerts now (the cadre page's 重新计算; needs alerts.handle)."""
    from cadres.selectors import cadre_get

    cadre = cadre_get(user=request.user, pk=cadre_id)
    try:
        summary = alerts_compute(
            acting_user=request.user,
            scope=Scope(
                path=cadre.unit_path, today=timezone.localdate(), cadre_ids=frozenset({cadre.pk})
            ),
        )
    except PermissionDenied as exc:
        raise Http404("页面不存在") from exc
    messages.success(request, f"已重新计算该干部的预警：当前成立 {summary.totals['found']} 条")
    return redirect(reverse("cadres:detail", args=[cadre.pk]) + "#cadre-alerts")


def _can_see_rules(user: Any) -> bool:
    return has_action(user, Action.ALERTS_VIEW) or has_action(user, Action.ALERT_RULES_MANAGE)


def rule_list_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated or not _can_see_rules(request.user):
        raise Http404
    rules = [r for r in AlertRule.objects.all() if r.code in RULES]
    listed = []
    for row in rules:
        form = RuleForm(rule=row)
        params = [
            (form[f"p_{k}"].label, shown(form.initial[f"p_{k}"])) for k in RULES[row.code].defaults
        ]
        listed.append({"rule": row, "params": params})
    return render(
        request,
        "alerts/rules.html",
        {"rules": listed, "can_edit": has_action(request.user, Action.ALERT_RULES_MANAGE)},
    )


@require_action(Action.ALERT_RULES_MANAGE)
def rule_edit_view(request: HttpRequest, rule_id: int) -> HttpResponseBase:
    row = get_object_or_404(AlertRule, pk=rule_id, code__in=list(RULES))
    form = RuleForm(request.POST or None, rule=row)
    if request.method == "POST" and form.is_valid():
        try:
            rule_update(
                acting_user=request.user,
                rule=row,
                params=form.params(),
                enabled=form.cleaned_data["enabled"],
                version=_int(request.POST.get("version")),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存规则“{row.name}”，下次计算预警时生效")
            return redirect("alerts:rules")
    return render(request, "alerts/rule_form.html", {"form": form, "rule": row})


def _int(value: Any) -> int | None:
    return request_int(value)
