"""Supervision (干部监督): political quality lists, personal matters reports, key units and posts.

* ``Indicator`` / ``BehaviourTrait``: the catalogue of political-quality indicators
  (政治忠诚 …) with their observable traits — a starting catalogue an administrator adapts.
* ``ConductEntry``: one fact on a cadre's 正面清单 or 负面清单, filed under an indicator.
* ``ReportYear`` → ``PersonalReport`` → ``ReportItem``: the annual 个人有关事项报告 of every
  cadre who must report; ``SpotCheck`` / ``CheckedReport`` / ``CheckFinding``: its 抽查核实.
* ``KeyUnit`` / ``KeyPost``: 重点部门 and 关键岗位, read by the rotation alert.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cadres.models import Cadre
from core.models import RestrictedQuerySet
from orgs.models import Unit
from supervision.choices import (
    CheckKind,
    FindingKind,
    FindingSubkind,
    KeyUnitReason,
    Polarity,
    PostMatch,
    ReportCategory,
)
from supervision.rules import DEFAULT_ROTATION_YEARS, DEFAULT_SPOT_CHECK_PERCENT


def _user_fk(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


# ---------------------------------------------------------------- political quality


class Indicator(models.Model):
    """A political-quality indicator (政治忠诚, 政治定力 …): catalogue data, not scoped."""

    name = models.CharField("名称", max_length=20, unique=True)
    description = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "政治素质指标"
        verbose_name_plural = "政治素质指标"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class BehaviourTrait(models.Model):
    """An observable behaviour under an indicator; ``polarity`` hints which list it suits."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.CASCADE, related_name="traits"
    )
    text = models.CharField("行为特征", max_length=200)
    polarity = models.CharField(
        "适用清单", max_length=8, choices=Polarity.choices, blank=True, help_text="空为均可"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "行为特征"
        verbose_name_plural = "行为特征"
        ordering = ["indicator", "order", "id"]

    def __str__(self) -> str:
        return self.text


class ConductEntry(models.Model):
    """One fact on a cadre's 正面清单 or 负面清单, with its source and evidence."""

    scope_path_field = "cadre__unit_path"

    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="conduct_entries"
    )
    polarity = models.CharField("清单", max_length=8, choices=Polarity.choices)
    date = models.DateField("时间")
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="entries"
    )
    trait = models.ForeignKey(
        BehaviourTrait,
        verbose_name="行为特征",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    source = models.CharField("来源", max_length=100, help_text="如：考察谈话、巡察反馈、信访核查")
    evidence = models.TextField("事实依据")
    recorded_by = _user_fk("录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "正负面清单记录"
        verbose_name_plural = "正负面清单记录"
        ordering = ["cadre", "-date", "-id"]
        indexes = [
            models.Index(fields=["cadre", "polarity", "date"], name="supervision_conduct_cadre"),
        ]

    def __str__(self) -> str:
        return f"{self.get_polarity_display()}：{self.indicator.name} {self.date:%Y.%m.%d}"


# ---------------------------------------------------------------- personal matters reports


class ReportYear(models.Model):
    """The annual report of one year in one unit's subtree: due date and who must report."""

    scope_path_field = "unit__path"

    unit = models.ForeignKey(
        Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="report_years"
    )
    year = models.PositiveSmallIntegerField("报告年度")
    due_date = models.DateField("报告截止日期")
    rank_levels = models.JSONField(
        "应报告的领导职务层次", default=list, help_text="GB/T 12407 代码，如 131、132"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = _user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "个人有关事项报告年度"
        verbose_name_plural = "个人有关事项报告年度"
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="supervision_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度个人有关事项报告（{self.unit.name}）"


class PersonalReport(models.Model):
    """One cadre's report of one year: submitted (``submitted_on``) or still missing."""

    scope_path_field = "cadre__unit_path"

    report_year = models.ForeignKey(
        ReportYear, verbose_name="报告年度", on_delete=models.PROTECT, related_name="reports"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="personal_reports"
    )
    submitted_on = models.DateField("报告日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "个人有关事项报告"
        verbose_name_plural = "个人有关事项报告"
        ordering = ["report_year", "cadre__unit_path", "cadre__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report_year", "cadre"], name="supervision_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.report_year.year}年度报告"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_on is not None


class ReportItem(models.Model):
    """One reported matter under one of the 14 categories (8 家事, 6 家产)."""

    scope_path_field = "report__cadre__unit_path"

    report = models.ForeignKey(
        PersonalReport, verbose_name="报告", on_delete=models.CASCADE, related_name="items"
    )
    category = models.CharField("事项类别", max_length=16, choices=ReportCategory.choices)
    content = models.TextField("报告内容")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "报告事项"
        verbose_name_plural = "报告事项"
        ordering = ["report", "category", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.content[:30]}"


class SpotCheck(models.Model):
    """The random draw of one report year: percentage, seed and the candidates it drew from.

    ``candidate_ids`` (the submitted reports' ids at draw time) and ``seed`` are kept so an
    auditor can repeat the draw and get the same reports (``supervision.draw``).
    """

    scope_path_field = "report_year__unit__path"

    report_year = models.OneToOneField(
        ReportYear, verbose_name="报告年度", on_delete=models.PROTECT, related_name="spot_check"
    )
    percentage = models.PositiveSmallIntegerField(
        "抽查比例（%）", default=DEFAULT_SPOT_CHECK_PERCENT
    )
    seed = models.BigIntegerField("随机种子")
    candidate_ids = models.JSONField("抽取范围（报告编号）", default=list)
    drawn_ids = models.JSONField("抽中报告编号（抽取顺序）", default=list)
    drawn_by = _user_fk("抽取人")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "随机抽查"
        verbose_name_plural = "随机抽查"
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.report_year.year}年度随机抽查（{self.percentage}%）"


class CheckedReport(models.Model):
    """A report on the check list: drawn at random or added as a targeted check (凡提必查)."""

    scope_path_field = "report__cadre__unit_path"

    report = models.ForeignKey(
        PersonalReport, verbose_name="报告", on_delete=models.PROTECT, related_name="checks"
    )
    kind = models.CharField("查核方式", max_length=8, choices=CheckKind.choices)
    reason = models.CharField("查核事由", max_length=200, blank=True)
    added_by = _user_fk("经办人")
    added_at = models.DateTimeField("列入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "查核名单"
        verbose_name_plural = "查核名单"
        ordering = ["report", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="supervision_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_kind_display()}"


class CheckFinding(models.Model):
    """What a check found: 漏报 or 隐瞒不报 with the situation and the consequence decided."""

    scope_path_field = "report__cadre__unit_path"

    report = models.ForeignKey(
        PersonalReport, verbose_name="报告", on_delete=models.PROTECT, related_name="findings"
    )
    kind = models.CharField("认定", max_length=12, choices=FindingKind.choices)
    subkind = models.CharField("情形", max_length=24, choices=FindingSubkind.choices)
    description = models.TextField("查核情况")
    consequence = models.TextField("处理结果", help_text="如：批评教育、诫勉、取消考察对象资格")
    recorded_by = _user_fk("录入人")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "查核结果"
        verbose_name_plural = "查核结果"
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return f"{self.report}：{self.get_kind_display()}"


# ---------------------------------------------------------------- key units and posts


class KeyUnit(models.Model):
    """A unit watched closely (重点部门): 权力集中 and/or 资源富集."""

    scope_path_field = "unit__path"

    unit = models.OneToOneField(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="key_unit"
    )
    reason = models.CharField("类型", max_length=12, choices=KeyUnitReason.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    marked_by = _user_fk("标记人")
    marked_at = models.DateTimeField("标记时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "重点部门"
        verbose_name_plural = "重点部门"
        ordering = ["unit__path"]

    def __str__(self) -> str:
        return self.unit.name


class KeyPost(models.Model):
    """A key post (关键岗位) in a unit, by exact title or title keyword, with its rotation span."""

    scope_path_field = "unit__path"

    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="key_posts"
    )
    title = models.CharField("职务名称或关键词", max_length=60)
    match = models.CharField(
        "匹配方式", max_length=8, choices=PostMatch.choices, default=PostMatch.EXACT
    )
    rotation_years = models.PositiveSmallIntegerField(
        "轮岗年限", default=DEFAULT_ROTATION_YEARS, help_text="在该岗位任职满此年限应交流轮岗"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = _user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "关键岗位"
        verbose_name_plural = "关键岗位"
        ordering = ["unit__path", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "title", "match"], name="supervision_keypost_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.title}"

    def matches(self, title: str) -> bool:
        """Whether a position's title falls under this key post."""
        if self.match == PostMatch.KEYWORD:
            return self.title in title
        return self.title == title
