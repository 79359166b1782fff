"""Readable rendering of an audit event's before → after record."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.apps import apps

from audit import extensions

register = template.Library()


LIST_SHOWN = 20  # a list of 300k ids (older LRMX exports kept theirs in the event) is cut
_ID_LIKE = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")


def _text(value: Any, names: dict[str, str] | None = None) -> str:
    """One value in words: 是/否, lists joined with 、, dicts as 名称：值; ID numbers masked."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        names = names or {}
        return "，".join(f"{names.get(k, k)}：{_text(v, names)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        shown = "、".join(_text(v, names) for v in value[:LIST_SHOWN]) or "（无）"
        return shown + (f" 等 {len(value)} 项" if len(value) > LIST_SHOWN else "")
    return _ID_LIKE.sub(r"\1********\2", str(value))


_EXTRA_LABELS = {
    "reason": "原因",
    "filters": "筛选条件",
    "sessions_ended": "结束会话数",
    "role": "角色",
    "user": "用户",
    "locked_until": "锁定至",
    "source": "来源",
    "columns": "导出列",
    "subjects": "导出对象",
    "format": "格式",
    "full_id_numbers": "含完整身份证号",
    "document": "文书",
    "unit": "单位",
    "target": "导出位置",
    "file": "文件",
    "status": "状态",
    "state": "报告情况",
    "ids": "干部编号",
    "cadres": "干部编号",
    "count": "人数",
    "pages": "页数",
    "attachment": "附件编号",
    "sha256": "校验值",
    "section": "部分",
    "tab": "页签",
    "field": "字段",
}
_SUBJECT_UNITS = {"cadres.Cadre": "人"}


def _filter_labels() -> dict[str, str]:
    return {
        **extensions.filter_labels(),
        "actor": "操作人账号",
        "action": "操作",
        "object_type": "对象类型",
        "object_id": "对象编号",
        "date_from": "起始日期",
        "date_to": "截止日期",
        "sensitive": "仅敏感访问",
        "severity": "级别",
        "rule": "规则",
        "state": "报告情况",
    }


def _columns_text(value: Any) -> str:
    if not isinstance(value, list | tuple):
        return _text(value)
    labels = extensions.column_labels()
    return "、".join(labels.get(str(c), str(c)) for c in value) or "（无）"


def _subjects_text(value: Any) -> str:
    if not isinstance(value, dict):
        return _text(value)
    unit = _SUBJECT_UNITS.get(str(value.get("type", "")), "条")
    return f"{value.get('count', 0)} {unit}"


def _value(key: str, value: Any) -> str:
    if key == "columns":
        return _columns_text(value)
    if key == "filters" and isinstance(value, dict):
        return _text(value, _filter_labels()) if value else "（无）"
    if key == "subjects":
        return _subjects_text(value)
    return _text(value)


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


def _choices(object_type: str) -> dict[str, dict[str, str]]:
    """The labels of the model's fields with choices (``status``: ``active`` → ``在职``)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    return {
        f.name: {str(value): str(label) for value, label in f.flatchoices}
        for f in model._meta.concrete_fields
        if f.choices
    }


@register.filter
def event_changes(event: Any) -> str:
    """An event's changes with the model's Chinese field names and choice labels
    (``状态：在职 → 退休``)."""
    return changes_text(event.changes, _labels(event.object_type), _choices(event.object_type))


@register.filter
def changes_text(
    changes: Any,
    labels: dict[str, str] | None = None,
    choices: dict[str, dict[str, str]] | None = None,
) -> str:
    """``{"before": {...}, "after": {...}}`` → ``name: 旧 → 新；…``; other shapes as k=v."""
    if not isinstance(changes, dict) or not changes:
        return ""
    names = {**_EXTRA_LABELS, **(labels or {})}
    choices = choices or {}

    def shown(key: str, value: Any) -> str:
        label = choices.get(key, {}).get(str(value)) if isinstance(value, str) else None
        return label or _text(value)

    before = changes.get("before")
    after = changes.get("after")
    parts: list[str] = []
    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        for key in [*before, *(k for k in after if k not in before)]:
            name = names.get(key, key)
            if key in before and key in after:
                parts.append(f"{name}：{shown(key, before[key])} → {shown(key, after[key])}")
            elif key in after:
                parts.append(f"{name}：{shown(key, after[key])}")
            else:
                parts.append(f"{name}：{shown(key, before[key])} → （删除）")
    rest = {k: v for k, v in changes.items() if k not in ("before", "after")}
    parts.extend(f"{names.get(k, k)}：{_value(k, v)}" for k, v in rest.items())
    return "；".join(parts)


@register.filter
def export_count(event: Any) -> str:
    """``导出 N 人`` for an event that lists the people in its file, else ``""``."""
    subjects = event.changes.get("subjects") if isinstance(event.changes, dict) else None
    if not isinstance(subjects, dict):
        return ""
    verb = "导出" if event.action == "export" else "下载"
    return f"{verb} {_subjects_text(subjects)}"
