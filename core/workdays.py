"""China's working-day calendar: public holidays and adjusted working days (调休).

The maintained ``chinesecalendar`` package supplies the State Council's yearly arrangement.
A deployment can add a year before the package is updated (the arrangement is published each
November) or correct one, with a TOML file named by ZUGONG_CALENDAR_FILE::

    [2027]
    holidays = ["2027-01-01", "2027-02-05", ...]   # days off that would be workdays
    workdays = ["2027-02-14"]                       # weekend days that are working days

A year in the file overrides the package for that year. A year known to neither is refused
rather than guessed, because a wrong 公示 end date is worse than a clear error.

``year_table`` tells where a year's arrangement comes from (the 工作日历 page shows it), and
``missing_year_ahead`` names a year that starts within a month (or has started) without one,
so that an administrator adds it before the first 公示 that crosses into it is refused
(docs/rules.md, "工作日历").

Checked on 2026-12-07: neither chinesecalendar 1.11.0 (its newest release) nor holidays 0.109
carries the State Council's 2027 arrangement (holidays lists 2027's statutory days by rule,
without the 调休 working days), so 2027 needs the file until a release adds it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
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


SOURCE_FILE = "file"
SOURCE_PACKAGE = "package"
# A year starting within this many days without a table is announced (工作日历, 首页).
MISSING_YEAR_LEAD_DAYS = 31


@lru_cache(maxsize=1)
def _package_years() -> tuple[int, int, str]:
    """First and last year chinesecalendar knows, and its version."""
    years = {day.year for day in chinese_calendar.holidays} | {
        day.year for day in chinese_calendar.workdays
    }
    try:
        version = metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - installed with the project
        version = "?"
    return min(years), max(years), version


@dataclass(frozen=True)
class YearTable:
    """One year's arrangement: where it comes from and its days that differ from the week."""

    year: int
    source: str  # SOURCE_FILE, SOURCE_PACKAGE or "" (unknown)
    source_label: str
    holidays: tuple[dt.date, ...] = ()  # days off that fall on Monday to Friday
    workdays: tuple[dt.date, ...] = ()  # Saturdays and Sundays that are working days

    @property
    def known(self) -> bool:
        return bool(self.source)


def year_known(year: int) -> bool:
    if year in _overrides(settings.ZUGONG_CALENDAR_FILE):
        return True
    first, last, _ = _package_years()
    return first <= year <= last


def year_table(year: int) -> YearTable:
    """Where ``year``'s arrangement comes from, with its holidays and adjusted working days."""
    path = settings.ZUGONG_CALENDAR_FILE
    if year in _overrides(path):
        source, label = SOURCE_FILE, f"本地补充文件 ZUGONG_CALENDAR_FILE（{Path(path).name}）"
    elif year_known(year):
        _, _, version = _package_years()
        source, label = SOURCE_PACKAGE, f"chinesecalendar {version}（国务院办公厅节假日安排通知）"
    else:
        return YearTable(year=year, source="", source_label="未配置")
    day, holidays, workdays = dt.date(year, 1, 1), [], []
    while day.year == year:
        working = is_workday(day)
        if day.weekday() < 5 and not working:
            holidays.append(day)
        elif day.weekday() >= 5 and working:
            workdays.append(day)
        day += dt.timedelta(days=1)
    return YearTable(year, source, label, tuple(holidays), tuple(workdays))


def missing_year_ahead(today: dt.date) -> int | None:
    """This year when its table is missing, else next year when it starts within
    MISSING_YEAR_LEAD_DAYS without one, else None."""
    if not year_known(today.year):
        return today.year
    starts_in = (dt.date(today.year + 1, 1, 1) - today).days
    if starts_in <= MISSING_YEAR_LEAD_DAYS and not year_known(today.year + 1):
        return today.year + 1
    return None


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
