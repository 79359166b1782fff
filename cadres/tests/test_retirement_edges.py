"""法定退休年龄: the edges the hand-computed tables of test_retirement.py leave out (found by
`make mutation`, docs/testing.md): a woman meeting several 组通字〔2015〕14号 grounds, levels
and 职级 that a deployment adds to the lists but the code tables do not name, the lists
passed through ``statutory_retirement``, and the birth-month bound for births long after the
reform, whose delay is at the cap."""

from __future__ import annotations

from typing import Any

import pytest

from cadres import retirement as rt


def test_it_lists_every_ground_of_a_senior_woman_joined_by_a_slight_comma() -> None:
    grounds = rt.senior_woman(rank_level="132", professional_title="高级经济师", grade="04")
    assert grounds == rt.SeniorWoman("县处级副职", "高级经济师", "二级调研员")
    assert grounds.text() == (
        "现任县处级副职、现任二级调研员（职级，属相应职务层次）、具有高级职称（高级经济师）"
    )
    found = rt.statutory_retirement(
        sex="2", birth=(1975, 5), rank_level="132", professional_title="高级经济师"
    )
    assert found is not None
    assert "，现任县处级副职、具有高级职称（高级经济师）：按组通字〔2015〕14号" in (
        found.explanation
    )


def test_it_keeps_no_ground_that_is_not_met() -> None:
    # A title that is no 高级职称 is dropped to "", not kept or turned into something else.
    assert rt.senior_woman(rank_level="132", professional_title="经济师") == rt.SeniorWoman(
        rank_name="县处级副职"
    )
    assert rt.senior_woman(professional_title="经济师", grade="07") == rt.SeniorWoman()


def test_it_names_a_listed_level_or_grade_the_code_tables_lack_by_its_code() -> None:
    by_level = rt.senior_woman(rank_level="199", senior_rank_levels=("199",))
    assert by_level == rt.SeniorWoman(rank_name="199")
    assert by_level.text() == "现任199"
    by_grade = rt.senior_woman(grade="99", senior_grades=("99",))
    assert by_grade == rt.SeniorWoman(grade_name="99")
    assert by_grade.text() == "现任99（职级，属相应职务层次）"


def test_it_hands_the_senior_lists_to_the_womens_rule() -> None:
    def base_age(**kwargs: Any) -> int:
        found = rt.statutory_retirement(sex="2", birth=(1975, 5), **kwargs)
        assert found is not None
        return found.base_age

    assert base_age(rank_level="141") == 55
    assert base_age(rank_level="141", senior_rank_levels=("141",)) == 60
    assert base_age(professional_title="主任编辑") == 60
    assert base_age(professional_title="主任编辑", senior_title_words=("教授",)) == 55
    assert base_age(professional_title="副教授", senior_title_excluded=("副教授",)) == 55
    assert base_age(grade="07") == 55
    assert base_age(grade="07", senior_grades=("07",)) == 60


def test_it_bounds_births_whose_delay_is_at_the_cap() -> None:
    # Born 2017-01: 60 + 36 months (the cap) = 63 → 2080-01, in time; 2017-02 → 2080-02.
    assert rt.latest_birth_retiring_by((2080, 1), 60) == (2017, 1)
    # Women cadres, 55 + 36 months: born 2022-01 → 58 → 2080-01.
    assert rt.latest_birth_retiring_by((2080, 1), 55) == (2022, 1)
    # Women workers, 50 + 60 months: born 2025-01 → 55 → 2080-01.
    assert rt.latest_birth_retiring_by((2080, 1), 50) == (2025, 1)


def test_it_refuses_a_womens_base_age_other_than_55_or_50() -> None:
    with pytest.raises(
        ValueError, match=r"^female_base_age must be 55 \(cadres\) or 50 \(workers\)$"
    ):
        rt.statutory_retirement(sex="2", birth=(1975, 5), female_base_age=60)
    # A senior woman retires at 60 by 组通字〔2015〕14号 whatever the base age given.
    found = rt.statutory_retirement(sex="2", birth=(1975, 5), rank_level="132", female_base_age=60)
    assert found is not None
    assert found.base_age == 60
