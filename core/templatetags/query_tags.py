"""Query-string helpers for templates (docs/security.md, "Bad input")."""

from __future__ import annotations

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def query_items(params: QueryDict) -> list[tuple[str, object]]:
    """``params.items()`` as a list. ``request.GET.items`` in a template looks the key "items"
    up first, so ``?items=x`` made it the string "x" and every pager a 500."""
    return list(params.items())
