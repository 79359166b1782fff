"""Text from forms and files, cleaned once for every app."""

from __future__ import annotations

from typing import Any


def stripped(value: Any) -> str:
    """``value`` as text without surrounding whitespace; ``None`` and ``""`` as ``""``."""
    return str(value or "").strip()
