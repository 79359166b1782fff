"""法定退休年龄: the month a person reaches it, with the reasons spelled out.

Pure functions (no database), so the 到龄退休 alert rule (alerts/rules/people.py), the roster's
退休时间 column, the cadre page and the tests compute the same answer. A cadre's own fact, so it
lives with the cadre; the alert rule reads it from here. Sources (docs/rules.md, "Retirement"):

- 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》(2024-09-13, from
  2025-01-01): over 15 years, men 60 → 63, women 55 → 58 and women 50 → 55; the delay grows
  by one month per 4 months of birth (per 2 months for the women of 50).
- 组通字〔2015〕14号: women cadres at 正/副县处级 "及相应职务层次" (and women with a 高级职称)
  retire at 60. In 2015 the 相应职务层次 were the 非领导职务 调研员 and 副调研员; since 2019
  (《公务员职务与职级并行规定》) they are the 职级 一级至四级调研员 (县处级), so a woman
  holding such a 职级 (or a 巡视员 one, above) is covered by default —
  ``senior_women_by_grade`` turns this reading off.
  How that rule meets the 2025 reform is **unverified** (docs/rules.md,
  "Retirement"): ``senior_women_schedule`` chooses "male" (the men's schedule, the default) or
  "fixed60" (60 with no delay), and the explanation says which was used.

The month steps follow the algorithm of docs/rules.md, "Retirement": the first cohort month is
delayed one month (men born 1965-01 retire at 60岁1个月); the official 对照表 edge rows are
unverified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from core.choices import CodeTable
from core.codes import read_table
from core.dates import add_months
from core.ranks import at_or_above, rank_names

REFORM_START = (2025, 1)  # the 决定 applies to retirements due from this month on

# Base age → (months of birth per month of delay, maximum delay in months).
PACE: dict[int, tuple[int, int]] = {60: (4, 36), 55: (4, 36), 50: (2, 60)}

SCHEDULE_MALE = "male"
SCHEDULE_FIXED60 = "fixed60"
SENIOR_WOMEN_SCHEDULES = (SCHEDULE_MALE, SCHEDULE_FIXED60)

# 组通字〔2015〕14号: 正、副县处级 and above. GB/T 12407 codes 101…132 (a lower code is a
# higher level); 141/142 乡科级 and 150… 科员级 are not covered.
SENIOR_RANK_LEVELS: tuple[str, ...] = at_or_above("132")
# The 职级 of the same levels (GRADE.csv, 并行规定 第八条): 一级、二级巡视员 (厅局级) and 一级至
# 四级调研员 (县处级) — the "相应职务层次" of 组通字〔2015〕14号 once 调研员、副调研员 became them.
SENIOR_GRADES: tuple[str, ...] = ("01", "02", "03", "04", "05", "06")
# 高级职称 (正高 and 副高) as GB 8561 names them; a title containing one of these words counts,
# unless it also contains an excluded word (助理研究员 is 初/中级 although it says 研究员).
SENIOR_TITLE_WORDS: tuple[str, ...] = (
    "正高",
    "副高",
    "高级",
    "教授",
    "研究员",
    "研究馆员",
    "编审",
    "主任医师",
    "主任药师",
    "主任护师",
    "主任技师",
    "主任法医师",
    "主任记者",
    "主任编辑",
    "主任播音员",
    "主任舞台技师",
)
SENIOR_TITLE_EXCLUDED: tuple[str, ...] = ("助理研究员",)

REFORM = "2025年渐进式延迟退休办法"
SENIOR_WOMEN_RULE = "组通字〔2015〕14号"

YearMonth = tuple[int, int]


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def from_index(index: int) -> YearMonth:
    year, month = divmod(index, 12)
    return year, month + 1


def cohort_start(base_age: int) -> YearMonth:
    """The first birth month the reform delays: the cohort reaching ``base_age`` in 2025-01."""
    return REFORM_START[0] - base_age, REFORM_START[1]


def delay_months(birth: YearMonth, base_age: int) -> int:
    """Months by which the 2025 reform delays retirement for a base age of 60, 55 or 50."""
    step, cap = PACE[base_age]
    n = month_index(*birth) - month_index(*cohort_start(base_age))
    return 0 if n < 0 else min(cap, n // step + 1)


def age_text(months: int) -> str:
    """``60周岁`` / ``60岁5个月``."""
    years, rest = divmod(months, 12)
    return f"{years}岁{rest}个月" if rest else f"{years}周岁"


@dataclass(frozen=True)
class Retirement:
    """A person's statutory retirement: the age, the month, and why."""

    base_age: int  # 原法定退休年龄 (60, 55, 50)
    delay_months: int  # 2025 reform delay (0 when not applied)
    retirement_age_months: int
    year: int  # the month the age is reached
    month: int
    explanation: str

    @property
    def month_index(self) -> int:
        return month_index(self.year, self.month)

    @property
    def age(self) -> str:
        return age_text(self.retirement_age_months)

    @property
    def month_text(self) -> str:
        """``2041.03``: the 退休时间 as the roster and the cadre page write a month."""
        return f"{self.year}.{self.month:02d}"

    def reached_on(self, birth_date: dt.date) -> dt.date:
        """The day the age is reached (the birthday in the retirement month, clamped)."""
        return add_months(birth_date, self.retirement_age_months)


@dataclass(frozen=True)
class SeniorWoman:
    """Why a woman falls under 组通字〔2015〕14号 (empty strings when she does not)."""

    rank_name: str = ""
    title: str = ""
    grade_name: str = ""

    def __bool__(self) -> bool:
        return bool(self.rank_name or self.title or self.grade_name)

    def text(self) -> str:
        parts = []
        if self.rank_name:
            parts.append(f"现任{self.rank_name}")
        if self.grade_name:
            parts.append(f"现任{self.grade_name}（职级，属相应职务层次）")
        if self.title:
            parts.append(f"具有高级职称（{self.title}）")
        return "、".join(parts)


@cache
def grade_names() -> dict[str, str]:
    """职级 names from the code table CSV."""
    return {row["code"]: row["name"] for row in read_table(CodeTable.GRADE)}


def is_senior_title(
    title: str,
    words: Sequence[str] = SENIOR_TITLE_WORDS,
    excluded: Sequence[str] = SENIOR_TITLE_EXCLUDED,
) -> bool:
    """Is ``title`` a 高级职称 (正高 or 副高) by its name?"""
    return bool(title) and any(w in title for w in words) and not any(x in title for x in excluded)


def senior_woman(
    *,
    rank_level: str = "",  # pragma: no mutate (equivalent: docs/testing.md)
    professional_title: str = "",  # pragma: no mutate (equivalent: docs/testing.md)
    senior_rank_levels: Sequence[str] = SENIOR_RANK_LEVELS,
    senior_title_words: Sequence[str] = SENIOR_TITLE_WORDS,
    senior_title_excluded: Sequence[str] = SENIOR_TITLE_EXCLUDED,
    grade: str = "",  # pragma: no mutate (equivalent: docs/testing.md)
    senior_women_by_grade: bool = True,
    senior_grades: Sequence[str] = SENIOR_GRADES,
) -> SeniorWoman:
    """The grounds of 组通字〔2015〕14号 a woman meets: her level, her 职级 (unless
    ``senior_women_by_grade`` is off), her title, several or none."""
    rank = rank_names().get(rank_level, rank_level) if rank_level in senior_rank_levels else ""
    title = professional_title.strip()
    if not is_senior_title(title, senior_title_words, senior_title_excluded):
        title = ""
    by_grade = senior_women_by_grade and grade in senior_grades
    return SeniorWoman(rank, title, grade_names().get(grade, grade) if by_grade else "")


def birth_text(sex: str, birth: YearMonth) -> str:
    return f"{'男' if sex == '1' else '女'}，{birth[0]}年{birth[1]}月出生"


def _delay_text(base_age: int, delay: int, how: str = f"按{REFORM}") -> str:
    if delay == 0:
        first = cohort_start(base_age)
        return f"{first[0]}年{first[1]}月前出生，不适用{REFORM}"
    capped = "（已达上限）" if delay == PACE[base_age][1] else ""
    return f"{how}延迟{delay}个月{capped}"


def statutory_retirement(
    *,
    sex: str,
    birth: dt.date | YearMonth,
    rank_level: str = "",  # pragma: no mutate (equivalent: docs/testing.md)
    professional_title: str = "",  # pragma: no mutate (equivalent: docs/testing.md)
    female_base_age: int = 55,
    senior_women_schedule: str = SCHEDULE_MALE,
    senior_rank_levels: Sequence[str] = SENIOR_RANK_LEVELS,
    senior_title_words: Sequence[str] = SENIOR_TITLE_WORDS,
    senior_title_excluded: Sequence[str] = SENIOR_TITLE_EXCLUDED,
    grade: str = "",  # pragma: no mutate (equivalent: docs/testing.md)
    senior_women_by_grade: bool = True,
    senior_grades: Sequence[str] = SENIOR_GRADES,
) -> Retirement | None:
    """The statutory retirement of a person of ``sex`` (GB/T 2261.1: "1" 男, "2" 女) born in
    ``birth``; None when the sex is not recorded.

    ``female_base_age`` is 55 for women cadres (the default) and 50 for women workers; a
    woman at 县处级 (by her level, or by her 职级 ``grade`` unless ``senior_women_by_grade``
    is off) or with a 高级职称 retires at 60 (组通字〔2015〕14号), delayed on the men's
    schedule or not at all as ``senior_women_schedule`` says.
    """
    if senior_women_schedule not in SENIOR_WOMEN_SCHEDULES:
        raise ValueError(f"senior_women_schedule must be one of {SENIOR_WOMEN_SCHEDULES}")
    ym = (birth.year, birth.month) if isinstance(birth, dt.date) else birth
    head = birth_text(sex, ym)
    if sex == "1":
        base, delay = 60, delay_months(ym, 60)
        reason = f"原法定退休年龄60周岁，{_delay_text(60, delay)}"
    elif sex == "2":
        grounds = senior_woman(
            rank_level=rank_level,
            professional_title=professional_title,
            senior_rank_levels=senior_rank_levels,
            senior_title_words=senior_title_words,
            senior_title_excluded=senior_title_excluded,
            grade=grade,
            senior_women_by_grade=senior_women_by_grade,
            senior_grades=senior_grades,
        )
        if grounds:
            base = 60
            head = f"{head}，{grounds.text()}"
            caveat = f"该规定与{REFORM}的衔接未核实，"
            if senior_women_schedule == SCHEDULE_FIXED60:
                delay = 0
                how = f"{caveat}暂按60周岁、不延迟计算"
            else:
                delay = delay_months(ym, 60)
                how = caveat + _delay_text(60, delay, "暂按男职工的延迟办法")
            reason = f"按{SENIOR_WOMEN_RULE}年满60周岁退休（本人申请可55周岁退休）；{how}"
        else:
            if female_base_age not in (55, 50):
                raise ValueError("female_base_age must be 55 (cadres) or 50 (workers)")
            base, delay = female_base_age, delay_months(ym, female_base_age)
            reason = f"原法定退休年龄{base}周岁，{_delay_text(base, delay)}"
    else:
        return None
    age_months = base * 12 + delay
    year, month = from_index(month_index(*ym) + age_months)
    explanation = f"{head}：{reason}，退休年龄{age_text(age_months)}，{year}年{month}月达到退休年龄"
    return Retirement(
        base_age=base,
        delay_months=delay,
        retirement_age_months=age_months,
        year=year,
        month=month,
        explanation=explanation,
    )


def latest_birth_retiring_by(until: YearMonth, base_age: int) -> YearMonth:
    """The latest birth month whose retirement (base age plus delay) falls in or before
    ``until``: retirement months never decrease with the birth month, so this bounds a
    birth-date filter in SQL."""
    # The search range is wide on purpose: a wider one gives the same answer, so mutating its
    # bounds yields only equivalent mutants (docs/testing.md, "Mutation testing").
    until_index = month_index(*until)
    low = until_index - (base_age * 12 + PACE[base_age][1]) - 1  # pragma: no mutate
    high = until_index - base_age * 12  # pragma: no mutate
    best = low  # pragma: no mutate
    for index in range(low, high + 1):  # pragma: no mutate
        birth = from_index(index)
        if index + base_age * 12 + delay_months(birth, base_age) <= until_index:
            best = index
    return from_index(best)


# ---------------------------------------------------------------- a cadre's 退休时间

# The cadre fields the retirement depends on (the roster loads them with the row).
CADRE_FIELDS = ("sex", "birth_date", "rank_level", "professional_title", "grade")


def cadre_retirement(
    *,
    sex: str,
    birth_date: dt.date,
    rank_level: str,
    professional_title: str,
    grade: str,
) -> Retirement | None:
    """A cadre's statutory retirement by the default reading of the rules: what the 到龄退休
    alert finds with its default parameters (an administrator's change to those parameters
    changes the alerts, not this). None when the sex is not recorded. About 10 µs: no cache,
    even for an export of every cadre of a province."""
    return statutory_retirement(
        sex=sex,
        birth=birth_date,
        rank_level=rank_level,
        professional_title=professional_title,
        grade=grade,
    )


def retirement_month(
    *,
    sex: str,
    birth_date: dt.date,
    rank_level: str,
    professional_title: str,
    grade: str,
) -> str:
    """The 退休时间 ``YYYY.MM`` of the roster; empty when the sex is not recorded."""
    found = cadre_retirement(
        sex=sex,
        birth_date=birth_date,
        rank_level=rank_level,
        professional_title=professional_title,
        grade=grade,
    )
    return found.month_text if found else ""
