"""Pool writes: each atomic, audited in the same transaction and checked against the actor's scope.

Pools are changed under ``pools.change`` on the pool's unit; an entry needs that right on the
cadre's unit as well. Anything outside the actor's scope is refused exactly like a missing
object (``PermissionDenied`` → 404), so a refusal says nothing about what exists elsewhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Action
from accounts.scoping import can_in_path
from audit.choices import AuditAction
from audit.selectors import last_change_of
from audit.services import audit_record, diff, snapshot
from cadres.choices import CadreStatus
from cadres.models import Cadre
from development.choices import ENTRY_TRANSITIONS, EntryStatus, EvidenceTag, PoolKind
from development.criteria import PoolCriteria, parse_criteria
from development.models import Pool, PoolEntry, PoolEvidence
from orgs.models import Unit

POOL_FIELDS = ("kind", "name", "description", "criteria", "is_active")
EVIDENCE_FIELDS = ("tag", "text", "date", "source")
NAME_MAX, REASON_MAX, NOTE_MAX = 60, 300, 500
TEXT_MAX, SOURCE_MAX = 300, 100


# ---------------------------------------------------------------- checks


def _require_pool_scope(user: Any, pool: Pool, action: str = Action.POOLS_CHANGE) -> None:
    if not can_in_path(user, action, pool.unit.path):
        raise PermissionDenied("干部库不存在或无权操作")


def _require_unit_scope(user: Any, unit: Unit) -> None:
    if not can_in_path(user, Action.POOLS_CHANGE, unit.path):
        raise PermissionDenied("单位不存在或无权操作")


def _require_cadre_scope(user: Any, cadre: Cadre) -> None:
    if not can_in_path(user, Action.POOLS_CHANGE, cadre.unit_path):
        raise PermissionDenied("干部不存在或无权操作")


def _require_entry_scope(user: Any, entry: PoolEntry) -> None:
    """An entry is the pool's and the cadre's: the actor needs both in scope."""
    _require_pool_scope(user, entry.pool)
    _require_cadre_scope(user, entry.cadre)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _coerce_criteria(criteria: Any) -> PoolCriteria:
    return criteria if isinstance(criteria, PoolCriteria) else parse_criteria(criteria)


def _validate_pool(pool: Pool) -> None:
    errors: dict[str, str] = {}
    pool.name = _text(pool.name)
    if not pool.name:
        errors["name"] = "请填写干部库名称"
    elif len(pool.name) > NAME_MAX:
        errors["name"] = f"干部库名称不能超过 {NAME_MAX} 个字"
    if pool.kind not in PoolKind.values:
        errors["kind"] = "干部库类别应为优秀年轻干部库、专业化干部库或其他"
    if errors:
        raise ValidationError(errors)
    clash = Pool.objects.filter(unit_id=pool.unit_id, name=pool.name).exclude(pk=pool.pk)
    if clash.exists():
        raise ValidationError({"name": f"“{pool.unit.name}”已有名为“{pool.name}”的干部库"})


def _pool_snapshot(pool: Pool) -> dict[str, Any]:
    """The audited pool, in the words of its page (kind and criteria as a clerk reads them)."""
    data = snapshot(pool, POOL_FIELDS)
    data["kind"] = PoolKind(pool.kind).label if pool.kind in PoolKind.values else pool.kind
    data["criteria"] = "；".join(pool.get_criteria().describe()) or "不限"
    data["unit"] = f"{pool.unit.name}（{pool.unit.code}）"
    return data


def _last_editor(pool: Pool) -> str:
    event = last_change_of(pool)
    if event is None:
        return "他人"
    when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")
    return f"{event.actor_username or '系统'}于 {when} "


# ---------------------------------------------------------------- pools


def pool_create(
    *,
    acting_user: Any,
    unit: Unit,
    kind: str,
    name: str,
    description: str = "",
    criteria: PoolCriteria | dict[str, Any] | None = None,
    is_active: bool = True,
) -> Pool:
    """A new pool for ``unit`` and its subtree (the unit must lie in the actor's scope)."""
    _require_unit_scope(acting_user, unit)
    parsed = _coerce_criteria(criteria)
    pool = Pool(
        unit=unit,
        kind=kind,
        name=name,
        description=_text(description),
        criteria=parsed.to_json(),
        is_active=is_active,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    with transaction.atomic():
        _validate_pool(pool)
        pool.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=pool,
            changes={"after": _pool_snapshot(pool)},
        )
    return pool


def pool_update(*, acting_user: Any, pool: Pool, version: int | None = None, **fields: Any) -> Pool:
    """Edit a pool's name, kind, description, criteria or switch it on and off."""
    unknown = set(fields) - set(POOL_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    _require_pool_scope(acting_user, pool)
    if "criteria" in fields:
        fields["criteria"] = _coerce_criteria(fields["criteria"]).to_json()
    if "description" in fields:
        fields["description"] = _text(fields["description"])
    with transaction.atomic():
        current = Pool.objects.select_for_update().select_related("unit").get(pk=pool.pk)
        if version is not None and current.version != version:
            raise ValidationError(f"该干部库已被{_last_editor(current)}修改，请刷新后重试")
        before = _pool_snapshot(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate_pool(current)
        current.version += 1
        current.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            changes=diff(before, _pool_snapshot(current)),
        )
    return current


# ---------------------------------------------------------------- entries


def _entry_repr(entry: PoolEntry) -> str:
    return f"{entry.cadre.name} · {entry.pool.name}"


def _entry_state(entry: PoolEntry) -> dict[str, Any]:
    """What the entry's 变更记录 shows: the status in words and the non-empty texts."""
    state: dict[str, Any] = {"status": EntryStatus(entry.status).label, "reason": entry.reason}
    if entry.note:
        state["note"] = entry.note
    if entry.exit_reason:
        state["exit_reason"] = entry.exit_reason
    return state


def _evidence_state(item: PoolEvidence) -> dict[str, Any]:
    data = snapshot(item, EVIDENCE_FIELDS)
    data["tag"] = EvidenceTag(item.tag).label
    if item.date is not None:
        data["date"] = f"{item.date:%Y.%m}"
    return data


def _set_status(entry: PoolEntry, status: str) -> None:
    """The one place an entry's status changes (``ENTRY_TRANSITIONS``)."""
    if status not in ENTRY_TRANSITIONS.get(entry.status, frozenset()):
        if entry.status == EntryStatus.OUT and entry.exited_at is not None:
            when = timezone.localtime(entry.exited_at)
            raise ValidationError(f"该干部已于 {when:%Y.%m.%d} 出库")
        raise ValidationError(
            f"入库记录当前为“{EntryStatus(entry.status).label}”，"
            f"不能改为“{EntryStatus(status).label}”"
        )
    entry.status = status


def pool_entry_add(
    *, acting_user: Any, pool: Pool, cadre: Cadre, reason: str, note: str = ""
) -> PoolEntry:
    """入库: put ``cadre`` into ``pool`` with a reason; refused while an entry is still open."""
    _require_pool_scope(acting_user, pool)
    _require_cadre_scope(acting_user, cadre)
    reason, note = _text(reason), _text(note)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "请填写入库理由"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"入库理由不能超过 {REASON_MAX} 个字"
    if len(note) > NOTE_MAX:
        errors["note"] = f"备注不能超过 {NOTE_MAX} 个字"
    if errors:
        raise ValidationError(errors)
    if not pool.is_active:
        raise ValidationError(f"“{pool.name}”已停用，不能入库")
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"{cadre.name}已{CadreStatus(cadre.status).label}，不能入库"}
        )
    if not cadre.unit_path.startswith(pool.unit.path):
        raise ValidationError(
            {"cadre": f"{cadre.name}不在“{pool.unit.name}”及其下属单位，不能进入本库"}
        )
    with transaction.atomic():
        _refuse_open_entry(pool, cadre)
        entry = PoolEntry(
            pool=pool,
            cadre=cadre,
            status=EntryStatus.IN,
            entered_at=timezone.now(),
            entered_by=acting_user if getattr(acting_user, "pk", None) else None,
            reason=reason,
            note=note,
        )
        try:
            with transaction.atomic():  # a concurrent add of the same cadre hits the constraint
                entry.save()
        except IntegrityError:
            _refuse_open_entry(pool, cadre)
            raise
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=entry,
            object_repr=_entry_repr(entry),
            changes={"pool": pool.name, "cadre": cadre.name, "after": _entry_state(entry)},
        )
    return entry


def _refuse_open_entry(pool: Pool, cadre: Cadre) -> None:
    open_entry = (
        PoolEntry.objects.filter(pool=pool, cadre=cadre, status=EntryStatus.IN)
        .only("entered_at")
        .first()
    )
    if open_entry is not None:
        when = timezone.localtime(open_entry.entered_at)
        raise ValidationError(
            {"cadre": f"{cadre.name}已在“{pool.name}”中（{when:%Y.%m.%d}入库），不能重复入库"}
        )


def pool_entry_exit(*, acting_user: Any, entry: PoolEntry, reason: str) -> PoolEntry:
    """出库: close an open entry with a reason; the entry stays as history."""
    _require_entry_scope(acting_user, entry)
    reason = _text(reason)
    if not reason:
        raise ValidationError({"exit_reason": "请填写出库理由"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"exit_reason": f"出库理由不能超过 {REASON_MAX} 个字"})
    with transaction.atomic():
        current = (
            PoolEntry.objects.select_for_update().select_related("pool", "cadre").get(pk=entry.pk)
        )
        before = _entry_state(current)
        _set_status(current, EntryStatus.OUT)
        current.exited_at = timezone.now()
        current.exited_by = acting_user if getattr(acting_user, "pk", None) else None
        current.exit_reason = reason
        current.save(update_fields=["status", "exited_at", "exited_by", "exit_reason"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            object_repr=_entry_repr(current),
            changes={
                "pool": current.pool.name,
                "cadre": current.cadre.name,
                **diff(before, _entry_state(current)),
            },
        )
    return current


# ---------------------------------------------------------------- evidence


def _require_open(entry: PoolEntry) -> None:
    if not entry.is_open:
        raise ValidationError("该干部已出库，出库记录的佐证不能再增删")


def pool_evidence_add(
    *,
    acting_user: Any,
    entry: PoolEntry,
    tag: str,
    text: str,
    date: dt.date | None = None,
    source: str = "",
) -> PoolEvidence:
    """Add a 学过 / 干过 / 管用 fact to an open entry."""
    _require_entry_scope(acting_user, entry)
    text, source = _text(text), _text(source)
    errors: dict[str, str] = {}
    if tag not in EvidenceTag.values:
        errors["tag"] = "请选择佐证类别：学过、干过或管用"
    if not text:
        errors["text"] = "请填写佐证内容"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"佐证内容不能超过 {TEXT_MAX} 个字"
    if len(source) > SOURCE_MAX:
        errors["source"] = f"来源不能超过 {SOURCE_MAX} 个字"
    if date is not None and date > timezone.localdate():
        errors["date"] = "佐证时间不能晚于今天"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = (
            PoolEntry.objects.select_for_update().select_related("pool", "cadre").get(pk=entry.pk)
        )
        _require_open(current)
        item = PoolEvidence.objects.create(
            entry=current,
            tag=tag,
            text=text,
            date=date,
            source=source,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=current,
            object_repr=_entry_repr(current),
            changes={
                "section": "入库佐证",
                "item": item.pk,
                "after": _evidence_state(item),
            },
        )
    return item


def pool_evidence_delete(*, acting_user: Any, evidence: PoolEvidence) -> None:
    """Remove a piece of evidence entered by mistake (the audit keeps what it said)."""
    _require_entry_scope(acting_user, evidence.entry)
    with transaction.atomic():
        current = (
            PoolEntry.objects.select_for_update()
            .select_related("pool", "cadre")
            .get(pk=evidence.entry_id)
        )
        _require_open(current)
        before = _evidence_state(evidence)
        pk = evidence.pk
        evidence.delete()
        audit_record(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=current,
            object_repr=_entry_repr(current),
            changes={"section": "入库佐证", "item": pk, "before": before},
        )
