"""China's working-day calendar: public holidays and adjusted working days (调休).

The maintained ``chinesecalendar`` package supplies the State Council's yearly arrangement.
A deployment can add a year before the package is updated (the arrangement is published each
November) or correct one, with a TOML file named by ZUGONG_CALENDAR_FILE::

    [2027]
    holidays = ["2027-01-01", "2027-02-05", ...]   # days off that would be workdays
    workdays = ["2027-02-14"]                       # weekend days that are working days

A year in the file overrides the package for that year. A year known to neither is refused
rather than guessed, because a wrong 公示 end date is worse than a clear error.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path

import chinese_calendar
from django.conf import settings


class CalendarYearMissing(Exception):
    """The holiday arrangement of a year is not known."""

    def __init__(self, year: int) -> None:
        super().__init__(
            f"未配置 {year} 年的节假日安排："
            "请升级 chinesecalendar 或在 ZUGONG_CALENDAR_FILE 中补充该年"
        )
        self.year = year


@lru_cache(maxsize=4)
def _overrides(path: str) -> dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]]:
    if not path:
        return {}
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    years: dict[int, tuple[frozenset[dt.date], frozenset[dt.date]]] = {}
    for year_text, table in data.items():
        year = int(year_text)
        holidays = frozenset(dt.date.fromisoformat(d) for d in table.get("holidays", []))
        workdays = frozenset(dt.date.fromisoformat(d) for d in table.get("workdays", []))
        for day in holidays | workdays:
            if day.year != year:
                raise ValueError(f"{path}: {day} 不属于 [{year}]")
        years[year] = (holidays, workdays)
    return years


def is_workday(day: dt.date) -> bool:
    """True when ``day`` is a working day in mainland China."""
    override = _overrides(settings.ZUGONG_CALENDAR_FILE).get(day.year)
    if override is not None:
        holidays, workdays = override
        if day in workdays:
            return True
        if day in holidays:
            return False
        return day.weekday() < 5
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarYearMissing(day.year) from exc


def add_workdays(start: dt.date, count: int) -> dt.date:
    """The date on which ``count`` full working days after ``start`` have passed.

    ``start`` itself is not counted (公示 starting on a Monday for 5 working days ends on
    Friday when there is no holiday: add_workdays(Mon - 1 day, 5)).
    """
    if count < 0:
        raise ValueError("count must be ≥ 0")
    day = start
    remaining = count
    while remaining:
        day += dt.timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def notice_end(first_day: dt.date, working_days: int) -> dt.date:
    """Last day of a notice period of ``working_days`` that starts on ``first_day`` (inclusive)."""
    if working_days < 1:
        raise ValueError("working_days must be ≥ 1")
    day = first_day
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return add_workdays(day, working_days - 1)


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in the closed interval [start, end]."""
    if end < start:
        return 0
    total = 0
    day = start
    while day <= end:
        total += is_workday(day)
        day += dt.timedelta(days=1)
    return total
