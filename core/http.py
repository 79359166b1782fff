"""Integers from a request: the one parser every view, list and API filter uses.

``int()`` accepts what a form never sends — ``"٣"`` (Arabic-Indic 3), ``" 7 "``, ``"1_000"`` —
and ``str.isdigit()`` passes ``"²"``, which ``int()`` then refuses with a 500. A number beyond
64 bits reaches the database and fails there. ``request_int`` accepts only ASCII digits (and a
leading minus where allowed) within range; anything else is ``default`` (docs/security.md,
"Bad input").
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404

MAX_BIGINT = 2**63 - 1  # PostgreSQL bigint / SQLite INTEGER
MAX_INT = 2**31 - 1  # PostgreSQL integer (IntegerField, PositiveIntegerField)
_ASCII_INT = re.compile(r"-?[0-9]{1,19}")


def request_int(
    value: Any,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = MAX_BIGINT,
) -> int | None:
    """``value`` as an int if it is ASCII digits within ``[minimum, maximum]``, else ``default``.

    A leading minus is accepted only when ``minimum`` is negative. ``None`` and ``""`` are
    ``default`` too, so a missing parameter and a junk one are treated alike.
    """
    if not isinstance(value, str):
        return default
    if not _ASCII_INT.fullmatch(value) or (value.startswith("-") and minimum >= 0):
        return default
    number = int(value)
    return number if minimum <= number <= maximum else default


def request_int_or_404(value: Any, **bounds: int) -> int:
    """An id from a request that must be a valid one: junk answers 404 like a missing object."""
    number = request_int(value, **bounds)
    if number is None:
        raise Http404("对象不存在")
    return number
