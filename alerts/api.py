"""/api/v1/alerts: the alert centre and the rule catalogue, same selectors, services, scoping."""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from alerts.choices import AlertStatus, Severity
from alerts.models import Alert, AlertRule
from alerts.registry import RULES, Scope, effective_params
from alerts.selectors import alert_list, alerts_of_cadre, compute_paths, visible_alerts
from alerts.services import alert_set_status, alerts_compute, rule_update
from core.pagination import Pagination
from core.permissions import Action, can_in_path, has_action
from orgs.selectors import unit_by_code

router = Router(tags=["预警"])


class AlertOut(Schema):
    id: int
    rule: str
    rule_name: str
    source: str
    severity: str
    subject: str
    cadre_id: int | None
    cadre_name: str
    unit_id: int | None
    unit_name: str
    message: str
    facts: dict[str, Any]
    is_active: bool
    status: str
    first_seen_at: dt.datetime
    handled_note: str

    @staticmethod
    def resolve_rule(obj: Alert) -> str:
        return obj.rule.code

    @staticmethod
    def resolve_rule_name(obj: Alert) -> str:
        return obj.rule.name

    @staticmethod
    def resolve_source(obj: Alert) -> str:
        return obj.rule.source

    @staticmethod
    def resolve_cadre_name(obj: Alert) -> str:
        return obj.cadre.name if obj.cadre_id and obj.cadre else ""

    @staticmethod
    def resolve_unit_name(obj: Alert) -> str:
        return obj.unit.name if obj.unit_id and obj.unit else ""


class AlertFilterIn(Schema):
    rule: str = ""
    unit: str = ""
    severity: Severity | None = None
    status: str = "pending"
    q: str = ""
    include_resolved: bool = False


class StatusIn(Schema):
    status: AlertStatus
    note: str = ""


class RuleOut(Schema):
    id: int
    code: str
    name: str
    regulation: str
    article: str
    description: str
    subject: str
    severity: str
    enabled: bool
    params: dict[str, Any]
    version: int

    @staticmethod
    def resolve_params(obj: AlertRule) -> dict[str, Any]:
        return effective_params(RULES[obj.code], obj.params)


class RulePatchIn(Schema):
    params: dict[str, Any] | None = None
    enabled: bool | None = None
    version: int  # required: the page form carries it (optimistic lock)


class ComputeIn(Schema):
    unit: str = ""


class ComputeOut(Schema):
    found: int
    created: int
    updated: int
    reopened: int
    resolved: int


@router.get(
    "/alerts",
    response=list[AlertOut],
    summary="预警列表（按授权范围，可筛选）",
    url_name="alert_list",
)
@paginate(Pagination, page_size=50)
def alert_list_api(request: HttpRequest, filters: Query[AlertFilterIn]) -> Any:
    rule = AlertRule.objects.filter(code=filters.rule).first() if filters.rule else None
    if filters.rule and rule is None:
        return Alert.objects.none()
    unit = None
    if filters.unit:
        unit = unit_by_code(
            user=request.user, code=filters.unit, action=Action.ALERTS_VIEW, include_inactive=True
        )
        if unit is None:
            return Alert.objects.none()
    return alert_list(
        user=request.user,
        q=filters.q,
        rule=rule,
        unit=unit,
        severity=filters.severity or "",
        status=filters.status,
        include_resolved=filters.include_resolved,
    ).select_related("cadre", "unit")


@router.post(
    "/alerts/{int:alert_id}/status",
    url_name="alert_status",
    response=AlertOut,
    summary="处理预警（知悉、排除、重新打开）",
)
def alert_status_api(request: HttpRequest, alert_id: int, payload: StatusIn) -> Alert:
    alert = visible_alerts(user=request.user).filter(pk=alert_id).first()
    if alert is None:
        raise HttpError(404, "对象不存在")
    return alert_set_status(
        acting_user=request.user, alert=alert, status=payload.status, note=payload.note
    )


@router.get(
    "/cadres/{int:cadre_id}/alerts",
    response=list[AlertOut],
    summary="某干部的预警",
    url_name="cadre_alerts",
)
def cadre_alerts_api(request: HttpRequest, cadre_id: int, fresh: bool = False) -> list[Alert]:
    from cadres.selectors import cadre_get

    cadre = cadre_get(user=request.user, pk=cadre_id)
    if not has_action(request.user, Action.ALERTS_VIEW):
        raise HttpError(404, "对象不存在")
    if fresh:
        # Recomputing stores alerts: read-only roles get the same 404 as elsewhere.
        if not can_in_path(request.user, Action.ALERTS_HANDLE, cadre.unit_path):
            raise HttpError(404, "对象不存在")
        alerts_compute(
            acting_user=request.user,
            scope=Scope(
                path=cadre.unit_path, today=timezone.localdate(), cadre_ids=frozenset({cadre.pk})
            ),
        )
    return alerts_of_cadre(user=request.user, cadre_id=cadre.pk)


@router.post(
    "/alerts/compute",
    url_name="alert_compute",
    response=ComputeOut,
    summary="重新计算预警（授权范围或指定单位）",
)
def alert_compute_api(request: HttpRequest, payload: ComputeIn) -> dict[str, int]:
    # Recomputing stores alerts, so it needs alerts.handle (read-only roles: 404).
    paths = compute_paths(user=request.user)
    if payload.unit:
        unit = unit_by_code(
            user=request.user, code=payload.unit, action=Action.ALERTS_HANDLE, include_inactive=True
        )
        if unit is None:
            raise HttpError(404, "对象不存在")
        paths = [unit.path]
    if not paths:
        raise HttpError(404, "对象不存在")
    totals = dict.fromkeys(("found", "created", "updated", "reopened", "resolved"), 0)
    for path in paths:
        summary = alerts_compute(
            acting_user=request.user, scope=Scope(path=path, today=timezone.localdate())
        )
        for key, value in summary.totals.items():
            totals[key] += value
    return totals


def _can_see_rules(request: HttpRequest) -> bool:
    return has_action(request.user, Action.ALERTS_VIEW) or has_action(
        request.user, Action.ALERT_RULES_MANAGE
    )


@router.get(
    "/alert-rules",
    response=list[RuleOut],
    summary="预警规则目录（依据、阈值、开关）",
    url_name="alert_rule_list",
)
def rule_list_api(request: HttpRequest) -> list[AlertRule]:
    if not _can_see_rules(request):
        raise HttpError(404, "对象不存在")
    return [r for r in AlertRule.objects.all() if r.code in RULES]


@router.patch(
    "/alert-rules/{int:rule_id}",
    url_name="alert_rule_update",
    response=RuleOut,
    summary="修改预警规则阈值或开关（系统管理员）",
)
def rule_update_api(request: HttpRequest, rule_id: int, payload: RulePatchIn) -> AlertRule:
    rule = AlertRule.objects.filter(pk=rule_id, code__in=list(RULES)).first()
    if rule is None or not has_action(request.user, Action.ALERT_RULES_MANAGE):
        raise HttpError(404, "对象不存在")
    try:
        return rule_update(
            acting_user=request.user,
            rule=rule,
            params=payload.params,
            enabled=payload.enabled,
            version=payload.version,
        )
    except PermissionDenied as exc:
        raise HttpError(404, "对象不存在") from exc
