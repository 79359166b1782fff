"""Which years the working-day calendar knows, at the edges (found by `make mutation`,
docs/testing.md): the package's first year, the year a table reports, and the year after next
when next year is known."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from core.workdays import _package_years, missing_year_ahead, year_known, year_table

D = dt.date


def test_the_packages_first_and_last_years_are_known_and_their_neighbours_are_not() -> None:
    first, last, _ = _package_years()
    assert year_known(first)
    assert year_known(last)
    assert not year_known(first - 1)
    assert not year_known(last + 1)


def test_a_table_reports_its_own_year_whether_known_or_not() -> None:
    known = year_table(2026)
    assert (known.year, known.known) == (2026, True)
    unknown = year_table(2099)
    assert (unknown.year, unknown.source, unknown.known) == (2099, "", False)


def test_nothing_is_announced_when_next_year_is_known_from_the_file(tmp_path) -> None:
    # The file knows 2100 and 2101; 2099 and 2102 are unknown and do not matter on 2100-12-01.
    path = tmp_path / "c2100-2101.toml"
    path.write_text('[2100]\nholidays = ["2100-01-01"]\n[2101]\nholidays = ["2101-01-03"]\n')
    with override_settings(ZUGONG_CALENDAR_FILE=str(path)):
        assert missing_year_ahead(D(2100, 12, 1)) is None
        assert missing_year_ahead(D(2100, 12, 31)) is None
        assert missing_year_ahead(D(2101, 12, 1)) == 2102
