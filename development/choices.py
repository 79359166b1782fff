"""Kinds and statuses of the cadre pools (优秀年轻干部库, 专业化干部库)."""

from django.db import models


class PoolKind(models.TextChoices):
    """What a pool is for: the seed's 常态发现机制 names young and specialist cadres."""

    YOUNG = "young", "优秀年轻干部库"
    SPECIALIST = "specialist", "专业化干部库"
    OTHER = "other", "其他干部库"


class EntryStatus(models.TextChoices):
    """Whether a cadre is in a pool; an exit closes the entry, a re-entry opens a new one."""

    IN = "in", "在库"
    OUT = "out", "已出库"


# docs/architecture.md, "Services and selectors": the only way an entry changes status. An exited
# entry is history and stays
# as it is; putting the cadre back creates a new entry.
ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryStatus.IN: frozenset({EntryStatus.OUT}),
    EntryStatus.OUT: frozenset(),
}


class EvidenceTag(models.TextChoices):
    """学过、干过、管用 — the three things the seed asks to weigh in a cadre."""

    STUDIED = "studied", "学过"
    DONE = "done", "干过"
    PROVEN = "proven", "管用"


# Bootstrap colours of the tag badges, in the order the tags read (学过 → 干过 → 管用).
EVIDENCE_COLOURS: dict[str, str] = {
    EvidenceTag.STUDIED: "primary",
    EvidenceTag.DONE: "warning",
    EvidenceTag.PROVEN: "success",
}


class EducationGroup(models.TextChoices):
    """Minimum 学历 of a pool's criteria: the top-level groups of the ZB64 code table.

    A group admits its own codes and those of every higher group; codes without a group
    (35 中专 … 39 小学) never qualify.
    """

    POSTGRADUATE = "1", "研究生"
    UNDERGRADUATE = "2", "大学本科及以上"
    COLLEGE = "3", "大学专科及以上"


class ProgrammeKind(models.TextChoices):
    """The seed's development programmes; ``other`` is named by the programme."""

    HEAD_UPLIFT = "head_uplift", "一把手提质"
    SPECIALIST_EMPOWERMENT = "specialist_empowerment", "专业干部赋能"
    YOUNG_GRASSROOTS = "young_grassroots", "年轻干部墩苗"
    SECONDMENT = "secondment", "挂职锻炼"
    OTHER = "other", "其他"


# Programmes whose finished assignments are written into the 简历 as a （其间：…） note: time
# spent 挂职 or 墩苗 at another unit is part of the official career record.
RESUME_NOTE_KINDS: frozenset[str] = frozenset(
    {ProgrammeKind.SECONDMENT, ProgrammeKind.YOUNG_GRASSROOTS}
)


class AssignmentStatus(models.TextChoices):
    """Where an assignment stands: planned, under way, finished or called off."""

    PLANNED = "planned", "计划中"
    ACTIVE = "active", "进行中"
    ENDED = "ended", "已结束"
    CANCELLED = "cancelled", "已取消"


# docs/architecture.md, "Services and selectors": the only way an assignment changes status. Ended
# and cancelled are final.
ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentStatus.PLANNED: frozenset({AssignmentStatus.ACTIVE, AssignmentStatus.CANCELLED}),
    AssignmentStatus.ACTIVE: frozenset({AssignmentStatus.ENDED, AssignmentStatus.CANCELLED}),
    AssignmentStatus.ENDED: frozenset(),
    AssignmentStatus.CANCELLED: frozenset(),
}

# Statuses that hold a cadre's place in a programme (no second overlapping one allowed).
LIVE_ASSIGNMENT_STATUSES: frozenset[str] = frozenset(
    {AssignmentStatus.PLANNED, AssignmentStatus.ACTIVE}
)


class EvaluationStage(models.TextChoices):
    """The two evaluations of an assignment."""

    MID = "mid", "中期评价"
    FINAL = "final", "期满评价"


class EvaluationGrade(models.TextChoices):
    """Grade of the final evaluation of an assignment."""

    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    UNQUALIFIED = "unqualified", "不合格"
