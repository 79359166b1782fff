"""Cadre writes: each atomic, audited against the cadre, optimistic-locked and scope-checked.

Every change to a cadre or to one of its child records (education, position, assessment,
reward, family member, photo) is one audit event on the cadre itself, so the cadre's
变更记录 shows all of it, and bumps ``Cadre.version``: a form opened before someone else's
save is refused with that person's name and time. After a change the derived columns
(现任职务, 领导职务层次, 职级, 最高学历, 简历) are recomputed from the child records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model, ProtectedError
from django.utils import timezone

from audit.choices import AuditAction
from audit.selectors import last_editor
from audit.services import (
    PendingEvent,
    audit_record,
    audit_record_many,
    diff,
    editable,
    snapshot,
)
from cadres import resume
from cadres.choices import (
    DECEASED_WORDS,
    AppointmentMethod,
    AssessmentGrade,
    CadreStatus,
    EducationKind,
    ManagementLevel,
    RecordKind,
)
from cadres.models import (
    Assessment,
    Cadre,
    CadrePhoto,
    Education,
    FamilyMember,
    IdConflictStatus,
    IdNumberConflict,
    Position,
    RewardPunishment,
    RosterColumnSet,
    digest_in,
)
from cadres.signals import cadre_moved
from core.bulk import copy_insert
from core.choices import CodeTable
from core.fields import id_number_digest
from core.idnumber import IdNumber, cross_check, parse_id_number
from core.permissions import Action, can_in_path, require
from core.pinyin import initials
from core.selectors import code_map
from orgs.models import Unit

CADRE_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "native_place",
    "birthplace",
    "grown_place",
    "political_status",
    "party_join_date",
    "other_parties",
    "work_start_date",
    "health",
    "professional_title",
    "expertise",
    "management_level",
    "status",
    "sort_order",
    "resume_manual",
    "resume_extra",
    "rewards_text",
)
POSITION_FIELDS = (
    "unit",
    "unit_name",
    "title",
    "rank_level",
    "grade",
    "is_leading",
    "is_head",
    "is_primary",
    "start_date",
    "end_date",
    "appointment_doc",
    "method",
    "probation_end",
    "probation_confirmed",
    "end_doc",
    "end_reason",
    "order",
)
EDUCATION_FIELDS = (
    "kind",
    "education_level",
    "degree",
    "school",
    "major",
    "start_date",
    "end_date",
)
FAMILY_FIELDS = (
    "order",
    "relation",
    "name",
    "birth_date",
    "political_status",
    "work_unit_post",
    "is_deceased",
)
RECORD_FIELDS = ("kind", "name", "date", "issuer", "doc_no", "end_date")
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_SIZE = (300, 375)  # 4:5, enough for the printed 3.5 × 4.5 cm box at 200 dpi


# ---------------------------------------------------------------- checks


_TODAY: list[Any] = [0.0, None]  # (time read, date): imports ask thousands of times a second


def _today() -> dt.date:
    # Read once a second at most (a bulk import checks every row's dates). The wall clock, not
    # the monotonic one: a clock set to another day (time-machine in tests, faketime) is seen
    # at once, in either direction.
    now = time.time()
    if _TODAY[1] is None or abs(now - _TODAY[0]) > 1.0:
        _TODAY[0], _TODAY[1] = now, timezone.localdate()
    return _TODAY[1]


def _code_ok(table: CodeTable, code: str) -> bool:
    """Is ``code`` in ``table``? From the per-process code cache, not a query per row."""
    return code in code_map(table=table)


def _not_future(errors: dict[str, str], field: str, label: str, value: dt.date | None) -> None:
    if value is not None and value > _today():
        errors.setdefault(field, f"{label}不能晚于今天")


_MANAGEMENT_LEVELS = frozenset(ManagementLevel.values)
_GRADES = frozenset(AssessmentGrade.values)
_STATUSES = frozenset(CadreStatus.values)


def validate_cadre(cadre: Cadre) -> None:
    """The record's invariants, with every failing field named in Chinese."""
    errors: dict[str, str] = {}
    cadre.name = (cadre.name or "").strip()
    if not cadre.name:
        errors["name"] = "请填写姓名"
    elif len(cadre.name) > 18:
        errors["name"] = "姓名不能超过 18 个字（含间隔号“·”）"
    if cadre.sex not in ("1", "2"):
        errors["sex"] = "性别须为男或女"
    if cadre.birth_date is None:
        errors["birth_date"] = "请填写出生年月"
    else:
        _not_future(errors, "birth_date", "出生日期", cadre.birth_date)
        if cadre.birth_date.year < 1900:
            errors["birth_date"] = "出生年份不合理"
    if cadre.ethnicity and not _code_ok(CodeTable.ETHNICITY, cadre.ethnicity):
        errors["ethnicity"] = "民族代码不在 GB 3304 代码表中"
    if cadre.political_status and not _code_ok(CodeTable.POLITICAL_STATUS, cadre.political_status):
        errors["political_status"] = "政治面貌代码不在 GB 4762 代码表中"
    if cadre.management_level not in _MANAGEMENT_LEVELS:
        errors["management_level"] = "管理类别无效"
    if cadre.status not in _STATUSES:
        errors["status"] = "状态无效"
    for field, label in (("party_join_date", "入党时间"), ("work_start_date", "参加工作时间")):
        value = getattr(cadre, field)
        _not_future(errors, field, label, value)
        if value and cadre.birth_date and value < cadre.birth_date:
            errors.setdefault(field, f"{label}不能早于出生日期")
    if cadre.party_join_date and cadre.political_status not in ("01", "02"):
        errors.setdefault("party_join_date", "填写了入党时间，政治面貌应为中共党员或预备党员")
    number = cadre.id_number
    if number is not None and cadre.birth_date and cadre.sex in ("1", "2"):
        # The record may carry only the birth month (LRMX); the ID number the full date.
        try:
            cross_check(number, birth_month=f"{cadre.birth_date:%Y%m}", sex_code=cadre.sex)
        except ValidationError as exc:
            errors["id_number"] = "；".join(exc.messages)
    if errors:
        raise ValidationError(errors)


def _check_unique_id(cadre: Cadre, user: Any) -> Cadre | None:
    """Refuse an ID number another record holds where the user can see it.

    Held out of the user's sight, the number gets the answer a new number gets (anything else
    tells a clerk of one 街道 who is on the books elsewhere): the record is marked 待核实 and the
    hidden holder is returned, for ``_open_conflict`` to route to those who can see it.
    """
    if cadre.id_number is None:
        cadre.id_pending = False
        return None
    cadre.id_check_note = ""  # a number entered again replaces the rejected one
    clash = (
        Cadre.objects.filter(id_digest=id_number_digest(cadre.id_number), id_pending=False)
        .exclude(pk=cadre.pk)
        .only("id", "name", "unit_path")
        .first()
    )
    if clash is None:
        cadre.id_pending = False
        return None
    if user is None or can_in_path(user, Action.CADRES_VIEW, clash.unit_path):
        raise ValidationError({"id_number": f"该身份证号已属于干部“{clash.name}”"})
    cadre.id_pending = True
    return clash


def _open_conflict(user: Any, cadre: Cadre, holder: Cadre | None) -> None:
    """Keep one open 核实 per entered record and holder; close the others (number changed)."""
    open_ones = IdNumberConflict.objects.filter(cadre=cadre, status=IdConflictStatus.OPEN)
    for stale in open_ones.exclude(holder=holder):
        stale.status, stale.handled_at = IdConflictStatus.WITHDRAWN, timezone.now()
        stale.reason = "身份证号已更改"
        stale.save(update_fields=["status", "handled_at", "reason"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=stale,
            changes={"after": {"status": stale.status}},
        )
    if holder is None or open_ones.filter(holder=holder).exists():
        return
    conflict = IdNumberConflict.objects.create(
        cadre=cadre, holder=holder, unit=cadre.unit, cadre_name=cadre.name, requested_by=user
    )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=conflict,
        changes={
            "after": {
                "cadre": cadre.pk,
                "holder": holder.pk,
                "unit": cadre.unit.code,
                "status": conflict.status,
            }
        },
    )


def _coerce_id(value: Any) -> IdNumber | None:
    if value in (None, ""):
        return None
    if isinstance(value, IdNumber):
        return value
    try:
        return parse_id_number(str(value))
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc


def _locked(cadre: Cadre, version: int | None) -> Cadre:
    current = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if version is not None and current.version != version:
        raise ValidationError(f"该干部信息已被{last_editor(current)}修改，请刷新后重试")
    return current


def _bump(cadre: Cadre) -> None:
    Cadre.objects.filter(pk=cadre.pk).update(version=F("version") + 1, updated_at=timezone.now())
    cadre.version += 1


def _person(cadre: Cadre) -> dict[str, Any]:
    """The person's audited fields; the unit by name and code (an id means nothing to a reader)."""
    data = snapshot(cadre, CADRE_FIELDS)
    unit = cadre.unit if cadre.unit_id else None
    data["unit"] = f"{unit.name}（{unit.code}）" if unit is not None else ""
    return data


def _audit(
    user: Any, action: str, cadre: Cadre, changes: dict[str, Any], section: str = ""
) -> None:
    if section:
        changes = {"section": section, **changes}
    audit_record(actor=user, action=action, obj=cadre, changes=changes)


# ---------------------------------------------------------------- derived columns


def refresh_derived(cadre: Cadre, *, save: bool = True) -> Cadre:
    """Recompute 现任职务, 领导职务层次, 职级, 最高学历/学位 and the generated 简历."""
    derive_columns(cadre, list(cadre.positions.all()), list(cadre.educations.all()))
    if save:
        Cadre.objects.filter(pk=cadre.pk).update(
            current_title=cadre.current_title,
            rank_level=cadre.rank_level,
            rank_level_since=cadre.rank_level_since,
            grade=cadre.grade,
            grade_since=cadre.grade_since,
            education_level=cadre.education_level,
            degree=cadre.degree,
            resume=cadre.resume,
        )
    return cadre


def _compact_titles(positions: Iterable[Position]) -> list[str]:
    # "甲镇党委书记、甲镇人大主席" prints as "甲镇党委书记、人大主席".
    out: list[str] = []
    previous_unit = None
    for p in positions:
        out.append(p.title if p.unit_name and p.unit_name == previous_unit else p.full_title)
        previous_unit = p.unit_name
    return out


def _education_rank(code: str) -> tuple[int, str]:
    # ZB64 groups: 1x 研究生 > 2x 本科 > 3x 专科 … ; lower first digit is higher.
    return (int(code[0]) if code[:1].isdigit() else 9, code)


def _degree_rank(code: str) -> tuple[int, str]:
    # GB 6864: 1 名誉博士, 2xx 博士, 3xx 硕士, 4xx 学士.
    return (int(code[0]) if code[:1].isdigit() else 9, code)


def generated_resume(
    cadre: Cadre, positions: Iterable[Position], educations: Iterable[Education]
) -> str:
    study = [
        resume.Entry(e.start_date, e.end_date, f"{e.school}{e.major}学习")
        for e in educations
        if e.kind == EducationKind.FULL_TIME and e.start_date
    ]
    work = [resume.Entry(p.start_date, p.end_date, p.full_title) for p in positions]
    return resume.generate(study, work, cadre.resume_extra)


# ---------------------------------------------------------------- the person


def _apply_fields(cadre: Cadre, fields: dict[str, Any]) -> None:
    editable(fields, {*CADRE_FIELDS, "id_number", "resume"})
    for name, value in fields.items():
        if name == "id_number":
            value = _coerce_id(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(cadre, name, value)


def cadre_create(*, acting_user: Any, unit: Unit, **fields: Any) -> Cadre:
    """A new cadre in ``unit`` (which must lie in the actor's scope)."""
    require(acting_user, Action.CADRES_CHANGE, unit)
    cadre = Cadre(unit=unit, unit_path=unit.path)
    _apply_fields(cadre, fields)
    if cadre.id_number is not None:
        cadre.birth_date = cadre.birth_date or cadre.id_number.birth_date
        cadre.sex = cadre.sex or cadre.id_number.sex_code
    cadre.name_initials = initials(cadre.name or "")[:18]
    validate_cadre(cadre)
    with transaction.atomic():
        holder = _check_unique_id(cadre, acting_user)
        cadre.save()
        refresh_derived(cadre)
        if holder is not None:
            _open_conflict(acting_user, cadre, holder)
        after = _person(cadre)
        if cadre.id_number is not None:
            after["id_number"] = "（已填写）"
        _audit(acting_user, AuditAction.CREATE, cadre, {"after": after})
    return cadre


def cadre_update(
    *, acting_user: Any, cadre: Cadre, version: int | None = None, **fields: Any
) -> Cadre:
    """Edit the person's own fields (not positions or unit: see their services)."""
    require(acting_user, Action.CADRES_CHANGE, cadre)
    with transaction.atomic():
        current = _locked(cadre, version)
        before = _person(current)
        old_id = current.id_number
        _apply_fields(current, fields)
        current.name_initials = initials(current.name)[:18]
        validate_cadre(current)
        was_pending = current.id_pending
        holder = _check_unique_id(current, acting_user)
        current.version = current.version + 1
        current.save()
        refresh_derived(current)
        if holder is not None or was_pending:
            _open_conflict(acting_user, current, holder)
        changes = diff(before, _person(current))
        if (old_id.value if old_id else None) != (
            current.id_number.value if current.id_number else None
        ):
            changes.setdefault("before", {})["id_number"] = "（原号码）" if old_id else ""
            changes.setdefault("after", {})["id_number"] = "（已更改）"
        _audit(acting_user, AuditAction.UPDATE, current, changes)
    return current


def cadre_transfer(
    *, acting_user: Any, cadre: Cadre, to_unit: Unit, version: int | None = None
) -> Cadre:
    """Move a cadre's record to another unit; both must lie in the actor's scope."""
    require(acting_user, Action.CADRES_CHANGE, cadre)
    require(acting_user, Action.CADRES_CHANGE, to_unit)
    if not to_unit.is_active:
        raise ValidationError({"unit": "目标单位已撤销"})
    with transaction.atomic():
        current = _locked(cadre, version)
        if current.unit_id == to_unit.pk:
            raise ValidationError({"unit": "干部已在该单位"})
        old_unit = f"{current.unit.name}（{current.unit.code}）"
        current.unit = to_unit
        current.unit_path = to_unit.path
        current.version += 1
        current.save(update_fields=["unit", "unit_path", "version", "updated_at"])
        cadre_moved.send(sender=Cadre, cadre_id=current.pk, new_path=to_unit.path)
        _audit(
            acting_user,
            AuditAction.MOVE,
            current,
            {"before": {"unit": old_unit}, "after": {"unit": f"{to_unit.name}（{to_unit.code}）"}},
        )
    return current


def _conflict_for_handling(acting_user: Any, conflict: IdNumberConflict) -> IdNumberConflict:
    """The open 核实, locked; out of the actor's scope it is reported like a missing one."""
    current = (
        IdNumberConflict.objects.restrict(acting_user, Action.CADRES_CHANGE)
        .select_for_update()
        .filter(pk=conflict.pk)
        .first()
    )
    if current is None:
        raise PermissionDenied("核实申请不存在或无权操作")
    if current.status != IdConflictStatus.OPEN:
        raise ValidationError(f"该申请已处理（{current.get_status_display()}）")
    return current


def _close_conflict(acting_user: Any, conflict: IdNumberConflict, status: str, reason: str) -> None:
    conflict.status, conflict.reason = status, reason
    conflict.handled_by, conflict.handled_at = acting_user, timezone.now()
    conflict.save(update_fields=["status", "reason", "handled_by", "handled_at"])
    audit_record(
        actor=acting_user,
        action=AuditAction.UPDATE,
        obj=conflict,
        changes={
            "before": {"status": IdConflictStatus.OPEN},
            "after": {"status": status, "reason": reason},
        },
    )


def id_conflict_transfer(
    *, acting_user: Any, conflict: IdNumberConflict, reason: str = ""
) -> Cadre:
    """同意调入: the holder moves to the entrant's unit; the entered duplicate is removed.

    Decided by someone who may change the holder (the entrant asked for the person by
    entering them). The duplicate's content stays in the audit record of its removal.
    """
    with transaction.atomic():
        current = _conflict_for_handling(acting_user, conflict)
        holder = Cadre.objects.select_for_update().get(pk=current.holder_id)
        to_unit = current.unit
        if not to_unit.is_active:
            raise ValidationError("申请单位已撤销，无法调入；请驳回")
        duplicate = current.cadre
        if duplicate is not None:
            before = _person(duplicate)
            before["records"] = {
                "positions": duplicate.positions.count(),
                "educations": duplicate.educations.count(),
                "family": duplicate.family.count(),
            }
            duplicate_id = duplicate.pk
            current.cadre = None  # SET NULL in the database; the request is kept
            try:
                duplicate.delete()
            except ProtectedError as exc:
                raise ValidationError(
                    "申请单位新建的记录已被其他业务（如选任、监督）引用，无法合并；请驳回后由申请单位处理"
                ) from exc
            audit_record(
                actor=acting_user,
                action=AuditAction.DELETE,
                object_type=Cadre._meta.label,
                object_id=duplicate_id,
                object_repr=before.get("name", ""),
                changes={
                    "before": before,
                    "reason": f"身份证号核实：与干部 {holder.pk} 为同一人，已合并",
                },
            )
        if holder.unit_id != to_unit.pk:
            old_unit = f"{holder.unit.name}（{holder.unit.code}）"
            holder.unit, holder.unit_path = to_unit, to_unit.path
            holder.version += 1
            holder.save(update_fields=["unit", "unit_path", "version", "updated_at"])
            cadre_moved.send(sender=Cadre, cadre_id=holder.pk, new_path=to_unit.path)
            _audit(
                acting_user,
                AuditAction.MOVE,
                holder,
                {
                    "before": {"unit": old_unit},
                    "after": {"unit": f"{to_unit.name}（{to_unit.code}）"},
                    "reason": f"身份证号核实（调入申请 {current.pk}）",
                },
            )
        _close_conflict(acting_user, current, IdConflictStatus.TRANSFERRED, reason.strip())
    return holder


def id_conflict_reject(*, acting_user: Any, conflict: IdNumberConflict, reason: str) -> None:
    """驳回: the number is taken off the entered record; the entrant is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写驳回理由，申请单位将看到它"})
    with transaction.atomic():
        current = _conflict_for_handling(acting_user, conflict)
        entered = (
            Cadre.objects.select_for_update().filter(pk=current.cadre_id).first()
            if current.cadre_id
            else None
        )
        if entered is not None and entered.id_pending:
            entered.id_number, entered.id_digest, entered.id_pending = None, "", False
            day = timezone.localdate()
            entered.id_check_note = f"身份证号核实未通过（{day:%Y-%m-%d}）：{reason}"[:300]
            entered.version += 1
            entered.save(
                update_fields=[
                    "id_number",
                    "id_digest",
                    "id_pending",
                    "id_check_note",
                    "version",
                    "updated_at",
                ]
            )
            _audit(
                acting_user,
                AuditAction.UPDATE,
                entered,
                {
                    "before": {"id_number": "（待核实号码）"},
                    "after": {"id_number": ""},
                    "reason": f"身份证号核实未通过（申请 {current.pk}）：{reason}",
                },
            )
        _close_conflict(acting_user, current, IdConflictStatus.REJECTED, reason)


def cadre_set_status(
    *,
    acting_user: Any,
    cadre: Cadre,
    status: str,
    on: dt.date | None = None,
    version: int | None = None,
) -> Cadre:
    """退休 / 调出 / 去世 (closing the open positions on ``on``) or back to 在职."""
    require(acting_user, Action.CADRES_CHANGE, cadre)
    if status not in CadreStatus.values:
        raise ValidationError({"status": "状态无效"})
    on = on or _today()
    if on > _today():
        raise ValidationError({"on": "日期不能晚于今天：请在事实发生后再变更状态"})
    with transaction.atomic():
        current = _locked(cadre, version)
        before = current.status
        if status != CadreStatus.ACTIVE:
            for position in current.positions.filter(end_date__isnull=True):
                if position.start_date > on:
                    raise ValidationError(
                        {"on": f"{position.full_title}的任职时间晚于{on:%Y.%m.%d}"}
                    )
                position.end_date = on
                position.end_reason = position.end_reason or CadreStatus(status).label
                position.save(update_fields=["end_date", "end_reason"])
        current.status = status
        current.version += 1
        current.save(update_fields=["status", "version", "updated_at"])
        refresh_derived(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {"before": {"status": before}, "after": {"status": status, "on": on.isoformat()}},
        )
    return current


def cadre_reveal_id(*, acting_user: Any, cadre: Cadre) -> str:
    """The full ID number, for a user holding the reveal permission; every reveal is audited."""
    require(acting_user, Action.CADRES_REVEAL_ID, cadre)
    if cadre.id_number is None:
        return ""
    audit_record_reveal(acting_user, cadre)
    return cadre.id_number.value


def audit_record_reveal(acting_user: Any, cadre: Cadre) -> None:
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=AuditAction.REVEAL,
            obj=cadre,
            changes={"field": "id_number"},
            sensitive=True,
        )


def audit_record_view(acting_user: Any, cadre: Cadre, *, tab: str = "") -> None:
    """Record that ``acting_user`` opened ``cadre``'s record (the page or the API's detail):
    the auditor's "who looked at this person's record" (docs/security.md, "Audit")."""
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=AuditAction.VIEW,
            obj=cadre,
            changes={"tab": tab} if tab else {},
            sensitive=True,
        )


# ---------------------------------------------------------------- positions


def _check_position(position: Position) -> None:
    """The rules of one position on its own (normalising title and unit name)."""
    errors: dict[str, str] = {}
    position.title = (position.title or "").strip()
    if not position.title:
        errors["title"] = "请填写职务名称"
    if position.unit is not None and not position.unit_name:
        position.unit_name = position.unit.name
    if position.start_date is None:
        errors["start_date"] = "请填写任职时间"
    else:
        _not_future(errors, "start_date", "任职时间", position.start_date)
    if position.end_date is not None:
        _not_future(errors, "end_date", "免职时间", position.end_date)
        if position.start_date and position.end_date < position.start_date:
            errors["end_date"] = "免职时间不能早于任职时间"
    if position.rank_level and not _code_ok(CodeTable.RANK_LEVEL, position.rank_level):
        errors["rank_level"] = "领导职务层次代码无效"
    if position.grade and not _code_ok(CodeTable.GRADE, position.grade):
        errors["grade"] = "职级代码无效"
    if position.method and position.method not in AppointmentMethod.values:
        errors["method"] = "任职方式无效"
    if (
        position.probation_end
        and position.start_date
        and position.probation_end <= position.start_date
    ):
        errors["probation_end"] = "试用期满时间须晚于任职时间"
    if errors:
        raise ValidationError(errors)


def _validate_position(position: Position) -> None:
    """``_check_position``, and no second open post of the same title in the database."""
    _check_position(position)
    if position.end_date is None:
        clash = Position.objects.filter(
            cadre_id=position.cadre_id,
            end_date__isnull=True,
            unit_name=position.unit_name,
            title=position.title,
        ).exclude(pk=position.pk)
        if clash.exists():
            raise ValidationError(
                {"title": f"已有未免去的“{position.full_title}”任职，不能重复任职"}
            )


def _position_unit(acting_user: Any, fields: dict[str, Any]) -> Unit | None:
    """Refuses unknown fields and a unit the actor cannot see; returns the unit, if any."""
    unknown = set(fields) - set(POSITION_FIELDS)
    if unknown:
        raise ValueError(f"not position fields: {sorted(unknown)}")
    unit = fields.get("unit")
    if unit is not None and not can_in_path(acting_user, Action.CADRES_VIEW, unit.path):
        raise ValidationError({"unit": "任职单位不存在或不在您的管理范围内"})
    return unit


def position_start(
    *, acting_user: Any, cadre: Cadre, version: int | None = None, **fields: Any
) -> Position:
    """任职: open (or record a past) position of ``cadre``."""
    require(acting_user, Action.CADRES_CHANGE, cadre)
    _position_unit(acting_user, fields)
    with transaction.atomic():
        current = _locked(cadre, version)
        position = Position(cadre=current, **fields)
        _validate_position(position)
        position.save()
        _bump(current)
        refresh_derived(current)
        _audit(
            acting_user,
            AuditAction.CREATE,
            current,
            {"item": position.pk, "after": snapshot(position, POSITION_FIELDS)},
            section="任职",
        )
    return position


def position_update(
    *, acting_user: Any, position: Position, version: int | None = None, **fields: Any
) -> Position:
    """Correct a position record."""
    cadre = position.cadre
    require(acting_user, Action.CADRES_CHANGE, cadre)
    unit = _position_unit(acting_user, fields)
    with transaction.atomic():
        current = _locked(cadre, version)
        position = Position.objects.select_for_update().get(pk=position.pk, cadre=current)
        before = snapshot(position, POSITION_FIELDS)
        if unit is not None and unit.pk != position.unit_id and not fields.get("unit_name"):
            fields["unit_name"] = unit.name
        for name, value in fields.items():
            setattr(position, name, value.strip() if isinstance(value, str) else value)
        _validate_position(position)
        position.save()
        _bump(current)
        refresh_derived(current)
        _audit(
            acting_user,
            AuditAction.UPDATE,
            current,
            {"item": position.pk, **diff(before, snapshot(position, POSITION_FIELDS))},
            section="任职",
        )
    return position


def position_end(
    *,
    acting_user: Any,
    position: Position,
    end_date: dt.date,
    end_doc: str = "",
    end_reason: str = "",
    version: int | None = None,
) -> Position:
    """免职: close an open position (checked on the locked row, not the caller's copy)."""
    cadre = position.cadre
    require(acting_user, Action.CADRES_CHANGE, cadre)
    with transaction.atomic():
        current = _locked(cadre, version)
        fresh = Position.objects.select_for_update().get(pk=position.pk, cadre=current)
        if fresh.end_date is not None:
            raise ValidationError({"end_date": f"该职务已于 {fresh.end_date:%Y.%m} 免去"})
        return position_update(
            acting_user=acting_user,
            position=fresh,
            version=None,
            end_date=end_date,
            end_doc=end_doc,
            end_reason=end_reason,
        )


def _delete_child(
    acting_user: Any, item: Model, fields: tuple[str, ...], section: str, version: int | None
) -> None:
    cadre: Cadre = item.cadre  # type: ignore[attr-defined]
    require(acting_user, Action.CADRES_CHANGE, cadre)
    with transaction.atomic():
        current = _locked(cadre, version)
        before = snapshot(item, fields)
        pk = item.pk
        item.delete()
        _bump(current)
        refresh_derived(current)
        _audit(
            acting_user,
            AuditAction.DELETE,
            current,
            {"item": pk, "before": before},
            section=section,
        )


def position_delete(*, acting_user: Any, position: Position, version: int | None = None) -> None:
    """Remove a position entered by mistake (the audit keeps what it was)."""
    _delete_child(acting_user, position, POSITION_FIELDS, "任职", version)


# ---------------------------------------------------------------- education


def _validate_education(item: Education) -> None:
    errors: dict[str, str] = {}
    if item.kind not in EducationKind.values:
        errors["kind"] = "教育类别须为全日制教育或在职教育"
    if item.education_level and not _code_ok(CodeTable.EDUCATION, item.education_level):
        errors["education_level"] = "学历代码不在代码表中"
    if item.degree and not _code_ok(CodeTable.DEGREE, item.degree):
        errors["degree"] = "学位代码不在 GB 6864 代码表中"
    if not (item.education_level or item.degree):
        errors["education_level"] = "学历和学位至少填写一项"
    _not_future(errors, "start_date", "入学时间", item.start_date)
    if item.start_date and item.end_date and item.end_date < item.start_date:
        errors["end_date"] = "毕业时间不能早于入学时间"
    if errors:
        raise ValidationError(errors)


def _child_write(
    acting_user: Any,
    cadre: Cadre,
    version: int | None,
    item: Model,
    fields: tuple[str, ...],
    changes: dict[str, Any],
    section: str,
    validate: Any,
) -> Model:
    require(acting_user, Action.CADRES_CHANGE, cadre)
    creating = item.pk is None
    for name, value in changes.items():
        if name not in fields:
            raise ValueError(f"not a {section} field: {name}")
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    with transaction.atomic():
        current = _locked(cadre, version)
        before = {} if creating else snapshot(type(item)._default_manager.get(pk=item.pk), fields)
        validate(item)
        item.save()
        _bump(current)
        refresh_derived(current)
        after = snapshot(item, fields)
        _audit(
            acting_user,
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            current,
            {"item": item.pk, **({"after": after} if creating else diff(before, after))},
            section=section,
        )
    return item


def education_add(
    *, acting_user: Any, cadre: Cadre, version: int | None = None, **fields: Any
) -> Education:
    return _child_write(  # type: ignore[return-value]
        acting_user,
        cadre,
        version,
        Education(cadre=cadre),
        EDUCATION_FIELDS,
        fields,
        "学历学位",
        _validate_education,
    )


def education_update(
    *, acting_user: Any, education: Education, version: int | None = None, **fields: Any
) -> Education:
    return _child_write(  # type: ignore[return-value]
        acting_user,
        education.cadre,
        version,
        education,
        EDUCATION_FIELDS,
        fields,
        "学历学位",
        _validate_education,
    )


def education_delete(*, acting_user: Any, education: Education, version: int | None = None) -> None:
    _delete_child(acting_user, education, EDUCATION_FIELDS, "学历学位", version)


# ---------------------------------------------------------------- assessments


def assessment_set(
    *,
    acting_user: Any,
    cadre: Cadre,
    year: int,
    grade: str,
    note: str = "",
    version: int | None = None,
) -> Assessment:
    """Record (or correct) one year's 年度考核 grade."""
    require(acting_user, Action.CADRES_CHANGE, cadre)
    errors: dict[str, str] = {}
    if grade not in AssessmentGrade.values:
        errors["grade"] = "考核等次须为优秀、称职、基本称职、不称职或不定等次"
    if not 1950 <= year <= _today().year:
        errors["year"] = f"考核年度须在 1950–{_today().year} 之间"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked(cadre, version)
        item, created = Assessment.objects.get_or_create(
            cadre=current, year=year, defaults={"grade": grade, "note": note}
        )
        before = {} if created else snapshot(item, ("grade", "note"))
        item.grade, item.note = grade, note
        item.save()
        _bump(current)
        _audit(
            acting_user,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            current,
            {
                "item": item.pk,
                "year": year,
                **(
                    {"after": snapshot(item, ("grade", "note"))}
                    if created
                    else diff(before, snapshot(item, ("grade", "note")))
                ),
            },
            section="年度考核",
        )
    return item


def assessment_delete(
    *, acting_user: Any, assessment: Assessment, version: int | None = None
) -> None:
    _delete_child(acting_user, assessment, ("year", "grade", "note"), "年度考核", version)


# ---------------------------------------------------------------- rewards and punishments


def _validate_record(item: RewardPunishment) -> None:
    errors: dict[str, str] = {}
    if item.kind not in RecordKind.values:
        errors["kind"] = "类别须为奖励或惩处"
    if not item.name:
        errors["name"] = "请填写奖惩名称"
    if item.date is None:
        errors["date"] = "请填写时间"
    else:
        _not_future(errors, "date", "奖惩时间", item.date)
    if errors:
        raise ValidationError(errors)


def record_add(
    *, acting_user: Any, cadre: Cadre, version: int | None = None, **fields: Any
) -> RewardPunishment:
    return _child_write(  # type: ignore[return-value]
        acting_user,
        cadre,
        version,
        RewardPunishment(cadre=cadre),
        RECORD_FIELDS,
        fields,
        "奖惩",
        _validate_record,
    )


def record_delete(
    *, acting_user: Any, record: RewardPunishment, version: int | None = None
) -> None:
    _delete_child(acting_user, record, RECORD_FIELDS, "奖惩", version)


# ---------------------------------------------------------------- family


def _validate_family(item: FamilyMember) -> None:
    errors: dict[str, str] = {}
    if not item.relation:
        errors["relation"] = "请填写称谓"
    if not item.name:
        errors["name"] = "请填写姓名"
    elif len(item.name) > 18:
        errors["name"] = "姓名不能超过 18 个字"
    _not_future(errors, "birth_date", "出生年月", item.birth_date)
    if errors:
        raise ValidationError(errors)
    if any(word in item.work_unit_post for word in DECEASED_WORDS):
        item.is_deceased = True


def family_add(
    *, acting_user: Any, cadre: Cadre, version: int | None = None, **fields: Any
) -> FamilyMember:
    id_number = _coerce_id(fields.pop("id_number", None))
    item = FamilyMember(cadre=cadre, id_number=id_number)
    return _child_write(  # type: ignore[return-value]
        acting_user, cadre, version, item, FAMILY_FIELDS, fields, "家庭成员", _validate_family
    )


def family_update(
    *, acting_user: Any, member: FamilyMember, version: int | None = None, **fields: Any
) -> FamilyMember:
    if "id_number" in fields:
        member.id_number = _coerce_id(fields.pop("id_number"))
    return _child_write(  # type: ignore[return-value]
        acting_user,
        member.cadre,
        version,
        member,
        FAMILY_FIELDS,
        fields,
        "家庭成员",
        _validate_family,
    )


def family_delete(*, acting_user: Any, member: FamilyMember, version: int | None = None) -> None:
    _delete_child(acting_user, member, FAMILY_FIELDS, "家庭成员", version)


# ---------------------------------------------------------------- photo


def read_photo(data: bytes, *, reencode: bool = True) -> tuple[bytes, int, int]:
    """Check an image by its content; return JPEG bytes (4:5, re-encoded) and the size.

    ``reencode=False`` keeps a valid JPEG's bytes as they are (LRMX round-trips must give
    the same photo back); anything else is decoded and written anew.
    """
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": "照片不能超过 5 MB"})
    from core.attachments import check_image_size
    from core.upload import UploadRejected

    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            try:
                check_image_size(probe)  # from the header, before anything is decoded
            except UploadRejected as exc:
                raise ValidationError({"photo": exc.message}) from exc
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError({"photo": "无法识别的图片文件，请上传 JPEG 或 PNG 照片"}) from exc
    if kind not in ("JPEG", "PNG", "BMP", "GIF", "WEBP", "TIFF"):
        raise ValidationError({"photo": "照片须为 JPEG 或 PNG 格式"})
    if not reencode and kind == "JPEG":
        return data, image.width, image.height
    picture: Image.Image = image.convert("RGB")
    width, height = picture.size
    target = 4 / 5
    if width / height > target:  # too wide: crop the sides
        new_w = round(height * target)
        left = (width - new_w) // 2
        picture = picture.crop((left, 0, left + new_w, height))
    elif width / height < target:  # too tall: crop the bottom (keep the head)
        new_h = round(width / target)
        picture = picture.crop((0, 0, width, new_h))
    if picture.width > PHOTO_SIZE[0]:
        picture = picture.resize(PHOTO_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue(), picture.width, picture.height


def photo_set(
    *,
    acting_user: Any,
    cadre: Cadre,
    data: bytes,
    reencode: bool = True,
    version: int | None = None,
) -> CadrePhoto:
    require(acting_user, Action.CADRES_CHANGE, cadre)
    jpeg, width, height = read_photo(data, reencode=reencode)
    digest = hashlib.sha256(jpeg).hexdigest()
    with transaction.atomic():
        current = _locked(cadre, version)
        photo, created = CadrePhoto.objects.update_or_create(
            cadre=current,
            defaults={"data": jpeg, "width": width, "height": height, "sha256": digest},
        )
        _bump(current)
        _audit(
            acting_user,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            current,
            {"after": {"photo": digest[:12], "size": f"{width}×{height}"}},
            section="照片",
        )
    return photo


def photo_delete(*, acting_user: Any, cadre: Cadre, version: int | None = None) -> None:
    require(acting_user, Action.CADRES_CHANGE, cadre)
    with transaction.atomic():
        current = _locked(cadre, version)
        deleted, _ = CadrePhoto.objects.filter(cadre=current).delete()
        if deleted:
            _bump(current)
            _audit(
                acting_user,
                AuditAction.DELETE,
                current,
                {"before": {"photo": "有"}},
                section="照片",
            )


# ---------------------------------------------------------------- roster column sets


def column_set_save(*, acting_user: Any, name: str, columns: list[str]) -> RosterColumnSet:
    """Save (or replace) one of the user's own column sets for roster export."""
    from cadres.roster import COLUMNS

    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写列组合名称"})
    bad = [c for c in columns if c not in COLUMNS]
    if bad or not columns:
        raise ValidationError({"columns": "请至少选择一列，且只能选择名册中的列"})
    with transaction.atomic():
        item, _ = RosterColumnSet.objects.update_or_create(
            owner=acting_user, name=name, defaults={"columns": columns}
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=item,
            changes={"after": {"name": name, "columns": columns}},
        )
    return item


def column_set_delete(*, acting_user: Any, column_set: RosterColumnSet) -> None:
    if column_set.owner_id != acting_user.pk:
        raise PermissionDenied("列组合不存在")
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=column_set,
            changes={"before": {"name": column_set.name}},
        )
        column_set.delete()


# ---------------------------------------------------------------- imports (Excel, LRMX)


@dataclass
class CadreData:
    """One person as read from an import file, ready for ``cadre_import``.

    ``fields`` holds person fields (``CADRE_FIELDS``, ``id_number``, ``resume``). Each list
    replaces that part of the record wholesale when it is not ``None``; ``None`` leaves it
    as it is. ``photo``: ``None`` leaves the photo, ``b""`` removes it, bytes set it (kept
    as they are when already a JPEG, so LRMX round-trips give the same photo).
    """

    fields: dict[str, Any]
    educations: list[dict[str, Any]] | None = None
    positions: list[dict[str, Any]] | None = None
    assessments: list[dict[str, Any]] | None = None
    records: list[dict[str, Any]] | None = None
    family: list[dict[str, Any]] | None = None
    photo: bytes | None = None
    lrmx_extra: dict[str, Any] | None = None


_CHILD_PARTS: tuple[tuple[str, type[Model], tuple[str, ...], str], ...] = (
    ("educations", Education, EDUCATION_FIELDS, "学历学位"),
    ("positions", Position, POSITION_FIELDS, "任职"),
    ("assessments", Assessment, ("year", "grade", "note"), "年度考核"),
    ("records", RewardPunishment, RECORD_FIELDS, "奖惩"),
    ("family", FamilyMember, (*FAMILY_FIELDS, "id_number"), "家庭成员"),
)
_VALIDATORS: dict[str, Any] = {
    "educations": _validate_education,
    "positions": None,  # checked below, against the other positions of the same file
    "assessments": None,
    "records": _validate_record,
    "family": _validate_family,
}


def _comparable(value: Any) -> Any:
    if isinstance(value, IdNumber):
        return value.value
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows_of(items: Iterable[Model], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        rows.append(
            {f: _comparable(getattr(item, f"{f}_id" if f == "unit" else f)) for f in fields}
        )
    return rows


def _canonical(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as sorted JSON strings: the file's order and the database's order may differ."""
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def _check_import_positions(rows: list[dict[str, Any]]) -> None:
    """Each row by the rules of one position, and no open post twice within the rows."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        position = Position(**row)
        _check_position(position)
        row["title"], row["unit_name"] = position.title, position.unit_name
        if position.end_date is None:
            key = (position.unit_name, position.title)
            if key in seen:
                raise ValidationError({"title": f"“{position.full_title}”重复任职"})
            seen.add(key)


def _check_import_assessments(rows: list[dict[str, Any]]) -> None:
    years: set[int] = set()
    for row in rows:
        if row.get("grade") not in _GRADES:
            raise ValidationError({"grade": "考核等次须为优秀、称职、基本称职、不称职或不定等次"})
        if row.get("year") in years:
            raise ValidationError({"year": f"{row.get('year')} 年度考核重复"})
        years.add(row["year"])


@dataclass
class ImportItem:
    """One person for ``cadre_import_many``: into ``unit``, matched to ``cadre`` (or new)."""

    unit: Unit
    data: CadreData
    cadre: Cadre | None = None


@dataclass
class ImportResult:
    cadre: Cadre | None
    status: str  # "created", "updated", "unchanged" or "error"
    error: ValidationError | PermissionDenied | None = None
    # What was written, as audited: {"before": {...}, "after": {...}, "parts": {...}}
    changes: dict[str, Any] | None = None


@dataclass
class _Prepared:
    current: Cadre
    creating: bool
    replaced: dict[str, list[Model]]
    children: dict[str, list[Model]]  # what the record holds afterwards, per part
    photo: tuple[bytes, int, int, str] | None
    drop_photo: bool
    payload: dict[str, Any]


def _build_children(part: str, model: type[Model], rows: list[dict[str, Any]]) -> list[Model]:
    items = []
    for i, row in enumerate(rows):
        values = {k: v for k, v in row.items() if k != "id_number"}
        if part == "family":
            values.setdefault("order", i)
        item = model(**values)
        if part == "family":
            number = _coerce_id(row.get("id_number"))
            item.id_number = number  # type: ignore[attr-defined]
            item.id_digest = id_number_digest(number) if number else ""  # type: ignore[attr-defined]
        items.append(item)
    return items


def _prepare_import(acting_user: Any, item: ImportItem, current: Cadre | None) -> _Prepared | None:
    """Validate one item and work out what would change; no writes. None: unchanged."""
    data = item.data
    creating = current is None
    if current is None:
        current = Cadre(unit=item.unit, unit_path=item.unit.path)
    before_person = {} if creating else _person(current)
    old_id = None if creating else current.id_number
    old_resume = "" if creating else current.resume
    _apply_fields(current, dict(data.fields))
    if current.id_number is not None:
        current.birth_date = current.birth_date or current.id_number.birth_date
        current.sex = current.sex or current.id_number.sex_code
    current.name_initials = initials(current.name or "")[:18]
    validate_cadre(current)
    changes: dict[str, Any] = {}
    if data.lrmx_extra is not None and data.lrmx_extra != current.lrmx_extra:
        current.lrmx_extra = data.lrmx_extra
        changes["lrmx_extra"] = "更新"
    replaced: dict[str, list[Model]] = {}
    children: dict[str, list[Model]] = {}
    for part, model, fields, label in _CHILD_PARTS:
        rows = getattr(data, part)
        existing = [] if creating else list(getattr(current, part).all())
        children[part] = existing
        if rows is None:
            continue
        if part == "positions":
            _check_import_positions(rows)
            for row in rows:
                unit = row.get("unit")
                if unit is not None and not can_in_path(acting_user, Action.CADRES_VIEW, unit.path):
                    raise ValidationError({"unit": "任职单位不存在或不在您的管理范围内"})
        elif part == "assessments":
            _check_import_assessments(rows)
        if part == "family":
            for i, row in enumerate(rows):
                row.setdefault("order", i)
        built = _build_children(part, model, rows)
        validator = _VALIDATORS[part]
        if validator is not None:
            for probe, row in zip(built, rows, strict=True):
                validator(probe)  # may normalise the item (strip, 已去世 → is_deceased)
                row.update({k: getattr(probe, k) for k in row if k != "id_number"})
                if part == "family":
                    row["is_deceased"] = probe.is_deceased  # type: ignore[attr-defined]
        new = _canonical(_rows_of(built, fields))
        old = _canonical(_rows_of(existing, fields))
        if new != old:
            replaced[part] = built
            children[part] = built
            changes[label] = {"before": len(old), "after": len(new)}
    photo: tuple[bytes, int, int, str] | None = None
    drop_photo = False
    if data.photo is not None:
        old_digest = "" if creating else getattr(getattr(current, "photo", None), "sha256", "")
        if data.photo:
            jpeg, width, height = read_photo(data.photo, reencode=False)
            digest = hashlib.sha256(jpeg).hexdigest()
            if digest != old_digest:
                photo = (jpeg, width, height, digest)
                changes["照片"] = "更新"
        elif old_digest:
            drop_photo = True
            changes["照片"] = "删除"
    after_person = _person(current)
    person_diff = diff(before_person, after_person) if not creating else {"after": after_person}
    id_changed = (old_id.value if old_id else None) != (
        current.id_number.value if current.id_number else None
    )
    resume_changed = "resume" in data.fields and data.fields["resume"] != old_resume
    person_changed = bool(person_diff.get("before") or person_diff.get("after"))
    if not (creating or changes or person_changed or id_changed or resume_changed):
        return None
    payload: dict[str, Any] = {**person_diff}
    if id_changed:
        payload.setdefault("after", {})["id_number"] = "（已更改）" if old_id else "（已填写）"
    if changes:
        payload["parts"] = changes
    return _Prepared(current, creating, replaced, children, photo, drop_photo, payload)


def _key(row: Any) -> int:
    return getattr(row, "pk", None) or getattr(row, "id", None) or 0


def derive_columns(cadre: Any, positions: Iterable[Any], educations: Iterable[Any]) -> None:
    """Set the derived columns from in-memory child rows (``refresh_derived`` reads them
    from the database; the bulk import and the demo generator pass what they will write)."""
    positions = sorted(positions, key=lambda p: (p.start_date, _key(p)))
    educations = list(educations)
    open_positions = sorted(
        (p for p in positions if p.end_date is None),
        key=lambda p: (not p.is_primary, p.order, p.start_date, _key(p)),
    )
    cadre.current_title = "、".join(_compact_titles(open_positions))[:324]
    ranks = [p.rank_level for p in open_positions if p.rank_level]
    cadre.rank_level = min(ranks) if ranks else ""
    cadre.rank_level_since = (
        min(p.start_date for p in open_positions if p.rank_level == cadre.rank_level)
        if cadre.rank_level
        else None
    )
    grades = [p.grade for p in open_positions if p.grade]
    cadre.grade = min(grades) if grades else ""
    cadre.grade_since = (
        min(p.start_date for p in open_positions if p.grade == cadre.grade) if cadre.grade else None
    )
    levels = [e.education_level for e in educations if e.education_level]
    cadre.education_level = min(levels, key=_education_rank) if levels else ""
    degrees = [e.degree for e in educations if e.degree]
    cadre.degree = min(degrees, key=_degree_rank) if degrees else ""
    if not cadre.resume_manual:
        cadre.resume = generated_resume(cadre, positions, educations)


def cadre_import_many(*, acting_user: Any, items: list[ImportItem]) -> list[ImportResult]:
    """Create or update many cadres at once: the batch path of the Excel and LRMX imports.

    Each item is validated on its own; an item in error writes nothing and is reported with
    its error, the others are written with bulk statements, and every written cadre gets one
    audit event (appended together). Identical data is ``unchanged`` and writes nothing.
    Must run inside the caller's transaction (a whole file is all or nothing there).
    """
    results: list[ImportResult] = [ImportResult(None, "error") for _ in items]
    existing_pks = [i.cadre.pk for i in items if i.cadre is not None]
    locked = (
        Cadre.objects.select_for_update(of=("self",))
        .filter(pk__in=existing_pks)
        .select_related("photo")
        .defer("photo__data")
        .prefetch_related(*[part for part, *_ in _CHILD_PARTS])
        .in_bulk()
        if existing_pks
        else {}
    )
    prepared: list[tuple[int, _Prepared]] = []
    for index, item in enumerate(items):
        try:
            require(acting_user, Action.CADRES_CHANGE, item.unit)
            current = None
            if item.cadre is not None:
                require(acting_user, Action.CADRES_CHANGE, item.cadre)
                current = locked.get(item.cadre.pk)
                if current is None:
                    raise PermissionDenied("干部不存在或无权操作")
            ready = _prepare_import(acting_user, item, current)
        except (ValidationError, PermissionDenied) as exc:
            results[index].error = exc
            results[index].cadre = item.cadre
            continue
        if ready is None:
            results[index] = ImportResult(current, "unchanged")
        else:
            prepared.append((index, ready))
    # One person, one ID number: against the database and within the batch.
    digests = {
        index: id_number_digest(p.current.id_number)
        for index, p in prepared
        if p.current.id_number is not None
    }
    holders = {
        c.id_digest: c
        for c in Cadre.objects.filter(digest_in(set(digests.values())), id_pending=False).only(
            "id", "name", "unit_path", "id_digest"
        )
    }
    claimed: dict[str, int] = {}
    kept: list[tuple[int, _Prepared]] = []
    hidden: dict[int, Cadre | None] = {}  # index → hidden holder (None: no longer pending)
    for index, p in prepared:
        digest = digests.get(index)
        was_pending = p.current.id_pending
        p.current.id_pending = False
        if digest is not None:
            p.current.id_check_note = ""  # a number entered again replaces a rejected one
            holder = holders.get(digest)
            clash = holder is not None and holder.pk != p.current.pk
            if digest in claimed:
                results[index].error = ValidationError({"id_number": "该身份证号在本批中重复"})
                continue
            if clash and holder is not None:
                if can_in_path(acting_user, Action.CADRES_VIEW, holder.unit_path):
                    message = f"该身份证号已属于干部“{holder.name}”"
                    results[index].error = ValidationError({"id_number": message})
                    continue
                # Held out of sight: answered like a new number (see _check_unique_id).
                p.current.id_pending = True
                hidden[index] = holder
            claimed[digest] = index
        if was_pending and index not in hidden:
            hidden[index] = None
        kept.append((index, p))
    if not kept:
        return results
    with transaction.atomic():
        for _index, p in kept:
            derive_columns(p.current, p.children["positions"], p.children["educations"])
            p.current.version = 1 if p.creating else p.current.version + 1
        new = [p.current for _i, p in kept if p.creating]
        copy_insert(Cadre, new)
        for _index, p in kept:
            if not p.creating:
                p.current.save()
        for part, model, _fields, _label in _CHILD_PARTS:
            replaced_of = [p for _i, p in kept if part in p.replaced]
            stale = [p.current.pk for p in replaced_of if not p.creating]
            if stale:
                model._default_manager.filter(cadre_id__in=stale).delete()
            rows = []
            for p in replaced_of:
                for child in p.replaced[part]:
                    child.cadre = p.current  # type: ignore[attr-defined]
                    rows.append(child)
            if rows:  # small rows: Django's UNNEST insert is as fast as COPY here
                model._default_manager.bulk_create(rows, batch_size=1000)
        dropped = [p.current.pk for _i, p in kept if p.drop_photo]
        if dropped:
            CadrePhoto.objects.filter(cadre_id__in=dropped).delete()
        photos = [p for _i, p in kept if p.photo is not None]
        replace = [p.current.pk for p in photos if not p.creating]
        if replace:
            CadrePhoto.objects.filter(cadre_id__in=replace).delete()
        CadrePhoto.objects.bulk_create(
            [
                CadrePhoto(
                    cadre=p.current,
                    data=p.photo[0],
                    width=p.photo[1],
                    height=p.photo[2],
                    sha256=p.photo[3],
                )
                for p in photos
                if p.photo is not None
            ],
            batch_size=200,
        )
        for index, p in kept:
            if index in hidden:
                _open_conflict(acting_user, p.current, hidden[index])
        audit_record_many(
            [
                PendingEvent(
                    action=AuditAction.IMPORT,
                    actor=acting_user,
                    object_type=Cadre._meta.label,
                    object_id=str(p.current.pk),
                    object_repr=str(p.current),
                    changes=p.payload,
                )
                for _i, p in kept
            ]
        )
    for index, p in kept:
        results[index] = ImportResult(
            p.current, "created" if p.creating else "updated", changes=p.payload
        )
    return results


def cadre_import(
    *, acting_user: Any, unit: Unit, data: CadreData, cadre: Cadre | None = None
) -> tuple[Cadre, str]:
    """Create ``data`` in ``unit`` or bring ``cadre`` in line with it; one audit event.

    Returns the cadre and ``"created"``, ``"updated"`` or ``"unchanged"``: importing the same
    data twice writes nothing the second time. Raises the item's ValidationError or
    PermissionDenied when it is refused (nothing written).
    """
    (result,) = cadre_import_many(
        acting_user=acting_user, items=[ImportItem(unit=unit, data=data, cadre=cadre)]
    )
    if result.error is not None:
        raise result.error
    assert result.cadre is not None  # noqa: S101 (set for every non-error result)
    return result.cadre, result.status
