"""Warning rules (a catalogue with their regulations and thresholds) and the alerts they raise."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alerts.choices import AlertStatus, Severity, Subject
from cadres.models import Cadre
from core.models import RestrictedQuerySet
from orgs.models import Unit


class AlertRule(models.Model):
    """One rule of the catalogue: what it checks, the regulation and article it comes from,
    its thresholds (``params``, editable by an administrator) and an on/off switch.

    The rows are installed from ``alerts.registry`` (code, texts, default thresholds); the
    computation itself is code, registered under the same ``code``.
    """

    code = models.CharField("规则代码", max_length=40, unique=True)
    name = models.CharField("规则名称", max_length=100)
    regulation = models.CharField("依据", max_length=200)
    article = models.CharField("条款", max_length=100, blank=True)
    description = models.TextField("说明", blank=True)
    subject = models.CharField("对象", max_length=8, choices=Subject.choices)
    severity = models.CharField("默认级别", max_length=8, choices=Severity.choices)
    params = models.JSONField("阈值参数", default=dict, blank=True)
    enabled = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "预警规则"
        verbose_name_plural = "预警规则"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self) -> str:
        """《规定》第X条, as the explanation quotes it."""
        return f"{self.regulation}{self.article}"


class Alert(models.Model):
    """One finding of one rule about one cadre or unit, kept across computations.

    ``is_active`` says whether the facts still hold at the last computation; ``status`` is
    what a clerk did about it. A handled alert stays handled while the facts that matter
    (``basis_digest``) are the same and opens again when they change.
    """

    scope_path_field = "unit_path"

    rule = models.ForeignKey(AlertRule, verbose_name="规则", on_delete=models.CASCADE)
    subject = models.CharField("对象", max_length=8, choices=Subject.choices)
    subject_id = models.BigIntegerField("对象编号")  # the cadre's or the unit's id
    cadre = models.ForeignKey(
        Cadre, verbose_name="干部", null=True, blank=True, on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE
    )
    # The unit path of the cadre (or of the unit) when last computed: the scope of the alert.
    unit_path = models.CharField("单位路径", max_length=255)
    # What distinguishes two findings of one rule about one subject (a position id, a year …).
    key = models.CharField("区分键", max_length=64, blank=True)
    severity = models.CharField("级别", max_length=8, choices=Severity.choices)
    rank = models.PositiveSmallIntegerField(default=9)  # 0 须处理, 1 预警, 2 提示: list order
    message = models.TextField("说明")
    facts = models.JSONField("事实", default=dict, blank=True)
    basis_digest = models.CharField(max_length=64)
    is_active = models.BooleanField("仍然成立", default=True)
    status = models.CharField(
        "处理状态", max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    first_seen_at = models.DateTimeField("首次发现")
    changed_at = models.DateTimeField("最近变化")  # raised, changed, resolved or handled
    resolved_at = models.DateTimeField("不再成立时间", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handled_note = models.CharField("处理说明", max_length=500, blank=True)
    handled_digest = models.CharField(max_length=64, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["rank", "-first_seen_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject", "subject_id", "key"],
                name="alerts_alert_one_per_finding",
            )
        ]
        indexes = [
            # Scope filter and the centre's counts (level, status, "new since") read off the
            # index alone: a province holds 100k+ alerts of wide rows.
            models.Index(
                fields=["unit_path", "is_active", "status", "severity", "first_seen_at"],
                name="alerts_scope",
            ),
            # The alert centre's order: most urgent, newest first, read off the index.
            models.Index(
                fields=["is_active", "rank", "-first_seen_at", "-id"], name="alerts_centre_order"
            ),
            models.Index(fields=["cadre", "is_active"], name="alerts_cadre"),
            models.Index(fields=["unit", "is_active"], name="alerts_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.message[:40]}"


class AlertVisit(models.Model):
    """When a user last opened the alert centre: what is "new since last visit"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_visit"
    )
    seen_at = models.DateTimeField()
    previous_seen_at = models.DateTimeField(null=True, blank=True)
    # Which sign-in the last visit belonged to (a digest of the session key; "" = none).
    session = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = "预警查看记录"
        verbose_name_plural = "预警查看记录"

    def __str__(self) -> str:
        return f"{self.user_id} {self.seen_at:%Y-%m-%d %H:%M}"
