"""Readable rendering of an audit event's before → after record."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _text(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k}={_text(v)}" for k, v in value.items())
    return str(value)


@register.filter
def changes_text(changes: Any) -> str:
    """``{"before": {...}, "after": {...}}`` → ``name: 旧 → 新；…``; other shapes as k=v."""
    if not isinstance(changes, dict) or not changes:
        return ""
    before = changes.get("before")
    after = changes.get("after")
    parts: list[str] = []
    if isinstance(before, dict) or isinstance(after, dict):
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        for key in [*before, *(k for k in after if k not in before)]:
            if key in before and key in after:
                parts.append(f"{key}：{_text(before[key])} → {_text(after[key])}")
            elif key in after:
                parts.append(f"{key}：{_text(after[key])}")
            else:
                parts.append(f"{key}：{_text(before[key])} → （删除）")
    rest = {k: v for k, v in changes.items() if k not in ("before", "after")}
    parts.extend(f"{k}：{_text(v)}" for k, v in rest.items())
    return "；".join(parts)
