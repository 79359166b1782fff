"""The cadre record (干部信息): person, education, positions, assessments, rewards, family.

The fields follow the 干部任免审批表 (docs/lrmx.md). A few columns of ``Cadre`` are derived and
kept in step by the services, so the roster filters and sorts on indexed columns of one
table: ``unit_path`` (a copy of the unit's materialised path, rewritten when units move),
``current_title`` (现任职务, from the open positions), ``rank_level`` / ``grade`` (the highest
open 领导职务层次 and 职级), ``education_level`` (最高学历) and ``name_initials`` (pinyin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models

from cadres.choices import (
    DECEASED_WORDS,
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationKind,
    ManagementLevel,
    RecordKind,
)
from cadres.retirement import Retirement, cadre_retirement
from core.dates import age_in_months_style
from core.fields import EncryptedIdNumberField
from core.models import RestrictedQuerySet, Versioned
from orgs.models import Unit


def digest_in(digests: Iterable[str]) -> models.Q:
    """``id_digest IN (…)`` in a form PostgreSQL answers from the partial digest index.

    The planner proves an index's ``id_digest <> ''`` from an ``IN`` list of at most 100
    values; a longer list (an import matches 500 at a time) fell back to a full scan of
    300k rows (~100 ms). Stating the condition again lets it use the index at any length.
    """
    return models.Q(id_digest__in=list(digests)) & ~models.Q(id_digest="")


class Cadre(Versioned):
    """A cadre (干部). Identified by 公民身份号码 when known; never hard-deleted."""

    scope_path_field = "unit_path"

    name = models.CharField("姓名", max_length=18)
    name_initials = models.CharField("拼音首字母", max_length=18, blank=True, editable=False)
    sex = models.CharField("性别", max_length=1)  # GB/T 2261.1: 1 男, 2 女
    birth_date = models.DateField("出生日期")  # the 1st of the month when only the month is known
    ethnicity = models.CharField("民族", max_length=2, blank=True)  # GB 3304
    native_place = models.CharField("籍贯", max_length=40, blank=True)
    birthplace = models.CharField("出生地", max_length=40, blank=True)
    grown_place = models.CharField("成长地", max_length=40, blank=True)
    id_number = EncryptedIdNumberField(
        "公民身份号码", null=True, blank=True, digest_field="id_digest"
    )
    id_digest = models.CharField(max_length=64, blank=True, editable=False)
    # Entered by a user who could not see the cadre already holding this ID number: the
    # record is kept (the user is told nothing else) and an IdNumberConflict routes the
    # question to someone who can see the holder (docs/security.md, ID-number oracle).
    id_pending = models.BooleanField("身份证号待核实", default=False, editable=False)
    # Why a 核实 took the number off this record (shown on its page until a number is entered).
    id_check_note = models.CharField("身份证号核实结果", max_length=300, blank=True, editable=False)
    political_status = models.CharField("政治面貌", max_length=2, blank=True)  # GB 4762
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    other_parties = models.CharField(
        "民主党派", max_length=40, blank=True, help_text="如：民建；多个用“；”分隔"
    )
    work_start_date = models.DateField("参加工作时间", null=True, blank=True)
    health = models.CharField("健康状况", max_length=30, blank=True, default="健康")
    professional_title = models.CharField("专业技术职务", max_length=90, blank=True)
    expertise = models.CharField("熟悉专业有何专长", max_length=110, blank=True)
    management_level = models.CharField(
        "管理类别", max_length=2, choices=ManagementLevel.choices, default=ManagementLevel.COUNTY
    )
    status = models.CharField(
        "状态", max_length=12, choices=CadreStatus.choices, default=CadreStatus.ACTIVE
    )
    unit = models.ForeignKey(
        Unit, verbose_name="工作单位", on_delete=models.PROTECT, related_name="cadres"
    )
    unit_path = models.CharField(max_length=255, editable=False)
    sort_order = models.PositiveIntegerField("单位内排序", default=0)
    # Derived by the services from positions and education (see module docstring).
    current_title = models.CharField("现任职务", max_length=324, blank=True, editable=False)
    rank_level = models.CharField("领导职务层次", max_length=3, blank=True, editable=False)
    grade = models.CharField("职级", max_length=2, blank=True, editable=False)
    rank_level_since = models.DateField("任现职务层次时间", null=True, blank=True, editable=False)
    # The start of the earliest open position with the current 职级 (the promotion warning
    # counts from it; reading it off 2M positions took 1 s at province scale).
    grade_since = models.DateField("任现职级时间", null=True, blank=True, editable=False)
    education_level = models.CharField("最高学历", max_length=2, blank=True, editable=False)
    degree = models.CharField("最高学位", max_length=4, blank=True, editable=False)
    # 简历: the generated text plus manual lines, or the text as imported (docs/lrmx.md, "简历").
    resume = models.TextField("简历", blank=True)
    resume_manual = models.BooleanField(
        "简历手工维护", default=False, help_text="勾选后简历不再随任职、学历自动生成"
    )
    resume_extra = models.TextField(
        "简历补充行",
        blank=True,
        help_text="如“（其间：…）”注记、兼职及党委委员等段落；自动生成时按时间并入",
    )
    rewards_text = models.CharField("奖惩情况（表内文字）", max_length=552, blank=True)
    # Elements of an imported LRMX file this record does not model, kept for re-export.
    lrmx_extra = models.JSONField("LRMX 附加内容", default=dict, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit_path", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_digest"],
                condition=~models.Q(id_digest="") & models.Q(id_pending=False),
                name="cadres_cadre_unique_id_number",
            )
        ]
        # On PostgreSQL ``unit_path`` is collated "C" (migration 0003): a plain btree then
        # serves the subtree prefix (LIKE 'path%') as well as the tree order, so one index
        # per use is enough — every index is rewritten when a unit move repaths cadres.
        indexes = [
            models.Index(fields=["unit_path", "sort_order", "id"], name="cadres_cadre_unit_order"),
            # The roster shows 在职 cadres by default: subtree counts are answered from this
            # smaller index alone (docs/performance.md).
            models.Index(
                fields=["unit_path", "sort_order", "id"],
                name="cadres_cadre_active_order",
                condition=models.Q(status="active"),
            ),
            # Lookups by ID number (the unique index above leaves out records 待核实).
            models.Index(
                fields=["id_digest"], name="cadres_cadre_digest", condition=~models.Q(id_digest="")
            ),
            models.Index(fields=["name_initials"], name="cadres_cadre_initials"),
            # Prefix search ("zwd") under a non-C database collation needs pattern ops.
            models.Index(
                fields=["name_initials"],
                name="cadres_cadre_initials_like",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["birth_date"], name="cadres_cadre_birth"),
            models.Index(fields=["name", "birth_date"], name="cadres_cadre_name_birth"),
            models.Index(fields=["rank_level", "birth_date"], name="cadres_cadre_rank_birth"),
            # The dashboard's figures of the active cadres of a scope (by level, sex, age) read
            # off this index alone on PostgreSQL, not the 300k-row table.
            models.Index(
                fields=["unit_path", "rank_level", "sex", "birth_date", "id"],
                name="cadres_cadre_active_figures",
                condition=models.Q(status="active"),
            ),
            # 结构分析 reads these columns of ~40k leading cadres (a province's root) by id: off
            # this index (~30 MB at 300k cadres), not from 40k pages of the 300 MB table.
            models.Index(
                fields=[
                    "id",
                    "unit_path",
                    "sex",
                    "birth_date",
                    "ethnicity",
                    "political_status",
                    "education_level",
                    "expertise",
                ],
                name="cadres_cadre_active_people",
                condition=models.Q(status="active"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def audit_labels(cls) -> dict[str, str]:
        """Field names of the child records, for the cadre's 变更记录 (events on the cadre)."""
        labels = {"section": "内容", "item": "记录编号", "parts": "导入内容", "year": "年度"}
        for model in (Education, Position, Assessment, RewardPunishment, FamilyMember):
            labels.update({f.name: str(f.verbose_name) for f in model._meta.concrete_fields})
        return labels

    @property
    def birth_month(self) -> str:
        return f"{self.birth_date:%Y.%m}"

    def age_at(self, when: dt.date) -> int:
        """Whole years at the month of ``when`` (the 计算年龄时间 is a month, docs/lrmx.md)."""
        return age_in_months_style(self.birth_date, when)

    @property
    def retirement(self) -> Retirement | None:
        """The statutory retirement (cadres/retirement.py): the month, the age and why."""
        return cadre_retirement(
            sex=self.sex,
            birth_date=self.birth_date,
            rank_level=self.rank_level,
            professional_title=self.professional_title,
            grade=self.grade,
        )

    @property
    def sex_name(self) -> str:
        return {"1": "男", "2": "女"}.get(self.sex, "")


class Education(models.Model):
    """学历学位: one course of study, full-time (全日制) or in service (在职)."""

    scope_path_field = "cadre__unit_path"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="educations")
    kind = models.CharField("教育类别", max_length=12, choices=EducationKind.choices)
    education_level = models.CharField("学历", max_length=2, blank=True)  # ZB64
    degree = models.CharField("学位", max_length=4, blank=True)  # GB 6864
    school = models.CharField("毕业院校", max_length=60, blank=True)
    major = models.CharField("系及专业", max_length=60, blank=True)
    start_date = models.DateField("入学时间", null=True, blank=True)
    end_date = models.DateField("毕业时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "学历学位"
        verbose_name_plural = "学历学位"
        ordering = ["cadre_id", "start_date", "id"]

    def __str__(self) -> str:
        return f"{self.school}{self.major}"


class Position(models.Model):
    """任职: an interval (start, optional end) holding a title in a unit.

    ``unit`` is set when the unit is in the tree; ``unit_name`` keeps the name as it was
    (posts in other places, renamed units), which is what the 简历 prints.
    """

    scope_path_field = "cadre__unit_path"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(
        Unit,
        verbose_name="任职单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    unit_name = models.CharField("任职单位名称", max_length=100, blank=True)
    title = models.CharField("职务名称", max_length=100)
    rank_level = models.CharField("领导职务层次", max_length=3, blank=True)  # GB/T 12407
    grade = models.CharField("职级", max_length=2, blank=True)  # 并行规定
    is_leading = models.BooleanField("领导职务", default=False)
    is_head = models.BooleanField("正职", default=False)
    is_primary = models.BooleanField("主职", default=True)
    start_date = models.DateField("任职时间")
    end_date = models.DateField("免职时间", null=True, blank=True)
    appointment_doc = models.CharField("任职文号", max_length=60, blank=True)
    method = models.CharField(
        "任职方式", max_length=10, choices=AppointmentMethod.choices, blank=True
    )
    probation_end = models.DateField("试用期满", null=True, blank=True)
    probation_confirmed = models.BooleanField("试用期满已转正", default=False)
    end_doc = models.CharField("免职文号", max_length=60, blank=True)
    end_reason = models.CharField("免职原因", max_length=100, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["cadre_id", "start_date", "id"]
        indexes = [
            models.Index(fields=["cadre", "end_date"], name="cadres_position_cadre_open"),
            models.Index(fields=["unit", "end_date"], name="cadres_position_unit_open"),
            # Open posts by start date (the tenure warnings scan these: ~15% of 2M rows).
            models.Index(
                fields=["is_leading", "start_date"],
                condition=models.Q(end_date__isnull=True),
                name="cadres_position_open_start",
            ),
            # The open leading posts (the teams, 结构分析: ~45k of 2M rows) with the columns the
            # analysis groups by, read off the index alone.
            models.Index(
                fields=["cadre", "unit", "rank_level"],
                condition=models.Q(end_date__isnull=True, is_leading=True),
                name="cadres_position_open_leading",
            ),
        ]

    def __str__(self) -> str:
        return self.full_title

    @property
    def full_title(self) -> str:
        return f"{self.unit_name}{self.title}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None


class Assessment(models.Model):
    """年度考核: one year's grade."""

    scope_path_field = "cadre__unit_path"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("考核等次", max_length=12, choices=AssessmentGrade.choices)
    note = models.CharField("备注", max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["cadre_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="cadres_assessment_one_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度{self.get_grade_display()}"


class RewardPunishment(models.Model):
    """奖惩: a reward or a punishment with its date, issuer and document."""

    scope_path_field = "cadre__unit_path"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField("类别", max_length=12, choices=RecordKind.choices)
    name = models.CharField("奖惩名称", max_length=100)
    date = models.DateField("时间")
    issuer = models.CharField("批准机关", max_length=100, blank=True)
    doc_no = models.CharField("文号", max_length=60, blank=True)
    end_date = models.DateField("影响期满", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "奖惩"
        verbose_name_plural = "奖惩"
        ordering = ["cadre_id", "date", "id"]

    def __str__(self) -> str:
        return self.name


class FamilyMember(models.Model):
    """家庭主要成员及重要社会关系."""

    scope_path_field = "cadre__unit_path"

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="family")
    order = models.PositiveSmallIntegerField("排序", default=0)
    relation = models.CharField("称谓", max_length=10)
    name = models.CharField("姓名", max_length=18)
    birth_date = models.DateField("出生年月", null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    work_unit_post = models.CharField("工作单位及职务", max_length=100, blank=True)
    is_deceased = models.BooleanField("已去世", default=False)
    id_number = EncryptedIdNumberField(
        "公民身份号码", null=True, blank=True, digest_field="id_digest"
    )
    id_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        ordering = ["cadre_id", "order", "id"]
        indexes = [
            models.Index(fields=["id_digest"], name="cadres_family_digest"),
            # 任职回避 matches relatives without an ID number by name and birth month.
            models.Index(fields=["name", "birth_date"], name="cadres_family_name_birth"),
        ]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"

    def deceased(self) -> bool:
        return self.is_deceased or any(w in self.work_unit_post for w in DECEASED_WORDS)

    def is_minor(self, today: dt.date) -> bool:
        """Under 14: minors' personal information (PIPL Art. 28) — shown flagged."""
        if self.birth_date is None or self.deceased():
            return False
        return age_in_months_style(self.birth_date, today) < 14


class CadrePhoto(models.Model):
    """照片: JPEG bytes in the database, so imports stay atomic and backups complete."""

    cadre = models.OneToOneField(Cadre, on_delete=models.CASCADE, related_name="photo")
    data = models.BinaryField("图像")
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "照片"
        verbose_name_plural = "照片"

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.width}×{self.height}"


class RosterColumnSet(models.Model):
    """A saved choice of roster columns for export (per user, by name)."""

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名称", max_length=40)
    columns = models.JSONField("列")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "名册列组合"
        verbose_name_plural = "名册列组合"
        ordering = ["owner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="cadres_columnset_unique")
        ]

    def __str__(self) -> str:
        return self.name


class IdConflictStatus(models.TextChoices):
    OPEN = "open", "待核实"
    TRANSFERRED = "transferred", "已调入"
    REJECTED = "rejected", "已驳回"
    WITHDRAWN = "withdrawn", "已撤回"


class IdNumberConflict(models.Model):
    """身份证号核实（调入申请）: a record entered with an ID number held out of the entrant's sight.

    The entrant got the same answer as for a new person; the conflict is visible to those who
    may change the holder (scope: the holder's unit), who either move the holder into the
    entrant's unit (调入, the entered duplicate is removed) or reject the number (it is taken
    off the entered record, and the entrant is told). See docs/security.md.
    """

    scope_path_field = "holder__unit_path"

    # Emptied when 调入 removes the entered duplicate; the request itself is kept.
    cadre = models.ForeignKey(
        Cadre,
        verbose_name="新建记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="id_conflicts",
    )
    holder = models.ForeignKey(
        Cadre, verbose_name="已有记录", on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="申请单位", on_delete=models.PROTECT, related_name="+"
    )
    cadre_name = models.CharField("申请建档姓名", max_length=18)
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=12, choices=IdConflictStatus.choices, default=IdConflictStatus.OPEN
    )
    handled_by = models.ForeignKey(
        "accounts.User",
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.CharField("处理意见", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "身份证号核实"
        verbose_name_plural = "身份证号核实"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="cadres_idconflict_open")]

    def __str__(self) -> str:
        return f"身份证号核实：{self.cadre_name}（{self.get_status_display()}）"
