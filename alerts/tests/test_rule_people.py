"""个人 rules — 到龄退休, 试用期, 职级晋升资格, 年度考核缺失: hand-computed cases."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

from alerts.choices import AlertStatus, Severity
from alerts.registry import RULES, Scope, effective_params
from alerts.rules import people
from alerts.rules.people import PROMOTION, Promotion, assessment_year_due
from alerts.services import alert_dismiss
from alerts.tests.base import RuleTestCase
from cadres import services
from cadres.models import Cadre

D = dt.date
TODAY = D(2026, 11, 27)
REGS = "《公务员职务与职级并行规定》，《公务员考核规定》第十九、二十一条"


class RetirementTests(RuleTestCase):
    def by_name(self, today: dt.date = TODAY, **params: object) -> dict[str, tuple[str, str]]:
        found = self.findings("retirement", today, **params)
        names = dict(Cadre.objects.values_list("id", "name"))
        return {names[f.subject_id]: (str(f.severity), f.message) for f in found}

    def test_it_warns_within_twelve_months_and_flags_those_past_the_age(self) -> None:
        self.person("王男", birth=D(1966, 3, 10))  # 60岁4个月 → 2026-07, past
        self.person("李男", birth=D(1967, 4, 15))  # offset 27 → 7 months → 2027-11
        self.person("赵男", birth=D(1967, 5, 1))  # offset 28 → 8 months → 2028-01
        self.person("钱男", birth=D(1956, 1, 1))  # 60 → 2016-01, still active
        self.person("冯男", birth=D(1980, 2, 2))
        with self.assertNumQueries(1):
            self.findings("retirement", TODAY)
        found = self.by_name()
        assert set(found) == {"王男", "李男", "钱男"}
        assert found["王男"] == (
            Severity.DANGER,
            "男，1966年3月出生：原法定退休年龄60周岁，按2025年渐进式延迟退休办法延迟4个月，"
            "退休年龄60岁4个月，2026年7月达到退休年龄，已超过退休年龄 4个月，请及时办理退休手续",
        )
        assert found["李男"] == (
            Severity.WARNING,
            "男，1967年4月出生：原法定退休年龄60周岁，按2025年渐进式延迟退休办法延迟7个月，"
            "退休年龄60岁7个月，2027年11月达到退休年龄，距退休还有 12 个月",
        )
        # 2016-01 → 2026-11 is 130 months.
        assert found["钱男"][1].endswith(
            "退休年龄60周岁，2016年1月达到退休年龄，已超过退休年龄 10年10个月，请及时办理退休手续"
        )
        wider = self.by_name(months_ahead=14)
        assert wider["赵男"][1].endswith("2028年1月达到退休年龄，距退休还有 14 个月")

    def test_it_reaches_the_age_on_the_birthday_within_the_month(self) -> None:
        # 女 1971-06: offset 17 from 1970-01 → 5 months, 55岁5个月 → 2026-11.
        self.person("孙女", birth=D(1971, 6, 20), sex="2")
        self.person("周女", birth=D(1971, 6, 28), sex="2")
        found = self.by_name()
        assert found["孙女"] == (
            Severity.DANGER,
            "女，1971年6月出生：原法定退休年龄55周岁，按2025年渐进式延迟退休办法延迟5个月，"
            "退休年龄55岁5个月，2026年11月达到退休年龄，已达到退休年龄，请及时办理退休手续",
        )
        assert found["周女"][0] == Severity.WARNING
        assert found["周女"][1].endswith("2026年11月达到退休年龄，本月达到退休年龄")

    def test_it_retires_county_level_and_senior_titled_women_at_60(self) -> None:
        # 女 1967-01 at 县处级正职 or with a 高级职称: 60 on the men's schedule by default —
        # offset 24 → 7 months, 60岁7个月 → 2027-08; fixed60 → 2027-01; a plain woman cadre
        # of the same month reached 55 in 2022-01 (58 months ago).
        wu = self.person("吴女", birth=D(1967, 1, 5), sex="2")
        self.post(wu, D(2020, 1, 1), title="县长", rank_level="131")
        self.person("郑女", birth=D(1967, 1, 5), sex="2", professional_title="高级经济师")
        self.person("陈女", birth=D(1967, 1, 5), sex="2", professional_title="经济师")
        found = self.by_name()
        assert found["吴女"] == (
            Severity.WARNING,
            "女，1967年1月出生，现任县处级正职：按组通字〔2015〕14号年满60周岁退休（本人申请可55周岁"
            "退休）；该规定与2025年渐进式延迟退休办法的衔接未核实，暂按男职工的延迟办法延迟7个月，"
            "退休年龄60岁7个月，2027年8月达到退休年龄，距退休还有 9 个月",
        )
        assert found["郑女"][1].startswith("女，1967年1月出生，具有高级职称（高级经济师）：")
        assert found["郑女"][1].endswith("2027年8月达到退休年龄，距退休还有 9 个月")
        assert found["陈女"] == (
            Severity.DANGER,
            "女，1967年1月出生：原法定退休年龄55周岁，1970年1月前出生，不适用2025年渐进式延迟"
            "退休办法，退休年龄55周岁，2022年1月达到退休年龄，已超过退休年龄 4年10个月，"
            "请及时办理退休手续",
        )
        fixed = self.by_name(senior_women_schedule="fixed60")
        assert fixed["吴女"][1].endswith(
            "暂按60周岁、不延迟计算，退休年龄60周岁，2027年1月达到退休年龄，距退休还有 2 个月"
        )
        narrower = self.by_name(senior_title_words=["教授"])
        assert narrower["郑女"][0] == Severity.DANGER  # back on the 55 schedule

    def test_it_stores_the_alert_and_reopens_it_when_the_age_is_reached(self) -> None:
        self.person("李男", birth=D(1967, 4, 15))
        (alert,) = self.stored("retirement", TODAY)
        assert alert.facts["retirement_month"] == "2027-11"
        assert alert.facts["birth"] == "1967-04-15"
        alert_dismiss(acting_user=self.clerk, alert=alert, reason="已启动退休程序")
        (same,) = self.stored("retirement", D(2027, 5, 1))
        assert same.status == AlertStatus.DISMISSED
        assert same.message.endswith("距退休还有 6 个月")
        (reached,) = self.stored("retirement", D(2027, 11, 15))
        assert reached.pk == alert.pk
        assert reached.status == AlertStatus.OPEN
        assert reached.severity == Severity.DANGER


class ProbationTests(RuleTestCase):
    def test_it_warns_before_the_end_and_flags_an_unconfirmed_end(self) -> None:
        zs = self.person("张三")
        soon = self.post(
            zs, D(2025, 12, 15), title="副镇长", is_head=False, probation_end=D(2026, 12, 15)
        )
        late = self.post(
            zs, D(2025, 10, 1), title="党委副书记", is_head=False, probation_end=D(2026, 10, 1)
        )
        ls = self.person("李四")
        self.post(
            ls, D(2025, 9, 1), title="副镇长", probation_end=D(2026, 9, 1), probation_confirmed=True
        )
        self.post(ls, D(2026, 1, 30), title="纪委书记", probation_end=D(2027, 1, 30))
        self.post(
            ls, D(2024, 1, 1), end=D(2024, 6, 1), title="组织委员", probation_end=D(2025, 1, 1)
        )
        with self.assertNumQueries(1):
            found = {f.key: f for f in self.findings("probation", TODAY)}
        assert set(found) == {str(soon.pk), str(late.pk)}
        assert found[str(soon.pk)].severity == Severity.WARNING
        assert found[str(soon.pk)].message == (
            "试用期将于 2026.12.15 期满（甲镇副镇长，任职 2025.12.15，试用期一年），请及时考核"
            "（《党政领导干部选拔任用工作条例》第四十二条）"
        )
        assert found[str(late.pk)].severity == Severity.DANGER
        assert found[str(late.pk)].message == (
            "试用期已于 2026.10.01 期满（甲镇党委副书记，任职 2025.10.01，试用期一年），"
            "尚未办理正式任职（《党政领导干部选拔任用工作条例》第四十二条）"
        )
        # 2027-01-30 is 64 days away: only with a wider window.
        assert len(self.findings("probation", TODAY, days_ahead=90)) == 3

    def test_it_counts_the_end_day_as_not_yet_passed_and_a_29_february_start(self) -> None:
        ww = self.person("王五")
        self.post(ww, D(2024, 2, 29), title="副镇长", probation_end=D(2025, 2, 28))
        (due,) = self.findings("probation", D(2025, 2, 28))
        assert due.severity == Severity.WARNING
        assert due.message.startswith(
            "试用期将于 2025.02.28 期满（甲镇副镇长，任职 2024.02.29，试用期一年）"
        )
        (over,) = self.findings("probation", D(2025, 3, 1))
        assert over.severity == Severity.DANGER
        assert self.findings("probation", D(2025, 1, 28)) == []  # 31 days ahead

    def test_it_reopens_a_dismissed_warning_once_the_end_passes(self) -> None:
        zl = self.person("赵六")
        position = self.post(zl, D(2025, 12, 15), title="副镇长", probation_end=D(2026, 12, 15))
        (alert,) = self.stored("probation", TODAY)
        alert_dismiss(acting_user=self.clerk, alert=alert, reason="考核已安排")
        (same,) = self.stored("probation", D(2026, 12, 1))
        assert same.status == AlertStatus.DISMISSED
        (over,) = self.stored("probation", D(2026, 12, 16))
        assert over.status == AlertStatus.OPEN
        assert over.severity == Severity.DANGER
        services.position_update(
            acting_user=self.clerk, position=position, probation_confirmed=True
        )
        assert self.stored("probation", D(2026, 12, 16)) == []


class GradePromotionTests(RuleTestCase):
    def graded(self, name: str, grade: str, since: dt.date, title: str = "") -> Cadre:
        cadre = self.person(name)
        self.post(
            cadre,
            since,
            title=title or f"{name}职级",
            rank_level="",
            grade=grade,
            is_leading=False,
            is_head=False,
        )
        return cadre

    def assess(self, cadre: Cadre, year: int, grade: str) -> None:
        services.assessment_set(acting_user=self.clerk, cadre=cadre, year=year, grade=grade)

    def test_it_reads_the_table_from_grade_csv(self) -> None:
        assert PROMOTION["07"] == Promotion(("141", "08"), 2, "乡科级正职或二级主任科员")
        assert PROMOTION["10"] == Promotion(("11",), 2, "一级科员")  # 2 years, not 3
        assert PROMOTION["03"] == Promotion(("131", "04"), 3, "县处级正职或二级调研员")
        assert PROMOTION["01"].years == 4
        assert "12" not in PROMOTION  # 二级科员 is the entry grade

    def test_it_shortens_by_an_excellent_year_and_drops_a_basic_year(self) -> None:
        # 二级主任科员 since 2024-03-01; 2024 优秀, 2025 基本称职.
        # On 2026-11-27: held 32 months (2年8个月); required 24 − 6 = 18 (1年6个月);
        # counted 32 − 12 = 20 (1年8个月) ≥ 18. Reached when held = 30: on 2026-09-01.
        zs = self.graded("张三", "08", D(2024, 3, 1))
        self.assess(zs, 2024, "excellent")
        self.assess(zs, 2025, "basic")
        # Candidates by 职级 and by level, their posts (to join a stretch), the assessments.
        with self.assertNumQueries(4):
            (found,) = self.findings("grade_promotion", TODAY)
        assert found.key == "07"
        assert found.message == (
            "已具备晋升一级主任科员的任职年限条件（2026.09 起）："
            "任二级主任科员 2024.03 至今 2年8个月，"
            "2025年度基本称职不计算任职年限（扣除1年），计 1年8个月 ≥ 1年6个月"
            f"（一级主任科员须任乡科级正职或二级主任科员2年，2024年度优秀缩短6个月；{REGS}）"
        )
        assert found.facts["counted_months"] == 20
        assert found.facts["required_months"] == 18
        assert self.findings("grade_promotion", D(2026, 8, 31)) == []  # counted 17 < 18
        assert len(self.findings("grade_promotion", D(2026, 9, 1))) == 1  # counted 18
        # Without the 优秀 year 24 months are required: 20 counted is short of them.
        self.assess(zs, 2024, "competent")
        assert self.findings("grade_promotion", TODAY) == []

    def test_it_reads_assessments_the_same_by_id_and_by_scan(self) -> None:
        # 二级调研员 since 2022-01-01, 2022 and 2024 优秀, 2023 基本称职: 一级调研员 needs 3
        # years, so 36 − 12 = 24 months required; held 58 (4年10个月), counted 46 (3年10个月);
        # reached after 24 + 12 months, in 2025-01.
        zs = self.graded("张三", "08", D(2024, 3, 1))
        self.assess(zs, 2024, "excellent")
        self.assess(zs, 2025, "basic")
        ls = self.graded("李四", "04", D(2022, 1, 1))
        self.assess(ls, 2022, "excellent")
        self.assess(ls, 2023, "basic")
        self.assess(ls, 2024, "excellent")  # a later 优秀 year of the same holding
        by_id = [
            f.message
            for f in sorted(
                self.findings("grade_promotion", TODAY, recent_months=0), key=lambda f: f.subject_id
            )
        ]
        assert by_id[0] == (
            "已具备晋升一级主任科员的任职年限条件（2026.09 起）："
            "任二级主任科员 2024.03 至今 2年8个月，"
            "2025年度基本称职不计算任职年限（扣除1年），计 1年8个月 ≥ 1年6个月"
            f"（一级主任科员须任乡科级正职或二级主任科员2年，2024年度优秀缩短6个月；{REGS}）"
        )
        assert by_id[1] == (
            "已具备晋升一级调研员的任职年限条件（2025.01 起）："
            "任二级调研员 2022.01 至今 4年10个月，"
            "2023年度基本称职不计算任职年限（扣除1年），计 3年10个月 ≥ 2年"
            f"（一级调研员须任县处级正职或二级调研员3年，2022、2024年度优秀缩短1年；{REGS}）"
        )
        for limit in (0, 1):  # one scan; a scan from 2024 plus 李四's earlier years by id
            with patch.object(people, "BY_ID_LIMIT", limit):
                found = self.findings("grade_promotion", TODAY, recent_months=0)
            assert [f.message for f in sorted(found, key=lambda f: f.subject_id)] == by_id

    def test_it_lists_only_recent_eligibility_unless_asked_for_all(self) -> None:
        # 二级主任科员 since 2024-03-01, no marked year: 2 years reached on 2026-03-01, more
        # than 3 months before 2026-11-27.
        self.graded("李四", "08", D(2024, 3, 1))
        assert self.findings("grade_promotion", TODAY) == []
        (found,) = self.findings("grade_promotion", TODAY, recent_months=0)
        assert found.message == (
            "已具备晋升一级主任科员的任职年限条件（2026.03 起）："
            "任二级主任科员 2024.03 至今 2年8个月 ≥ 2年"
            f"（一级主任科员须任乡科级正职或二级主任科员2年；{REGS}）"
        )
        assert len(self.findings("grade_promotion", TODAY, recent_months=9)) == 1
        assert self.findings("grade_promotion", TODAY, recent_months=8) == []

    def test_it_shortens_by_each_excellent_year_and_dates_eligibility_by_it(self) -> None:
        # 二级主任科员 since 2024-10-01 with 2024 and 2025 优秀: 24 − 12 = 12 months required,
        # reached 2025-10-01 — long before the last 3 months, so only listed with
        # recent_months = 0 (held 25 months on 2026-11-27).
        zs = self.graded("张三", "08", D(2024, 10, 1))
        self.assess(zs, 2024, "excellent")
        self.assess(zs, 2025, "excellent")
        assert self.findings("grade_promotion", TODAY) == []
        (found,) = self.findings("grade_promotion", TODAY, recent_months=0)
        assert found.message == (
            "已具备晋升一级主任科员的任职年限条件（2025.10 起）："
            "任二级主任科员 2024.10 至今 2年1个月 ≥ 1年"
            f"（一级主任科员须任乡科级正职或二级主任科员2年，2024、2025年度优秀缩短1年；{REGS}）"
        )
        # 2025-03-01 with 2025 优秀: 18 months, reached 2026-09-01 (held 20 months now).
        ls = self.graded("李四", "08", D(2025, 3, 1))
        self.assess(ls, 2025, "excellent")
        (recent,) = self.findings("grade_promotion", TODAY)
        assert recent.subject_id == ls.pk
        assert "任二级主任科员 2025.03 至今 1年8个月 ≥ 1年6个月" in recent.message

    def test_it_gives_the_same_answer_on_one_cadres_page(self) -> None:
        # A cadre's own page reads that cadre whole (no SQL window); the answer is the same.
        ls = self.graded("李四", "08", D(2024, 3, 1))  # reached 2026-03-01
        zs = self.graded("张三", "08", D(2024, 9, 1))  # reached 2026-09-01
        spec = RULES["grade_promotion"]
        for cadre, expected in ((ls, 0), (zs, 1)):
            scope = Scope(self.units["root"].path, TODAY, cadre_ids=frozenset({cadre.pk}))
            found = list(spec.compute(scope, effective_params(spec, {})))
            assert len(found) == expected
            every = list(spec.compute(scope, {**effective_params(spec, {}), "recent_months": 0}))
            assert [f.subject_id for f in every] == [cadre.pk]

    def test_it_follows_a_leadership_level_named_as_a_source(self) -> None:
        # 县处级正职 since 2023-09-01 → 一级调研员 after 3 years: reached 2026-09-01, held
        # 38 months (3年2个月) on 2026-11-27.
        zl = self.person("赵六")
        self.post(zl, D(2023, 9, 1), title="县长", rank_level="131")
        (found,) = self.findings("grade_promotion", TODAY)
        assert found.key == "03"
        assert found.message == (
            "已具备晋升一级调研员的任职年限条件（2026.09 起）："
            "任县处级正职 2023.09 至今 3年2个月 ≥ 3年"
            f"（一级调研员须任县处级正职或二级调研员3年；{REGS}）"
        )

    def test_it_takes_the_earlier_of_two_ways_to_one_grade(self) -> None:
        # 乡科级正职 since 2024-06-01 (reached 2026-06-01) and 二级主任科员 since 2023-01-01
        # (reached 2025-01-01): one finding for 一级主任科员, by the grade.
        ls = self.person("李四")
        self.post(ls, D(2024, 6, 1), title="镇长", rank_level="141")
        self.post(
            ls, D(2023, 1, 1), title="二级主任科员", rank_level="", grade="08", is_leading=False
        )
        (found,) = self.findings("grade_promotion", TODAY, recent_months=0)
        assert found.key == "07"
        assert "任二级主任科员 2023.01 至今 3年10个月 ≥ 2年" in found.message
        # Only the level qualifies when the grade is recent.
        ww = self.person("王五")
        self.post(ww, D(2024, 6, 1), title="镇长", rank_level="141")
        self.post(
            ww, D(2025, 6, 1), title="二级主任科员", rank_level="", grade="08", is_leading=False
        )
        found_ww = [
            f
            for f in self.findings("grade_promotion", TODAY, recent_months=0)
            if f.subject_id == ww.pk
        ]
        assert [f.message.split("：")[1].split("（")[0] for f in found_ww] == [
            "任乡科级正职 2024.06 至今 2年5个月 ≥ 2年"
        ]

    def test_it_does_not_take_a_second_way_reached_lately_for_news(self) -> None:
        # Eligible for 一级主任科员 long ago by one way, lately by the other: not recent news,
        # whichever way is the old one.
        zs = self.person("张三")
        self.post(zs, D(2022, 1, 1), title="镇长", rank_level="141")
        self.post(
            zs, D(2024, 9, 15), title="二级主任科员", rank_level="", grade="08", is_leading=False
        )
        ls = self.person("李四")
        self.post(ls, D(2024, 9, 15), title="镇长", rank_level="141")
        self.post(
            ls, D(2022, 1, 1), title="二级主任科员", rank_level="", grade="08", is_leading=False
        )
        assert self.findings("grade_promotion", TODAY) == []
        everyone = self.findings("grade_promotion", TODAY, recent_months=0)
        assert sorted(f.message.split("：")[1].split(" 至今")[0] for f in everyone) == [
            "任乡科级正职 2022.01",
            "任二级主任科员 2022.01",
        ]

    def test_it_skips_a_level_whose_grade_is_already_reached(self) -> None:
        # 乡科级正职 since 2018 but already 一级主任科员 (since 2025-10-01): the level leads
        # to 一级主任科员, which is held; 四级调研员 needs the grade 2 years.
        ww = self.person("王五")
        self.post(ww, D(2018, 1, 1), title="镇长", rank_level="141")
        self.post(
            ww, D(2025, 10, 1), title="一级主任科员", rank_level="", grade="07", is_leading=False
        )
        assert self.findings("grade_promotion", TODAY, recent_months=0) == []
        (later,) = self.findings("grade_promotion", D(2027, 10, 1), recent_months=0)
        assert later.key == "06"
        assert "任一级主任科员 2025.10 至今 2年 ≥ 2年（四级调研员须任一级主任科员2年" in (
            later.message
        )

    def test_it_counts_a_grade_from_the_earliest_open_post_with_it(self) -> None:
        # Two concurrent posts at 二级主任科员 (2024-09-15 and 2025-02-01): held from the first,
        # 2 years reached 2026-09-15; a past post with the grade does not count.
        zs = self.person("张三")
        self.post(
            zs,
            D(2020, 1, 1),
            end=D(2023, 1, 1),
            title="科员甲",
            rank_level="",
            grade="08",
            is_leading=False,
        )
        self.post(zs, D(2024, 9, 15), title="科员乙", rank_level="", grade="08", is_leading=False)
        self.post(zs, D(2025, 2, 1), title="科员丙", rank_level="", grade="08", is_leading=False)
        (found,) = self.findings("grade_promotion", TODAY)
        assert "任二级主任科员 2024.09 至今 2年2个月 ≥ 2年" in found.message
        assert found.facts["since"] == D(2024, 9, 15)
        assert self.findings("grade_promotion", D(2026, 9, 14)) == []


class MissingAssessmentTests(RuleTestCase):
    def test_it_checks_last_year_once_the_due_day_has_passed(self) -> None:
        zs = self.person("张三")
        services.assessment_set(acting_user=self.clerk, cadre=zs, year=2025, grade="competent")
        ls = self.person("李四")
        services.assessment_set(acting_user=self.clerk, cadre=ls, year=2024, grade="excellent")
        ww = self.person("王五")
        services.assessment_set(acting_user=self.clerk, cadre=ww, year=2025, grade="ungraded")
        self.person("赵六", work_start_date=D(2026, 3, 1))  # joined after 2025
        with self.assertNumQueries(1):
            found = {f.subject_id: f for f in self.findings("missing_assessment", TODAY)}
        assert set(found) == {ls.pk}
        assert found[ls.pk].key == "2025"
        assert found[ls.pk].message == (
            "缺少2025年度考核结果（应于2026年3月31日前完成并录入）（《公务员考核规定》）"
        )
        # Until 31 March the year before last is checked.
        before = {f.subject_id: f for f in self.findings("missing_assessment", D(2026, 3, 31))}
        assert set(before) == {zs.pk, ww.pk}
        assert before[zs.pk].message.startswith("缺少2024年度考核结果（应于2025年3月31日前")
        after = self.findings("missing_assessment", D(2026, 4, 1))
        assert {f.subject_id for f in after} == {ls.pk}
        later_due = self.findings("missing_assessment", D(2026, 5, 1), due_month_day="06-30")
        assert {f.subject_id for f in later_due} == {zs.pk, ww.pk}

    def test_it_works_out_the_due_year(self) -> None:
        assert assessment_year_due(D(2026, 3, 31), "03-31") == 2024
        assert assessment_year_due(D(2026, 4, 1), "03-31") == 2025
        assert assessment_year_due(D(2027, 3, 1), "02-29") == 2026  # no 29 Feb in 2027
        assert assessment_year_due(D(2027, 2, 28), "02-29") == 2025


def test_it_moves_the_assessment_due_day_past_weekends_and_holidays() -> None:
    from alerts.rules.people import assessment_due_day, assessment_year_due

    # 2024-03-31 was a Sunday: the 2023 assessment is due on Monday 1 April.
    assert assessment_due_day(2023, "03-31") == dt.date(2024, 4, 1)
    assert assessment_year_due(dt.date(2024, 4, 1), "03-31") == 2022
    assert assessment_year_due(dt.date(2024, 4, 2), "03-31") == 2023
    # A due day in the National Day holiday (1–7 October 2024): the working day after it.
    assert assessment_due_day(2023, "10-01") == dt.date(2024, 10, 8)
    assert assessment_year_due(dt.date(2024, 10, 8), "10-01") == 2022
    assert assessment_year_due(dt.date(2024, 10, 9), "10-01") == 2023
    # A working day stays as it is (2025-03-31 was a Monday).
    assert assessment_due_day(2024, "03-31") == dt.date(2025, 3, 31)
