"""The figures a 选拔任用 case enforces, each with the text it comes from (docs/architecture.md,
"Services and selectors").

Sources are the ones recorded in docs/rules.md, "Selection"; the 2019 article numbers are
unverified there, so the 2014 numbers are cited where only those are known.
"""

from __future__ import annotations

from dataclasses import dataclass

from cadres.choices import AssessmentGrade
from core.ranks import rank_ladder


@dataclass(frozen=True)
class Rule:
    value: int
    source: str


# 近三年年度考核结果中有被确定为基本称职以下等次的，不得列为考察对象.
ASSESSMENT_YEARS = Rule(3, "《党政领导干部选拔任用工作条例》不得列为考察对象的情形")
BELOW_COMPETENT: tuple[str, ...] = (AssessmentGrade.BASIC, AssessmentGrade.INCOMPETENT)

# 任职试用期未满或者提拔任职不满一年的，不得破格提拔 (2014条例 Art.9).
EXCEPTIONAL_AFTER_PROMOTION_MONTHS = Rule(12, "2014《条例》第九条：提拔任职不满一年的不得破格提拔")

# 不得越两级提拔 (2014条例 Art.9): one level may be skipped (越级), two may not. A step is
# one place on the GB/T 12407 ladder below, so 越两级 is a target more than 2 steps up.
EXCEPTIONAL_MAX_STEPS = Rule(2, "2014《条例》第九条：不得越两级提拔")

# 以应到会成员超过半数同意形成决定 (2014条例 Art.38(三)).
DECISION_MAJORITY_SOURCE = "2014《条例》第三十八条：以应到会成员超过半数同意形成决定"

# 公示期不少于五个工作日 (2014条例 Art.41).
NOTICE_MIN_WORKING_DAYS = Rule(5, "2014《条例》第四十一条：公示期不少于五个工作日")

# 试用期为一年 (2014条例 Art.42).
PROBATION_MONTHS = Rule(12, "2014《条例》第四十二条：试用期为一年")

# GB/T 12407-2008 领导职务层次, lowest first (core/ranks.py, from the code table).
RANK_LADDER: tuple[str, ...] = rank_ladder()
