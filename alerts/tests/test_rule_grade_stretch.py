"""职级晋升资格: the years count at the 职级 across posts, and a 基本称职 year removes only
the months it counted. Hand-computed cases, each on a fixed day."""

from __future__ import annotations

import datetime as dt

from alerts.registry import RULES, Scope, effective_params
from alerts.tests.base import RuleTestCase
from cadres import services
from cadres.models import Cadre

D = dt.date
REGS = "《公务员职务与职级并行规定》，《公务员考核规定》第十九、二十一条"
# 三级主任科员 须任乡科级副职或四级主任科员2年 (GRADE.csv).
TO_09 = f"三级主任科员须任乡科级副职或四级主任科员2年；{REGS}"


class GradedTestCase(RuleTestCase):
    """Posts with a 职级 (四级主任科员 by default) and assessments."""

    def graded(
        self,
        cadre: Cadre,
        start: dt.date,
        end: dt.date | None = None,
        *,
        grade: str = "10",
        unit: str = "a",
    ) -> None:
        self.post(
            cadre,
            start,
            end=end,
            title="四级主任科员",
            unit=self.units[unit],
            rank_level="",
            grade=grade,
            is_leading=False,
            is_head=False,
        )

    def assess(self, cadre: Cadre, year: int, grade: str) -> None:
        services.assessment_set(acting_user=self.clerk, cadre=cadre, year=year, grade=grade)


class GradeStretchTests(GradedTestCase):
    def test_moving_to_another_unit_at_the_same_grade_keeps_the_time_held(self) -> None:
        # 四级主任科员 at 甲镇 2023-01-01 → 2024-06-30, at 乙镇 from 2024-07-01, 2023 and 2024
        # 称职: one stretch from 2023-01-01, 2 years reached on 2025-01-01 — not 18 months
        # later, as counting from the post at 乙镇 would have it.
        zs = self.person("张三")
        self.graded(zs, D(2023, 1, 1), D(2024, 6, 30))
        self.graded(zs, D(2024, 7, 1), unit="b")
        self.assess(zs, 2023, "competent")
        self.assess(zs, 2024, "competent")
        assert self.findings("grade_promotion", D(2024, 12, 31)) == []
        (found,) = self.findings("grade_promotion", D(2025, 1, 1))
        assert found.key == "09"
        assert found.message == (
            "已具备晋升三级主任科员的任职年限条件（2025.01 起）："
            "任四级主任科员 2023.01—2024.06（甲镇）、2024.07 至今（乙镇），合计 2年 ≥ 2年"
            f"（{TO_09}）"
        )
        assert found.facts["since"] == D(2023, 1, 1)
        assert found.facts["stretch"] == [
            {"start": D(2023, 1, 1), "end": D(2024, 6, 30), "unit": "甲镇"},
            {"start": D(2024, 7, 1), "end": None, "unit": "乙镇"},
        ]
        # Reached more than 3 months before 2025-06-01: old news unless all are asked for.
        assert self.findings("grade_promotion", D(2025, 6, 1)) == []
        (later,) = self.findings("grade_promotion", D(2025, 6, 1), recent_months=0)
        assert "合计 2年5个月 ≥ 2年" in later.message
        # The same answer on the cadre's own page (read whole, not through the SQL window).
        spec = RULES["grade_promotion"]
        page = Scope(self.units["root"].path, D(2025, 1, 1), cadre_ids=frozenset({zs.pk}))
        (mine,) = spec.compute(page, effective_params(spec, {}))
        assert mine.message == found.message

    def test_a_post_resumed_on_the_day_the_last_ended_is_one_stretch(self) -> None:
        # 免职 and the new post on the same day (2024-07-01): one stretch from 2023-01-01.
        ls = self.person("李四")
        self.graded(ls, D(2023, 1, 1), D(2024, 7, 1))
        self.graded(ls, D(2024, 7, 1), unit="b")
        (found,) = self.findings("grade_promotion", D(2025, 1, 1))
        assert "任四级主任科员 2023.01—2024.07（甲镇）、2024.07 至今（乙镇），合计 2年" in (
            found.message
        )

    def test_a_break_between_posts_at_the_grade_starts_the_count_again(self) -> None:
        # 2023-01-01 → 2024-06-29, then 2024-07-01: 30 June held at no post with the grade.
        # The stretch begins 2024-07-01; 2 years reached 2026-07-01.
        ww = self.person("王五")
        self.graded(ww, D(2023, 1, 1), D(2024, 6, 29))
        self.graded(ww, D(2024, 7, 1), unit="b")
        assert self.findings("grade_promotion", D(2025, 1, 1), recent_months=0) == []
        (found,) = self.findings("grade_promotion", D(2026, 7, 1))
        assert "任四级主任科员 2024.07 至今 2年 ≥ 2年" in found.message

    def test_a_move_long_ago_makes_eligibility_old_news(self) -> None:
        # 四级主任科员 since 2020-03-01 at 甲镇, at 乙镇 from 2024-09-01: eligible since
        # 2022-03-01, so not among the recent ones in 2026 although the open post is recent.
        zl = self.person("赵六")
        self.graded(zl, D(2020, 3, 1), D(2024, 8, 31))
        self.graded(zl, D(2024, 9, 1), unit="b")
        assert self.findings("grade_promotion", D(2026, 10, 1)) == []
        (found,) = self.findings("grade_promotion", D(2026, 10, 1), recent_months=0)
        assert found.message.startswith("已具备晋升三级主任科员的任职年限条件（2022.03 起）：")

    def test_a_moved_level_counts_from_the_first_post_at_it(self) -> None:
        # 乡科级副职 (a source of 三级主任科员): 副镇长 at 甲镇 2023-03-01 → 2024-02-29, then
        # at 乙镇 from 2024-03-01: reached 2025-03-01.
        sq = self.person("孙七")
        self.post(sq, D(2023, 3, 1), end=D(2024, 2, 29), title="副镇长", rank_level="142")
        self.post(sq, D(2024, 3, 1), title="副镇长", unit=self.units["b"], rank_level="142")
        (found,) = self.findings("grade_promotion", D(2025, 3, 1))
        assert found.message == (
            "已具备晋升三级主任科员的任职年限条件（2025.03 起）："
            "任乡科级副职 2023.03—2024.02（甲镇）、2024.03 至今（乙镇），合计 2年 ≥ 2年"
            f"（{TO_09}）"
        )


class UncountedYearTests(GradedTestCase):
    def test_a_basic_year_removes_only_the_months_it_counted(self) -> None:
        # Since 2023-07-01, 2023 基本称职: the six months of 2023 are not counted, counting
        # starts 2024-01-01, 2 years reached 2026-01-01 (removing 12 months: 2026-07-01).
        zs = self.person("张三")
        self.graded(zs, D(2023, 7, 1))
        self.assess(zs, 2023, "basic")
        self.assess(zs, 2024, "competent")
        self.assess(zs, 2025, "competent")
        assert self.findings("grade_promotion", D(2025, 12, 31)) == []
        (found,) = self.findings("grade_promotion", D(2026, 2, 15))
        assert found.message == (
            "已具备晋升三级主任科员的任职年限条件（2026.01 起）："
            "任四级主任科员 2023.07 至今 2年7个月，2023年度基本称职不计算任职年限"
            f"（扣除6个月），计 2年1个月 ≥ 2年（{TO_09}）"
        )
        assert found.facts["uncounted_months"] == {2023: 6}
        assert found.facts["counted_months"] == 25
        (alert,) = self.stored("grade_promotion", D(2026, 2, 15))
        assert alert.facts["uncounted_months"] == {"2023": 6}
        assert alert.facts["stretch"] == [{"start": "2023-07-01", "end": None, "unit": "甲镇"}]

    def test_a_move_and_a_basic_year_are_both_spelled_out(self) -> None:
        # At 甲镇 from 2023-07-01, at 乙镇 from 2024-07-01, 2023 基本称职: reached 2026-01-01.
        ls = self.person("李四")
        self.graded(ls, D(2023, 7, 1), D(2024, 6, 30))
        self.graded(ls, D(2024, 7, 1), unit="b")
        self.assess(ls, 2023, "basic")
        (found,) = self.findings("grade_promotion", D(2026, 1, 1))
        assert found.message == (
            "已具备晋升三级主任科员的任职年限条件（2026.01 起）："
            "任四级主任科员 2023.07—2024.06（甲镇）、2024.07 至今（乙镇），合计 2年6个月，"
            f"2023年度基本称职不计算任职年限（扣除6个月），计 2年 ≥ 2年（{TO_09}）"
        )

    def test_whole_and_partial_uncounted_years_are_listed_each(self) -> None:
        # Since 2022-10-01; 2022 基本称职 (3 months), 2024 不称职 (12 months): counted from
        # 2023-01-01 with 2024 left out, 2 years reached 2026-01-01.
        ww = self.person("王五")
        self.graded(ww, D(2022, 10, 1))
        self.assess(ww, 2022, "basic")
        self.assess(ww, 2024, "incompetent")
        assert self.findings("grade_promotion", D(2025, 12, 31)) == []
        (found,) = self.findings("grade_promotion", D(2026, 1, 1))
        assert (
            "任四级主任科员 2022.10 至今 3年3个月，2022年度基本称职（3个月）、2024年度不称职（1年）"
            "不计算任职年限（扣除1年3个月），计 2年 ≥ 2年"
        ) in found.message

    def test_a_basic_year_after_eligibility_does_not_move_the_day_reached(self) -> None:
        # Since 2020-01-01: 2 years reached 2022-01-01; 2023 基本称职 comes later and does not
        # take those years back.
        zl = self.person("赵六")
        self.graded(zl, D(2020, 1, 1))
        self.assess(zl, 2023, "basic")
        (found,) = self.findings("grade_promotion", D(2024, 3, 1), recent_months=0)
        assert found.message.startswith("已具备晋升三级主任科员的任职年限条件（2022.01 起）：")
        assert "2023年度基本称职不计算任职年限（扣除1年），计 3年2个月 ≥ 2年" in found.message

    def test_the_current_years_assessment_is_not_used_before_it_can_exist(self) -> None:
        # Since 2024-03-01; a 2026 基本称职 entered early (or by mistake) must not hold back the
        # 2 years reached on 2026-03-01: 2026 cannot have been assessed on 2026-03-05.
        sq = self.person("孙七")
        self.graded(sq, D(2024, 3, 1))
        self.assess(sq, 2026, "basic")
        (found,) = self.findings("grade_promotion", D(2026, 3, 5))
        assert found.message == (
            "已具备晋升三级主任科员的任职年限条件（2026.03 起）："
            f"任四级主任科员 2024.03 至今 2年 ≥ 2年（{TO_09}）"
        )
        # Nor does a 优秀 of the current year shorten the time: since 2025-01-01 with 2025 and
        # 2026 优秀, on 2026-07-01 only 2025 counts — 18 months, reached that very day.
        zb = self.person("周八")
        self.graded(zb, D(2025, 1, 1))
        self.assess(zb, 2025, "excellent")
        self.assess(zb, 2026, "excellent")
        assert [
            f for f in self.findings("grade_promotion", D(2026, 6, 30)) if f.cadre_id == zb.pk
        ] == []
        (mine,) = [
            f for f in self.findings("grade_promotion", D(2026, 7, 1)) if f.cadre_id == zb.pk
        ]
        assert mine.message.startswith("已具备晋升三级主任科员的任职年限条件（2026.07 起）：")
        assert "2025年度优秀缩短6个月" in mine.message


def test_the_day_reached_counts_round_the_uncounted_years() -> None:
    # Counting pauses during an uncounted year and goes on after it.
    from alerts.rules.people import reached_on

    assert reached_on(D(2023, 7, 1), 24, [2023]) == D(2026, 1, 1)
    assert reached_on(D(2023, 1, 1), 24, [2024]) == D(2026, 1, 1)
    assert reached_on(D(2020, 1, 1), 24, [2023]) == D(2022, 1, 1)
    assert reached_on(D(2022, 10, 1), 24, [2022, 2024]) == D(2026, 1, 1)
    assert reached_on(D(2024, 3, 1), 24, []) == D(2026, 3, 1)
