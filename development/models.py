"""Cadre pools (干部库): 优秀年轻干部库, 专业化干部库 and their members' history.

A pool belongs to a unit subtree (a county's pool covers every unit below the 县委) and
carries its 入库条件 as data (``development.criteria``). Membership is a series of entries:
an exit closes the entry with its reason, a re-entry opens a new one, so the pool's history
of who was in it, when and why is never overwritten. Each entry gathers evidence tagged
学过 / 干过 / 管用.

Programmes (一把手提质, 专业干部赋能, 年轻干部墩苗, 挂职锻炼, …) belong to a unit subtree too;
their assignments send one cadre to a host unit for a period, with a mentor and a mid and a
final evaluation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cadres.models import Cadre
from core.models import RestrictedQuerySet, Tracked
from development.choices import (
    AssignmentStatus,
    EntryStatus,
    EvaluationGrade,
    EvidenceTag,
    PoolKind,
    ProgrammeKind,
)
from development.criteria import PoolCriteria, parse_criteria
from orgs.models import Unit


class Pool(Tracked):
    """A cadre pool of one unit subtree, with its criteria for suggesting candidates."""

    scope_path_field = "unit__path"

    kind = models.CharField("类别", max_length=12, choices=PoolKind.choices)
    name = models.CharField("名称", max_length=60)
    description = models.TextField("说明", blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="pools"
    )
    criteria = models.JSONField("入库条件", default=dict, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "干部库"
        verbose_name_plural = "干部库"
        ordering = ["unit__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="development_pool_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_criteria(self) -> PoolCriteria:
        """The stored criteria, typed (they were checked when saved)."""
        return parse_criteria(self.criteria)


class PoolEntry(models.Model):
    """One stay of a cadre in a pool: entered (with a reason) and, later, exited (with one)."""

    scope_path_field = "cadre__unit_path"

    pool = models.ForeignKey(
        Pool, verbose_name="干部库", on_delete=models.PROTECT, related_name="entries"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="pool_entries"
    )
    status = models.CharField(
        "状态", max_length=4, choices=EntryStatus.choices, default=EntryStatus.IN
    )
    entered_at = models.DateTimeField("入库时间")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="入库经办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField("入库理由", max_length=300)
    exited_at = models.DateTimeField("出库时间", null=True, blank=True)
    exited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出库经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exit_reason = models.CharField("出库理由", max_length=300, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "入库记录"
        verbose_name_plural = "入库记录"
        ordering = ["pool", "-entered_at", "id"]
        constraints = [
            # One open entry per pool and cadre; closed ones are history and may repeat.
            models.UniqueConstraint(
                fields=["pool", "cadre"],
                condition=models.Q(status="in"),
                name="development_entry_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["pool", "status", "entered_at"], name="development_entry_pool"),
            models.Index(fields=["cadre", "status"], name="development_entry_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.pool.name}）"

    @property
    def is_open(self) -> bool:
        return self.status == EntryStatus.IN

    @classmethod
    def audit_labels(cls) -> dict[str, str]:
        """Field names of the evidence, for the entry's 变更记录 (its events carry both)."""
        labels = {"section": "事项", "item": "记录编号"}
        labels.update({f.name: str(f.verbose_name) for f in PoolEvidence._meta.concrete_fields})
        return labels


class PoolEvidence(models.Model):
    """A fact behind an entry, tagged 学过 (studied), 干过 (done) or 管用 (proven)."""

    scope_path_field = "entry__cadre__unit_path"

    entry = models.ForeignKey(
        PoolEntry, verbose_name="入库记录", on_delete=models.CASCADE, related_name="evidence"
    )
    tag = models.CharField("类别", max_length=8, choices=EvidenceTag.choices)
    text = models.CharField("内容", max_length=300)
    date = models.DateField("时间", null=True, blank=True)
    source = models.CharField(
        "来源", max_length=100, blank=True, help_text="如：考察材料、年度考核、培训证书"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "入库佐证"
        verbose_name_plural = "入库佐证"
        ordering = ["entry", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_tag_display()}：{self.text[:40]}"


class Programme(Tracked):
    """A development programme of one unit subtree, with its dates and goals."""

    scope_path_field = "unit__path"

    kind = models.CharField("类别", max_length=24, choices=ProgrammeKind.choices)
    name = models.CharField("名称", max_length=60)
    unit = models.ForeignKey(
        Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="programmes"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    goals = models.TextField("目标", blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "培养项目"
        verbose_name_plural = "培养项目"
        ordering = ["unit__path", "-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], name="development_programme_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(Tracked):
    """One cadre sent by a programme to a host unit (in the tree or outside it) for a period."""

    scope_path_field = "cadre__unit_path"

    programme = models.ForeignKey(
        Programme, verbose_name="培养项目", on_delete=models.PROTECT, related_name="assignments"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="assignments"
    )
    host_unit = models.ForeignKey(
        Unit,
        verbose_name="接收单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_assignments",
    )
    host_name = models.CharField(
        "接收单位名称", max_length=100, blank=True, help_text="接收单位不在本系统单位树中时填写"
    )
    post_title = models.CharField("挂任职务", max_length=100)
    mentor_name = models.CharField("导师", max_length=40, blank=True)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("计划结束日期")
    ended_on = models.DateField("实际结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.PLANNED
    )
    mid_evaluation = models.TextField("中期评价", blank=True)
    mid_evaluated_on = models.DateField("中期评价日期", null=True, blank=True)
    final_evaluation = models.TextField("期满评价", blank=True)
    final_evaluated_on = models.DateField("期满评价日期", null=True, blank=True)
    final_grade = models.CharField(
        "期满评价等次", max_length=12, choices=EvaluationGrade.choices, blank=True
    )
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True)
    resume_note = models.CharField("简历其间说明", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "培养安排"
        verbose_name_plural = "培养安排"
        ordering = ["programme", "start_date", "id"]
        indexes = [
            models.Index(fields=["programme", "status"], name="development_assign_prog"),
            models.Index(fields=["cadre", "status"], name="development_assign_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.programme.name}）"

    @classmethod
    def audit_labels(cls) -> dict[str, str]:
        """The 变更记录 names the host as one value (a tree unit or a typed name)."""
        return {"host": "接收单位"}

    @property
    def host_display(self) -> str:
        """The host as the 简历 and the pages name it: the tree unit, else the typed name."""
        return self.host_unit.name if self.host_unit_id and self.host_unit else self.host_name
