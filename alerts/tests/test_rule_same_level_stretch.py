"""同一层次领导职务累计年限: posts at one level that follow on the next day are one stretch,
and a past post's end day counts. Hand-computed careers on fixed days."""

from __future__ import annotations

import datetime as dt

from alerts.choices import Severity
from alerts.rules.tenure import Stretch, counted_since, stretches
from alerts.tests.base import RuleTestCase

D = dt.date
SEVENTH = "不再推荐、提名或任命担任同一层次领导职务（《党政领导干部职务任期暂行规定》第七条）"


def test_back_to_back_posts_are_one_stretch_from_the_first_start() -> None:
    today = D(2023, 1, 1)
    posts = [
        (D(2008, 1, 1), D(2012, 12, 31)),
        (D(2013, 1, 1), D(2017, 6, 30)),  # the day after the last ended
        (D(2017, 7, 1), None),
    ]
    assert stretches(posts, today) == [Stretch(D(2008, 1, 1), None)]
    assert counted_since(stretches(posts, today), today) == D(2008, 1, 1)


def test_a_past_stretch_counts_its_end_day() -> None:
    # 2001-01-01 → 2005-12-31 is 1826 days with its last day (29 February 2004), and
    # 2011-01-01 → 2021-01-01 3653: 5479 days, which 2006-01-01 → 2021-01-01 also is.
    today = D(2021, 1, 1)
    parts = stretches([(D(2001, 1, 1), D(2005, 12, 31)), (D(2011, 1, 1), None)], today)
    assert parts == [Stretch(D(2001, 1, 1), D(2005, 12, 31)), Stretch(D(2011, 1, 1), None)]
    assert counted_since(parts, today) == D(2006, 1, 1)


class SameLevelBackToBackTests(RuleTestCase):
    def test_fifteen_years_of_back_to_back_posts_end_on_the_known_day(self) -> None:
        # 乡科级正职: 甲镇镇长 2008-01-01 → 2012-12-31, 甲镇党委书记 2013-01-01 → 2017-06-30,
        # 乙镇党委书记 from 2017-07-01. One stretch from 2008-01-01: 15 years on 2023-01-01
        # (counting each break as a gap would have put it off to 2023-01-03).
        zs = self.person("张三")
        self.post(zs, D(2008, 1, 1), end=D(2012, 12, 31), title="镇长", rank_level="141")
        self.post(zs, D(2013, 1, 1), end=D(2017, 6, 30), title="党委书记", rank_level="141")
        self.post(zs, D(2017, 7, 1), title="党委书记", unit=self.units["b"], rank_level="141")
        (before,) = self.findings("same_level", D(2022, 12, 31))
        assert before.severity == Severity.WARNING
        assert before.message == (
            "担任乡科级正职累计 14年11个月（2008.01 起，1 段任职），将于 2023.01 满 15年，"
            "届时" + SEVENTH
        )
        (reached,) = self.findings("same_level", D(2023, 1, 1))
        assert reached.severity == Severity.DANGER
        assert reached.message == (
            "担任乡科级正职累计 15年（2008.01 起，1 段任职）≥ 15年，" + SEVENTH
        )
        assert reached.facts["stretches"] == [{"start": D(2008, 1, 1), "end": None}]

    def test_a_post_taken_on_the_day_the_last_ended_continues_the_stretch(self) -> None:
        ls = self.person("李四")
        self.post(ls, D(2008, 1, 1), end=D(2015, 7, 1), title="镇长", rank_level="141")
        self.post(ls, D(2015, 7, 1), title="党委书记", unit=self.units["b"], rank_level="141")
        assert self.findings("same_level", D(2022, 12, 31))[0].severity == Severity.WARNING
        (reached,) = self.findings("same_level", D(2023, 1, 1))
        assert reached.message.startswith("担任乡科级正职累计 15年（2008.01 起，1 段任职）≥ 15年")

    def test_a_past_post_counts_its_end_day_across_a_gap(self) -> None:
        # 2001-01-01 → 2005-12-31 (five whole years with the end day), then from 2011-01-01:
        # 15 years on 2021-01-01, not 2021-01-02. The explanation names both stretches.
        ww = self.person("王五")
        self.post(ww, D(2001, 1, 1), end=D(2005, 12, 31), title="镇长", rank_level="141")
        self.post(ww, D(2011, 1, 1), title="党委书记", unit=self.units["b"], rank_level="141")
        (before,) = self.findings("same_level", D(2020, 12, 31))
        assert before.severity == Severity.WARNING
        (reached,) = self.findings("same_level", D(2021, 1, 1))
        assert reached.severity == Severity.DANGER
        assert reached.message == (
            "担任乡科级正职累计 15年（2001.01—2005.12、2011.01 至今，2 段任职）≥ 15年，" + SEVENTH
        )
