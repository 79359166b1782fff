"""Read helpers for the shared kernel (code tables)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.choices import CodeTable
from core.models import Code


def code_list(*, table: CodeTable, active_only: bool = True) -> QuerySet[Code]:
    """Entries of one code table in display order."""
    qs = Code.objects.filter(table=table)
    return qs.filter(is_active=True) if active_only else qs


def code_choices(*, table: CodeTable) -> list[tuple[str, str]]:
    """``(code, name)`` pairs for a form's select."""
    return list(code_list(table=table).values_list("code", "name"))


def code_name(*, table: CodeTable, code: str) -> str:
    """Display name of a code, or the code itself when unknown."""
    row = Code.objects.filter(table=table, code=code).values_list("name", flat=True).first()
    return row or code
