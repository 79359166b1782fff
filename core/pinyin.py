"""Pinyin initials for search (``zwd`` finds 张卫东)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)  # names repeat (王伟, 张静 …); pypinyin costs ~50 µs a call
def initials(text: str) -> str:
    """Lower-case initials of the Chinese characters in ``text``; other letters kept."""
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(p[:1] for p in parts if p).lower()
