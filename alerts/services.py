"""Writes of the warning system: handling alerts, editing rules, recording computations."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.choices import AlertStatus
from alerts.engine import RunSummary, compute
from alerts.models import Alert, AlertRule, AlertVisit
from alerts.registry import RULES, Scope
from audit.choices import AuditAction
from audit.services import audit_record
from core.permissions import Action, can_in_path, has_action, require

# What a clerk may do with an alert in each status (docs/architecture.md, "Services and selectors":
# one table, one function).
TRANSITIONS: dict[str, frozenset[str]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.DISMISSED}),
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.DISMISSED, AlertStatus.OPEN}),
    AlertStatus.DISMISSED: frozenset({AlertStatus.OPEN}),
}
NOTE_MAX = 500

logger = logging.getLogger(__name__)


def alert_set_status(*, acting_user: Any, alert: Alert, status: str, note: str = "") -> Alert:
    """Move ``alert`` to ``status`` through the transition table; audited.

    Dismissing needs a reason. A handled alert remembers the basis it was handled on, so it
    opens again by itself when the facts behind it change (``alerts.engine.sync``).
    """
    require(acting_user, Action.ALERTS_HANDLE, alert)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"说明不能超过 {NOTE_MAX} 字"})
    if status == AlertStatus.DISMISSED and not note:
        raise ValidationError({"note": "排除预警须填写理由"})
    if status == AlertStatus.ACKNOWLEDGED and not note:
        raise ValidationError({"note": "知悉预警须填写处理情况（如：已安排交流）"})
    with transaction.atomic():
        current = Alert.objects.select_for_update().get(pk=alert.pk)
        if status not in TRANSITIONS.get(current.status, frozenset()):
            raise ValidationError(
                f"预警当前为“{AlertStatus(current.status).label}”，不能改为“{AlertStatus(status).label}”"
            )
        before = {"status": current.status, "note": current.handled_note}
        current.status = status
        current.handled_by = acting_user
        current.handled_at = timezone.now()
        current.handled_note = note
        current.handled_digest = current.basis_digest if status != AlertStatus.OPEN else ""
        current.changed_at = current.handled_at
        current.save(
            update_fields=[
                "status",
                "handled_by",
                "handled_at",
                "handled_note",
                "handled_digest",
                "changed_at",
            ]
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            object_repr=f"{current.rule.name}：{current.message[:120]}",
            changes={"before": before, "after": {"status": status, "note": note}},
        )
    return current


def alerts_set_status_many(
    *, acting_user: Any, alerts: list[Alert], status: str, note: str = ""
) -> int:
    """知悉 / 排除 several alerts with one note: all of them or none (each audited).

    An alert already in that state is left as it is and not counted."""
    if not alerts:
        raise ValidationError("请先勾选预警")
    changed = 0
    with transaction.atomic():
        for alert in alerts:
            if alert.status == status:
                continue
            alert_set_status(acting_user=acting_user, alert=alert, status=status, note=note)
            changed += 1
    return changed


def alert_acknowledge(*, acting_user: Any, alert: Alert, note: str = "") -> Alert:
    """已知悉: seen and being dealt with."""
    return alert_set_status(
        acting_user=acting_user, alert=alert, status=AlertStatus.ACKNOWLEDGED, note=note
    )


def alert_dismiss(*, acting_user: Any, alert: Alert, reason: str) -> Alert:
    """已排除: not applicable, with the reason (required)."""
    return alert_set_status(
        acting_user=acting_user, alert=alert, status=AlertStatus.DISMISSED, note=reason
    )


def alert_reopen(*, acting_user: Any, alert: Alert, note: str = "") -> Alert:
    """Back to 待处理."""
    return alert_set_status(
        acting_user=acting_user, alert=alert, status=AlertStatus.OPEN, note=note
    )


def _checked_params(rule: AlertRule, params: dict[str, Any]) -> dict[str, Any]:
    spec = RULES.get(rule.code)
    if spec is None:
        raise ValidationError("该规则已不在系统中，不能修改")
    unknown = set(params) - set(spec.defaults)
    if unknown:
        raise ValidationError({"params": f"未知参数：{'、'.join(sorted(unknown))}"})
    out: dict[str, Any] = {}
    for name, default in spec.defaults.items():
        value = params.get(name, rule.params.get(name, default))
        out[name] = _coerce(name, value, default)
    return out


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValidationError({"params": f"参数“{name}”应为是或否"})
        return value
    if isinstance(default, int | float):
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError({"params": f"参数“{name}”应为数字"}) from exc
        if number < 0 or number > 100:
            raise ValidationError({"params": f"参数“{name}”应在 0 到 100 之间"})
        return int(number) if isinstance(default, int) and number.is_integer() else number
    if isinstance(default, list):
        items = value.split() if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise ValidationError({"params": f"参数“{name}”应为若干词语"})
        return [i.strip() for i in items]
    if not isinstance(value, str):
        raise ValidationError({"params": f"参数“{name}”应为文字"})
    return value.strip()


def rule_update(
    *,
    acting_user: Any,
    rule: AlertRule,
    params: dict[str, Any] | None = None,
    enabled: bool | None = None,
    version: int | None = None,
) -> AlertRule:
    """Change a rule's thresholds or switch it on/off (administrators only); audited."""
    if not has_action(acting_user, Action.ALERT_RULES_MANAGE):
        raise PermissionDenied("无权修改预警规则")
    with transaction.atomic():
        current = AlertRule.objects.select_for_update().get(pk=rule.pk)
        if version is not None and current.version != version:
            raise ValidationError("该规则已被他人修改，请刷新后重试")
        before = {"params": current.params, "enabled": current.enabled}
        if params is not None:
            current.params = _checked_params(current, params)
        if enabled is not None:
            current.enabled = enabled
        after = {"params": current.params, "enabled": current.enabled}
        if after == before:
            return current
        current.version += 1
        current.save(update_fields=["params", "enabled", "version", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            changes={"before": before, "after": after},
        )
    return current


def alerts_compute(*, acting_user: Any, scope: Scope, codes: list[str] | None = None) -> RunSummary:
    """Compute the alerts of ``scope`` (in the actor's scope) and record one audit event with
    the counts; the alerts themselves are derived data, not audited one by one."""
    # Recomputing changes stored alerts, so it takes the handling action, not the reading one.
    if not scope.path or not can_in_path(acting_user, Action.ALERTS_HANDLE, scope.path):
        raise PermissionDenied("无权计算该范围的预警")
    summary = compute(scope, codes=codes)
    totals = summary.totals
    if totals["created"] or totals["updated"] or totals["resolved"]:
        with transaction.atomic():
            audit_record(
                actor=acting_user,
                action=AuditAction.UPDATE,
                object_type="alerts.run",
                object_id=scope.path or "*",
                object_repr=f"预警计算（{scope.today:%Y-%m-%d}）",
                changes={"scope": scope.path, "day": scope.today.isoformat(), **totals},
            )
    return summary


def alerts_compute_scheduled(*, today: dt.date) -> list[tuple[str, RunSummary]]:
    """The unattended daily run (deploy/zugong-alerts.timer): every enabled rule over every
    tree, as the system (no user). Always recorded, changed or not, so that the alert centre
    can say when it last ran (``last_scheduled_run``)."""
    from orgs.models import Unit

    return [
        (root.name, _system_run(root.path, today, "预警定时计算", {"scheduled": True}))
        for root in Unit.objects.filter(parent__isnull=True).order_by("path")
    ]


def _system_run(path: str, today: dt.date, title: str, marks: dict[str, bool]) -> RunSummary:
    """Compute the alerts of the subtree at ``path`` as the system (no user) and record the
    run with its counts, changed or not; ``marks`` says what kind of run it was."""
    summary = compute(Scope(path=path, today=today))
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            object_type="alerts.run",
            object_id=path,
            object_repr=f"{title}（{today:%Y-%m-%d}）",
            changes={"scope": path, "day": today.isoformat(), **marks, **summary.totals},
        )
    return summary


def alerts_compute_after_import(*, unit_path: str) -> RunSummary | None:
    """The alerts of the subtree cadres were just imported into, as the system, so that the
    dashboard and the alert centre show them at once rather than after the next daily run.
    The import has committed: a failure here is logged and left to the daily run, it never
    undoes or fails the import."""
    today = timezone.localdate()
    try:
        return _system_run(unit_path, today, "导入后预警计算", {"after_import": True})
    except Exception:  # whatever went wrong, the daily run computes them again
        logger.exception("预警计算（导入后）失败：%s", unit_path)
        return None


def last_scheduled_run() -> dt.datetime | None:
    """When the daily run last recorded itself (None: never)."""
    from audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(object_type="alerts.run", changes__scheduled=True)
        .order_by("-seq")
        .only("occurred_at")
        .first()
    )
    return event.occurred_at if event is not None else None


VISIT_ROLLOVER = dt.timedelta(minutes=30)


def _session_mark(session_key: str | None) -> str:
    """A digest of the session key (the key itself is a credential and is not stored)."""
    if not session_key:
        return ""
    return hashlib.sha256(f"alert-visit:{session_key}".encode()).hexdigest()[:32]


def alert_visit_record(*, acting_user: Any, session_key: str | None = None) -> dt.datetime | None:
    """Note that the user opened the alert centre; returns the previous visit ("new since").

    A visit is a sign-in: within one session the same "previous visit" stays in force however
    long the page stays open (reloading or handling alerts does not make everything old). A
    later session moves it to the last visit of the one before, once that is half an hour old
    (signing in again after a short break keeps the marks). Without a session (the API, a
    command) a visit is half an hour. Each new visit is audited as a view of personnel alerts.
    """
    now = timezone.now()
    session = _session_mark(session_key)
    with transaction.atomic():
        visit = AlertVisit.objects.select_for_update().filter(user=acting_user).first()
        if visit is None:
            AlertVisit.objects.create(
                user=acting_user, seen_at=now, previous_seen_at=None, session=session
            )
        elif (session and visit.session == session) or now - visit.seen_at < VISIT_ROLLOVER:
            if session:  # this sign-in now owns the visit; its last view is remembered
                visit.seen_at, visit.session = now, session
                visit.save(update_fields=["seen_at", "session"])
            return visit.previous_seen_at
        else:
            visit.previous_seen_at = visit.seen_at
            visit.seen_at = now
            visit.session = session
            visit.save(update_fields=["previous_seen_at", "seen_at", "session"])
        audit_record(
            actor=acting_user,
            action=AuditAction.VIEW,
            object_type="alerts.centre",
            object_repr="查看预警中心",
        )
    return visit.previous_seen_at if visit is not None else None
