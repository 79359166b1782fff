"""Read helpers for the shared kernel (code tables)."""

from __future__ import annotations

import time

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


# Code tables change only through `load_codes`; pages and imports read them constantly
# (the roster needs six per request, an import one per row). Each process keeps them for a
# minute; `load_code_tables` clears the cache at once in the process that loads.
_CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, list[tuple[str, str, bool]], dict[str, str]]] = {}


def _entry(table: CodeTable | str) -> tuple[float, list[tuple[str, str, bool]], dict[str, str]]:
    now = time.monotonic()
    hit = _cache.get(str(table))
    if hit is None or now - hit[0] > _CACHE_SECONDS:
        rows = list(Code.objects.filter(table=table).values_list("code", "name", "is_active"))
        hit = _cache[str(table)] = (now, rows, {code: name for code, name, _a in rows})
    return hit


def _rows(table: CodeTable | str) -> list[tuple[str, str, bool]]:
    return _entry(table)[1]


def code_map(*, table: CodeTable | str) -> dict[str, str]:
    """``{code: name}`` of a table, inactive codes included (old records still show names).

    The dict is shared by every caller in the process: read it, never change it.
    """
    return _entry(table)[2]


def cached_code_choices(*, table: CodeTable | str) -> list[tuple[str, str]]:
    """Like ``code_choices`` but from the per-process cache (for busy list pages)."""
    return [(code, name) for code, name, active in _rows(table) if active]


def clear_code_cache() -> None:
    _cache.clear()
