"""Small pieces of the alert pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

_BADGE = {"danger": "text-bg-danger", "warning": "text-bg-warning", "info": "text-bg-info"}
_LABEL = {"danger": "须处理", "warning": "预警", "info": "提示"}


@register.simple_tag
def severity_badge(severity: str) -> SafeString:
    return format_html(
        '<span class="badge {}">{}</span>',
        _BADGE.get(severity, "text-bg-secondary"),
        _LABEL.get(severity, severity),
    )
