"""Unit tree and quota writes; each is atomic, audited and checked against the actor's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from audit.choices import AuditAction
from audit.selectors import last_editor
from audit.services import audit_record, diff, editable, record_update, snapshot
from core.choices import CodeTable
from core.models import Code
from core.permissions import Action, can_in_path, require
from core.pinyin import initials
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit, path_segment
from orgs.signals import unit_moved

UNIT_FIELDS = ("name", "short_name", "code", "order", "kind", "level", "region_code")
MAX_DEPTH = 12


def _validate(unit: Unit, acting_user: Any) -> None:
    if unit.kind not in UnitKind.values:
        raise ValidationError({"kind": "单位类别无效"})
    if unit.level not in UnitLevel.values:
        raise ValidationError({"level": "单位级别无效"})
    if not unit.name.strip():
        raise ValidationError({"name": "请填写单位名称"})
    clash = Unit.objects.filter(code=unit.code).exclude(pk=unit.pk).first()
    if clash:
        # Name the holder only when the actor may see it: a unit outside one's scope must
        # not reveal itself, not even through an error message.
        visible = acting_user is None or can_in_path(acting_user, Action.ORGS_VIEW, clash.path)
        holder = f"“{clash.name}”" if visible else "其他单位"
        raise ValidationError({"code": f"单位代码 {unit.code} 已被{holder}使用"})


def _insert(unit: Unit, parent: Unit | None, acting_user: Any) -> Unit:
    unit.name = unit.name.strip()
    unit.pinyin_initials = initials(unit.name)[:50]
    _validate(unit, acting_user)
    unit.parent = parent
    unit.depth = parent.depth + 1 if parent else 0
    if unit.depth > MAX_DEPTH:
        raise ValidationError({"parent": f"单位层级不能超过 {MAX_DEPTH} 级"})
    unit.path = ""
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.save(update_fields=["path"])
    return unit


def unit_create_root(
    *, name: str, code: str, kind: str, level: str, region_code: str = "", acting_user: Any = None
) -> Unit:
    """A top-level unit (the 党委 of a county, city or province); set-up only, not a page action."""
    with transaction.atomic():
        unit = _insert(
            Unit(name=name, code=code, kind=kind, level=level, region_code=region_code),
            None,
            acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=unit,
            changes={"after": snapshot(unit, UNIT_FIELDS)},
        )
    return unit


def unit_create(
    *,
    acting_user: Any,
    parent: Unit,
    name: str,
    code: str,
    kind: str,
    level: str,
    short_name: str = "",
    order: int = 0,
    region_code: str = "",
) -> Unit:
    """Add a unit under ``parent`` (which must lie in the actor's scope)."""
    require(acting_user, Action.ORGS_CHANGE, parent)
    if not parent.is_active:
        raise ValidationError({"parent": "上级单位已撤销，不能在其下新增单位"})
    with transaction.atomic():
        unit = _insert(
            Unit(
                name=name,
                code=code.strip(),
                kind=kind,
                level=level,
                short_name=short_name,
                order=order,
                region_code=region_code,
            ),
            parent,
            acting_user,
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=unit,
            changes={"after": snapshot(unit, (*UNIT_FIELDS, "parent"))},
        )
    return unit


def _locked(unit: Unit, version: int | None) -> Unit:
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    if version is not None and current.version != version:
        last = last_editor(current)
        raise ValidationError(f"该单位已被{last}修改，请刷新后重试")
    return current


def unit_update(*, acting_user: Any, unit: Unit, version: int | None = None, **fields: Any) -> Unit:
    """Edit a unit's attributes (not its place in the tree: see ``unit_move``)."""
    editable(fields, UNIT_FIELDS)
    require(acting_user, Action.ORGS_CHANGE, unit)
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}

    def validate(current: Unit) -> None:
        current.pinyin_initials = initials(current.name)[:50]
        _validate(current, acting_user)

    with transaction.atomic():
        current = _locked(unit, version)  # checks the version with the unit's own message
        record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=lambda u: snapshot(u, UNIT_FIELDS),
            validate=validate,
            # Only the edited columns are written.
            save=lambda u: u.save(
                update_fields=[*fields, "pinyin_initials", "version", "updated_at"]
            ),
        )
    return current


def unit_move(
    *, acting_user: Any, unit: Unit, new_parent: Unit, version: int | None = None
) -> Unit:
    """Move a unit and its whole subtree under ``new_parent`` (one UPDATE of the paths)."""
    require(acting_user, Action.ORGS_CHANGE, unit)
    require(acting_user, Action.ORGS_CHANGE, new_parent)
    if unit.parent_id is None:
        raise ValidationError({"parent": "顶级单位不能移动"})
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": "不能移动到本单位或其下级单位之下"})
    if not new_parent.is_active:
        raise ValidationError({"parent": "目标上级单位已撤销"})
    with transaction.atomic():
        current = _locked(unit, version)
        old_parent_id = current.parent_id
        old_path = current.path
        new_path = new_parent.path + path_segment(current.pk)
        depth_shift = new_parent.depth + 1 - current.depth
        deepest = (
            Unit.objects.filter(path__startswith=old_path)
            .order_by("-depth")
            .values_list("depth", flat=True)
            .first()
        ) or current.depth
        if deepest + depth_shift > MAX_DEPTH:
            raise ValidationError({"parent": f"移动后单位层级将超过 {MAX_DEPTH} 级"})
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
            depth=F("depth") + depth_shift,
        )
        Unit.objects.filter(pk=current.pk).update(
            parent=new_parent, version=F("version") + 1, updated_at=timezone.now()
        )
        unit_moved.send(sender=Unit, old_path=old_path, new_path=new_path)
        current.refresh_from_db()
        audit_record(
            actor=acting_user,
            action=AuditAction.MOVE,
            obj=current,
            changes={
                "before": {"parent": old_parent_id, "path": old_path},
                "after": {"parent": new_parent.pk, "path": new_path},
            },
        )
    return current


def unit_deactivate(*, acting_user: Any, unit: Unit) -> Unit:
    """撤销 a unit (soft delete, undoable with ``unit_restore``); only without active children."""
    require(acting_user, Action.ORGS_CHANGE, unit)
    if unit.parent_id is None:
        raise ValidationError("顶级单位不能撤销")
    if unit.children.filter(is_active=True).exists():
        raise ValidationError("该单位下还有未撤销的下级单位，请先处理下级单位")
    with transaction.atomic():
        unit.is_active = False
        unit.deactivated_at = timezone.now()
        unit.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=unit,
            changes={"before": {"is_active": True}, "after": {"is_active": False}},
        )
    return unit


def unit_restore(*, acting_user: Any, unit: Unit) -> Unit:
    """Undo ``unit_deactivate``."""
    require(acting_user, Action.ORGS_CHANGE, unit)
    if unit.parent and not unit.parent.is_active:
        raise ValidationError("上级单位已撤销，请先恢复上级单位")
    with transaction.atomic():
        unit.is_active = True
        unit.deactivated_at = None
        unit.save(update_fields=["is_active", "deactivated_at", "updated_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.RESTORE,
            obj=unit,
            changes={"before": {"is_active": False}, "after": {"is_active": True}},
        )
    return unit


def quota_set(
    *, acting_user: Any, unit: Unit, rank_level: str, quota: int, title: str = "", note: str = ""
) -> PostQuota:
    """Set the 职数 of one 领导职务层次 (and optional title) in a unit; 0 removes it."""
    require(acting_user, Action.ORGS_CHANGE, unit)
    if not Code.objects.filter(table=CodeTable.RANK_LEVEL, code=rank_level).exists():
        raise ValidationError({"rank_level": "领导职务层次代码无效"})
    if quota < 0 or quota > 99:
        raise ValidationError({"quota": "职数须在 0–99 之间"})
    with transaction.atomic():
        existing = PostQuota.objects.filter(unit=unit, rank_level=rank_level, title=title).first()
        before = snapshot(existing, ("quota", "note")) if existing else {}
        if quota == 0:
            if existing:
                audit_record(
                    actor=acting_user,
                    action=AuditAction.DELETE,
                    obj=existing,
                    changes={"before": before},
                )
                existing.delete()
            return PostQuota(unit=unit, rank_level=rank_level, title=title, quota=0)
        row, _ = PostQuota.objects.update_or_create(
            unit=unit,
            rank_level=rank_level,
            title=title,
            defaults={"quota": quota, "note": note},
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            obj=row,
            object_repr=f"{unit.name} 职数",
            changes=diff(before, snapshot(row, ("quota", "note"))),
        )
    return row
