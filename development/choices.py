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


# STYLE.md §6: the only way an entry changes status. An exited entry is history and stays
# as it is; putting the cadre back creates a new entry.
ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryStatus.IN: frozenset({EntryStatus.OUT}),
    EntryStatus.OUT: frozenset(),
}


class EvidenceTag(models.TextChoices):
    """学过、干过、管用 — the three things the seed asks to weigh in a cadre (GLOSSARY.md)."""

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
