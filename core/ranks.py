"""The GB/T 12407-2008 领导职务层次 ladder, read once from the code table (RANK_LEVEL.csv).

Codes: 101 国家级正职 … 142 乡科级副职; a smaller code is a higher level. Every app takes the
ladder, its names and the "at or above" sets from here, so the table is typed out nowhere.
"""

from __future__ import annotations

from functools import cache

from core.choices import CodeTable
from core.codes import read_table


@cache
def rank_names() -> dict[str, str]:
    """Code → name (``"142"`` → ``"乡科级副职"``), from the code table's file."""
    return {row["code"]: row["name"] for row in read_table(CodeTable.RANK_LEVEL)}


@cache
def rank_ladder() -> tuple[str, ...]:
    """The codes, lowest level first (``"142"``, ``"141"``, ``"132"`` … ``"101"``)."""
    return tuple(sorted(rank_names(), reverse=True))


def rank_step(code: str) -> int | None:
    """Place of ``code`` on the ladder (0 = 乡科级副职); None for a code off the ladder."""
    ladder = rank_ladder()
    return ladder.index(code) if code in ladder else None


def at_or_above(code: str) -> tuple[str, ...]:
    """The codes of ``code``'s level and every higher one, highest first
    (``at_or_above("132")`` = 101 … 132: 县处级副职以上)."""
    ladder = rank_ladder()
    return tuple(reversed(ladder[ladder.index(code) :]))
