"""Supervision writes: each atomic, audited in the same transaction, checked against the scope.

Everything is changed under ``supervision.change``: conduct entries, reports and findings on
the cadre's unit, report years and key units/posts on their unit. Outside the actor's scope
is refused like a missing object (``PermissionDenied`` → 404). The indicator catalogue is
reference data without a unit: it is changed under the unscoped
``supervision.manage_catalogue`` (the 系统管理员). Cadre records themselves are never written
here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.choices import AuditAction
from audit.services import (
    audit_record,
    audit_record_standalone,
    editable,
    record_update,
    snapshot,
)
from cadres.choices import CadreStatus
from cadres.models import Cadre
from core.choices import CodeTable
from core.permissions import Action, has_action, require
from core.selectors import code_map
from core.text import stripped
from orgs.models import Unit
from supervision import draw
from supervision.choices import (
    CheckKind,
    FindingKind,
    FindingSubkind,
    KeyUnitReason,
    Polarity,
    PostMatch,
    ReportCategory,
    subkinds_of,
)
from supervision.extensions import forget_indicators
from supervision.models import (
    BehaviourTrait,
    CheckedReport,
    CheckFinding,
    ConductEntry,
    Indicator,
    KeyPost,
    KeyUnit,
    PersonalReport,
    ReportItem,
    ReportYear,
    SpotCheck,
)
from supervision.rules import (
    DEFAULT_REPORT_RANK_LEVELS,
    DEFAULT_SPOT_CHECK_PERCENT,
    default_due_date,
)

ACTION = Action.SUPERVISION_CHANGE
CONDUCT_FIELDS = ("polarity", "date", "indicator", "trait", "source", "evidence")
KEY_POST_FIELDS = ("title", "match", "rotation_years", "note")
INDICATOR_FIELDS = ("name", "description", "order", "is_active")
TRAIT_FIELDS = ("text", "polarity", "order")
SOURCE_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX = 100, 300, 200, 60
EVIDENCE_MAX, TEXT_MAX = 2000, 2000
INDICATOR_NAME_MAX, TRAIT_TEXT_MAX, MAX_ORDER = 20, 200, 999
MIN_YEAR, MAX_ROTATION_YEARS = 2000, 20


# ---------------------------------------------------------------- checks


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


def _length(errors: dict[str, str], field: str, value: str, label: str, limit: int) -> None:
    if len(value) > limit:
        errors[field] = f"{label}不能超过 {limit} 个字"


def _delete(acting_user: Any, obj: Any, changes: dict[str, Any], label: str = "") -> None:
    """Delete ``obj`` and record what it was (its id and label are taken before it goes)."""
    object_type, pk, label = obj._meta.label, obj.pk, label or str(obj)
    obj.delete()
    audit_record(
        actor=acting_user,
        action=AuditAction.DELETE,
        object_type=object_type,
        object_id=pk,
        object_repr=label,
        changes=changes,
    )


# ---------------------------------------------------------------- indicator catalogue


def _require_catalogue(user: Any) -> None:
    if not has_action(user, Action.SUPERVISION_CATALOGUE):
        raise PermissionDenied("无权修改政治素质指标")


def _order(errors: dict[str, str], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ORDER:
        errors["order"] = f"排序应为 0–{MAX_ORDER} 之间的整数"


def _validate_indicator(indicator: Indicator) -> None:
    errors: dict[str, str] = {}
    indicator.name, indicator.description = (
        stripped(indicator.name),
        stripped(indicator.description),
    )
    if not indicator.name:
        errors["name"] = "请填写指标名称"
    _length(errors, "name", indicator.name, "指标名称", INDICATOR_NAME_MAX)
    _length(errors, "description", indicator.description, "说明", TEXT_MAX)
    _order(errors, indicator.order)
    if not errors:
        clash = Indicator.objects.filter(name=indicator.name).exclude(pk=indicator.pk)
        if clash.exists():
            errors["name"] = f"已有指标“{indicator.name}”"
    if errors:
        raise ValidationError(errors)


def _indicator_state(indicator: Indicator) -> dict[str, Any]:
    return snapshot(indicator, INDICATOR_FIELDS)


def _catalogue_changed() -> None:
    # The cadre-page panel caches the active indicators: drop it once the change is visible.
    transaction.on_commit(forget_indicators)


def indicator_create(
    *, acting_user: Any, name: str, description: str = "", order: int = 0
) -> Indicator:
    """Add a political-quality indicator to the catalogue (系统管理员)."""
    _require_catalogue(acting_user)
    indicator = Indicator(name=name, description=description, order=order)
    with transaction.atomic():
        _validate_indicator(indicator)
        try:
            with transaction.atomic():  # a concurrent add of the same name hits the constraint
                indicator.save()
        except IntegrityError as exc:
            raise ValidationError({"name": f"已有指标“{indicator.name}”"}) from exc
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=indicator,
            changes={"after": _indicator_state(indicator)},
        )
        _catalogue_changed()
    return indicator


def indicator_update(*, acting_user: Any, indicator: Indicator, **fields: Any) -> Indicator:
    """Rename, describe, reorder or switch an indicator on/off. An indicator is never deleted
    (entries keep it): switched off, it is no longer offered for new entries."""
    editable(fields, INDICATOR_FIELDS)
    _require_catalogue(acting_user)
    with transaction.atomic():
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=_indicator_state,
            validate=_validate_indicator,
            skip_unchanged=True,
            save=_save_indicator,
        ):
            _catalogue_changed()
    return current


def _save_indicator(indicator: Indicator) -> None:
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError as exc:
        raise ValidationError({"name": f"已有指标“{indicator.name}”"}) from exc


def _validate_trait(trait: BehaviourTrait) -> None:
    errors: dict[str, str] = {}
    trait.text = stripped(trait.text)
    trait.polarity = trait.polarity or ""
    if not trait.text:
        errors["text"] = "请填写行为特征"
    _length(errors, "text", trait.text, "行为特征", TRAIT_TEXT_MAX)
    if trait.polarity not in ("", *Polarity.values):
        errors["polarity"] = "适用清单应为正面清单、负面清单或均可"
    _order(errors, trait.order)
    if not errors:
        clash = BehaviourTrait.objects.filter(indicator_id=trait.indicator_id, text=trait.text)
        if clash.exclude(pk=trait.pk).exists():
            errors["text"] = f"指标“{trait.indicator.name}”下已有行为特征“{trait.text}”"
    if errors:
        raise ValidationError(errors)


def _trait_state(trait: BehaviourTrait) -> dict[str, Any]:
    data = snapshot(trait, TRAIT_FIELDS)
    data["polarity"] = Polarity(trait.polarity).label if trait.polarity else "均可"
    return data


def _trait_repr(trait: BehaviourTrait) -> str:
    return f"{trait.indicator.name}：{trait.text}"[:255]


def trait_add(
    *,
    acting_user: Any,
    indicator: Indicator,
    text: str,
    polarity: str = "",
    order: int = 0,
) -> BehaviourTrait:
    """Add an observable behaviour trait under an indicator (系统管理员)."""
    _require_catalogue(acting_user)
    trait = BehaviourTrait(indicator=indicator, text=text, polarity=polarity, order=order)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=indicator.pk).get()
        _validate_trait(trait)
        trait.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=trait,
            object_repr=_trait_repr(trait),
            changes={"indicator": indicator.name, "after": _trait_state(trait)},
        )
        _catalogue_changed()
    return trait


def trait_update(*, acting_user: Any, trait: BehaviourTrait, **fields: Any) -> BehaviourTrait:
    """Reword a trait, change the list it suits or its order. Entries filed under it show
    the new wording (the audit keeps the old)."""
    editable(fields, TRAIT_FIELDS)
    _require_catalogue(acting_user)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=trait.indicator_id).get()
        current = (
            BehaviourTrait.objects.select_for_update(of=("self",))
            .select_related("indicator")
            .get(pk=trait.pk)
        )
        if record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=_trait_state,
            validate=_validate_trait,
            skip_unchanged=True,
            object_repr=_trait_repr,
            context=lambda t: {"indicator": t.indicator.name},
        ):
            _catalogue_changed()
    return current


def trait_delete(*, acting_user: Any, trait: BehaviourTrait) -> None:
    """Remove a trait no entry uses; one that entries cite is refused (reword it instead)."""
    _require_catalogue(acting_user)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=trait.indicator_id).get()
        used = ConductEntry.objects.filter(trait_id=trait.pk).count()
        if used:
            raise ValidationError(
                f"行为特征“{trait.text}”已被 {used} 条清单记录引用，不能删除；"
                "如需调整，请修改其文字或适用清单"
            )
        changes = {"indicator": trait.indicator.name, "before": _trait_state(trait)}
        _delete(acting_user, trait, changes, _trait_repr(trait))
        _catalogue_changed()


# ---------------------------------------------------------------- conduct entries


def _conduct_state(entry: ConductEntry) -> dict[str, Any]:
    data = snapshot(entry, CONDUCT_FIELDS)
    data["polarity"] = Polarity(entry.polarity).label
    data["indicator"] = entry.indicator.name
    data["trait"] = entry.trait.text if entry.trait is not None else ""
    return data


def _conduct_repr(entry: ConductEntry) -> str:
    return f"{entry.cadre.name} · {Polarity(entry.polarity).label}"


def _validate_conduct(entry: ConductEntry) -> None:
    errors: dict[str, str] = {}
    entry.source, entry.evidence = stripped(entry.source), stripped(entry.evidence)
    if entry.polarity not in Polarity.values:
        errors["polarity"] = "请选择正面清单或负面清单"
    if entry.date is None:
        errors["date"] = "请填写时间"
    elif entry.date > timezone.localdate():
        errors["date"] = "时间不能晚于今天"
    if not entry.source:
        errors["source"] = "请填写来源"
    _length(errors, "source", entry.source, "来源", SOURCE_MAX)
    if not entry.evidence:
        errors["evidence"] = "请填写事实依据"
    _length(errors, "evidence", entry.evidence, "事实依据", EVIDENCE_MAX)
    indicator = entry.indicator if entry.indicator_id else None
    if indicator is None:
        errors["indicator"] = "请选择政治素质指标"
    elif not indicator.is_active and entry.pk is None:
        errors["indicator"] = f"指标“{indicator.name}”已停用"
    trait = entry.trait if entry.trait_id else None
    if trait is not None and indicator is not None and trait.indicator_id != indicator.pk:
        errors["trait"] = f"行为特征“{trait.text}”不属于指标“{indicator.name}”"
    if errors:
        raise ValidationError(errors)


def conduct_add(
    *,
    acting_user: Any,
    cadre: Cadre,
    polarity: str,
    date: dt.date | None,
    indicator: Indicator | None,
    source: str,
    evidence: str,
    trait: BehaviourTrait | None = None,
) -> ConductEntry:
    """Put a fact on the cadre's 正面清单 or 负面清单 under a political-quality indicator."""
    require(acting_user, ACTION, cadre)
    entry = ConductEntry(
        cadre=cadre,
        polarity=polarity,
        date=date,  # type: ignore[misc]  # None is refused by _validate_conduct
        indicator=indicator,
        trait=trait,
        source=source,
        evidence=evidence,
        recorded_by=_user(acting_user),
    )
    _validate_conduct(entry)
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError({"cadre": f"{cadre.name}已{CadreStatus(cadre.status).label}"})
    with transaction.atomic():
        entry.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=entry,
            object_repr=_conduct_repr(entry),
            changes={"cadre": cadre.name, "after": _conduct_state(entry)},
        )
    return entry


def conduct_update(*, acting_user: Any, entry: ConductEntry, **fields: Any) -> ConductEntry:
    """Correct an entry: its list, date, indicator, trait, source or evidence."""
    editable(fields, CONDUCT_FIELDS)
    require(acting_user, ACTION, entry.cadre)
    with transaction.atomic():
        current = (
            ConductEntry.objects.select_for_update(of=("self",))
            .select_related("cadre", "indicator", "trait")
            .get(pk=entry.pk)
        )
        record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=_conduct_state,
            validate=_validate_conduct,
            object_repr=_conduct_repr,
            context=lambda e: {"cadre": e.cadre.name},
        )
    return current


def conduct_delete(*, acting_user: Any, entry: ConductEntry) -> None:
    """Remove an entry made in error (the audit keeps what it said)."""
    require(acting_user, ACTION, entry.cadre)
    with transaction.atomic():
        changes = {"cadre": entry.cadre.name, "before": _conduct_state(entry)}
        _delete(acting_user, entry, changes, _conduct_repr(entry))


# ---------------------------------------------------------------- report years


def _rank_levels(levels: Any) -> list[str]:
    if levels is None:
        levels = DEFAULT_REPORT_RANK_LEVELS
    if not isinstance(levels, list | tuple) or not all(isinstance(c, str) for c in levels):
        raise ValidationError({"rank_levels": "领导职务层次格式不正确"})
    known = code_map(table=CodeTable.RANK_LEVEL)
    if unknown := [c for c in levels if c not in known]:
        raise ValidationError(
            {"rank_levels": f"领导职务层次代码不在代码表中：{'、'.join(unknown)}"}
        )
    if not levels:
        raise ValidationError({"rank_levels": "请至少选择一个应报告的领导职务层次"})
    return sorted(set(levels))


def report_year_create(
    *,
    acting_user: Any,
    unit: Unit,
    year: int,
    due_date: dt.date | None = None,
    rank_levels: list[str] | None = None,
    note: str = "",
) -> ReportYear:
    """Open the annual report of ``year`` for ``unit``'s subtree and list who must report.

    Due date defaults to 31 January of the next year and the levels to 县处级副职 and above
    (``supervision.rules``). A report (not yet submitted) is created for every 在职 cadre of
    the subtree at one of the levels; ``reports_generate`` adds those who qualify later.
    """
    require(acting_user, ACTION, unit)
    errors: dict[str, str] = {}
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not MIN_YEAR <= year <= this_year:
        errors["year"] = f"报告年度应在 {MIN_YEAR}–{this_year} 年之间"
    note = stripped(note)
    _length(errors, "note", note, "说明", NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    levels = _rank_levels(rank_levels)
    due = due_date or default_due_date(year)
    if due.year <= year:
        raise ValidationError({"due_date": f"截止日期应在 {year} 年之后（报告的是上一年度事项）"})
    with transaction.atomic():
        if ReportYear.objects.filter(unit=unit, year=year).exists():
            raise ValidationError({"year": f"“{unit.name}”已开展 {year} 年度报告"})
        try:
            with transaction.atomic():  # a concurrent open of the same year hits the constraint
                report_year = ReportYear.objects.create(
                    unit=unit,
                    year=year,
                    due_date=due,
                    rank_levels=levels,
                    note=note,
                    created_by=_user(acting_user),
                )
        except IntegrityError as exc:
            raise ValidationError({"year": f"“{unit.name}”已开展 {year} 年度报告"}) from exc
        created = _generate(report_year)
        names = code_map(table=CodeTable.RANK_LEVEL)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=report_year,
            changes={
                "after": {
                    "unit": f"{unit.name}（{unit.code}）",
                    "year": year,
                    "due_date": due.isoformat(),
                    "rank_levels": "、".join(names.get(c, c) for c in levels),
                    "note": note,
                },
                "reports_created": created,
            },
        )
    return report_year


def _generate(report_year: ReportYear) -> int:
    """Create the missing reports of ``report_year``; returns how many were created."""
    cadre_ids = Cadre.objects.filter(
        status=CadreStatus.ACTIVE,
        unit_path__startswith=report_year.unit.path,
        rank_level__in=report_year.rank_levels,
    ).exclude(personal_reports__report_year=report_year)
    rows = [
        PersonalReport(report_year=report_year, cadre_id=pk)
        for pk in cadre_ids.values_list("pk", flat=True)
    ]
    PersonalReport.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reports_generate(*, acting_user: Any, report_year: ReportYear) -> int:
    """Add reports for cadres who came to a reporting level since the year was opened."""
    require(acting_user, ACTION, report_year.unit)
    with transaction.atomic():
        ReportYear.objects.select_for_update().filter(pk=report_year.pk).get()
        created = _generate(report_year)
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=report_year,
            changes={"reports_created": created},
        )
    return created


# ---------------------------------------------------------------- reports and items


def _report_repr(report: PersonalReport) -> str:
    return f"{report.cadre.name} {report.report_year.year}年度个人有关事项报告"


def report_submit(
    *, acting_user: Any, report: PersonalReport, submitted_on: dt.date
) -> PersonalReport:
    """Record that the cadre handed in the report on ``submitted_on``."""
    require(acting_user, ACTION, report.cadre)
    if submitted_on is None:
        raise ValidationError({"submitted_on": "请填写报告日期"})
    if submitted_on > timezone.localdate():
        raise ValidationError({"submitted_on": "报告日期不能晚于今天"})
    year = report.report_year.year
    if submitted_on.year <= year:
        raise ValidationError({"submitted_on": f"{year}年度的报告应在 {year} 年结束后提交"})
    with transaction.atomic():
        current = PersonalReport.objects.select_for_update().get(pk=report.pk)
        if current.submitted_on is not None:
            raise ValidationError(f"该报告已于 {current.submitted_on:%Y.%m.%d} 提交")
        current.submitted_on = submitted_on
        current.save(update_fields=["submitted_on"])
        late = submitted_on > report.report_year.due_date
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            object_repr=_report_repr(report),
            changes={
                "before": {"submitted_on": None},
                "after": {"submitted_on": submitted_on.isoformat(), "late": late},
            },
        )
    report.submitted_on = submitted_on
    return report


def report_unsubmit(*, acting_user: Any, report: PersonalReport, reason: str) -> PersonalReport:
    """Take back a submission recorded by mistake (the reason and the old date stay in the
    audit). A report on the check list keeps its date: the draw and the findings rest on it."""
    require(acting_user, ACTION, report.cadre)
    reason = stripped(reason)
    if not reason:
        raise ValidationError({"reason": "请填写撤销登记的原因"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"原因不能超过 {REASON_MAX} 个字"})
    with transaction.atomic():
        current = PersonalReport.objects.select_for_update().get(pk=report.pk)
        if current.submitted_on is None:
            raise ValidationError("该报告尚未登记提交")
        if CheckedReport.objects.filter(report=current).exists():
            raise ValidationError("该报告已列入查核名单，不能撤销登记")
        before = current.submitted_on
        current.submitted_on = None
        current.save(update_fields=["submitted_on"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            object_repr=_report_repr(report),
            changes={
                "before": {"submitted_on": before.isoformat()},
                "after": {"submitted_on": None},
                "reason": reason,
            },
        )
    report.submitted_on = None
    return report


def report_item_add(
    *, acting_user: Any, report: PersonalReport, category: str, content: str
) -> ReportItem:
    """Add one reported matter under one of the 14 categories (8 家事, 6 家产)."""
    require(acting_user, ACTION, report.cadre)
    content = stripped(content)
    errors: dict[str, str] = {}
    if category not in ReportCategory.values:
        errors["category"] = "请选择报告事项类别（8 项家事、6 项家产之一）"
    if not content:
        errors["content"] = "请填写报告内容"
    _length(errors, "content", content, "报告内容", TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = ReportItem.objects.create(report=report, category=category, content=content)
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=report,
            object_repr=_report_repr(report),
            changes={
                "section": "报告事项",
                "item": item.pk,
                "after": {"category": ReportCategory(category).label, "content": content},
            },
        )
    return item


def report_item_delete(*, acting_user: Any, item: ReportItem) -> None:
    """Remove a matter entered by mistake (the audit keeps what it said)."""
    report = item.report
    require(acting_user, ACTION, report.cadre)
    with transaction.atomic():
        before = {"category": ReportCategory(item.category).label, "content": item.content}
        pk = item.pk
        item.delete()
        audit_record(
            actor=acting_user,
            action=AuditAction.DELETE,
            obj=report,
            object_repr=_report_repr(report),
            changes={"section": "报告事项", "item": pk, "before": before},
        )


# ---------------------------------------------------------------- checks


def report_read_record(
    *, acting_user: Any, report: PersonalReport, items: list[Any], findings: list[Any]
) -> None:
    """Leave the trace of reading one report's items and findings (a sensitive read: the
    family and property of a cadre), as the page and the API both show them."""
    audit_record_standalone(
        actor=acting_user,
        action=AuditAction.VIEW,
        obj=report,
        object_repr=f"{report.cadre.name} {report.report_year.year}年度个人有关事项报告",
        changes={
            "section": "报告事项、查核结果",
            "items": [i.pk for i in items],
            "findings": [f.pk for f in findings],
        },
        sensitive=True,
    )


def spot_check_draw(
    *,
    acting_user: Any,
    report_year: ReportYear,
    percentage: int = DEFAULT_SPOT_CHECK_PERCENT,
    seed: int | None = None,
) -> SpotCheck:
    """随机抽查: draw ``percentage`` of the year's submitted reports with ``seed`` (a fresh one
    when not given) and put them on the check list. Once a year per report year (随机抽查每年
    集中开展1次); the seed and the candidates are recorded so the draw can be repeated."""
    require(acting_user, ACTION, report_year.unit)
    errors: dict[str, str] = {}
    if (
        isinstance(percentage, bool)
        or not isinstance(percentage, int)
        or not 1 <= percentage <= 100
    ):
        errors["percentage"] = "抽查比例应为 1–100 之间的整数"
    if seed is not None and (isinstance(seed, bool) or not 1 <= seed <= draw.MAX_SEED):
        errors["seed"] = f"随机种子应为 1–{draw.MAX_SEED} 之间的整数"
    if errors:
        raise ValidationError(errors)
    seed = seed or draw.new_seed()
    with transaction.atomic():
        ReportYear.objects.select_for_update().filter(pk=report_year.pk).get()
        if SpotCheck.objects.filter(report_year=report_year).exists():
            raise ValidationError(f"{report_year.year}年度已进行随机抽查，每年集中开展一次")
        candidates = sorted(
            PersonalReport.objects.filter(
                report_year=report_year, submitted_on__isnull=False
            ).values_list("pk", flat=True)
        )
        if not candidates:
            raise ValidationError(f"{report_year.year}年度还没有已提交的报告，无从抽查")
        drawn = draw.draw_sample(candidates, percentage, seed)
        check = SpotCheck.objects.create(
            report_year=report_year,
            percentage=percentage,
            seed=seed,
            candidate_ids=candidates,
            drawn_ids=drawn,
            drawn_by=_user(acting_user),
        )
        CheckedReport.objects.bulk_create(
            [
                CheckedReport(report_id=pk, kind=CheckKind.RANDOM, added_by=_user(acting_user))
                for pk in drawn
            ]
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=check,
            changes={
                "after": {
                    "percentage": percentage,
                    "seed": seed,
                    "candidates": len(candidates),
                    "drawn": drawn,
                }
            },
        )
    return check


def targeted_check_add(
    *, acting_user: Any, report_year: ReportYear, cadre: Cadre, reason: str
) -> CheckedReport:
    """重点抽查 / 凡提必查: put a cadre's report of the year on the check list with the reason
    (e.g. 拟提拔为副处级以上干部人选). A candidate below the reporting levels has no report
    yet; one is opened for the check, since a candidate must report before promotion."""
    require(acting_user, ACTION, cadre)
    require(acting_user, ACTION, report_year.unit)
    reason = stripped(reason)
    if not reason:
        raise ValidationError({"reason": "请填写查核事由，如：拟提拔人选“凡提必查”"})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"查核事由不能超过 {REASON_MAX} 个字"})
    if not cadre.unit_path.startswith(report_year.unit.path):
        raise ValidationError({"cadre": f"{cadre.name}不在“{report_year.unit.name}”及其下属单位"})
    with transaction.atomic():
        report, opened = PersonalReport.objects.get_or_create(report_year=report_year, cadre=cadre)
        if CheckedReport.objects.filter(report=report, kind=CheckKind.TARGETED).exists():
            raise ValidationError(f"{cadre.name}的{report_year.year}年度报告已在重点抽查名单中")
        checked = CheckedReport.objects.create(
            report=report, kind=CheckKind.TARGETED, reason=reason, added_by=_user(acting_user)
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=report,
            object_repr=_report_repr(report),
            changes={
                "section": "重点抽查",
                "item": checked.pk,
                "after": {"reason": reason, "report_opened": opened},
            },
        )
    return checked


def finding_add(
    *,
    acting_user: Any,
    report: PersonalReport,
    kind: str,
    subkind: str,
    description: str,
    consequence: str,
) -> CheckFinding:
    """Record what a check found: 漏报 or 隐瞒不报, the situation, and the consequence."""
    require(acting_user, ACTION, report.cadre)
    description, consequence = stripped(description), stripped(consequence)
    errors: dict[str, str] = {}
    if kind not in FindingKind.values:
        errors["kind"] = "请选择认定结果：漏报或隐瞒不报"
    elif subkind not in subkinds_of(kind):
        errors["subkind"] = f"所选情形不属于“{FindingKind(kind).label}”"
    if not description:
        errors["description"] = "请填写查核情况"
    _length(errors, "description", description, "查核情况", TEXT_MAX)
    if not consequence:
        errors["consequence"] = "请填写处理结果"
    _length(errors, "consequence", consequence, "处理结果", TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    if not report.checks.exists():
        raise ValidationError("该报告不在抽查或重点抽查名单中，请先列入查核名单")
    with transaction.atomic():
        finding = CheckFinding.objects.create(
            report=report,
            kind=kind,
            subkind=subkind,
            description=description,
            consequence=consequence,
            recorded_by=_user(acting_user),
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=report,
            object_repr=_report_repr(report),
            changes={
                "section": "查核结果",
                "item": finding.pk,
                "after": {
                    "kind": FindingKind(kind).label,
                    "subkind": FindingSubkind(subkind).label,
                    "description": description,
                    "consequence": consequence,
                },
            },
        )
    return finding


# ---------------------------------------------------------------- key units and posts


def key_unit_mark(*, acting_user: Any, unit: Unit, reason: str, note: str = "") -> KeyUnit:
    """Mark ``unit`` as a 重点部门 (权力集中 and/or 资源富集)."""
    require(acting_user, ACTION, unit)
    note = stripped(note)
    errors: dict[str, str] = {}
    if reason not in KeyUnitReason.values:
        errors["reason"] = "请选择类型：权力集中或资源富集"
    _length(errors, "note", note, "说明", NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    if not unit.is_active:
        raise ValidationError({"unit": f"“{unit.name}”已撤销"})
    with transaction.atomic():
        if KeyUnit.objects.filter(unit=unit).exists():
            raise ValidationError({"unit": f"“{unit.name}”已是重点部门"})
        key_unit = KeyUnit.objects.create(
            unit=unit, reason=reason, note=note, marked_by=_user(acting_user)
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=key_unit,
            changes={
                "after": {"unit": unit.name, "reason": KeyUnitReason(reason).label, "note": note}
            },
        )
    return key_unit


def key_unit_unmark(*, acting_user: Any, key_unit: KeyUnit) -> None:
    """Stop treating a unit as a 重点部门."""
    require(acting_user, ACTION, key_unit.unit)
    with transaction.atomic():
        before = {"unit": key_unit.unit.name, "reason": KeyUnitReason(key_unit.reason).label}
        _delete(acting_user, key_unit, {"before": before})


def _validate_key_post(post: KeyPost) -> None:
    errors: dict[str, str] = {}
    post.title, post.note = stripped(post.title), stripped(post.note)
    if not post.title:
        errors["title"] = "请填写职务名称或关键词"
    _length(errors, "title", post.title, "职务名称或关键词", TITLE_MAX)
    if post.match not in PostMatch.values:
        errors["match"] = "请选择匹配方式"
    years = post.rotation_years
    if (
        isinstance(years, bool)
        or not isinstance(years, int)
        or not 1 <= years <= MAX_ROTATION_YEARS
    ):
        errors["rotation_years"] = f"轮岗年限应为 1–{MAX_ROTATION_YEARS} 年"
    _length(errors, "note", post.note, "说明", NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    clash = KeyPost.objects.filter(unit_id=post.unit_id, title=post.title, match=post.match)
    if clash.exclude(pk=post.pk).exists():
        raise ValidationError({"title": f"“{post.unit.name}”已有关键岗位“{post.title}”"})


def _key_post_state(post: KeyPost) -> dict[str, Any]:
    data = snapshot(post, KEY_POST_FIELDS)
    data["match"] = PostMatch(post.match).label
    return data


def key_post_add(
    *,
    acting_user: Any,
    unit: Unit,
    title: str,
    match: str = PostMatch.EXACT,
    rotation_years: int | None = None,
    note: str = "",
) -> KeyPost:
    """Mark a post of ``unit`` as key (关键岗位), by exact title or keyword."""
    require(acting_user, ACTION, unit)
    post = KeyPost(unit=unit, title=title, match=match, note=note, created_by=_user(acting_user))
    if rotation_years is not None:
        post.rotation_years = rotation_years
    with transaction.atomic():
        _validate_key_post(post)
        post.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=post,
            changes={"unit": unit.name, "after": _key_post_state(post)},
        )
    return post


def key_post_update(*, acting_user: Any, post: KeyPost, **fields: Any) -> KeyPost:
    """Change a key post's title, matching or rotation years."""
    editable(fields, KEY_POST_FIELDS)
    require(acting_user, ACTION, post.unit)
    with transaction.atomic():
        current = KeyPost.objects.select_for_update().select_related("unit").get(pk=post.pk)
        record_update(
            actor=acting_user,
            current=current,
            fields=fields,
            state=_key_post_state,
            validate=_validate_key_post,
            context=lambda p: {"unit": p.unit.name},
        )
    return current


def key_post_delete(*, acting_user: Any, post: KeyPost) -> None:
    """Stop treating a post as key."""
    require(acting_user, ACTION, post.unit)
    with transaction.atomic():
        _delete(acting_user, post, {"before": _key_post_state(post)})
