"""Statuses and kinds of the warning system."""

from django.db import models


class Severity(models.TextChoices):
    """How urgent an alert is; the order is the display order (most urgent first)."""

    DANGER = "danger", "须处理"
    WARNING = "warning", "预警"
    INFO = "info", "提示"


SEVERITY_RANK: dict[str, int] = {Severity.DANGER: 0, Severity.WARNING: 1, Severity.INFO: 2}


class AlertStatus(models.TextChoices):
    """What a clerk has done about an alert (the facts themselves decide ``is_active``)."""

    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    DISMISSED = "dismissed", "已排除"


class Subject(models.TextChoices):
    """What a rule's alerts are about."""

    CADRE = "cadre", "干部"
    UNIT = "unit", "单位"
