"""到龄退休: women holding a 县处级 职级 (一级至四级调研员) are the "相应职务层次" of
组通字〔2015〕14号 by default and retire at 60; ``senior_women_by_grade`` turns that off."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.choices import Severity
from alerts.registry import RULES
from alerts.tests.base import RuleTestCase
from cadres import retirement as rt
from cadres.models import Cadre

D = dt.date
TODAY = D(2026, 11, 27)


def test_a_woman_at_a_county_grade_retires_at_60_by_default() -> None:
    # 女 1967-01 at 四级调研员: 60 on the men's schedule — offset 24 → 7 months → 2027-08.
    found = rt.statutory_retirement(sex="2", birth=(1967, 1), grade="06")
    assert found is not None
    assert (found.base_age, found.year, found.month) == (60, 2027, 8)
    assert found.explanation == (
        "女，1967年1月出生，现任四级调研员（职级，属相应职务层次）：按组通字〔2015〕14号年满60周岁"
        "退休（本人申请可55周岁退休）；该规定与2025年渐进式延迟退休办法的衔接未核实，暂按男职工的"
        "延迟办法延迟7个月，退休年龄60岁7个月，2027年8月达到退休年龄"
    )


@pytest.mark.parametrize(
    ("grade", "by_grade", "base_age"),
    [
        ("03", True, 60),  # 一级调研员
        ("05", True, 60),  # 三级调研员
        ("01", True, 60),  # 一级巡视员 (厅局级)
        ("07", True, 55),  # 一级主任科员: 乡科级
        ("", True, 55),
        ("06", False, 55),  # the reading turned off: only the 领导职务层次 counts
    ],
)
def test_it_reads_the_grade_as_the_corresponding_level(
    grade: str, by_grade: bool, base_age: int
) -> None:
    found = rt.statutory_retirement(
        sex="2", birth=(1967, 1), grade=grade, senior_women_by_grade=by_grade
    )
    assert found is not None
    assert found.base_age == base_age


def test_the_grade_does_not_change_a_mans_age() -> None:
    man = rt.statutory_retirement(sex="1", birth=(1967, 1), grade="06")
    assert man is not None
    assert (man.base_age, man.delay_months) == (60, 7)


def test_the_rule_describes_the_default_reading() -> None:
    spec = RULES["retirement"]
    assert spec.defaults["senior_women_by_grade"] is True
    assert spec.defaults["senior_grades"] == ["01", "02", "03", "04", "05", "06"]
    assert "相应职务层次" in spec.description
    assert "一级至四级调研员" in spec.description


class RetirementByGradeTests(RuleTestCase):
    def by_name(self, **params: object) -> dict[str, tuple[str, str]]:
        found = self.findings("retirement", TODAY, **params)
        names = dict(Cadre.objects.values_list("id", "name"))
        return {names[f.subject_id]: (str(f.severity), f.message) for f in found}

    def test_a_woman_at_a_county_grade_is_warned_at_60_not_flagged_at_55(self) -> None:
        # 女 1967-01 holding 三级调研员 (no leading post): 60 → 2027-08, 9 months ahead; read
        # without the grade she would be 55 since 2022-01 and past the age.
        wang = self.person("王女", birth=D(1967, 1, 5), sex="2")
        self.post(
            wang,
            D(2020, 1, 1),
            title="三级调研员",
            rank_level="",
            grade="05",
            is_leading=False,
            is_head=False,
        )
        found = self.by_name()
        assert found["王女"] == (
            Severity.WARNING,
            "女，1967年1月出生，现任三级调研员（职级，属相应职务层次）：按组通字〔2015〕14号年满60"
            "周岁退休（本人申请可55周岁退休）；该规定与2025年渐进式延迟退休办法的衔接未核实，暂按"
            "男职工的延迟办法延迟7个月，退休年龄60岁7个月，2027年8月达到退休年龄，"
            "距退休还有 9 个月",
        )
        fixed = self.by_name(senior_women_schedule="fixed60")
        assert fixed["王女"][1].endswith("2027年1月达到退休年龄，距退休还有 2 个月")
        off = self.by_name(senior_women_by_grade=False)
        assert off["王女"][0] == Severity.DANGER
        assert off["王女"][1].startswith("女，1967年1月出生：原法定退休年龄55周岁")
        narrower = self.by_name(senior_grades=["03", "04"])
        assert narrower["王女"][0] == Severity.DANGER
