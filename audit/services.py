"""Writing audit events. Every state-changing service calls ``audit_record`` inside its own
``transaction.atomic()`` so the event commits or rolls back with the change (docs/architecture.md,
"Services and selectors")."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from audit.choices import AuditAction
from audit.models import AuditEvent, ExportSubject
from audit.selectors import last_editor
from core import context
from core.bulk import copy_insert
from core.fields import EncryptedIdNumberField
from core.idnumber import IdNumber
from core.models import Versioned

GENESIS_MAC = "0" * 64
# Any constant works; it only has to be the same for every writer of the chain.
_PG_CHAIN_LOCK = 7_262_011
_NEVER_LOGGED = {"password", "totp_secret", "session_key", "token_digest"}


class NotInTransaction(Exception):
    """An audit event must be written in the same transaction as the change it records."""


@dataclass(slots=True)
class PendingEvent:
    """An event about to be appended (used directly by bulk paths such as imports)."""

    action: str
    actor: Any = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    sensitive: bool = False


def _plain(value: Any) -> Any:
    if isinstance(value, IdNumber):
        return value.masked()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Field values for before/after records: ID numbers masked, secrets left out."""
    result: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in _NEVER_LOGGED or f.name.endswith("_digest"):
            continue
        value = getattr(instance, f.attname)
        if isinstance(f, EncryptedIdNumberField):
            value = value.masked() if isinstance(value, IdNumber) else value
        result[f.name] = _plain(value)
    return _jsonable(result)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{"before": {...}, "after": {...}}`` restricted to the fields that changed."""
    keys = sorted(set(before) | set(after))
    changed = [k for k in keys if before.get(k) != after.get(k)]
    return {
        "before": {k: before.get(k) for k in changed},
        "after": {k: after.get(k) for k in changed},
    }


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def canonical(event: AuditEvent) -> bytes:
    """The bytes the MAC covers: every column but the MACs themselves."""
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "ip": event.ip,
        "request_id": event.request_id,
        "channel": event.channel,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "sensitive": event.sensitive,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_mac(event: AuditEvent, prev_mac: str) -> str:
    key = settings.ZUGONG_AUDIT_KEY.encode()
    return hmac.new(key, prev_mac.encode() + b"|" + canonical(event), hashlib.sha256).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])
    # SQLite: settings open every transaction with BEGIN IMMEDIATE, so the write lock is
    # already held and no other writer can append between our read and our insert.


def audit_record_many(events: Sequence[PendingEvent]) -> list[AuditEvent]:
    """Append events to the chain, in order, inside the caller's transaction."""
    if not events:
        return []
    if not connection.in_atomic_block:
        raise NotInTransaction("audit_record must be called inside transaction.atomic()")
    _lock_chain()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "mac").first()
    seq, prev_mac = last if last else (0, GENESIS_MAC)
    ctx = context.current()
    now = timezone.now()
    rows: list[AuditEvent] = []
    for pending in events:
        seq += 1
        actor = pending.actor if getattr(pending.actor, "pk", None) else None
        event = AuditEvent(
            seq=seq,
            occurred_at=now,
            actor=actor,
            actor_username=getattr(actor, "username", "") if actor else "",
            ip=ctx.ip,
            request_id=ctx.request_id,
            channel=ctx.channel,
            action=pending.action,
            object_type=pending.object_type[:64],
            object_id=str(pending.object_id)[:64],
            object_repr=pending.object_repr[:255],
            changes=_jsonable(pending.changes),
            sensitive=pending.sensitive,
            prev_mac=prev_mac,
        )
        event.mac = compute_mac(event, prev_mac)
        prev_mac = event.mac
        rows.append(event)
    copy_insert(AuditEvent, rows)
    return rows


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    sensitive: bool = False,
) -> AuditEvent:
    """Append one event describing ``action`` on ``obj`` by ``actor``."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return audit_record_many(
        [
            PendingEvent(
                action=str(action),
                actor=actor,
                object_type=object_type,
                object_id=str(object_id),
                object_repr=object_repr,
                changes=changes or {},
                sensitive=sensitive,
            )
        ]
    )[0]


def audit_record_standalone(**kwargs: Any) -> AuditEvent:
    """Record an event that has no data change of its own (a login attempt, a read)."""
    with transaction.atomic():
        return audit_record(**kwargs)


# ---------------------------------------------------------------- exports: who was in the file

SUBJECT_BATCH = 5000


def subjects_digest(ids: Iterable[int]) -> str:
    """sha256 of the sorted, distinct ids (``"1,5,9"``): what the event's MAC vouches for."""
    text = ",".join(str(i) for i in sorted({int(i) for i in ids}))
    return hashlib.sha256(text.encode()).hexdigest()


def audit_record_export(
    *,
    actor: Any,
    subjects: Iterable[int],
    subject_type: str = "cadres.Cadre",
    action: AuditAction | str = AuditAction.EXPORT,
    changes: dict[str, Any] | None = None,
    **kwargs: Any,
) -> AuditEvent:
    """One EXPORT (or DOWNLOAD) event and the list of everyone in the file, in one transaction.

    ``subjects`` must be the ids of the rows the file is made of (the caller takes them from
    the very rows or snapshot it writes). They go to ``audit.ExportSubject``, indexed by
    person, so the auditor's search by person finds this export; the event's ``changes``
    keeps ``{"subjects": {"type", "count", "sha256"}}`` so the chain vouches for the list.
    """
    ids = sorted({int(i) for i in subjects})
    record = {
        **(changes or {}),
        "subjects": {"type": subject_type, "count": len(ids), "sha256": subjects_digest(ids)},
    }
    event = audit_record(actor=actor, action=action, changes=record, **kwargs)
    _insert_subjects(event.seq, subject_type, ids)
    return event


def audit_record_export_standalone(**kwargs: Any) -> AuditEvent:
    """``audit_record_export`` in its own transaction (an export changes no data)."""
    with transaction.atomic():
        return audit_record_export(**kwargs)


def _insert_subjects(seq: int, object_type: str, ids: Sequence[int]) -> None:
    """Rows of ``audit.ExportSubject`` without building 300k model instances: COPY of plain
    tuples on PostgreSQL, batched ``executemany`` elsewhere."""
    if not ids:
        return
    table = connection.ops.quote_name(ExportSubject._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
            with raw.copy(f"COPY {table} (seq, object_type, object_id) FROM STDIN") as copy:
                for pk in ids:
                    copy.write_row((seq, object_type, pk))
            return
        sql = f"INSERT INTO {table} (seq, object_type, object_id) VALUES (%s, %s, %s)"  # noqa: S608
        for start in range(0, len(ids), SUBJECT_BATCH):
            cursor.executemany(
                sql, [(seq, object_type, pk) for pk in ids[start : start + SUBJECT_BATCH]]
            )


# ---------------------------------------------------------------- the update services' body

M = TypeVar("M", bound=models.Model)


def editable(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse a field an update service does not edit: a caller's mistake, not a clerk's."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")


def record_update(
    *,
    actor: Any,
    current: M,
    fields: Mapping[str, Any],
    state: Callable[[M], dict[str, Any]],
    validate: Callable[[M], None],
    version: int | None = None,
    stale: str = "",
    context: Callable[[M], dict[str, Any]] | None = None,
    object_repr: Callable[[M], str] | None = None,
    skip_unchanged: bool = False,
    save: Callable[[M], None] | None = None,
) -> bool:
    """What every ``<thing>_update`` service does once it holds the row locked in its
    transaction: refuse a stale ``version`` (``stale`` names ``{editor}``: who changed it
    since), set ``fields``, validate, bump a ``Versioned`` record's version, save, and record
    one UPDATE event whose changes are ``context`` plus what ``state`` says changed. With
    ``skip_unchanged`` nothing is saved or recorded when the state is the same; returns
    whether it saved."""
    if version is not None and getattr(current, "version", None) != version:
        raise ValidationError(stale.format(editor=last_editor(current)))
    before = state(current)
    for name, value in fields.items():
        setattr(current, name, value)
    validate(current)
    after = state(current)
    if skip_unchanged and after == before:
        return False
    if isinstance(current, Versioned):
        current.version += 1
    if save is None:
        current.save()
    else:
        save(current)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=current,
        object_repr=object_repr(current) if object_repr else "",
        changes={**(context(current) if context else {}), **diff(before, state(current))},
    )
    return True
