"""Date arithmetic of the rules: whole months the civil-law way, and the matching SQL bound."""

from __future__ import annotations

import datetime as dt

import pytest

from core.dates import add_months, full_months, latest_start, span, ym

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2014, 3, 15), D(2024, 3, 15), 120),
        (D(2014, 3, 15), D(2024, 3, 14), 119),
        (D(2016, 2, 29), D(2026, 2, 28), 120),  # no 29 Feb: the month's last day ends it
        (D(2016, 2, 29), D(2026, 2, 27), 119),
        (D(2024, 2, 29), D(2025, 2, 28), 12),
        (D(2020, 1, 31), D(2020, 2, 29), 1),
        (D(2020, 1, 31), D(2020, 2, 28), 0),
        (D(2020, 1, 30), D(2020, 3, 29), 1),
        (D(2020, 5, 1), D(2020, 4, 30), -1),
    ],
)
def test_it_counts_whole_months(start: dt.date, end: dt.date, months: int) -> None:
    assert full_months(start, end) == months


def test_it_moves_by_months_clamping_to_the_month_end() -> None:
    assert add_months(D(2016, 2, 29), 12) == D(2017, 2, 28)
    assert add_months(D(2024, 3, 31), -1) == D(2024, 2, 29)
    assert add_months(D(2024, 1, 15), -13) == D(2022, 12, 15)


def test_it_gives_the_sql_bound_that_matches_full_months() -> None:
    # Every start date over three years, against days that include month ends and leap days.
    days = [D(2026, 2, 28), D(2024, 2, 29), D(2025, 3, 31), D(2025, 4, 30), D(2025, 7, 15)]
    for today in days:
        for months in (12, 60, 120):
            bound = latest_start(today, months)
            for offset in range(-40, 40):
                start = bound + dt.timedelta(days=offset)
                assert (full_months(start, today) >= months) == (start <= bound), (today, start)


def test_it_writes_months_and_spans_as_forms_do() -> None:
    assert ym(D(2014, 3, 1)) == "2014.03"
    assert span(128) == "10年8个月"
    assert span(120) == "10年"
    assert span(11) == "11个月"


def test_it_labels_every_threshold_in_chinese() -> None:
    from alerts.forms import PARAM_LABELS
    from alerts.registry import RULES

    unlabelled = {k for spec in RULES.values() for k in spec.defaults if k not in PARAM_LABELS}
    assert unlabelled == set()


def test_it_gives_every_rule_a_source_and_a_description() -> None:
    from alerts.registry import RULES

    assert len(RULES) >= 11
    for spec in RULES.values():
        assert spec.regulation.startswith("《") or "规定" in spec.regulation, spec.code
        assert len(spec.description) > 30, spec.code
