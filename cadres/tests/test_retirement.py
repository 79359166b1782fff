"""法定退休年龄 under the 2025 gradual reform (docs/rules.md, "Retirement"), hand-computed rows.

Each expected row was worked out by hand from the pace rule: the first cohort month is
delayed one month, every further ``step`` birth months one more, up to the cap. E.g. a man
born 1966-03 is the 15th birth month from 1965-01 (offset 14): 14 // 4 + 1 = 4 months, so
60岁4个月, reached 1966-03 + 60y4m = 2026-07.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cadres import retirement as rt

D = dt.date


@pytest.mark.parametrize(
    ("birth", "delay", "age", "reached"),
    [
        ((1964, 12), 0, "60周岁", (2024, 12)),  # last month before the reform
        ((1965, 1), 1, "60岁1个月", (2025, 2)),  # first affected month
        ((1965, 4), 1, "60岁1个月", (2025, 5)),  # last of the first step
        ((1965, 5), 2, "60岁2个月", (2025, 7)),  # first of the second step
        ((1965, 8), 2, "60岁2个月", (2025, 10)),
        ((1965, 9), 3, "60岁3个月", (2025, 12)),
        ((1965, 12), 3, "60岁3个月", (2026, 3)),
        ((1966, 1), 4, "60岁4个月", (2026, 5)),
        ((1966, 3), 4, "60岁4个月", (2026, 7)),
        ((1970, 1), 16, "61岁4个月", (2031, 5)),  # offset 60: 60 // 4 + 1
        ((1976, 5), 35, "62岁11个月", (2039, 4)),  # first of the last step below the cap
        ((1976, 8), 35, "62岁11个月", (2039, 7)),  # last month below the cap
        ((1976, 9), 36, "63周岁", (2039, 9)),  # the cap: 63
        ((1986, 6), 36, "63周岁", (2049, 6)),
        ((2009, 1), 36, "63周岁", (2072, 1)),
    ],
)
def test_it_delays_men_one_month_per_four_months_of_birth(
    birth: rt.YearMonth, delay: int, age: str, reached: rt.YearMonth
) -> None:
    found = rt.statutory_retirement(sex="1", birth=birth)
    assert found is not None
    assert (found.base_age, found.delay_months, found.age) == (60, delay, age)
    assert found.retirement_age_months == 720 + delay
    assert (found.year, found.month) == reached


@pytest.mark.parametrize(
    ("birth", "delay", "age", "reached"),
    [
        ((1969, 12), 0, "55周岁", (2024, 12)),
        ((1970, 1), 1, "55岁1个月", (2025, 2)),
        ((1970, 4), 1, "55岁1个月", (2025, 5)),
        ((1970, 5), 2, "55岁2个月", (2025, 7)),
        ((1981, 8), 35, "57岁11个月", (2039, 7)),
        ((1981, 9), 36, "58周岁", (2039, 9)),  # the cap: 58
        ((1990, 2), 36, "58周岁", (2048, 2)),
    ],
)
def test_it_delays_women_cadres_from_55_to_58(
    birth: rt.YearMonth, delay: int, age: str, reached: rt.YearMonth
) -> None:
    found = rt.statutory_retirement(sex="2", birth=birth)
    assert found is not None
    assert (found.base_age, found.delay_months, found.age) == (55, delay, age)
    assert (found.year, found.month) == reached


@pytest.mark.parametrize(
    ("birth", "delay", "age", "reached"),
    [
        ((1974, 12), 0, "50周岁", (2024, 12)),
        ((1975, 1), 1, "50岁1个月", (2025, 2)),
        ((1975, 2), 1, "50岁1个月", (2025, 3)),  # two birth months per step
        ((1975, 3), 2, "50岁2个月", (2025, 5)),
        ((1975, 4), 2, "50岁2个月", (2025, 6)),
        ((1984, 9), 59, "54岁11个月", (2039, 8)),
        ((1984, 10), 59, "54岁11个月", (2039, 9)),
        ((1984, 11), 60, "55周岁", (2039, 11)),  # the cap: 55
    ],
)
def test_it_delays_women_workers_from_50_to_55_one_month_per_two(
    birth: rt.YearMonth, delay: int, age: str, reached: rt.YearMonth
) -> None:
    found = rt.statutory_retirement(sex="2", birth=birth, female_base_age=50)
    assert found is not None
    assert (found.base_age, found.delay_months, found.age) == (50, delay, age)
    assert (found.year, found.month) == reached


@pytest.mark.parametrize(("base", "step", "cap"), [(60, 4, 36), (55, 4, 36), (50, 2, 60)])
def test_it_gives_every_cohort_step_exactly_step_birth_months(
    base: int, step: int, cap: int
) -> None:
    # Walk the birth months one by one from a year before the reform's first cohort: the
    # delay is 0, then each value 1..cap-1 lasts exactly ``step`` months, then stays at cap.
    year = 2024 - base
    months = [(year + i // 12, i % 12 + 1) for i in range(12 + cap * step + 24)]
    delays = [rt.delay_months(m, base) for m in months]
    assert delays[:12] == [0] * 12
    for k in range(1, cap):
        first = 12 + (k - 1) * step
        assert delays[first - 1] == k - 1, months[first]
        assert delays[first : first + step] == [k] * step, months[first]
    assert set(delays[12 + (cap - 1) * step :]) == {cap}


def test_it_agrees_with_the_published_1986_and_2009_rows() -> None:
    # tuixiunianling.cc/tuixiu/1986.html and /2009.html: 男 63周岁, 原50女 55岁.
    for year in (1986, 2009):
        for month in (1, 6, 12):
            man = rt.statutory_retirement(sex="1", birth=(year, month))
            worker = rt.statutory_retirement(sex="2", birth=(year, month), female_base_age=50)
            assert man is not None
            assert worker is not None
            assert man.age == "63周岁"
            assert worker.age == "55周岁"


def test_it_explains_every_input() -> None:
    man = rt.statutory_retirement(sex="1", birth=D(1966, 3, 12))
    assert man is not None
    assert man.explanation == (
        "男，1966年3月出生：原法定退休年龄60周岁，按2025年渐进式延迟退休办法延迟4个月，"
        "退休年龄60岁4个月，2026年7月达到退休年龄"
    )
    before = rt.statutory_retirement(sex="1", birth=(1964, 12))
    assert before is not None
    assert before.explanation == (
        "男，1964年12月出生：原法定退休年龄60周岁，1965年1月前出生，不适用2025年渐进式延迟"
        "退休办法，退休年龄60周岁，2024年12月达到退休年龄"
    )
    capped = rt.statutory_retirement(sex="2", birth=(1981, 9))
    assert capped is not None
    assert "延迟36个月（已达上限），退休年龄58周岁，2039年9月达到退休年龄" in capped.explanation
    assert rt.statutory_retirement(sex="9", birth=(1970, 1)) is None


def test_it_retires_senior_women_at_60_on_the_mens_schedule_by_default() -> None:
    # 女, 1967-01, 县处级正职: 60 on the men's schedule — offset 24 from 1965-01, 24 // 4 + 1
    # = 7 months, 60岁7个月, 1967-01 + 60y7m = 2027-08. As a plain woman cadre: 55, born
    # before 1970-01, 2022-01.
    senior = rt.statutory_retirement(sex="2", birth=(1967, 1), rank_level="131")
    assert senior is not None
    assert (senior.base_age, senior.delay_months, senior.year, senior.month) == (60, 7, 2027, 8)
    assert senior.explanation == (
        "女，1967年1月出生，现任县处级正职：按组通字〔2015〕14号年满60周岁退休（本人申请可55周岁"
        "退休）；该规定与2025年渐进式延迟退休办法的衔接未核实，暂按男职工的延迟办法延迟7个月，"
        "退休年龄60岁7个月，2027年8月达到退休年龄"
    )
    fixed = rt.statutory_retirement(
        sex="2", birth=(1967, 1), rank_level="131", senior_women_schedule="fixed60"
    )
    assert fixed is not None
    assert (fixed.age, fixed.year, fixed.month) == ("60周岁", 2027, 1)
    assert "暂按60周岁、不延迟计算" in fixed.explanation
    plain = rt.statutory_retirement(sex="2", birth=(1967, 1), rank_level="141")
    assert plain is not None
    assert (plain.age, plain.year, plain.month) == ("55周岁", 2022, 1)
    # A man is never on the women's rule, whatever his level.
    man = rt.statutory_retirement(sex="1", birth=(1967, 1), rank_level="131")
    assert man is not None
    assert "组通字" not in man.explanation
    with pytest.raises(ValueError, match="senior_women_schedule"):
        rt.statutory_retirement(sex="2", birth=(1967, 1), senior_women_schedule="female")


@pytest.mark.parametrize(
    ("rank_level", "title", "senior"),
    [
        ("132", "", True),  # 县处级副职
        ("122", "", True),  # 厅局级副职: above 县处级
        ("141", "", False),  # 乡科级正职
        ("150", "", False),  # 科员级
        ("", "副教授", True),
        ("", "高级经济师", True),
        ("", "副主任医师", True),
        ("", "研究馆员（档案）", True),
        ("", "助理研究员（自然科学）", False),
        ("", "馆员（档案）", False),
        ("", "经济师", False),
    ],
)
def test_it_tells_senior_women_by_level_or_title(rank_level: str, title: str, senior: bool) -> None:
    assert bool(rt.senior_woman(rank_level=rank_level, professional_title=title)) is senior
    found = rt.statutory_retirement(
        sex="2", birth=(1975, 5), rank_level=rank_level, professional_title=title
    )
    assert found is not None
    assert found.base_age == (60 if senior else 55)


def test_it_takes_the_senior_lists_as_parameters() -> None:
    assert not rt.senior_woman(professional_title="主任编辑", senior_title_words=("教授",))
    assert rt.senior_woman(rank_level="141", senior_rank_levels=("131", "132", "141"))
    assert not rt.senior_woman(professional_title="副教授", senior_title_excluded=("副教授",))


def test_it_bounds_the_latest_birth_retiring_by_a_month() -> None:
    # By 2027-11: a man born 1967-04 (offset 27 → 7 months, 60岁7个月 → 2027-11) retires in
    # time, one born 1967-05 (offset 28 → 8 months → 2028-01) does not.
    assert rt.latest_birth_retiring_by((2027, 11), 60) == (1967, 4)
    assert rt.latest_birth_retiring_by((2027, 11), 55) == (1972, 4)
    assert rt.latest_birth_retiring_by((2024, 6), 60) == (1964, 6)  # before the reform


def test_it_reaches_the_age_on_the_birthday_of_the_retirement_month() -> None:
    found = rt.statutory_retirement(sex="1", birth=D(1966, 10, 31))
    assert found is not None
    # offset 21 → 6 months: 60岁6个月, 2027-04 has no 31st.
    assert found.reached_on(D(1966, 10, 31)) == D(2027, 4, 30)
    leap = rt.statutory_retirement(sex="1", birth=D(1964, 2, 29))
    assert leap is not None
    assert leap.reached_on(D(1964, 2, 29)) == D(2024, 2, 29)
