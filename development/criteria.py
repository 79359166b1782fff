"""A pool's 入库条件 as data: the JSON stored on ``Pool.criteria`` and its typed reading.

The stored shape (``CriteriaJSON``)::

    {"max_age": 35, "rank_levels": ["141", "142"], "min_education": "2",
     "expertise_keywords": ["规划", "财政"],
     "recent_assessments": {"years": 3, "none_below_competent": true, "min_excellent": 1}}

Every key is optional; a missing or empty one does not narrow the candidates. Ages are
counted by month, as the 干部任免审批表 counts them (docs/lrmx.md: 计算年龄时间 is a month), so
the age limit is the same one the roster's age filter applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

from django.core.exceptions import ValidationError

from core.choices import CodeTable
from core.selectors import code_map
from development.choices import EducationGroup

MIN_AGE_LIMIT, MAX_AGE_LIMIT = 18, 70
MAX_KEYWORDS, MAX_KEYWORD_LENGTH = 20, 20
MAX_ASSESSMENT_YEARS = 10
_SPLIT = re.compile(r"[\s,，、;；]+")


class RecentAssessmentsJSON(TypedDict, total=False):
    years: int
    none_below_competent: bool
    min_excellent: int


class CriteriaJSON(TypedDict):
    max_age: NotRequired[int | None]
    rank_levels: NotRequired[list[str]]
    min_education: NotRequired[str]
    expertise_keywords: NotRequired[list[str]]
    recent_assessments: NotRequired[RecentAssessmentsJSON]


@dataclass(frozen=True, slots=True)
class PoolCriteria:
    """Typed criteria. ``assessment_years`` N looks at the N years before ``today``'s year."""

    max_age: int | None = None
    rank_levels: tuple[str, ...] = ()
    min_education: str = ""
    expertise_keywords: tuple[str, ...] = ()
    assessment_years: int = 0
    none_below_competent: bool = False
    min_excellent: int = 0

    @property
    def checks_assessments(self) -> bool:
        return self.assessment_years > 0 and (self.none_below_competent or self.min_excellent > 0)

    def to_json(self) -> CriteriaJSON:
        data: CriteriaJSON = {
            "max_age": self.max_age,
            "rank_levels": list(self.rank_levels),
            "min_education": self.min_education,
            "expertise_keywords": list(self.expertise_keywords),
        }
        if self.assessment_years:
            data["recent_assessments"] = {
                "years": self.assessment_years,
                "none_below_competent": self.none_below_competent,
                "min_excellent": self.min_excellent,
            }
        return data

    def describe(self) -> list[str]:
        """The criteria in the words of a 干部科 notice, one phrase each."""
        parts: list[str] = []
        if self.max_age is not None:
            parts.append(f"{self.max_age}岁及以下")
        if self.rank_levels:
            names = code_map(table=CodeTable.RANK_LEVEL)
            parts.append("、".join(names.get(code, code) for code in self.rank_levels))
        if self.min_education:
            parts.append(EducationGroup(self.min_education).label)
        if self.expertise_keywords:
            parts.append("专长含：" + "、".join(self.expertise_keywords))
        if self.checks_assessments:
            wants = []
            if self.none_below_competent:
                wants.append("无基本称职及以下等次")
            if self.min_excellent:
                wants.append(f"至少{self.min_excellent}次优秀")
            parts.append(f"近{self.assessment_years}年考核" + "、".join(wants))
        return parts


def split_keywords(text: str) -> list[str]:
    """Keywords typed in one box, separated by spaces, commas or 顿号."""
    return [word for word in _SPLIT.split(text or "") if word]


def _int(value: Any, field: str, label: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[field] = f"{label}应为整数"
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        errors[field] = f"{label}应为整数"
        return None


def parse_criteria(data: Any) -> PoolCriteria:
    """Check stored or submitted criteria; errors are keyed by the form's field names."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError({"criteria": "入库条件格式不正确"})
    errors: dict[str, str] = {}
    max_age = _int(data.get("max_age"), "max_age", "年龄上限", errors)
    if max_age is not None and not MIN_AGE_LIMIT <= max_age <= MAX_AGE_LIMIT:
        errors["max_age"] = f"年龄上限应在 {MIN_AGE_LIMIT}–{MAX_AGE_LIMIT} 岁之间"
    ranks = data.get("rank_levels") or []
    if not isinstance(ranks, list | tuple) or not all(isinstance(r, str) for r in ranks):
        errors["rank_levels"] = "领导职务层次格式不正确"
        ranks = []
    known = code_map(table=CodeTable.RANK_LEVEL)
    if unknown := [r for r in ranks if r not in known]:
        errors["rank_levels"] = f"领导职务层次代码不在代码表中：{'、'.join(unknown)}"
    education = data.get("min_education") or ""
    if education not in ("", *EducationGroup.values):
        errors["min_education"] = "最低学历应为研究生、大学本科或大学专科"
    words = data.get("expertise_keywords") or []
    if isinstance(words, str):
        words = split_keywords(words)
    if not isinstance(words, list | tuple) or not all(isinstance(w, str) for w in words):
        errors["expertise_keywords"] = "专长关键词格式不正确"
        words = []
    words = list(dict.fromkeys(w.strip() for w in words if w.strip()))
    if len(words) > MAX_KEYWORDS:
        errors["expertise_keywords"] = f"专长关键词不能超过 {MAX_KEYWORDS} 个"
    elif any(len(w) > MAX_KEYWORD_LENGTH for w in words):
        errors["expertise_keywords"] = f"每个专长关键词不能超过 {MAX_KEYWORD_LENGTH} 个字"
    recent = data.get("recent_assessments") or {}
    if not isinstance(recent, dict):
        errors["assessment_years"] = "考核条件格式不正确"
        recent = {}
    years = _int(recent.get("years"), "assessment_years", "考核年数", errors) or 0
    excellent = _int(recent.get("min_excellent"), "min_excellent", "优秀次数", errors) or 0
    none_below = bool(recent.get("none_below_competent"))
    if not 0 <= years <= MAX_ASSESSMENT_YEARS:
        errors["assessment_years"] = f"考核年数应在 0–{MAX_ASSESSMENT_YEARS} 之间"
    elif (none_below or excellent) and years == 0:
        errors["assessment_years"] = "设置了考核条件，请填写看近几年的考核"
    if excellent < 0 or (years and excellent > years):
        errors["min_excellent"] = "优秀次数不能为负数，也不能多于考核年数"
    if errors:
        raise ValidationError(errors)
    return PoolCriteria(
        max_age=max_age,
        rank_levels=tuple(sorted(set(ranks))),
        min_education=education,
        expertise_keywords=tuple(words),
        assessment_years=years,
        none_below_competent=none_below and years > 0,
        min_excellent=excellent,
    )
