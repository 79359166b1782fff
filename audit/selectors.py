"""Reading the audit log (auditor's search) and a record's last change."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import TypedDict

from django.core.exceptions import EmptyResultSet
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from audit.choices import AuditAction
from audit.extensions import subjects_named
from audit.models import AuditEvent, ExportSubject


class AuditFilters(TypedDict, total=False):
    q: str
    actor: str
    action: str
    object_type: str
    object_id: str
    date_from: dt.date | None
    date_to: dt.date | None
    sensitive: bool


def audit_event_list(*, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Events matching the auditor's search, newest first. Callers check ``audit.view``."""
    qs = AuditEvent.objects.all().order_by("-seq")
    if q := (filters.get("q") or "").strip():
        people = subjects_named(q)
        qs = qs.filter(
            Q(object_repr__icontains=q)
            | Q(actor_username__icontains=q)
            | Q(object_id=q)
            | Q(ip=q)
            | Q(request_id=q)
            | _about(people)
        )
    if actor := (filters.get("actor") or "").strip():
        qs = qs.filter(actor_username=actor)
    if action := filters.get("action"):
        qs = qs.filter(action=action)
    object_type = filters.get("object_type") or ""
    if object_type and not filters.get("object_id"):
        qs = qs.filter(object_type=object_type)
    elif object_type:
        exported = _exports_containing(object_type, [filters["object_id"]])
        qs = qs.filter(Q(object_type=object_type) | exported)
    if object_id := filters.get("object_id"):
        # Exports list the records they contained: an export of 300 cadres is "about" each.
        exported = _exports_containing(object_type or CADRE, [object_id])
        qs = qs.filter(Q(object_id=object_id) | exported)
    if date_from := filters.get("date_from"):
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to := filters.get("date_to"):
        qs = qs.filter(occurred_at__date__lte=date_to)
    if filters.get("sensitive"):
        qs = qs.filter(sensitive=True)
    return qs


CADRE = "cadres.Cadre"


def _about(subjects: list[tuple[str, list[int]]]) -> Q:
    """Events about these records, or exports whose file contained them."""
    condition = Q(pk__in=[])
    for object_type, ids in subjects:
        condition |= Q(
            object_type=object_type, object_id__in=[str(i) for i in ids]
        ) | _exports_containing(object_type, ids)
    return condition


def _exports_containing(object_type: str, ids: Sequence[int | str]) -> Q:
    """Export events whose list of subjects (audit.ExportSubject) holds one of ``ids``."""
    numbers = [int(i) for i in ids if str(i).isdigit() and len(str(i)) <= 18]
    if not numbers:
        return Q(pk__in=[])
    seqs = ExportSubject.objects.filter(object_type=object_type, object_id__in=numbers).values(
        "seq"
    )
    return Q(seq__in=seqs)


def last_change_of(obj: Model) -> AuditEvent | None:
    """The newest change event of ``obj`` (for optimistic-lock messages)."""
    changes = [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.MOVE,
        AuditAction.DELETE,
        AuditAction.RESTORE,
        AuditAction.IMPORT,
    ]
    return (
        AuditEvent.objects.filter(
            object_type=obj._meta.label, object_id=str(obj.pk), action__in=changes
        )
        .order_by("-seq")
        .first()
    )


def last_editor(obj: Model) -> str:
    """Who changed ``obj`` last and when, for "已被…修改，请刷新后重试" (a stale save refused)."""
    event = last_change_of(obj)
    if event is None:
        return "他人"
    when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")
    return f"{event.actor_username or '系统'}于 {when} "


def object_types() -> list[str]:
    return list(
        AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()[:200]
    )


def object_history(obj: Model, *, limit: int = 10) -> list[AuditEvent]:
    """The newest events about one object (the 变更记录 panel of a detail page).

    The caller has already scoped ``obj`` to the user; the history follows the object.
    """
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by(
            "-seq"
        )[:limit]
    )


def counted(qs: QuerySet) -> int:
    """``qs.count()``, remembered until the data changes.

    Every change to the data writes an audit event (docs/security.md, "Audit", guarded by
    tests/test_write_paths_audited.py), so the newest event's sequence number names the
    state of the data: a total counted at that state is exact for as long as no event
    follows. Paging through a province-wide list then counts 300k rows once, not per page.
    """
    from django.core.cache import cache

    # The newest event's MAC chains every event before it: it names this state of the data
    # even across a rolled-back transaction or a restore that reused sequence numbers.
    newest = AuditEvent.objects.order_by("-seq").values_list("seq", "mac").first()
    head = f"{newest[0]}:{newest[1]}" if newest else "0"
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # qs.none(), or a filter that can match nothing
        return 0
    key = "count:" + hashlib.sha256(f"{head}|{sql}|{params!r}".encode()).hexdigest()
    total = cache.get(key)
    if total is None:
        total = qs.count()
        cache.set(key, total, timeout=300)
    return int(total)


def export_subjects(event: AuditEvent) -> list[int]:
    """The ids of the records in an export's file (audit.ExportSubject), ascending."""
    return list(
        ExportSubject.objects.filter(seq=event.seq)
        .order_by("object_id")
        .values_list("object_id", flat=True)
    )
