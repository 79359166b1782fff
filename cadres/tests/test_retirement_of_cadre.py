"""A cadre's 退休时间 (cadres/retirement.py, ``cadre_retirement`` and ``retirement_month``):
the statutory retirement from the cadre's own fields, as the roster and the cadre page show it."""

from __future__ import annotations

import datetime as dt

import pytest

from cadres import retirement as rt

D = dt.date

CASES = [
    # (sex, birth, rank level, professional title, 职级, 退休时间)
    ("1", D(1978, 3, 15), "", "", "", "2041.03"),  # 60 + 36 months (the cap)
    ("1", D(1966, 3, 12), "131", "高级工程师", "03", "2026.07"),  # a man: 60 + 4, level or not
    ("2", D(1970, 6, 1), "", "", "", "2025.08"),  # a woman cadre: 55 + 2
    ("2", D(1970, 6, 1), "141", "助理研究员", "07", "2025.08"),  # 乡科级, no 高级职称, 职级 below
    ("2", D(1970, 6, 1), "132", "", "", "2031.11"),  # 副县处级: 60 + 17 (men's schedule)
    ("2", D(1970, 6, 1), "", " 高级经济师 ", "", "2031.11"),  # a 高级职称
    ("2", D(1970, 6, 1), "", "", "06", "2031.11"),  # 四级调研员, a 县处级 职级
    ("9", D(1970, 6, 1), "", "", "", ""),  # sex not recorded
    ("", D(1970, 6, 1), "", "", "", ""),
]


@pytest.mark.parametrize(("sex", "birth", "rank", "title", "grade", "month"), CASES)
def test_it_gives_the_month_the_statutory_rule_gives(sex, birth, rank, title, grade, month):
    fields = {
        "sex": sex,
        "birth_date": birth,
        "rank_level": rank,
        "professional_title": title,
        "grade": grade,
    }
    assert rt.retirement_month(**fields) == month
    found = rt.cadre_retirement(**fields)
    assert found == rt.statutory_retirement(
        sex=sex, birth=birth, rank_level=rank, professional_title=title, grade=grade
    )
    assert (found.month_text if found else "") == month


def test_it_writes_the_month_with_two_digits() -> None:
    found = rt.statutory_retirement(sex="1", birth=(1966, 3))
    assert found is not None
    assert (found.year, found.month, found.month_text) == (2026, 7, "2026.07")
    later = rt.statutory_retirement(sex="2", birth=(1970, 6), rank_level="132")
    assert later is not None
    assert later.month_text == "2031.11"


def test_its_fields_are_the_cadre_fields_it_reads() -> None:
    from cadres.models import Cadre

    names = {f.name for f in Cadre._meta.concrete_fields}
    assert set(rt.CADRE_FIELDS) <= names
