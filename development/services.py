"""Pool and programme writes: each atomic, audited in the same transaction, checked against scope.

Pools are changed under ``pools.change`` on the pool's unit; an entry needs that right on the
cadre's unit as well. Programmes and their assignments work the same way under
``programmes.change``. Anything outside the actor's scope is refused exactly like a missing
object (``PermissionDenied`` → 404), so a refusal says nothing about what exists elsewhere.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.choices import AuditAction
from audit.selectors import last_editor
from audit.services import audit_record, diff, editable, record_update, snapshot
from cadres import resume
from cadres import services as cadre_services
from cadres.choices import CadreStatus
from cadres.models import Cadre
from core.permissions import Action, require
from core.text import stripped
from development.choices import (
    ASSIGNMENT_TRANSITIONS,
    ENTRY_TRANSITIONS,
    LIVE_ASSIGNMENT_STATUSES,
    RESUME_NOTE_KINDS,
    AssignmentStatus,
    EntryStatus,
    EvaluationGrade,
    EvaluationStage,
    EvidenceTag,
    PoolKind,
    ProgrammeKind,
)
from development.criteria import PoolCriteria, parse_criteria
from development.models import Assignment, Pool, PoolEntry, PoolEvidence, Programme
from orgs.models import Unit

POOL_FIELDS = ("kind", "name", "description", "criteria", "is_active")
EVIDENCE_FIELDS = ("tag", "text", "date", "source")
NAME_MAX, REASON_MAX, NOTE_MAX = 60, 300, 500
TEXT_MAX, SOURCE_MAX = 300, 100


# ---------------------------------------------------------------- checks

# Scope is checked with core.permissions.require. An entry is the pool's and the cadre's, an
# assignment the programme's and the cadre's: a write to one checks both.


def _coerce_criteria(criteria: Any) -> PoolCriteria:
    return criteria if isinstance(criteria, PoolCriteria) else parse_criteria(criteria)


def _validate_pool(pool: Pool) -> None:
    errors: dict[str, str] = {}
    pool.name = stripped(pool.name)
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
    require(acting_user, Action.POOLS_CHANGE, unit)
    parsed = _coerce_criteria(criteria)
    pool = Pool(
        unit=unit,
        kind=kind,
        name=name,
        description=stripped(description),
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
    editable(fields, POOL_FIELDS)
    require(acting_user, Action.POOLS_CHANGE, pool)
    if "criteria" in fields:
        fields["criteria"] = _coerce_criteria(fields["criteria"]).to_json()
    if "description" in fields:
        fields["description"] = stripped(fields["description"])
    with transaction.atomic():
        current = Pool.objects.select_for_update().select_related("unit").get(pk=pool.pk)
        record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=_pool_snapshot,
            validate=_validate_pool,
            version=version,
            stale="该干部库已被{editor}修改，请刷新后重试",
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
    require(acting_user, Action.POOLS_CHANGE, pool)
    require(acting_user, Action.POOLS_CHANGE, cadre)
    reason, note = stripped(reason), stripped(note)
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
    require(acting_user, Action.POOLS_CHANGE, entry.pool)
    require(acting_user, Action.POOLS_CHANGE, entry.cadre)
    reason = stripped(reason)
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
    require(acting_user, Action.POOLS_CHANGE, entry.pool)
    require(acting_user, Action.POOLS_CHANGE, entry.cadre)
    text, source = stripped(text), stripped(source)
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
    require(acting_user, Action.POOLS_CHANGE, evidence.entry.pool)
    require(acting_user, Action.POOLS_CHANGE, evidence.entry.cadre)
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


# ---------------------------------------------------------------- programmes

PROGRAMME_FIELDS = ("kind", "name", "start_date", "end_date", "goals", "is_active")
POST_MAX, HOST_MAX, MENTOR_MAX, EVALUATION_MAX = 100, 100, 40, 2000


def _not_after_today(errors: dict[str, str], field: str, label: str, value: dt.date | None) -> None:
    if value is not None and value > timezone.localdate():
        errors[field] = f"{label}不能晚于今天"


def _validate_programme(programme: Programme) -> None:
    errors: dict[str, str] = {}
    programme.name = stripped(programme.name)
    programme.goals = stripped(programme.goals)
    if not programme.name:
        errors["name"] = "请填写培养项目名称"
    elif len(programme.name) > NAME_MAX:
        errors["name"] = f"培养项目名称不能超过 {NAME_MAX} 个字"
    if programme.kind not in ProgrammeKind.values:
        errors["kind"] = "请选择培养项目类别"
    if programme.start_date is None:
        errors["start_date"] = "请填写开始日期"
    elif programme.end_date is not None and programme.end_date < programme.start_date:
        errors["end_date"] = "结束日期不能早于开始日期"
    if errors:
        raise ValidationError(errors)
    clash = Programme.objects.filter(unit_id=programme.unit_id, name=programme.name)
    if clash.exclude(pk=programme.pk).exists():
        raise ValidationError(
            {"name": f"“{programme.unit.name}”已有名为“{programme.name}”的培养项目"}
        )


def _programme_snapshot(programme: Programme) -> dict[str, Any]:
    """The audited programme, in the words of its page."""
    data = snapshot(programme, PROGRAMME_FIELDS)
    if programme.kind in ProgrammeKind.values:
        data["kind"] = ProgrammeKind(programme.kind).label
    data["unit"] = f"{programme.unit.name}（{programme.unit.code}）"
    return data


def programme_create(
    *,
    acting_user: Any,
    unit: Unit,
    kind: str,
    name: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    goals: str = "",
    is_active: bool = True,
) -> Programme:
    """A new programme run by ``unit`` for its subtree (the unit must lie in the actor's scope)."""
    require(acting_user, Action.PROGRAMMES_CHANGE, unit)
    programme = Programme(
        unit=unit,
        kind=kind,
        name=name,
        start_date=start_date,
        end_date=end_date,
        goals=goals,
        is_active=is_active,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    with transaction.atomic():
        _validate_programme(programme)
        programme.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=programme,
            changes={"after": _programme_snapshot(programme)},
        )
    return programme


def programme_update(
    *, acting_user: Any, programme: Programme, version: int | None = None, **fields: Any
) -> Programme:
    """Edit a programme's kind, name, dates or goals, or switch it on and off."""
    editable(fields, PROGRAMME_FIELDS)
    require(acting_user, Action.PROGRAMMES_CHANGE, programme)
    with transaction.atomic():
        current = Programme.objects.select_for_update().select_related("unit").get(pk=programme.pk)
        record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=_programme_snapshot,
            validate=_validate_programme_and_assignments,
            version=version,
            stale="该培养项目已被{editor}修改，请刷新后重试",
        )
    return current


def _validate_programme_and_assignments(programme: Programme) -> None:
    _validate_programme(programme)
    _refuse_assignments_outside(programme)


def _refuse_assignments_outside(programme: Programme) -> None:
    """New programme dates must still hold every assignment that is not cancelled."""
    live = programme.assignments.exclude(status=AssignmentStatus.CANCELLED)
    if live.filter(start_date__lt=programme.start_date).exists():
        raise ValidationError({"start_date": "已有培养安排早于该开始日期，请先调整培养安排"})
    if programme.end_date is not None and live.filter(end_date__gt=programme.end_date).exists():
        raise ValidationError({"end_date": "已有培养安排晚于该结束日期，请先调整培养安排"})


# ---------------------------------------------------------------- assignments


def _assignment_repr(assignment: Assignment) -> str:
    return f"{assignment.cadre.name} · {assignment.programme.name}"


def _assignment_state(assignment: Assignment) -> dict[str, Any]:
    """What the assignment's 变更记录 shows: status in words, dates as text, non-empty texts."""
    state: dict[str, Any] = {
        "status": AssignmentStatus(assignment.status).label,
        "host": assignment.host_display,
        "post_title": assignment.post_title,
        "start_date": assignment.start_date.isoformat(),
        "end_date": assignment.end_date.isoformat(),
    }
    optional = {
        "mentor_name": assignment.mentor_name,
        "ended_on": assignment.ended_on.isoformat() if assignment.ended_on else "",
        "mid_evaluation": assignment.mid_evaluation,
        "mid_evaluated_on": (
            assignment.mid_evaluated_on.isoformat() if assignment.mid_evaluated_on else ""
        ),
        "final_evaluation": assignment.final_evaluation,
        "final_evaluated_on": (
            assignment.final_evaluated_on.isoformat() if assignment.final_evaluated_on else ""
        ),
        "final_grade": (
            EvaluationGrade(assignment.final_grade).label if assignment.final_grade else ""
        ),
        "cancel_reason": assignment.cancel_reason,
        "resume_note": assignment.resume_note,
    }
    state.update({k: v for k, v in optional.items() if v})
    return state


def _set_assignment_status(assignment: Assignment, status: str) -> None:
    """The one place an assignment's status changes (``ASSIGNMENT_TRANSITIONS``)."""
    if status not in ASSIGNMENT_TRANSITIONS.get(assignment.status, frozenset()):
        raise ValidationError(
            f"培养安排当前为“{AssignmentStatus(assignment.status).label}”，"
            f"不能改为“{AssignmentStatus(status).label}”"
        )
    assignment.status = status


def _locked_assignment(assignment: Assignment, version: int | None) -> Assignment:
    current = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("programme__unit", "cadre", "host_unit")
        .get(pk=assignment.pk)
    )
    if version is not None and current.version != version:
        raise ValidationError(f"该培养安排已被{last_editor(current)}修改，请刷新后重试")
    return current


def _save_assignment(
    acting_user: Any, current: Assignment, before: dict[str, Any], fields: list[str]
) -> None:
    current.version += 1
    current.save(update_fields=[*fields, "version", "updated_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=current,
        object_repr=_assignment_repr(current),
        changes={
            "programme": current.programme.name,
            "cadre": current.cadre.name,
            **diff(before, _assignment_state(current)),
        },
    )


def _validate_assignment_fields(
    programme: Programme,
    *,
    host_unit: Unit | None,
    host_name: str,
    post_title: str,
    mentor_name: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    started: bool = False,
) -> None:
    """The checks shared by planning and correcting an assignment; ``started``: the start
    date is the actual 到岗 date, so it cannot lie in the future."""
    errors: dict[str, str] = {}
    if host_unit is None and not host_name:
        errors["host"] = "请选择接收单位或填写接收单位名称"
    elif host_unit is not None and host_name:
        errors["host"] = "接收单位只能选择系统中的单位或填写名称，不能同时填写"
    elif len(host_name) > HOST_MAX:
        errors["host"] = f"接收单位名称不能超过 {HOST_MAX} 个字"
    if not post_title:
        errors["post_title"] = "请填写挂任职务"
    elif len(post_title) > POST_MAX:
        errors["post_title"] = f"挂任职务不能超过 {POST_MAX} 个字"
    if len(mentor_name) > MENTOR_MAX:
        errors["mentor_name"] = f"导师姓名不能超过 {MENTOR_MAX} 个字"
    if start_date is None:
        errors["start_date"] = "请填写开始日期"
    elif start_date < programme.start_date:
        begins = f"{programme.start_date:%Y.%m.%d}"
        errors["start_date"] = f"开始日期不能早于培养项目开始日期（{begins}）"
    elif started and start_date > timezone.localdate():
        errors["start_date"] = "已到岗的培养安排，开始日期即到岗日期，不能晚于今天"
    if end_date is None:
        errors["end_date"] = "请填写计划结束日期"
    elif start_date is not None and end_date <= start_date:
        errors["end_date"] = "计划结束日期应晚于开始日期"
    elif programme.end_date is not None and end_date > programme.end_date:
        finishes = f"{programme.end_date:%Y.%m.%d}"
        errors["end_date"] = f"计划结束日期不能晚于培养项目结束日期（{finishes}）"
    if errors:
        raise ValidationError(errors)


def _refuse_overlap(
    programme: Programme,
    cadre: Cadre,
    start_date: dt.date,
    end_date: dt.date,
    exclude: int | None = None,
) -> None:
    """One cadre cannot hold two planned or running assignments of a programme at once
    (``exclude``: the assignment being corrected, which cannot clash with itself)."""
    live = Assignment.objects.filter(
        programme=programme,
        cadre=cadre,
        status__in=LIVE_ASSIGNMENT_STATUSES,
        start_date__lt=end_date,
        end_date__gt=start_date,
    )
    if exclude is not None:
        live = live.exclude(pk=exclude)
    clash = live.order_by("start_date").first()
    if clash is not None:
        raise ValidationError(
            {
                "cadre": f"{cadre.name}在“{programme.name}”中已有"
                f"{clash.start_date:%Y.%m.%d}至{clash.end_date:%Y.%m.%d}的培养安排"
                f"（{AssignmentStatus(clash.status).label}），时间不能重叠"
            }
        )


def assignment_create(
    *,
    acting_user: Any,
    programme: Programme,
    cadre: Cadre,
    post_title: str,
    start_date: dt.date,
    end_date: dt.date,
    host_unit: Unit | None = None,
    host_name: str = "",
    mentor_name: str = "",
) -> Assignment:
    """Plan an assignment: ``cadre`` goes to a host unit for ``programme`` over the given dates."""
    require(acting_user, Action.PROGRAMMES_CHANGE, programme)
    require(acting_user, Action.PROGRAMMES_CHANGE, cadre)
    host_name, post_title, mentor_name = (
        stripped(host_name),
        stripped(post_title),
        stripped(mentor_name),
    )
    _validate_assignment_fields(
        programme,
        host_unit=host_unit,
        host_name=host_name,
        post_title=post_title,
        mentor_name=mentor_name,
        start_date=start_date,
        end_date=end_date,
    )
    if not programme.is_active:
        raise ValidationError(f"“{programme.name}”已停用，不能新增培养安排")
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(
            {"cadre": f"{cadre.name}已{CadreStatus(cadre.status).label}，不能参加培养项目"}
        )
    if not cadre.unit_path.startswith(programme.unit.path):
        raise ValidationError(
            {"cadre": f"{cadre.name}不在“{programme.unit.name}”及其下属单位，不能参加本项目"}
        )
    if host_unit is not None and host_unit.pk == cadre.unit_id:
        raise ValidationError({"host": "接收单位不能是干部本单位"})
    with transaction.atomic():
        # Lock the cadre row so two clerks cannot plan overlapping assignments at once.
        Cadre.objects.select_for_update(of=("self",)).filter(pk=cadre.pk).first()
        _refuse_overlap(programme, cadre, start_date, end_date)
        assignment = Assignment.objects.create(
            programme=programme,
            cadre=cadre,
            host_unit=host_unit,
            host_name=host_name,
            post_title=post_title,
            mentor_name=mentor_name,
            start_date=start_date,
            end_date=end_date,
            status=AssignmentStatus.PLANNED,
            created_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=assignment,
            object_repr=_assignment_repr(assignment),
            changes={
                "programme": programme.name,
                "cadre": cadre.name,
                "after": _assignment_state(assignment),
            },
        )
    return assignment


ASSIGNMENT_FIELDS = (
    "host_unit",
    "host_name",
    "post_title",
    "mentor_name",
    "start_date",
    "end_date",
)


def _refuse_closed(assignment: Assignment) -> None:
    """Only a planned or running assignment may be corrected: an ended one is history (its
    （其间：…） note already stands in the 简历), a cancelled one never happened."""
    if assignment.status == AssignmentStatus.ENDED:
        ended = f"于{assignment.ended_on:%Y.%m.%d}" if assignment.ended_on else ""
        written = "，简历中的其间说明已按原内容写入" if assignment.resume_note else ""
        raise ValidationError(f"培养安排已{ended}结束，不能再修改{written}")
    if assignment.status == AssignmentStatus.CANCELLED:
        raise ValidationError("培养安排已取消，不能再修改")


def assignment_update(
    *, acting_user: Any, assignment: Assignment, version: int | None = None, **fields: Any
) -> Assignment:
    """Correct a planned or running assignment's host, post, mentor or dates.

    The host is one value: naming a tree unit clears a typed name and the other way round.
    A running assignment's start date is its actual 到岗 date: it may be corrected, but not
    into the future.
    """
    editable(fields, ASSIGNMENT_FIELDS)
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.programme)
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.cadre)
    for name in ("host_name", "post_title", "mentor_name"):
        if name in fields:
            fields[name] = stripped(fields[name])
    given = {"host_unit", "host_name"} & set(fields)
    if given == {"host_unit"} and fields["host_unit"] is not None:
        fields["host_name"] = ""
    elif given == {"host_name"} and fields["host_name"]:
        fields["host_unit"] = None
    with transaction.atomic():
        current = _locked_assignment(assignment, version)
        _refuse_closed(current)
        before = _assignment_state(current)
        for name, value in fields.items():
            setattr(current, name, value)
        _validate_assignment_fields(
            current.programme,
            host_unit=current.host_unit,
            host_name=current.host_name,
            post_title=current.post_title,
            mentor_name=current.mentor_name,
            start_date=current.start_date,
            end_date=current.end_date,
            started=current.status == AssignmentStatus.ACTIVE,
        )
        if current.host_unit is not None and current.host_unit.pk == current.cadre.unit_id:
            raise ValidationError({"host": "接收单位不能是干部本单位"})
        # The cadre row is the lock assignment_create takes before its overlap check; taken
        # after the assignment's, in the order assignment_end takes them (through the 简历).
        Cadre.objects.select_for_update(of=("self",)).filter(pk=current.cadre_id).first()
        _refuse_overlap(
            current.programme, current.cadre, current.start_date, current.end_date, current.pk
        )
        _save_assignment(acting_user, current, before, list(ASSIGNMENT_FIELDS))
    return current


def assignment_start(
    *,
    acting_user: Any,
    assignment: Assignment,
    started_on: dt.date | None = None,
    version: int | None = None,
) -> Assignment:
    """到岗: a planned assignment begins (on ``started_on`` if it differs from the plan)."""
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.programme)
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.cadre)
    with transaction.atomic():
        current = _locked_assignment(assignment, version)
        before = _assignment_state(current)
        _set_assignment_status(current, AssignmentStatus.ACTIVE)
        start = started_on or current.start_date
        errors: dict[str, str] = {}
        _not_after_today(errors, "start_date", "到岗日期", start)
        if not errors and start >= current.end_date:
            errors["start_date"] = "到岗日期应早于计划结束日期"
        if not errors and start < current.programme.start_date:
            errors["start_date"] = "到岗日期不能早于培养项目开始日期"
        if errors:
            raise ValidationError(errors)
        current.start_date = start
        _save_assignment(acting_user, current, before, ["status", "start_date"])
    return current


def assignment_evaluate(
    *,
    acting_user: Any,
    assignment: Assignment,
    stage: str,
    text: str,
    evaluated_on: dt.date,
    grade: str = "",
    version: int | None = None,
) -> Assignment:
    """Record the 中期评价 (while it runs) or the 期满评价 with its grade (running or ended)."""
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.programme)
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.cadre)
    text, grade = stripped(text), stripped(grade)
    errors: dict[str, str] = {}
    if stage not in EvaluationStage.values:
        errors["stage"] = "请选择中期评价或期满评价"
    if not text:
        errors["text"] = "请填写评价内容"
    elif len(text) > EVALUATION_MAX:
        errors["text"] = f"评价内容不能超过 {EVALUATION_MAX} 个字"
    if evaluated_on is None:
        errors["evaluated_on"] = "请填写评价日期"
    _not_after_today(errors, "evaluated_on", "评价日期", evaluated_on)
    if stage == EvaluationStage.FINAL and grade not in EvaluationGrade.values:
        errors["grade"] = "期满评价请选择等次：优秀、合格或不合格"
    if stage == EvaluationStage.MID and grade:
        errors["grade"] = "中期评价不评定等次"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_assignment(assignment, version)
        allowed = (
            {AssignmentStatus.ACTIVE}
            if stage == EvaluationStage.MID
            else {AssignmentStatus.ACTIVE, AssignmentStatus.ENDED}
        )
        if current.status not in allowed:
            raise ValidationError(
                f"培养安排当前为“{AssignmentStatus(current.status).label}”，"
                f"不能填写{EvaluationStage(stage).label}"
            )
        if evaluated_on < current.start_date:
            raise ValidationError({"evaluated_on": "评价日期不能早于开始日期"})
        before = _assignment_state(current)
        if stage == EvaluationStage.MID:
            current.mid_evaluation, current.mid_evaluated_on = text, evaluated_on
            fields = ["mid_evaluation", "mid_evaluated_on"]
        else:
            current.final_evaluation, current.final_evaluated_on = text, evaluated_on
            current.final_grade = grade
            fields = ["final_evaluation", "final_evaluated_on", "final_grade"]
        _save_assignment(acting_user, current, before, fields)
    return current


def _resume_note_for(assignment: Assignment, ended_on: dt.date) -> str:
    """The 简历 note in the official style.

    E.g. ``（其间：2024.03--2025.03 在XX县XX镇挂职任党委副书记）``.
    """
    span = f"{resume.ym(assignment.start_date)}{resume.SEPARATOR}{resume.ym(ended_on)}"
    return f"（其间：{span} 在{assignment.host_display}挂职任{assignment.post_title}）"


def _write_resume_note(acting_user: Any, cadre: Cadre, note: str) -> None:
    """Append the note to the cadre's manual 简历 lines through the cadre services.

    A generated 简历 picks the line up from ``resume_extra`` and places it under the post
    held at the time; a 简历 kept by hand (``resume_manual``) gets the line appended too, so
    the note is never lost whichever way the clerk keeps the résumé.
    """
    current = Cadre.objects.get(pk=cadre.pk)
    if note in current.resume_extra:
        return
    fields: dict[str, Any] = {
        "resume_extra": "\n".join(x for x in (current.resume_extra.rstrip(), note) if x)
    }
    if current.resume_manual:
        fields["resume"] = "\n".join(
            x for x in (current.resume.rstrip(), resume.note_line(note)) if x
        )
    cadre_services.cadre_update(acting_user=acting_user, cadre=current, **fields)


def assignment_end(
    *,
    acting_user: Any,
    assignment: Assignment,
    ended_on: dt.date,
    version: int | None = None,
) -> Assignment:
    """期满: a running assignment ends; 挂职 and 墩苗 write their （其间：…） note in the 简历."""
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.programme)
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.cadre)
    errors: dict[str, str] = {}
    if ended_on is None:
        errors["ended_on"] = "请填写结束日期"
    _not_after_today(errors, "ended_on", "结束日期", ended_on)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_assignment(assignment, version)
        before = _assignment_state(current)
        _set_assignment_status(current, AssignmentStatus.ENDED)
        if ended_on < current.start_date:
            raise ValidationError({"ended_on": "结束日期不能早于开始日期"})
        current.ended_on = ended_on
        fields = ["status", "ended_on"]
        if current.programme.kind in RESUME_NOTE_KINDS:
            current.resume_note = _resume_note_for(current, ended_on)
            fields.append("resume_note")
            _write_resume_note(acting_user, current.cadre, current.resume_note)
        _save_assignment(acting_user, current, before, fields)
    return current


def assignment_cancel(
    *, acting_user: Any, assignment: Assignment, reason: str, version: int | None = None
) -> Assignment:
    """Call off a planned or running assignment, with a reason; nothing goes into the 简历."""
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.programme)
    require(acting_user, Action.PROGRAMMES_CHANGE, assignment.cadre)
    reason = stripped(reason)
    if not reason:
        raise ValidationError({"cancel_reason": "请填写取消原因"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"cancel_reason": f"取消原因不能超过 {REASON_MAX} 个字"})
    with transaction.atomic():
        current = _locked_assignment(assignment, version)
        before = _assignment_state(current)
        _set_assignment_status(current, AssignmentStatus.CANCELLED)
        current.cancel_reason = reason
        _save_assignment(acting_user, current, before, ["status", "cancel_reason"])
    return current
