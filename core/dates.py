"""Dates and spans as personnel work counts them: one copy for every app.

Periods follow the civil-law way of counting (民法典 第二百零一、二百零二条): a period in months
ends on the same day of the last month, or on that month's last day when it has no such day —
so a post taken on 29 February reaches ten years on 28 February. Months are written the way
personnel forms write them (``2014.03``); spans as ``10年8个月``.
"""

from __future__ import annotations

import calendar
import datetime as dt


def month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clamped to the month's end (2016-02-29 + 12 → 2017-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, month_end(year, month)))


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``; a period ending on a month's last day is whole
    even when the start day does not exist in that month (01-31 → 02-28 is one month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end.day != month_end(end.year, end.month):
        months -= 1
    return months


def age_in_months_style(birth: dt.date, when: dt.date) -> int:
    """Age in whole years counted by month, as personnel forms do: born 1978.03, at 2026.03 → 48."""
    return when.year - birth.year - (1 if when.month < birth.month else 0)


def latest_start(today: dt.date, months: int) -> dt.date:
    """The latest start date that has reached ``months`` whole months by ``today``: the SQL
    bound ``start_date <= latest_start(today, m)`` equals ``full_months(start, today) >= m``."""
    shifted = add_months(today, -months)
    if today.day == month_end(today.year, today.month):
        return shifted.replace(day=month_end(shifted.year, shifted.month))
    return shifted


def ym(day: dt.date | None) -> str:
    """``2014.03``, as personnel forms write a month."""
    return f"{day:%Y.%m}" if day else ""


def span(months: int) -> str:
    """``10年8个月`` / ``11个月`` / ``3年``."""
    years, rest = divmod(max(months, 0), 12)
    if years and rest:
        return f"{years}年{rest}个月"
    if years:
        return f"{years}年"
    return f"{rest}个月"
