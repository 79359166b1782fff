"""The audit log: append-only and tamper-evident (docs/security.md, "Audit")."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from audit.choices import AuditAction


class AppendOnlyError(Exception):
    """Raised by every application path that would change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加，不能修改")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加，不能删除")


class AuditEvent(models.Model):
    """One audited action: who, when, from where, on what, before → after.

    ``mac`` = HMAC(audit key, canonical content ‖ previous row's mac); ``seq`` is gapless, so
    ``manage.py verify_audit`` finds altered, deleted and inserted rows.
    """

    seq = models.BigIntegerField("序号", unique=True)
    occurred_at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,  # the log must outlive any account row it names
    )
    actor_username = models.CharField("操作人账号", max_length=150, blank=True)
    ip = models.CharField("IP", max_length=45, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    channel = models.CharField("渠道", max_length=8, blank=True)
    action = models.CharField("操作", max_length=24, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    sensitive = models.BooleanField("敏感访问", default=False)
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计日志"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor_username", "occurred_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or not kwargs.get("force_insert", False):
            raise AppendOnlyError("审计事件只能通过 audit.services.audit_record 追加")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加，不能删除")


class ExportSubject(models.Model):
    """One person (or other record) in the file of an EXPORT/DOWNLOAD event: who was in it.

    Written with the event, in its transaction, by ``audit.services.audit_record_export``.
    The event's ``changes["subjects"]`` keeps the type, count and sha256 of the sorted ids,
    so the MAC chain vouches for this list and ``verify_chain`` compares the two. At 300k
    cadres in one export the list lives here, indexed by person, not in the event's JSON.
    Append-only like the log (application guards here; triggers in migration 0006).
    """

    seq = models.BigIntegerField("审计事件序号")
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.BigIntegerField("对象编号")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "导出对象"
        verbose_name_plural = "导出对象"
        indexes = [
            # "which exports contained this person": answered from the index alone.
            models.Index(fields=["object_type", "object_id", "seq"], name="audit_subject_object"),
            models.Index(fields=["seq", "object_id"], name="audit_subject_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("导出对象只能通过 audit.services.audit_record_export 追加")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("审计日志只能追加，不能删除")
