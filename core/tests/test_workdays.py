"""China's working-day calendar: holidays, adjusted working days (调休), notice periods, and
the TOML file that adds a year the chinesecalendar package does not know yet.

2026 National Day (chinesecalendar 1.11): 10-01 … 10-07 off; Sunday 09-20 and Saturday 10-10
are working days; Sunday 10-11 is a normal weekend day.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.test import override_settings

from core.workdays import (
    CalendarYearMissing,
    add_workdays,
    is_workday,
    notice_end,
    workdays_between,
)

D = dt.date

CALENDAR_2099 = """
[2099]
holidays = ["2099-01-01", "2099-01-02"]  # Thursday and Friday off
workdays = ["2099-01-10"]                # Saturday worked
"""


def calendar_file(tmp_path, text: str = CALENDAR_2099, name: str = "calendar.toml") -> str:
    # workdays._overrides is cached by path: pytest's tmp_path is new for every test.
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_knows_national_day_is_a_holiday():
    assert D(2026, 10, 1).weekday() == 3  # a Thursday, a workday but for the holiday
    assert not is_workday(D(2026, 10, 1))
    assert not is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 10, 8))


def test_it_knows_adjusted_working_days_on_weekends():
    weekend_days = [
        D(2026, 1, 1) + dt.timedelta(days=n)
        for n in range(365)
        if (D(2026, 1, 1) + dt.timedelta(days=n)).weekday() >= 5
    ]
    adjusted = [day for day in weekend_days if is_workday(day)]
    assert adjusted, "2026 has adjusted working days (调休) on weekends"
    assert adjusted == [day for day in weekend_days if chinese_calendar.is_workday(day)]
    assert D(2026, 10, 10) in adjusted  # Saturday after National Day
    assert not is_workday(D(2026, 10, 11))  # the Sunday after it is a normal weekend day


def test_it_ends_a_notice_period_after_the_national_day_holiday():
    # Starts Wednesday 09-30 (day 1). 10-01…10-07 off; 10-08 Thu (2), 10-09 Fri (3),
    # 10-10 Sat adjusted workday (4), 10-11 Sun off, 10-12 Mon (5).
    assert notice_end(D(2026, 9, 30), 5) == D(2026, 10, 12)


def test_it_starts_a_notice_period_on_the_first_workday():
    # Published on 10-01 (a holiday): counting starts 10-08; 10-08, 09, 10, 12, 13.
    assert notice_end(D(2026, 10, 1), 5) == D(2026, 10, 13)
    assert notice_end(D(2026, 10, 8), 1) == D(2026, 10, 8)


def test_it_ends_a_plain_week_on_friday():
    monday = D(2026, 6, 8)
    assert monday.weekday() == 0
    assert notice_end(monday, 5) == D(2026, 6, 12)


def test_it_refuses_an_empty_notice_period():
    with pytest.raises(ValueError, match="working_days"):
        notice_end(D(2026, 6, 8), 0)


def test_it_adds_workdays_not_counting_the_start():
    assert add_workdays(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_workdays(D(2026, 9, 30), 4) == D(2026, 10, 12)
    with pytest.raises(ValueError, match="count"):
        add_workdays(D(2026, 9, 30), -1)


def test_it_counts_workdays_in_a_closed_interval():
    # 09-28 Mon … 10-11 Sun: 09-28, 29, 30, 10-08, 09, 10 are working days.
    assert workdays_between(D(2026, 9, 28), D(2026, 10, 11)) == 6
    assert workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    assert workdays_between(D(2026, 10, 10), D(2026, 10, 10)) == 1
    assert workdays_between(D(2026, 10, 12), D(2026, 10, 1)) == 0


def test_it_refuses_a_year_it_does_not_know():
    with pytest.raises(CalendarYearMissing) as exc:
        is_workday(D(2099, 1, 5))
    assert exc.value.year == 2099
    assert str(exc.value) == (
        "未配置 2099 年的节假日安排：请升级 chinesecalendar 或在 ZUGONG_CALENDAR_FILE 中补充该年"
    )
    with pytest.raises(CalendarYearMissing):
        notice_end(D(2099, 1, 5), 5)


def test_it_reads_a_year_from_the_calendar_file(tmp_path):
    with override_settings(ZUGONG_CALENDAR_FILE=calendar_file(tmp_path)):
        assert not is_workday(D(2099, 1, 1))  # listed holiday on a Thursday
        assert not is_workday(D(2099, 1, 2))  # listed holiday on a Friday
        assert not is_workday(D(2099, 1, 3))  # ordinary Saturday
        assert is_workday(D(2099, 1, 5))  # ordinary Monday
        assert is_workday(D(2099, 1, 10))  # listed working Saturday
        assert not is_workday(D(2099, 1, 11))  # ordinary Sunday
        # From Thursday 01-01: first workday 01-05, then 06, 07, 08, 09.
        assert notice_end(D(2099, 1, 1), 5) == D(2099, 1, 9)
        # From Wednesday 01-07: 07, 08, 09, Saturday 10, Monday 12.
        assert notice_end(D(2099, 1, 7), 5) == D(2099, 1, 12)
        # Years the file does not list still come from the package, or are refused.
        assert not is_workday(D(2026, 10, 1))
        with pytest.raises(CalendarYearMissing):
            is_workday(D(2098, 12, 31))


def test_it_lets_the_file_override_a_year_the_package_knows(tmp_path):
    text = '[2026]\nholidays = ["2026-06-08"]\nworkdays = ["2026-06-13"]\n'
    with override_settings(ZUGONG_CALENDAR_FILE=calendar_file(tmp_path, text)):
        assert not is_workday(D(2026, 6, 8))
        assert is_workday(D(2026, 6, 13))
        # The file replaces the package for that whole year: National Day is not listed.
        assert is_workday(D(2026, 10, 1))


def test_it_refuses_a_calendar_file_date_outside_its_year(tmp_path):
    text = '[2099]\nholidays = ["2098-12-31"]\n'
    with (
        override_settings(ZUGONG_CALENDAR_FILE=calendar_file(tmp_path, text)),
        pytest.raises(ValueError, match="不属于"),
    ):
        is_workday(D(2099, 1, 5))


# ---------------------------------------------------------------- where each year comes from


def test_a_year_of_the_package_names_the_package_and_its_days():
    from core.workdays import SOURCE_PACKAGE, year_table

    table = year_table(2026)
    assert table.source == SOURCE_PACKAGE
    assert table.source_label.startswith("chinesecalendar ")
    assert D(2026, 10, 1) in table.holidays  # Thursday off
    assert D(2026, 10, 10) in table.workdays  # Saturday worked
    assert all(day.weekday() < 5 for day in table.holidays)
    assert all(day.weekday() >= 5 for day in table.workdays)


def test_a_year_of_the_file_names_the_file(tmp_path):
    from core.workdays import SOURCE_FILE, year_known, year_table

    with override_settings(ZUGONG_CALENDAR_FILE=calendar_file(tmp_path)):
        table = year_table(2099)
        assert year_known(2099)
    assert table.source == SOURCE_FILE
    assert "calendar.toml" in table.source_label
    assert table.holidays == (D(2099, 1, 1), D(2099, 1, 2))
    assert table.workdays == (D(2099, 1, 10),)


def test_a_year_no_source_knows_is_unknown():
    from core.workdays import year_known, year_table

    assert not year_known(2099)
    table = year_table(2099)
    assert not table.known
    assert table.source_label == "未配置"


def test_a_missing_year_is_announced_a_month_before_it_starts(tmp_path):
    from core.workdays import missing_year_ahead

    # 2100 is known from the file; 2101 is not.
    text = '[2100]\nholidays = ["2100-01-01"]\n'
    with override_settings(ZUGONG_CALENDAR_FILE=calendar_file(tmp_path, text, "c2100.toml")):
        assert missing_year_ahead(D(2100, 11, 30)) is None  # 32 days before
        assert missing_year_ahead(D(2100, 12, 1)) == 2101  # 31 days before
        assert missing_year_ahead(D(2100, 12, 31)) == 2101
        assert missing_year_ahead(D(2101, 1, 1)) == 2101  # started without one
    assert missing_year_ahead(D(2026, 6, 10)) is None
