"""简历 (résumé) text: written in the strict official style, read leniently (docs/lrmx.md, "简历").

Writing: one segment per line, ``YYYY.MM--YYYY.MM`` + two spaces + text; the open last
segment is ``YYYY.MM--`` + nine spaces; notes ``（其间：…）`` on their own line, indented
under the text. Reading: separators ``--``, ``—``, ``——``, ``－``, ``～``, ``-`` and ``至``; a
line that does not start with a date continues the previous segment; nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.dates import ym

SEPARATOR = "--"
TEXT_INDENT = " " * 18  # width of "YYYY.MM--YYYY.MM  ": notes line up under the text

_DATE = r"(\d{4})\s*[.．年/-]?\s*(\d{1,2})\s*月?"
_SEP = r"\s*(?:--|——|—|－－|－|～|~|-|至)\s*"
_SEGMENT = re.compile(rf"^\s*{_DATE}{_SEP}(?:{_DATE}|至今|今)?\s*(.*)$")


@dataclass(frozen=True)
class Segment:
    start: dt.date | None
    end: dt.date | None
    text: str
    raw: str  # the line(s) as read, kept so nothing is lost
    is_note: bool = False  # a （其间：…） line or an undated continuation


def segment_line(start: dt.date, end: dt.date | None, text: str) -> str:
    """One strict line: ``2012.07--2016.06  text`` or ``2019.01--         text``."""
    if end is None:
        return f"{ym(start)}{SEPARATOR}{' ' * 9}{text}"
    return f"{ym(start)}{SEPARATOR}{ym(end)}  {text}"


def note_line(text: str) -> str:
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = f"（{text[1:-1]}）"
    if not text.startswith("（"):
        text = f"（{text}）"
    return TEXT_INDENT + text


def _month(year: str, month: str) -> dt.date | None:
    y, m = int(year), int(month)
    if 1 <= m <= 12 and 1800 <= y <= 2200:
        return dt.date(y, m, 1)
    return None


def parse(text: str) -> list[Segment]:
    """Split a 简历 into segments; undated lines attach to the previous one as notes."""
    segments: list[Segment] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        match = _SEGMENT.match(raw)
        start = end = None
        if match:
            start = _month(match.group(1), match.group(2))
            if match.group(3):
                end = _month(match.group(3), match.group(4))
        if match and start is not None:
            segments.append(Segment(start, end, match.group(5).strip(), raw))
        else:
            segments.append(Segment(None, None, raw.strip(), raw, is_note=True))
    return segments


@dataclass(frozen=True)
class Entry:
    """A dated thing the generator places on the résumé."""

    start: dt.date
    end: dt.date | None
    text: str


def _merge_same_span(entries: Sequence[Entry]) -> list[Entry]:
    # Concurrent posts held over the same span print as one line: "党委委员、组织委员".
    merged: list[Entry] = []
    for entry in entries:
        if merged and merged[-1].start == entry.start and merged[-1].end == entry.end:
            last = merged[-1]
            merged[-1] = Entry(last.start, last.end, f"{last.text}、{entry.text}")
        else:
            merged.append(entry)
    return merged


def generate(study: Iterable[Entry], work: Iterable[Entry], extra: str = "") -> str:
    """The 简历 from full-time study and positions, with manual ``extra`` lines merged in.

    Dated extra lines (notes such as ``（其间：2018.03--2018.07  …）``) go after the segment
    whose span contains their start; undated extra lines (the 党委委员/人大常委 paragraph)
    follow at the end, unchanged.
    """
    entries = sorted([*study, *work], key=lambda e: (e.start, e.end or dt.date.max))
    entries = _merge_same_span(entries)
    lines: list[tuple[dt.date, int, str]] = []
    for i, entry in enumerate(entries):
        lines.append((entry.start, i * 2, segment_line(entry.start, entry.end, entry.text)))
    tail: list[str] = []
    for raw in extra.replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            continue
        inner = raw.strip().strip("（）()").removeprefix("其间：").removeprefix("其间:")
        match = _SEGMENT.match(inner)
        start = _month(match.group(1), match.group(2)) if match else None
        if start is None:
            tail.append(raw.rstrip())
            continue
        host = 0
        for i, entry in enumerate(entries):
            if entry.start <= start:
                host = i
        lines.append((dt.date.min, host * 2 + 1, note_line(raw.strip())))
    lines.sort(key=lambda item: item[1])
    body = [line for _, _, line in lines]
    return "\n".join(body + tail)
