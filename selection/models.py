"""选拔任用 cases: one case fills one or more posts and walks the 条例's stages.

A case belongs to the unit whose committee runs it and is scoped by that unit's path. Every
stage keeps a record (date, outcome, note); candidates carry their recommendation votes,
inspection checklist and decision votes, so the whole 纪实 can be printed from the case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cadres.models import Cadre, Position
from core.models import RestrictedQuerySet, Tracked
from orgs.models import Unit
from selection.choices import CandidateStatus, Stage


class SelectionCase(Tracked):
    """A 选拔任用 case of one unit, for one or more posts."""

    scope_path_field = "unit__path"

    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="selection_cases"
    )
    title = models.CharField("名称", max_length=100)
    stage = models.CharField("环节", max_length=16, choices=Stage.choices, default=Stage.PROPOSAL)
    opened_on = models.DateField("动议时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "选拔任用"
        verbose_name_plural = "选拔任用"
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["unit", "stage"], name="selection_case_unit_stage")]

    def __str__(self) -> str:
        return self.title


class SelectionPost(models.Model):
    """A post the case fills; 任职 opens a position with these fields."""

    scope_path_field = "case__unit__path"

    case = models.ForeignKey(
        SelectionCase, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="posts"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="任职单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("职务名称", max_length=100)
    rank_level = models.CharField("领导职务层次", max_length=3, blank=True)  # GB/T 12407
    is_leading = models.BooleanField("领导职务", default=True)
    is_head = models.BooleanField("正职", default=False)
    # 试用期 applies to 提拔 into non-elected 厅局级以下 leading posts (2014条例 Art.42);
    # whether a post is elected is not known here, so the clerk says so per post.
    probation_applies = models.BooleanField("适用试用期", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "拟任职务"
        verbose_name_plural = "拟任职务"
        ordering = ["case", "order", "id"]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"


class StageRecord(models.Model):
    """What happened at one stage: when, the outcome, a note (a return keeps its reason)."""

    scope_path_field = "case__unit__path"

    case = models.ForeignKey(
        SelectionCase, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="records"
    )
    stage = models.CharField("环节", max_length=16, choices=Stage.choices)
    date = models.DateField("时间")
    outcome = models.TextField("结果", blank=True)
    note = models.TextField("备注", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "环节记录"
        verbose_name_plural = "环节记录"
        ordering = ["case", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="selection_record_one_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.case.title} · {self.get_stage_display()}"


class Candidate(models.Model):
    """A person considered for one post of the case."""

    scope_path_field = "case__unit__path"

    case = models.ForeignKey(
        SelectionCase, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="candidates"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="selection_candidacies"
    )
    post = models.ForeignKey(
        SelectionPost, verbose_name="拟任职务", on_delete=models.PROTECT, related_name="candidates"
    )
    exceptional = models.BooleanField("破格提拔", default=False)
    exceptional_reason = models.CharField("破格情形和理由", max_length=300, blank=True)
    recommendation_votes = models.PositiveIntegerField("推荐票数", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.NOMINATED
    )
    # Positions 任职 ends (免去) — the candidate's old posts named by the decision.
    positions_to_end = models.ManyToManyField(
        Position, verbose_name="拟免去职务", blank=True, related_name="+"
    )
    appointed_position = models.ForeignKey(
        Position,
        verbose_name="新任职务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "人选"
        verbose_name_plural = "人选"
        ordering = ["case", "post", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "post", "cadre"], name="selection_candidate_once_per_post"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name}（{self.post}）"


class InspectionChecklist(models.Model):
    """考察 checks of one candidate (档案审核, 个人有关事项查核, 纪检监察意见, 负面情形)."""

    scope_path_field = "candidate__case__unit__path"

    candidate = models.OneToOneField(
        Candidate, verbose_name="人选", on_delete=models.CASCADE, related_name="checklist"
    )
    file_review = models.BooleanField("干部人事档案审核", default=False)
    file_review_date = models.DateField("档案审核时间", null=True, blank=True)
    personal_matters = models.BooleanField("个人有关事项查核", default=False)
    personal_matters_date = models.DateField("个人有关事项查核时间", null=True, blank=True)
    discipline_opinion = models.BooleanField("征求纪检监察机关意见", default=False)
    discipline_opinion_date = models.DateField("征求意见时间", null=True, blank=True)
    no_disqualification = models.BooleanField("经核实无不得列为考察对象的情形", default=False)
    no_disqualification_date = models.DateField("核实时间", null=True, blank=True)
    note = models.TextField("考察情况", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "考察记录"
        verbose_name_plural = "考察记录"

    def __str__(self) -> str:
        return f"{self.candidate} 考察记录"


class DecisionMeeting(models.Model):
    """讨论决定: the 党委(党组) meeting that decides the case."""

    scope_path_field = "case__unit__path"

    case = models.OneToOneField(
        SelectionCase, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="meeting"
    )
    date = models.DateField("会议时间")
    members_due = models.PositiveSmallIntegerField("应到会成员")
    members_present = models.PositiveSmallIntegerField("实到会成员")
    note = models.TextField("备注", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "讨论决定"
        verbose_name_plural = "讨论决定"

    def __str__(self) -> str:
        return f"{self.case.title} 讨论决定"


class DecisionVote(models.Model):
    """The meeting's vote on one candidate."""

    scope_path_field = "meeting__case__unit__path"

    meeting = models.ForeignKey(
        DecisionMeeting, verbose_name="讨论决定", on_delete=models.CASCADE, related_name="votes"
    )
    candidate = models.OneToOneField(
        Candidate, verbose_name="人选", on_delete=models.CASCADE, related_name="vote"
    )
    votes_for = models.PositiveSmallIntegerField("同意")
    votes_against = models.PositiveSmallIntegerField("不同意", default=0)
    votes_abstain = models.PositiveSmallIntegerField("弃权", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "表决"
        verbose_name_plural = "表决"
        ordering = ["meeting", "candidate"]

    def __str__(self) -> str:
        return f"{self.candidate} 表决"


class PublicNotice(models.Model):
    """任前公示: first day, length in working days, last day (over China's calendar)."""

    scope_path_field = "case__unit__path"

    case = models.OneToOneField(
        SelectionCase, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="notice"
    )
    start_date = models.DateField("公示开始")
    working_days = models.PositiveSmallIntegerField("公示工作日", default=5)
    end_date = models.DateField("公示截止")
    objections = models.TextField("公示反映情况", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "任前公示"
        verbose_name_plural = "任前公示"

    def __str__(self) -> str:
        return f"{self.case.title} 任前公示"


class Attachment(models.Model):
    """A document of one stage (推荐票统计、考察材料、会议纪要、公示截图 …): checked by content
    (``core.attachments``), stored as bytes, downloaded only through the scoped view."""

    scope_path_field = "case__unit__path"

    case = models.ForeignKey(
        SelectionCase, verbose_name="选拔任用", on_delete=models.CASCADE, related_name="attachments"
    )
    stage = models.CharField("环节", max_length=16, choices=Stage.choices)
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField("内容")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["case", "stage", "id"]

    def __str__(self) -> str:
        return self.name
