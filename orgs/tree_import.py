"""Excel import of the unit tree (issue 14): template, preview plan, atomic commit.

``plan_units`` reads an uploaded workbook (checked by ``core.upload``) and says, row by row,
what importing it under a target unit would do — 新增 / 更新 / 未变 / 错误 — without
writing anything. Rows may come in any order: each row names its parent by code (the
target unit, another row of the file, or an existing unit under the target), and the rows
are resolved parent-first. ``commit_units`` plans again inside one transaction and writes
through ``orgs.services.unit_create`` / ``unit_update`` (one audit event per unit) plus one
summary event, all or nothing; importing the same file twice changes nothing the second time.

Blank optional cells never clear what an existing unit holds. Codes outside the target's
subtree are never named nor told apart from missing ones (a unit outside the user's scope
must not reveal itself). An import never moves a unit: that is done on the unit's page.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from audit.choices import AuditAction
from audit.services import audit_record
from core import importing
from core.excel import cell_text
from core.importing import RowStatus
from core.permissions import Action, require
from core.upload import UploadRejected, read_xlsx_rows
from orgs import services
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit

SHEET_TITLE = "单位"
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10
ROW_KEY = "整行"  # errors that belong to no single column

CODE = "单位代码"
NAME = "单位名称"
PARENT = "上级单位代码"
KIND = "单位类别"
LEVEL = "单位级别"
SHORT = "简称"
ORDER = "排序"
HEADERS = (CODE, NAME, PARENT, KIND, LEVEL, SHORT, ORDER)
REQUIRED = (CODE, NAME, PARENT)
_ALIASES = {h: h for h in HEADERS} | {"排序号": ORDER, "单位简称": SHORT, "上级代码": PARENT}

# The template's example row; a row with this code is skipped, not imported.
EXAMPLE_CODE = "EXAMPLE-001"
CODE_RE = re.compile(r"^[0-9A-Za-z_.-]+$")  # as orgs.forms.UnitForm
CODE_LIMIT, NAME_LIMIT, SHORT_LIMIT = 32, 100, 50
ORDER_LIMIT = 2_147_483_647

MOVE_MSG = "单位移动请在单位页面操作"
_KINDS = {label: value for value, label in UnitKind.choices} | {v: v for v in UnitKind.values}
_LEVELS = {label: value for value, label in UnitLevel.choices} | {v: v for v in UnitLevel.values}
_FIELD_COLUMN = {
    "name": NAME,
    "code": CODE,
    "kind": KIND,
    "level": LEVEL,
    "short_name": SHORT,
    "order": ORDER,
    "parent": PARENT,
}
_FIELD_LABEL = {
    "name": NAME,
    "kind": KIND,
    "level": LEVEL,
    "short_name": SHORT,
    "order": ORDER,
}


def missing_parent_message(code: str) -> str:
    return f"上级单位代码“{code}”不存在或不在您的管理范围内"


def used_code_message(code: str) -> str:
    return f"单位代码“{code}”已被其他单位使用，不能在此导入"


def allowed_kinds() -> str:
    return "、".join(UnitKind.labels)


def allowed_levels() -> str:
    return "、".join(UnitLevel.labels)


@dataclass
class UnitRow(importing.ImportRow):
    """One data row of the file and what importing it would do."""

    row: int  # the Excel row number
    code: str = ""
    name: str = ""
    parent_code: str = ""
    kind: str = ""  # a UnitKind value, or "" when the cell is blank
    level: str = ""
    short_name: str | None = None  # None: the cell is blank (keeps what the unit holds)
    order: int | None = None
    status: str = RowStatus.ERROR
    errors: dict[str, str] = field(default_factory=dict)  # column header → message
    changes: list[str] = field(default_factory=list)
    depth: int = 0
    unit: Unit | None = field(default=None, repr=False)  # the existing unit
    parent: Unit | None = field(default=None, repr=False)  # an existing parent
    parent_row: int | None = None  # index (in plan.rows) of the parent's row

    @property
    def ref(self) -> str:
        return str(self.row)

    @property
    def where(self) -> str:
        return f"第 {self.row} 行"

    @property
    def who(self) -> str:
        return f"{self.code} {self.name}".strip()

    def report(self) -> list[str]:
        errors = [m if k == ROW_KEY else f"{k}：{m}" for k, m in self.errors.items()]
        return errors + self.changes

    def error_text(self) -> str:
        return "；".join(
            message if column == ROW_KEY else f"{column}：{message}"
            for column, message in self.errors.items()
        )

    def fields(self) -> dict[str, Any]:
        """The attributes the row sets (blank optional cells left out)."""
        out: dict[str, Any] = {"name": self.name}
        if self.kind:
            out["kind"] = self.kind
        if self.level:
            out["level"] = self.level
        if self.short_name is not None:
            out["short_name"] = self.short_name
        if self.order is not None:
            out["order"] = self.order
        return out


@dataclass
class UnitPlan(importing.ImportPlan):
    """The preview of an import: one ``UnitRow`` per data row, nothing written."""

    statuses: ClassVar[tuple[RowStatus, ...]] = (
        RowStatus.NEW,
        RowStatus.UPDATE,
        RowStatus.UNCHANGED,
        RowStatus.ERROR,
    )

    unit: Unit  # the target unit
    sha256: str
    rows: list[UnitRow]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{RowStatus.NEW.label} {c[RowStatus.NEW]} 个，{RowStatus.UPDATE.label} "
            f"{c[RowStatus.UPDATE]} 个，{RowStatus.UNCHANGED.label} {c[RowStatus.UNCHANGED]} 个，"
            f"{RowStatus.ERROR.label} {c[RowStatus.ERROR]} 行"
        )

    def write_order(self) -> list[UnitRow]:
        """Parents before children."""
        return sorted(self.rows, key=lambda r: (r.depth, r.row))


class UnitImportRefused(importing.ImportRefused):
    """The file has rows in error: nothing is written."""

    def __init__(self, plan: UnitPlan) -> None:
        count = plan.counts[RowStatus.ERROR]
        super().__init__(f"文件中有 {count} 行错误，请修正后重新上传", plan=plan)
        self.plan: UnitPlan = plan


# ---------------------------------------------------------------- reading


def _header_key(value: Any) -> str:
    return re.sub(r"[\s*＊:：]", "", cell_text(value))


def _find_header(rows: Any) -> tuple[int, list[Any]]:
    for seen, (number, values) in enumerate(rows):
        known = {_ALIASES.get(_header_key(v)) for v in values} - {None}
        if len(known) >= 2:
            return number, values
        if seen + 1 >= HEADER_SEARCH_ROWS:
            break
    raise UploadRejected(
        "未找到表头行：第一行应为列名（单位代码、单位名称、上级单位代码等），可下载导入模板对照"
    )


def _columns(headers: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, raw in enumerate(headers):
        canonical = _ALIASES.get(_header_key(raw))
        if canonical is None:
            continue
        if canonical in columns:
            first = get_column_letter(columns[canonical] + 1)
            raise UploadRejected(
                f"列“{canonical}”出现了两次（第 {first} 列和第 {get_column_letter(index + 1)} 列）"
            )
        columns[canonical] = index
    missing = [h for h in REQUIRED if h not in columns]
    if missing:
        raise UploadRejected(f"缺少必填列：{'、'.join(missing)}（可下载导入模板对照）")
    return columns


def _parse(row: UnitRow, cells: dict[str, Any]) -> None:
    """Fill the row's values from its cells; each problem goes to ``row.errors``."""
    errors = row.errors
    row.code = cell_text(cells.get(CODE))
    row.name = cell_text(cells.get(NAME))
    row.parent_code = cell_text(cells.get(PARENT))
    if not row.code:
        errors[CODE] = "请填写单位代码"
    elif len(row.code) > CODE_LIMIT:
        errors[CODE] = f"单位代码不能超过 {CODE_LIMIT} 个字符"
    elif not CODE_RE.match(row.code):
        errors[CODE] = "单位代码只能包含字母、数字和 _ . -"
    if not row.name:
        errors[NAME] = "请填写单位名称"
    elif len(row.name) > NAME_LIMIT:
        errors[NAME] = f"单位名称不能超过 {NAME_LIMIT} 个字"
    if not row.parent_code:
        errors[PARENT] = "请填写上级单位代码"
    elif row.code and row.parent_code == row.code:
        errors[PARENT] = "上级单位代码不能是本单位的代码"
    kind = cell_text(cells.get(KIND))
    if kind:
        if kind in _KINDS:
            row.kind = _KINDS[kind]
        else:
            errors[KIND] = f"单位类别“{kind}”无效，可选：{allowed_kinds()}"
    level = cell_text(cells.get(LEVEL))
    if level:
        if level in _LEVELS:
            row.level = _LEVELS[level]
        else:
            errors[LEVEL] = f"单位级别“{level}”无效，可选：{allowed_levels()}"
    short = cell_text(cells.get(SHORT))
    if short:
        if len(short) > SHORT_LIMIT:
            errors[SHORT] = f"简称不能超过 {SHORT_LIMIT} 个字"
        row.short_name = short
    raw_order = cells.get(ORDER)
    order = cell_text(raw_order)
    if order:
        if isinstance(raw_order, bool) or not re.fullmatch(r"\d{1,10}", order):
            errors[ORDER] = "排序应为不小于 0 的整数"
        elif int(order) > ORDER_LIMIT:
            errors[ORDER] = "排序数值过大"
        else:
            row.order = int(order)


# ---------------------------------------------------------------- the plan


def plan_units(acting_user: Any, parent_unit: Unit, data: bytes) -> UnitPlan:
    """Read and check the file and say, row by row, what importing it under ``parent_unit``
    would do; writes nothing.

    Raises ``UploadRejected`` for a file refused as a whole (type, size, missing columns, no
    rows) and ``PermissionDenied`` when ``parent_unit`` is outside the actor's scope.
    """
    require(acting_user, Action.ORGS_CHANGE, parent_unit)
    target = parent_unit
    if not target.is_active:
        raise UploadRejected("导入的目标单位已撤销，不能在其下导入单位")
    sha256 = hashlib.sha256(data).hexdigest()
    rows_in = read_xlsx_rows(data, max_rows=MAX_ROWS)
    _header_row, header_values = _find_header(rows_in)
    columns = _columns(header_values)
    plan = UnitPlan(unit=target, sha256=sha256, rows=[])
    for number, values in rows_in:
        cells = {h: values[i] if i < len(values) else None for h, i in columns.items()}
        if not any(v not in (None, "") for v in cells.values()):
            continue
        row = UnitRow(row=number)
        _parse(row, cells)
        if row.code == EXAMPLE_CODE:
            plan.notes.append(f"第 {number} 行是模板示例行，已跳过")
            continue
        plan.rows.append(row)
    if not plan.rows:
        raise UploadRejected("文件中没有数据行")
    _resolve(plan, target)
    for row in plan.rows:
        if row.errors:
            row.status = RowStatus.ERROR
    return plan


def _resolve(plan: UnitPlan, target: Unit) -> None:
    rows = plan.rows
    # Codes: the first row of each code owns it; later ones are duplicates.
    row_of: dict[str, int] = {}
    for index, row in enumerate(rows):
        if not row.code or CODE in row.errors:
            continue
        first = row_of.setdefault(row.code, index)
        if first != index:
            row.errors[CODE] = f"与第 {rows[first].row} 行的单位代码重复"
    codes = {r.code for r in rows if r.code} | {r.parent_code for r in rows if r.parent_code}
    inside: dict[str, Unit] = {}
    elsewhere: set[str] = set()
    for unit in Unit.objects.filter(code__in=codes).select_related("parent"):
        if unit.path.startswith(target.path):
            inside[unit.code] = unit
        else:
            elsewhere.add(unit.code)

    # Each row on its own: existing unit or new, and where its parent is.
    for row in rows:
        if row.code and CODE not in row.errors:
            if row.code == target.code:
                row.errors[CODE] = "这是导入的目标单位本身，不能作为导入行"
            elif row.code in elsewhere:
                row.errors[CODE] = used_code_message(row.code)
            elif row.code in inside:
                row.unit = inside[row.code]
                if not row.unit.is_active:
                    row.errors[ROW_KEY] = f"单位“{row.unit.name}”已撤销，请先在单位页面恢复"
        if not row.parent_code or PARENT in row.errors:
            continue
        pc = row.parent_code
        current = row.unit.parent if row.unit is not None else None
        if row.unit is not None and current is not None and current.code != pc:
            row.errors[PARENT] = f"单位“{row.unit.name}”现属“{current.name}”，{MOVE_MSG}"
            continue
        if pc == target.code:
            row.parent = target
        elif pc in row_of:
            row.parent_row = row_of[pc]
        elif pc in inside:
            parent = inside[pc]
            if parent.is_active:
                row.parent = parent
            else:
                row.errors[PARENT] = f"上级单位“{parent.name}”已撤销，不能在其下新增单位"
        else:
            row.errors[PARENT] = missing_parent_message(pc)

    # Parent-first resolution (topological): depth, cycles, and rows under a row in error.
    done: dict[int, bool] = {}  # index → the row can be written
    for start in range(len(rows)):
        chain: list[int] = []
        step: int | None = start
        while step is not None and step not in done:
            if step in chain:
                cycle = chain[chain.index(step) :]
                loop = " → ".join([*(rows[i].code for i in cycle), rows[step].code])
                for i in cycle:
                    rows[i].errors.setdefault(PARENT, f"上级单位代码形成循环：{loop}")
                    done[i] = False
                break
            chain.append(step)
            step = rows[step].parent_row
        for i in reversed(chain):
            if i in done:
                continue
            row = rows[i]
            if row.parent_row is None:
                base = row.parent.depth if row.parent is not None else None
                if base is not None:
                    row.depth = base + 1
            else:
                above = rows[row.parent_row]
                if not done.get(row.parent_row, False):
                    row.errors.setdefault(
                        PARENT, f"上级单位“{above.code}”（第 {above.row} 行）有错误，本行无法导入"
                    )
                row.depth = above.depth + 1
            if row.depth > services.MAX_DEPTH and not row.errors:
                row.errors[PARENT] = f"单位层级不能超过 {services.MAX_DEPTH} 级"
            if not row.errors and row.parent_row is None and row.parent is None:
                row.errors[PARENT] = missing_parent_message(row.parent_code)
            done[i] = not row.errors

    for row in rows:
        if row.errors:
            continue
        if row.unit is None:
            if not row.kind:
                row.kind = UnitKind.OTHER
            if not row.level:
                row.level = UnitLevel.NONE
            row.status = RowStatus.NEW
            continue
        row.changes = _changes(row.unit, row.fields())
        row.status = RowStatus.UPDATE if row.changes else RowStatus.UNCHANGED


def _display(name: str, value: Any) -> str:
    if name == "kind":
        return str(UnitKind(value).label) if value in UnitKind.values else str(value)
    if name == "level":
        return str(UnitLevel(value).label) if value in UnitLevel.values else str(value)
    return str(value) if value not in (None, "") else "（空）"


def _changes(unit: Unit, fields: dict[str, Any]) -> list[str]:
    return [
        f"{_FIELD_LABEL[name]}：{_display(name, getattr(unit, name))} → {_display(name, value)}"
        for name, value in fields.items()
        if getattr(unit, name) != value
    ]


# ---------------------------------------------------------------- commit


def _errors_of(exc: ValidationError | PermissionDenied) -> dict[str, str]:
    if isinstance(exc, PermissionDenied):
        return {ROW_KEY: str(exc) or "无权操作"}
    if hasattr(exc, "error_dict"):
        out: dict[str, str] = {}
        for name, messages in exc.message_dict.items():
            key = _FIELD_COLUMN.get(name, ROW_KEY)
            out[key] = "；".join([*([out[key]] if key in out else []), *messages])
        return out
    return {ROW_KEY: "；".join(exc.messages)}


def commit_units(acting_user: Any, parent_unit: Unit, data: bytes) -> UnitPlan:
    """Plan the file again and write its new and changed units, all or nothing.

    Raises ``UnitImportRefused`` (with ``.plan``) when any row is in error, before or while
    writing; nothing is written then. Each unit is written (and audited) by
    ``orgs.services``; one summary event records the file's SHA-256 and the counts.
    """
    with transaction.atomic():
        plan = plan_units(acting_user, parent_unit, data)
        if plan.has_errors:
            raise UnitImportRefused(plan)
        created: dict[str, Unit] = {}
        written = 0
        for row in plan.write_order():
            if row.status not in (RowStatus.NEW, RowStatus.UPDATE):
                continue
            try:
                if row.status == RowStatus.NEW:
                    parent = row.parent
                    if parent is None:
                        above = plan.rows[row.parent_row] if row.parent_row is not None else None
                        parent = created.get(above.code) if above else None
                        if parent is None and above is not None:
                            parent = above.unit
                    if parent is None:  # the plan resolved every parent; a safety net
                        raise ValidationError({"parent": missing_parent_message(row.parent_code)})
                    created[row.code] = services.unit_create(
                        acting_user=acting_user,
                        parent=parent,
                        name=row.name,
                        code=row.code,
                        kind=row.kind,
                        level=row.level,
                        short_name=row.short_name or "",
                        order=row.order or 0,
                    )
                else:
                    assert row.unit is not None  # noqa: S101 (set with the status)
                    changed = {k: v for k, v in row.fields().items() if getattr(row.unit, k) != v}
                    services.unit_update(
                        acting_user=acting_user, unit=row.unit, version=row.unit.version, **changed
                    )
            except (ValidationError, PermissionDenied) as exc:
                row.status = RowStatus.ERROR
                row.errors = _errors_of(exc)
                raise UnitImportRefused(plan) from exc
            written += 1
        if written:
            counts = plan.counts
            audit_record(
                actor=acting_user,
                action=AuditAction.IMPORT,
                object_type="orgs.import",
                object_id=parent_unit.pk,
                object_repr=f"Excel 单位导入：{parent_unit.name}",
                changes={
                    "format": "xlsx",
                    "file_sha256": plan.sha256,
                    "unit": parent_unit.code,
                    "rows": len(plan.rows),
                    "created": counts[RowStatus.NEW],
                    "updated": counts[RowStatus.UPDATE],
                    "unchanged": counts[RowStatus.UNCHANGED],
                },
            )
    return plan


# ---------------------------------------------------------------- the template

_HELP = {
    CODE: "本单位的唯一代码：字母、数字和 _ . -，不超过 32 个字符；已有单位按代码匹配",
    NAME: "单位全称，不超过 100 个字",
    PARENT: "上级单位的代码：导入的目标单位、本文件中的单位或目标单位下已有的单位；行的顺序不限",
    KIND: "新增时不填为“其他”；已有单位不填则不改",
    LEVEL: "新增时不填为“不定级”；已有单位不填则不改",
    SHORT: "不超过 50 个字；不填则不改",
    ORDER: "同级单位的排序号（不小于 0 的整数，小的在前）；不填则不改",
}
_EXAMPLE = (
    EXAMPLE_CODE,
    "示例镇（本行为示例，导入时自动跳过）",
    "上级单位代码",
    "乡镇",
    "乡科级",
    "示例镇",
    10,
)


def units_template_xlsx() -> bytes:
    """The import template: 单位 (header + example row) and 说明 (columns, allowed values)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 (a new workbook has one sheet)
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    required = Font(bold=True, color="C00000")
    for index, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(index)
        is_required = header in REQUIRED
        cell = sheet.cell(row=1, column=index, value=header + ("*" if is_required else ""))
        cell.font = required if is_required else bold
        cell.alignment = Alignment(horizontal="center", vertical="center")
        example = sheet.cell(row=2, column=index, value=_EXAMPLE[index - 1])
        if header != ORDER:  # codes such as 001 must stay text
            example.number_format = "@"
            sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = 30 if header == NAME else 16
    sheet.freeze_panes = "A2"
    for header, labels in ((KIND, UnitKind.labels), (LEVEL, UnitLevel.labels)):
        letter = get_column_letter(HEADERS.index(header) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(str(label) for label in labels) + '"',
            allow_blank=True,
            errorStyle="warning",
        )
        validation.add(f"{letter}2:{letter}{MAX_ROWS}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明")
    notes.append(["列名", "是否必填", "填写说明", "可选值"])
    for cell in notes[1]:
        cell.font = bold
    allowed = {KIND: allowed_kinds(), LEVEL: allowed_levels()}
    for header in HEADERS:
        notes.append(
            [header, "必填" if header in REQUIRED else "", _HELP[header], allowed.get(header, "")]
        )
    notes.append([])
    for line in (
        "第 1 行为列名；第 2 行为示例，导入时自动跳过，可直接覆盖填写。",
        "上传时选择导入的目标单位：文件中的单位都建在该单位之下。",
        "已有单位按单位代码匹配，只更新名称、类别、级别、简称和排序；导入不会移动单位，"
        "调整上级单位请在单位页面操作。",
        "上传后先预览，有错误时不能导入；确认后整批一次写入，同一文件重复导入不会产生变化。",
        "上传前请保存为 .xlsx 格式；不接受加密、含宏或旧版 .xls 文件。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 80
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
