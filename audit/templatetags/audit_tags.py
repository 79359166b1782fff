"""Readable rendering of an audit event's before → after record."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps

register = template.Library()


def _text(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k}={_text(v)}" for k, v in value.items())
    return str(value)


_EXTRA_LABELS = {
    "reason": "原因",
    "filters": "筛选条件",
    "sessions_ended": "结束会话数",
    "role": "角色",
    "user": "用户",
    "locked_until": "锁定至",
    "source": "来源",
}


def _labels(object_type: str) -> dict[str, str]:
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    labels = {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}
    # A model whose events also describe its parts (a cadre's positions, family …) names
    # their fields through ``audit_labels()``.
    extra = getattr(model, "audit_labels", None)
    return {**extra(), **labels} if callable(extra) else labels


@register.filter
def event_changes(event: Any) -> str:
    """An event's changes with the model's Chinese field names (``单位名称：旧 → 新``)."""
    return changes_text(event.changes, _labels(event.object_type))


@register.filter
def changes_text(changes: Any, labels: dict[str, str] | None = None) -> str:
    """``{"before": {...}, "after": {...}}`` → ``name: 旧 → 新；…``; other shapes as k=v."""
    if not isinstance(changes, dict) or not changes:
        return ""
    names = {**_EXTRA_LABELS, **(labels or {})}
    before = changes.get("before")
    after = changes.get("after")
    parts: list[str] = []
    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        for key in [*before, *(k for k in after if k not in before)]:
            if key in before and key in after:
                parts.append(f"{names.get(key, key)}：{_text(before[key])} → {_text(after[key])}")
            elif key in after:
                parts.append(f"{names.get(key, key)}：{_text(after[key])}")
            else:
                parts.append(f"{names.get(key, key)}：{_text(before[key])} → （删除）")
    rest = {k: v for k, v in changes.items() if k not in ("before", "after")}
    parts.extend(f"{names.get(k, k)}：{_text(v)}" for k, v in rest.items())
    return "；".join(parts)
