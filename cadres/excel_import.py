"""Excel import of cadre rosters (docs/journeys.md, journey 3): template, preview plan, atomic
commit.

``plan_import`` reads an uploaded workbook (checked by ``core.upload``), validates every row
field by field and classifies it as new / update / unchanged / error against the record,
without writing anything. ``commit_import`` plans again and writes the new and updated
rows with ``cadres.services.cadre_import`` in one transaction, with one summary audit event;
importing the same file twice changes nothing the second time.

Blank cells never clear what the record already holds: the roster adds and corrects, it
does not erase. 现任职务 is matched against the cadre's open positions; a new title opens a
position and closes the earlier open ones at 任现职时间. A 学历 block (学历、学位、院校) that
differs from what the record shows replaces that kind of education; 近年考核 sets the years
it names and keeps the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from audit.choices import AuditAction
from audit.services import audit_record
from cadres.choices import AssessmentGrade, CadreStatus, EducationKind, ManagementLevel
from cadres.models import Assessment, Cadre, Education, Position, digest_in
from cadres.services import (
    EDUCATION_FIELDS,
    POSITION_FIELDS,
    CadreData,
    ImportItem,
    cadre_import_many,
)
from cadres.signals import announce_import
from core import importing
from core.choices import CodeTable
from core.dates import ym
from core.excel import cell_text, safe_cell_value
from core.fields import id_number_digest
from core.idnumber import IdNumber, build_id_number, mask_text, parse_id_number
from core.importing import RowStatus
from core.models import Code
from core.permissions import Action, can_in_path, require
from core.upload import UploadRejected, normalise_digits, read_xlsx_rows
from orgs.models import Unit

SHEET_TITLE = "干部名册"
WRITE_BATCH = 500  # rows per bulk write
PROGRESS_EVERY = 500
# progress(stage, done, total): stage is "检查" while planning and "写入" while committing.
Progress = Callable[[str, int, int], None]
MATCH_BATCH = 500
HEADER_SEARCH_ROWS = 10
ROW_KEY = "整行"  # errors that belong to no single column
ERROR_COLUMN = "错误说明"
EXCEL_NUMBER_MSG = "身份证号被 Excel 存成了数字，末位已丢失，请将该列设为文本后重新填写"
OUT_OF_SCOPE_MSG = "该身份证号的干部不在您的修改范围内（只可查看），无法导入，请联系其所在单位"
# The template's example row; a row carrying this number is skipped, not imported.
EXAMPLE_ID = build_id_number("130101", dt.date(1980, 3, 15), 21).value


class ImportRefused(importing.ImportRefused):
    """The file has rows in error and the caller did not ask to skip them."""

    def __init__(self, plan: ExcelPlan) -> None:
        count = plan.counts[RowStatus.ERROR]
        super().__init__(
            f"文件中有 {count} 行错误，请修正后重新上传，或选择跳过错误行导入", plan=plan
        )
        self.plan: ExcelPlan = plan


# ---------------------------------------------------------------- the template columns


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    choices: str = ""  # which allowed-value list the 说明 sheet prints


DATE_HELP = "YYYY.MM，如 2001.07；也可填 2001-07 或日期"

COLUMNS: tuple[Column, ...] = (
    Column(
        "身份证号",
        True,
        "18 位公民身份号码（15 位旧号自动升位）；本列须设为文本格式，否则 Excel 会丢失末位",
        EXAMPLE_ID,
        ("公民身份号码", "身份证号码", "身份证"),
    ),
    Column("姓名", True, "姓名中间的空格会被去掉", "张三"),
    Column(
        "性别", help="男或女，须与身份证号一致；可不填（按身份证号）", example="男", choices="性别"
    ),
    Column(
        "出生年月",
        help="须与身份证号一致；可不填（按身份证号）",
        example="1980.03",
        aliases=("出生日期",),
    ),
    Column("民族", help="民族名称，如 汉族", example="汉族", choices="民族"),
    Column("籍贯", help="如 河北正定", example="河北正定"),
    Column("出生地", help="如 河北石家庄", example="河北石家庄"),
    Column("政治面貌", help="如 中共党员、群众", example="中共党员", choices="政治面貌"),
    Column(
        "入党时间", help=DATE_HELP + "；填写时政治面貌须为中共党员或预备党员", example="2001.06"
    ),
    Column("参加工作时间", help=DATE_HELP, example="2002.07"),
    Column("健康状况", help="如 健康", example="健康"),
    Column("专业技术职务", help="如 高级经济师", example=""),
    Column("熟悉专业有何专长", help="", example="基层治理"),
    Column(
        "管理类别",
        help="中管、省管、市管、县管或其他；新增干部不填时为县管",
        example="县管",
        choices="管理类别",
    ),
    Column("全日制学历", help="如 大学、研究生、大专", example="大学", choices="学历"),
    Column("全日制学位", help="如 法学学士", example="法学学士", choices="学位"),
    Column(
        "全日制毕业院校系及专业",
        help="如 河北大学法学院法学专业（不超过 120 字）",
        example="河北大学法学专业",
        aliases=("全日制毕业院校及专业", "全日制院校系及专业"),
    ),
    Column("在职学历", help="如 省委党校研究生", example="", choices="学历"),
    Column("在职学位", help="", example="", choices="学位"),
    Column(
        "在职毕业院校系及专业",
        help="",
        example="",
        aliases=("在职毕业院校及专业", "在职院校系及专业"),
    ),
    Column(
        "现任职务",
        help="不含单位名称的职务，如 党委副书记、镇长；与系统中现任职务不同时将新增任职",
        example="党委副书记",
    ),
    Column(
        "任现职时间",
        help=DATE_HELP + "；填写现任职务时必填",
        example="2021.05",
        aliases=("任现职务时间",),
    ),
    Column(
        "领导职务层次",
        help="如 乡科级正职（也可写 正科级）",
        example="乡科级副职",
        aliases=("职务层次",),
        choices="领导职务层次",
    ),
    Column("职级", help="如 一级主任科员", example="", choices="职级"),
    Column(
        "单位代码",
        help="所在单位的单位代码，须为导入单位或其下级单位；不填为导入单位",
        example="",
    ),
    Column(
        "近年考核",
        help="年度加等次，多年用“；”分隔，如 2023称职；2024优秀",
        example="2023称职；2024优秀",
        aliases=("年度考核", "年度考核结果", "近年年度考核结果"),
    ),
)
HEADERS = tuple(c.header for c in COLUMNS)
_ALIASES = {alias: c.header for c in COLUMNS for alias in (c.header, *c.aliases)}
ID_COL, NAME_COL = "身份证号", "姓名"

# Where a service's field error belongs in the sheet (fallback when commit refuses a row).
_FIELD_COLUMN = {
    "id_number": "身份证号",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生年月",
    "birth_month": "出生年月",
    "ethnicity": "民族",
    "native_place": "籍贯",
    "birthplace": "出生地",
    "political_status": "政治面貌",
    "party_join_date": "入党时间",
    "work_start_date": "参加工作时间",
    "health": "健康状况",
    "professional_title": "专业技术职务",
    "expertise": "熟悉专业有何专长",
    "management_level": "管理类别",
    "title": "现任职务",
    "start_date": "任现职时间",
    "rank_level": "领导职务层次",
    "grade": "职级",
    "year": "近年考核",
    "education_level": "全日制学历",
    "degree": "全日制学位",
}
_FIELD_LABEL = {
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "native_place": "籍贯",
    "birthplace": "出生地",
    "political_status": "政治面貌",
    "party_join_date": "入党时间",
    "work_start_date": "参加工作时间",
    "health": "健康状况",
    "professional_title": "专业技术职务",
    "expertise": "熟悉专业有何专长",
    "management_level": "管理类别",
}
_TEXT_LIMITS = {
    "native_place": 40,
    "birthplace": 40,
    "health": 30,
    "professional_title": 90,
    "expertise": 110,
}
_TEXT_COLUMNS = {
    "籍贯": "native_place",
    "出生地": "birthplace",
    "健康状况": "health",
    "专业技术职务": "professional_title",
    "熟悉专业有何专长": "expertise",
}
_DATE_COLUMNS = {"入党时间": "party_join_date", "参加工作时间": "work_start_date"}
_EDUCATION_BLOCKS = (
    (EducationKind.FULL_TIME, "全日制学历", "全日制学位", "全日制毕业院校系及专业"),
    (EducationKind.IN_SERVICE, "在职学历", "在职学位", "在职毕业院校系及专业"),
)
SCHOOL_LIMIT = 120  # stored as 毕业院校 (60) + 系及专业 (60); printed joined

# ---------------------------------------------------------------- code tables by name

_SEX = {"男": "1", "女": "2", "男性": "1", "女性": "2", "1": "1", "2": "2"}
_POLITICAL_ALIASES = {
    "党员": "01",
    "中国共产党党员": "01",
    "中共预备党员": "02",
    "团员": "03",
    "无党派人士": "12",
    "无党派民主人士": "12",
}
_EDUCATION_ALIASES = {
    "本科": "21",
    "大学本科": "21",
    "硕士研究生": "11",
    "博士研究生": "11",
    "专科": "31",
    "大学专科": "31",
    "省委党校研究生": "1B",
    "省委党校大学": "23",
    "省委党校大专": "32",
}
_RANK_ALIASES = {
    "正部级": "111",
    "副部级": "112",
    "正厅级": "121",
    "副厅级": "122",
    "正处级": "131",
    "副处级": "132",
    "正科级": "141",
    "副科级": "142",
}
_MANAGEMENT = {label: value for value, label in ManagementLevel.choices} | {
    value: value for value in ManagementLevel.values
}
_ASSESSMENT = {label: value for value, label in AssessmentGrade.choices}
_ASSESSMENT_ITEM = re.compile(
    r"^(\d{4})\s*(?:年度|年)?\s*(?:年度)?(?:考核)?(?:结果)?(?:等次)?(?:为)?\s*[:：]?\s*"
    r"(优秀|基本称职|不称职|称职|不定等次)$"
)
_ASSESSMENT_SPLIT = re.compile(r"[；;，,、\s]+")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(?:(\d{1,2})\s*日?)?)?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_SPACES = re.compile(r"\s+")


def _key(text: str) -> str:
    return _SPACES.sub("", normalise_digits(text)).replace("(", "（").replace(")", "）")


@dataclass
class _Codes:
    """Name → code maps of the tables the roster names (loaded once per file)."""

    tables: dict[str, dict[str, str]]
    names: dict[str, dict[str, str]]

    def lookup(self, table: str, text: str) -> str | None:
        return self.tables[table].get(_key(text))

    def allowed(self, table: str) -> list[str]:
        return list(self.names[table].values())


_NAME_TABLES = {
    "民族": CodeTable.ETHNICITY,
    "政治面貌": CodeTable.POLITICAL_STATUS,
    "学历": CodeTable.EDUCATION,
    "学位": CodeTable.DEGREE,
    "领导职务层次": CodeTable.RANK_LEVEL,
    "职级": CodeTable.GRADE,
}


def load_codes() -> _Codes:
    """One query for every table the roster names, with the usual aliases."""
    tables: dict[str, dict[str, str]] = {k: {} for k in _NAME_TABLES}
    names: dict[str, dict[str, str]] = {k: {} for k in _NAME_TABLES}
    label_of = {str(v): k for k, v in _NAME_TABLES.items()}
    rows = Code.objects.filter(table__in=[str(t) for t in _NAME_TABLES.values()], is_active=True)
    for table, code, name, extra in rows.order_by("table", "order", "code").values_list(
        "table", "code", "name", "extra"
    ):
        label = label_of[table]
        names[label][code] = name
        target = tables[label]
        target.setdefault(_key(code), code)
        target[_key(name)] = code
        for alias in (extra or {}).get("aliases", []):
            target.setdefault(_key(alias), code)
        if label == "民族" and name.endswith("族") and len(name) > 2:
            target.setdefault(_key(name[:-1]), code)
    for label, aliases in (
        ("政治面貌", _POLITICAL_ALIASES),
        ("学历", _EDUCATION_ALIASES),
        ("领导职务层次", _RANK_ALIASES),
    ):
        for alias, code in aliases.items():
            if code in names[label]:
                tables[label].setdefault(_key(alias), code)
    return _Codes(tables=tables, names=names)


# ---------------------------------------------------------------- the plan


@dataclass
class PlanRow(importing.ImportRow):
    """One data row of the file and what importing it would do."""

    row: int  # the Excel row number
    name: str
    masked_id: str
    status: str = RowStatus.ERROR
    errors: dict[str, str] = field(default_factory=dict)  # column header → message
    notes: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list, repr=False)
    unit: Unit | None = field(default=None, repr=False)
    data: CadreData | None = field(default=None, repr=False)
    cadre: Cadre | None = field(default=None, repr=False)

    @property
    def ref(self) -> str:
        return str(self.row)

    @property
    def where(self) -> str:
        return f"第 {self.row} 行"

    @property
    def who(self) -> str:
        return f"{self.name} {self.masked_id}".strip()

    def report(self) -> list[str]:
        return [f"{column}：{message}" for column, message in self.errors.items()] + self.notes

    def error_text(self) -> str:
        return "；".join(
            message if column == ROW_KEY else f"{column}：{message}"
            for column, message in self.errors.items()
        )


@dataclass
class ExcelPlan(importing.ImportPlan):
    """The preview of an import: one ``PlanRow`` per data row, nothing written."""

    statuses: ClassVar[tuple[RowStatus, ...]] = (
        RowStatus.NEW,
        RowStatus.UPDATE,
        RowStatus.UNCHANGED,
        RowStatus.ERROR,
    )

    unit: Unit
    sha256: str
    headers: list[str]  # the header row as found in the file
    header_row: int
    columns: dict[str, int]  # template header → column index in the file
    rows: list[PlanRow]
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        return (
            f"{RowStatus.NEW.label} {c[RowStatus.NEW]} 人，{RowStatus.UPDATE.label} "
            f"{c[RowStatus.UPDATE]} 人，{RowStatus.UNCHANGED.label} {c[RowStatus.UNCHANGED]} 人，"
            f"{RowStatus.ERROR.label} {c[RowStatus.ERROR]} 行"
        )

    def error_workbook(self) -> bytes:
        """The file's rows with a 错误说明 column and the cells in error filled red."""
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(SHEET_TITLE)
        width = max([len(self.headers), *(len(r.values) for r in self.rows)])
        id_index = self.columns.get(ID_COL)
        for index in range(width):
            letter = get_column_letter(index + 1)
            sheet.column_dimensions[letter].width = 20 if index == id_index else 12
        sheet.column_dimensions[get_column_letter(width + 1)].width = 60
        bold = Font(bold=True)
        header = []
        for text in [*self.headers, *[""] * (width - len(self.headers)), ERROR_COLUMN]:
            cell = WriteOnlyCell(sheet, value=safe_cell_value(text))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        red = PatternFill("solid", fgColor="FFC7CE")
        red_font = Font(color="9C0006")
        for row in self.rows:
            bad = {self.columns[c] for c in row.errors if c in self.columns}
            cells = []
            for index in range(width):
                value = row.values[index] if index < len(row.values) else None
                cell = WriteOnlyCell(sheet, value=safe_cell_value(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                if isinstance(value, dt.datetime | dt.date):
                    cell.number_format = "yyyy.mm"
                if index == id_index:
                    cell.number_format = "@"
                if index in bad:
                    cell.fill = red
                    cell.font = red_font
                cells.append(cell)
            note = WriteOnlyCell(sheet, value=safe_cell_value(row.error_text()))
            note.data_type = "s"
            if row.errors:
                note.font = red_font
            cells.append(note)
            sheet.append(cells)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


# ---------------------------------------------------------------- cell parsing


def _month(value: Any, header: str, today: dt.date) -> dt.date:
    """A month-precision date (the 1st) from a date cell, ``YYYY.MM`` text or number."""
    wrong = ValueError(f"{header}格式不正确，应为 YYYY.MM（如 2001.07）")
    if isinstance(value, dt.datetime | dt.date):
        year, month = value.year, value.month
    else:
        # A typed 2001.10 is stored by Excel as the number 2001.1: two decimals restore it.
        text = f"{value:.2f}" if isinstance(value, float) else _key(cell_text(value))
        match = _DATE_TEXT.match(text) or _DATE_DIGITS.match(text)
        if match is None:
            raise wrong
        year, month = int(match.group(1)), int(match.group(2))
        if match.group(3):
            try:
                dt.date(year, month, int(match.group(3)))
            except ValueError:
                raise wrong from None
    if not 1 <= month <= 12:
        raise wrong
    if year < 1900:
        raise ValueError(f"{header}年份不合理")
    result = dt.date(year, month, 1)
    if result > today:
        raise ValueError(f"{header}不能晚于今天")
    return result


def _parse_id(value: Any) -> tuple[IdNumber | None, str, str]:
    """``(number, masked text, error)``."""
    if value is None or value == "":
        return None, "", "请填写身份证号"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None, "", EXCEL_NUMBER_MSG
    text = _key(cell_text(value)).upper()
    if _SCIENTIFIC.match(text):
        return None, "", EXCEL_NUMBER_MSG
    masked = mask_text(text) if len(text) > 10 else ""
    try:
        number = parse_id_number(text)
    except ValidationError as exc:
        message = exc.messages[0]
        if text.endswith("000") and len(text) == 18:
            message += "（末三位为 000，可能曾被 Excel 存成数字）"
        return None, masked, message
    return number, number.masked(), ""


def _assessments(text: str, today: dt.date) -> list[tuple[int, str]]:
    items: list[tuple[int, str]] = []
    for part in _ASSESSMENT_SPLIT.split(_key(text).rstrip("。.")):
        if not part:
            continue
        match = _ASSESSMENT_ITEM.match(part)
        if match is None:
            raise ValueError(
                f"无法识别“{part}”，应为年度加等次，如 2023称职；"
                "等次为优秀、称职、基本称职、不称职或不定等次"
            )
        year = int(match.group(1))
        if not 1950 <= year <= today.year:
            raise ValueError(f"考核年度须在 1950–{today.year} 之间")
        if any(y == year for y, _ in items):
            raise ValueError(f"{year} 年度考核填写了两次")
        items.append((year, _ASSESSMENT[match.group(2)]))
    return items


@dataclass
class _Parsed:
    """What one row says, validated field by field (no database involved)."""

    number: IdNumber | None = None
    name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    birth_month: dt.date | None = None
    title: str = ""
    start: dt.date | None = None
    rank: str = ""
    grade: str = ""
    unit_code: str = ""
    educations: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    assessments: list[tuple[int, str]] | None = None


def _parse_row(
    cells: dict[str, Any], codes: _Codes, today: dt.date, errors: dict[str, str]
) -> _Parsed:
    p = _Parsed()
    p.number, _, message = _parse_id(cells.get(ID_COL))
    if message:
        errors[ID_COL] = message
    p.name = _SPACES.sub("", cell_text(cells.get(NAME_COL)))
    if not p.name:
        errors[NAME_COL] = "请填写姓名"
    elif len(p.name) > 18:
        errors[NAME_COL] = "姓名不能超过 18 个字（含间隔号“·”）"
    else:
        p.fields["name"] = p.name

    text = {h: cell_text(v) for h, v in cells.items()}
    if text.get("性别"):
        sex = _SEX.get(_key(text["性别"]))
        if sex is None:
            errors["性别"] = "性别须为男或女"
        elif p.number is not None and sex != p.number.sex_code:
            errors["性别"] = f"性别与身份证号不一致（身份证号为{p.number.sex_label}性）"
    if text.get("出生年月"):
        try:
            p.birth_month = _month(cells["出生年月"], "出生年月", today)
        except ValueError as exc:
            errors["出生年月"] = str(exc)
        else:
            born = p.number.birth_date if p.number else None
            if born is not None and (born.year, born.month) != (
                p.birth_month.year,
                p.birth_month.month,
            ):
                errors["出生年月"] = f"出生年月与身份证号不一致（身份证号为 {born:%Y.%m}）"

    for header, table, target in (
        ("民族", "民族", "ethnicity"),
        ("政治面貌", "政治面貌", "political_status"),
    ):
        if text.get(header):
            code = codes.lookup(table, text[header])
            if code is None:
                errors[header] = f"{header}“{text[header]}”不在代码表中，请按“说明”页填写"
            else:
                p.fields[target] = code
    if text.get("管理类别"):
        level = _MANAGEMENT.get(_key(text["管理类别"]))
        if level is None:
            errors["管理类别"] = "管理类别须为中管、省管、市管、县管或其他"
        else:
            p.fields["management_level"] = level
    for header, target in _TEXT_COLUMNS.items():
        value = text.get(header, "")
        if value:
            if len(value) > _TEXT_LIMITS[target]:
                errors[header] = f"{header}不能超过 {_TEXT_LIMITS[target]} 个字"
            else:
                p.fields[target] = value
    for header, target in _DATE_COLUMNS.items():
        if text.get(header):
            try:
                p.fields[target] = _month(cells[header], header, today)
            except ValueError as exc:
                errors[header] = str(exc)

    for kind, level_col, degree_col, school_col in _EDUCATION_BLOCKS:
        level = degree = ""
        if text.get(level_col):
            level = codes.lookup("学历", text[level_col]) or ""
            if not level:
                errors[level_col] = f"学历“{text[level_col]}”不在代码表中，请按“说明”页填写"
        if text.get(degree_col):
            degree = codes.lookup("学位", text[degree_col]) or ""
            if not degree:
                errors[degree_col] = f"学位“{text[degree_col]}”不在代码表中，请按“说明”页填写"
        school = text.get(school_col, "")
        if len(school) > SCHOOL_LIMIT:
            errors[school_col] = f"毕业院校系及专业不能超过 {SCHOOL_LIMIT} 个字"
        if level or degree or school:
            p.educations[kind] = (level, degree, school)

    p.title = text.get("现任职务", "")
    if text.get("任现职时间"):
        try:
            p.start = _month(cells["任现职时间"], "任现职时间", today)
        except ValueError as exc:
            errors["任现职时间"] = str(exc)
    for header, table in (("领导职务层次", "领导职务层次"), ("职级", "职级")):
        if text.get(header):
            code = codes.lookup(table, text[header])
            if code is None:
                errors[header] = f"{header}“{text[header]}”不在代码表中，请按“说明”页填写"
            elif header == "职级":
                p.grade = code
            else:
                p.rank = code
    if p.title:
        if p.start is None and "任现职时间" not in errors:
            errors["任现职时间"] = "填写现任职务时请填写任现职时间"
    elif (p.start or p.rank or p.grade) and not errors.keys() & {"领导职务层次", "职级"}:
        errors["现任职务"] = "填写了任现职时间、领导职务层次或职级，请填写现任职务"

    p.unit_code = _key(text.get("单位代码", ""))
    if text.get("近年考核"):
        try:
            p.assessments = _assessments(text["近年考核"], today)
        except ValueError as exc:
            errors["近年考核"] = str(exc)
    return p


# ---------------------------------------------------------------- comparing with the record


def _same_month(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _same(a: str, b: str) -> bool:
    return _SPACES.sub("", a) == _SPACES.sub("", b)


def _strip_unit(title: str, unit: Unit) -> str:
    for prefix in (unit.name, unit.short_name):
        if prefix and title.startswith(prefix) and len(title) > len(prefix):
            return title[len(prefix) :]
    return title


def _position_dict(p: Position) -> dict[str, Any]:
    return {f: getattr(p, f) for f in POSITION_FIELDS}


def _new_position(unit: Unit, title: str, start: dt.date, rank: str, grade: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "unit_name": unit.name,
        "title": title,
        "rank_level": rank,
        "grade": grade,
        "is_leading": bool(rank),
        "is_head": rank.endswith("1"),  # GB/T 12407: x1 正职, x2 副职
        "is_primary": True,
        "start_date": start,
    }


def _plan_positions(
    record: _Record | None, unit: Unit, p: _Parsed, notes: list[str], errors: dict[str, str]
) -> list[dict[str, Any]] | None:
    if not p.title or p.start is None:
        return None
    title = _strip_unit(p.title, unit)
    if len(title) > 100:
        errors["现任职务"] = "现任职务不能超过 100 个字"
        return None
    if record is None:
        return [_new_position(unit, title, p.start, p.rank, p.grade)]
    cadre, positions = record.cadre, record.positions
    open_ = [x for x in positions if x.end_date is None]
    same = [
        x
        for x in open_
        if (x.unit_id == unit.pk or x.unit_name == unit.name) and _same(x.title, title)
    ]
    if same:
        match = same[0]
        wanted = {
            # The sheet has months: a start in the same month keeps its recorded day.
            "start_date": match.start_date if _same_month(match.start_date, p.start) else p.start,
            "rank_level": p.rank or match.rank_level,
            "grade": p.grade or match.grade,
        }
        if all(getattr(match, k) == v for k, v in wanted.items()):
            return None
        notes.append(f"将更正“{match.full_title}”的任职时间、层次或职级")
        return [_position_dict(x) | (wanted if x is match else {}) for x in positions]
    if len(open_) > 1 and any(
        _same(cadre.current_title, t) for t in (p.title, title, unit.name + title)
    ):
        differs = (
            (p.rank and p.rank != cadre.rank_level)
            or (p.grade and p.grade != cadre.grade)
            or not _same_month(min(x.start_date for x in open_), p.start)
        )
        if differs:
            notes.append(
                "该干部有多个现任职务，任职时间、层次、职级请在系统中逐项修改；本次未改任职"
            )
        return None
    result = []
    for x in positions:
        row = _position_dict(x)
        if x.end_date is None and x.start_date <= p.start:
            row["end_date"] = p.start
            notes.append(f"将以 {p.start:%Y.%m} 免去原任“{x.full_title}”")
        result.append(row)
    notes.append(f"将新增任职“{unit.name}{title}”")
    return [*result, _new_position(unit, title, p.start, p.rank, p.grade)]


def _shown_education(items: list[Education]) -> tuple[str, str, str]:
    # What the record shows for one kind (cadres.form picks the same entries).
    best_level = min(
        (e for e in items if e.education_level), key=lambda e: e.education_level[:1], default=None
    )
    best_degree = min((e for e in items if e.degree), key=lambda e: e.degree[:1], default=None)
    source = best_level or best_degree
    return (
        best_level.education_level if best_level else "",
        best_degree.degree if best_degree else "",
        f"{source.school}{source.major}" if source else "",
    )


def _education_dict(e: Education) -> dict[str, Any]:
    return {f: getattr(e, f) for f in EDUCATION_FIELDS}


def _plan_educations(
    record: _Record | None, p: _Parsed, notes: list[str], errors: dict[str, str]
) -> list[dict[str, Any]] | None:
    existing = record.educations if record is not None else []
    result = [_education_dict(e) for e in existing]
    changed = False
    for kind, level_col, _degree_col, _school_col in _EDUCATION_BLOCKS:
        if kind not in p.educations:
            continue
        items = [e for e in existing if e.kind == kind]
        shown = _shown_education(items)
        level, degree, school = (
            new or old for new, old in zip(p.educations[kind], shown, strict=True)
        )
        if (level, degree, school) == shown:
            continue
        if not (level or degree):
            errors[level_col] = "学历和学位至少填写一项"
            return None
        changed = True
        if len(items) > 1:
            notes.append(f"{EducationKind(kind).label}原有 {len(items)} 条记录，将合并为 1 条")
        elif items:
            notes.append(f"将更正{EducationKind(kind).label}学历学位")
        kept = [e for e in result if e["kind"] != kind]
        entry = {
            "kind": kind,
            "education_level": level,
            "degree": degree,
            "school": school[:60],
            "major": school[60:],  # the two columns are printed joined
            "start_date": items[0].start_date if len(items) == 1 else None,
            "end_date": items[0].end_date if len(items) == 1 else None,
        }
        result = [*kept, entry]
    return result if changed else None


def _plan_assessments(
    record: _Record | None, p: _Parsed, notes: list[str]
) -> list[dict[str, Any]] | None:
    if p.assessments is None:
        return None
    existing = {a.year: a for a in record.assessments} if record is not None else {}
    merged: dict[int, dict[str, Any]] = {
        year: {"year": year, "grade": a.grade, "note": a.note} for year, a in existing.items()
    }
    changed = False
    for year, grade in p.assessments:
        old = existing.get(year)
        if old is not None and old.grade == grade:
            continue
        changed = True
        merged[year] = {"year": year, "grade": grade, "note": ""}
        if old is not None:
            notes.append(
                f"{year} 年度考核将由{AssessmentGrade(old.grade).label}"
                f"改为{AssessmentGrade(grade).label}"
            )
    if not changed:
        return None
    return [merged[y] for y in sorted(merged, reverse=True)]


def _cross_checks(
    cadre: Cadre | None, p: _Parsed, fields: dict[str, Any], errors: dict[str, str], today: dt.date
) -> None:
    """The record's invariants on the values it would have after the import."""

    def effective(name: str, default: Any) -> Any:
        if name in fields:
            return fields[name]
        return getattr(cadre, name) if cadre is not None else default

    birth = effective("birth_date", None)
    if birth and birth.year < 1900:  # the ID parser allows 1800 on; the record does not
        errors.setdefault(ID_COL, "身份证号中的出生年份早于 1900 年，不合理")
    status = effective("political_status", "")
    party = effective("party_join_date", None)
    if party and status not in ("01", "02"):
        if "party_join_date" in fields:
            errors.setdefault("入党时间", "填写了入党时间，政治面貌应为中共党员或预备党员")
        else:
            errors.setdefault("政治面貌", "系统中已有入党时间，政治面貌应为中共党员或预备党员")
    for name, header in (("party_join_date", "入党时间"), ("work_start_date", "参加工作时间")):
        value = fields.get(name)
        if value and birth and value < birth.replace(day=1):
            errors.setdefault(header, f"{header}不能早于出生年月")
    if p.start and birth and p.start < birth.replace(day=1):
        errors.setdefault("任现职时间", "任现职时间不能早于出生年月")


def _person_changes(cadre: Cadre, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name == "id_number":
            continue
        old = getattr(cadre, name)
        if (old or "") != (value or ""):
            label = _FIELD_LABEL.get(name, name)
            # A new name on a known ID number may be a mistyped number: show both names.
            changed.append(f"{label}（{old}→{value}）" if name == "name" else label)
    return changed


@dataclass
class _Record:
    """An existing cadre with the child records the roster compares against."""

    cadre: Cadre
    positions: list[Position] = field(default_factory=list)
    educations: list[Education] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)


def _existing_by_digest(digests: list[str], acting_user: Any) -> dict[str, _Record]:
    """Cadres matching the file's ID numbers, in batches of a few queries each.

    Where a number is on two records (one entered 待核实 while the other was out of the
    entrant's sight), the record the user can see is taken, the confirmed one first.

    Children are fetched by ``cadre_id__in`` and grouped here rather than with
    ``prefetch_related``, whose per-object querysets cost more than the queries.
    """
    found: dict[str, _Record] = {}
    for start in range(0, len(digests), MATCH_BATCH):
        batch = digests[start : start + MATCH_BATCH]
        cadres = list(
            Cadre.objects.filter(digest_in(batch)).defer(
                "id_number", "resume", "resume_extra", "lrmx_extra"
            )
        )
        records = {c.pk: _Record(c) for c in cadres}
        ids = list(records)
        positions = list(Position.objects.filter(cadre_id__in=ids).order_by("start_date", "id"))
        unit_ids = {c.unit_id for c in cadres} | {p.unit_id for p in positions if p.unit_id}
        units = Unit.objects.in_bulk(unit_ids)
        for cadre in cadres:
            cadre.unit = units[cadre.unit_id]
        for position in positions:
            if position.unit_id:
                position.unit = units[position.unit_id]
            records[position.cadre_id].positions.append(position)
        for education in Education.objects.filter(cadre_id__in=ids).order_by("start_date", "id"):
            records[education.cadre_id].educations.append(education)
        for assessment in Assessment.objects.filter(cadre_id__in=ids).order_by("-year"):
            records[assessment.cadre_id].assessments.append(assessment)
        for record in sorted(records.values(), key=lambda r: not r.cadre.id_pending):
            # Confirmed records come last and win, unless only the 待核实 one is visible.
            earlier = found.get(record.cadre.id_digest)
            if earlier is not None and not can_in_path(
                acting_user, Action.CADRES_VIEW, record.cadre.unit_path
            ):
                continue
            found[record.cadre.id_digest] = record
    return found


def _find_header(rows: Iterable[tuple[int, list[Any]]]) -> tuple[int, list[Any]]:
    for seen, (number, values) in enumerate(rows):
        known = {_ALIASES.get(_header_key(v)) for v in values} - {None}
        if len(known) >= 2 or known & {ID_COL, NAME_COL}:
            return number, values
        if seen + 1 >= HEADER_SEARCH_ROWS:
            break
    raise UploadRejected("未找到表头行：第一行应为列名（身份证号、姓名等），可下载导入模板对照")


def _header_key(value: Any) -> str:
    return re.sub(r"[\s*＊:：]", "", cell_text(value))


def plan_import(
    *, acting_user: Any, unit: Unit, data: bytes, progress: Progress | None = None
) -> ExcelPlan:
    """Read and check the file and say, row by row, what importing it would do; writes nothing.

    Raises ``UploadRejected`` for a file refused as a whole (type, size, missing columns) and
    ``PermissionDenied`` when ``unit`` is outside the actor's scope.
    """
    require(acting_user, Action.CADRES_CHANGE, unit)
    sha256 = hashlib.sha256(data).hexdigest()
    rows = read_xlsx_rows(data)
    header_row, header_values = _find_header(rows)
    headers = [cell_text(v) for v in header_values]
    columns: dict[str, int] = {}
    ignored = []
    for index, raw in enumerate(headers):
        key = _header_key(raw)
        if not key:
            continue
        canonical = _ALIASES.get(key)
        if canonical is None:
            ignored.append(raw)
        elif canonical in columns:
            first = get_column_letter(columns[canonical] + 1)
            raise UploadRejected(
                f"列“{canonical}”出现了两次（第 {first} 列和第 {get_column_letter(index + 1)} 列）"
            )
        else:
            columns[canonical] = index
    missing = [c.header for c in COLUMNS if c.required and c.header not in columns]
    if missing:
        raise UploadRejected(f"缺少必填列：{'、'.join(missing)}（可下载导入模板对照）")
    plan = ExcelPlan(
        unit=unit,
        sha256=sha256,
        headers=headers,
        header_row=header_row,
        columns=columns,
        rows=[],
    )
    if ignored:
        plan.notes.append(f"已忽略无法识别的列：{'、'.join(ignored)}")

    codes = load_codes()
    today = timezone.localdate()
    parsed: list[tuple[PlanRow, _Parsed]] = []
    first_row_of: dict[str, int] = {}
    for number, values in rows:
        cells = {h: values[i] if i < len(values) else None for h, i in columns.items()}
        if not any(v not in (None, "") for v in cells.values()):
            continue  # only ignored columns filled: not a cadre row
        row = PlanRow(row=number, name="", masked_id="", values=values)
        p = _parse_row(cells, codes, today, row.errors)
        if p.number is not None and p.number.value == EXAMPLE_ID:
            plan.notes.append(f"第 {number} 行是模板示例行，已跳过")
            continue
        row.name = p.name
        row.masked_id = p.number.masked() if p.number else _parse_id(cells.get(ID_COL))[1]
        if p.number is not None:
            first_row = first_row_of.setdefault(p.number.value, number)
            if first_row != number:
                row.errors[ID_COL] = f"与第 {first_row} 行的身份证号重复"
        parsed.append((row, p))
        plan.rows.append(row)
    if not plan.rows:
        raise UploadRejected("文件中没有数据行")

    units = _units_by_code(unit, {p.unit_code for _, p in parsed if p.unit_code})
    digests = {p.number.value: id_number_digest(p.number) for _, p in parsed if p.number}
    existing = _existing_by_digest(sorted(set(digests.values())), acting_user)
    for done, (row, p) in enumerate(parsed, start=1):
        _plan_row(acting_user, unit, row, p, units, existing, digests, today)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(parsed)):
            progress("检查", done, len(parsed))
    return plan


def _units_by_code(unit: Unit, codes: set[str]) -> dict[str, Unit | str]:
    """Each code → its unit, or the reason it cannot be used (outside the subtree: not named)."""
    found: dict[str, Unit | str] = {c: f"单位代码“{c}”不存在或不在{unit.name}范围内" for c in codes}
    for item in Unit.objects.filter(code__in=codes, path__startswith=unit.path):
        found[item.code] = item if item.is_active else f"单位“{item.name}”已撤销"
    return found


def _plan_row(
    acting_user: Any,
    unit: Unit,
    row: PlanRow,
    p: _Parsed,
    units: dict[str, Unit | str],
    existing: dict[str, _Record],
    digests: dict[str, str],
    today: dt.date,
) -> None:
    row_unit: Unit = unit
    if p.unit_code:
        target = units[p.unit_code]
        if isinstance(target, str):
            row.errors["单位代码"] = target
        else:
            row_unit = target
    row.unit = row_unit
    record = existing.get(digests[p.number.value]) if p.number else None
    if record is not None and not can_in_path(
        acting_user, Action.CADRES_VIEW, record.cadre.unit_path
    ):
        # Out of sight: a new person to this user, as one who does not exist (the service
        # keeps the row 待核实 and routes the clash; docs/security.md).
        record = None
    elif record is not None and not can_in_path(
        acting_user, Action.CADRES_CHANGE, record.cadre.unit_path
    ):
        row.errors[ID_COL] = OUT_OF_SCOPE_MSG
        record = None
    cadre = record.cadre if record is not None else None
    if row.errors or p.number is None:
        row.status = RowStatus.ERROR
        return
    fields: dict[str, Any] = dict(p.fields)
    if cadre is not None:
        for name in _DATE_COLUMNS.values():
            # The sheet has months: the same month keeps the recorded day.
            if name in fields and _same_month(getattr(cadre, name), fields[name]):
                del fields[name]
    fields["id_number"] = p.number
    fields["sex"] = p.number.sex_code
    born = p.number.birth_date
    if (
        cadre is None
        or cadre.birth_date is None
        or cadre.birth_date.replace(day=1) != born.replace(day=1)
    ):
        fields["birth_date"] = born
    _cross_checks(cadre, p, fields, row.errors, today)
    notes = row.notes
    positions = _plan_positions(record, row_unit, p, notes, row.errors)
    educations = _plan_educations(record, p, notes, row.errors)
    assessments = _plan_assessments(record, p, notes)
    if row.errors:
        row.status = RowStatus.ERROR
        return
    row.data = CadreData(
        fields=fields, positions=positions, educations=educations, assessments=assessments
    )
    row.cadre = cadre
    if cadre is None:
        row.status = RowStatus.NEW
        return
    if cadre.unit_id != row_unit.pk:
        notes.append(f"该干部现属“{cadre.unit.name}”，导入不改变所属单位")
    if cadre.status != CadreStatus.ACTIVE:
        notes.append(f"该干部状态为“{CadreStatus(cadre.status).label}”")
    changed = _person_changes(cadre, fields)
    if changed:
        notes.insert(0, f"将更新：{'、'.join(changed)}")
    parts_changed = any(x is not None for x in (positions, educations, assessments))
    row.status = RowStatus.UPDATE if changed or parts_changed else RowStatus.UNCHANGED


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


def commit_import(
    *,
    acting_user: Any,
    unit: Unit,
    data: bytes,
    skip_errors: bool = False,
    progress: Progress | None = None,
) -> ExcelPlan:
    """Plan the file again and write its new and updated rows, all or nothing.

    Raises ``ImportRefused`` (with ``.plan``) when rows are in error and ``skip_errors`` is
    false. One summary audit event records the file's SHA-256 and the counts, in the same
    transaction as the rows (each cadre's own change is audited by ``cadre_import``).
    """
    with transaction.atomic():
        plan = plan_import(acting_user=acting_user, unit=unit, data=data, progress=progress)
        if plan.has_errors and not skip_errors:
            raise ImportRefused(plan)
        outcome_status = {
            "created": RowStatus.NEW,
            "updated": RowStatus.UPDATE,
            "unchanged": RowStatus.UNCHANGED,
        }
        written = 0
        todo = [r for r in plan.rows if r.status in (RowStatus.NEW, RowStatus.UPDATE)]
        # The rows are written in batches through the bulk service: each row is validated
        # on its own (the plan checked the same rules; this is the safety net), the valid
        # ones are written together with one audit event each.
        for start in range(0, len(todo), WRITE_BATCH):
            chunk = todo[start : start + WRITE_BATCH]
            items = []
            for row in chunk:
                assert row.data is not None  # noqa: S101 (set together with the status)
                assert row.unit is not None  # noqa: S101
                items.append(ImportItem(unit=row.unit, data=row.data, cadre=row.cadre))
            results = cadre_import_many(acting_user=acting_user, items=items)
            for row, result in zip(chunk, results, strict=True):
                if result.error is not None:
                    row.status = RowStatus.ERROR
                    row.errors = _errors_of(result.error)
                    if not skip_errors:
                        raise ImportRefused(plan)
                    continue
                row.status = outcome_status[result.status]
                written += result.status != "unchanged"
            if progress is not None:
                progress("写入", min(start + WRITE_BATCH, len(todo)), len(todo))
        if written:
            announce_import(unit)
            counts = plan.counts
            audit_record(
                actor=acting_user,
                action=AuditAction.IMPORT,
                object_type="cadres.import",
                object_id=unit.pk,
                object_repr=f"Excel 干部名册导入：{unit.name}",
                changes={
                    "format": "xlsx",
                    "file_sha256": plan.sha256,
                    "unit": unit.code,
                    "rows": len(plan.rows),
                    "created": counts[RowStatus.NEW],
                    "updated": counts[RowStatus.UPDATE],
                    "unchanged": counts[RowStatus.UNCHANGED],
                    "skipped_errors": counts[RowStatus.ERROR],
                },
            )
    return plan


# ---------------------------------------------------------------- the template


# ---------------------------------------------------------------- export for re-import


def reimport_row(cadre: Cadre, codes: _Codes) -> list[str]:
    """One cadre in the template's columns, written so that importing it back changes nothing.

    Needs ``positions`` (with ``unit``), ``educations`` and ``assessments`` prefetched and the
    full ID number readable. A post the sheet cannot state so that the import finds it again
    (one open post outside the unit tree) is left blank: a blank cell changes nothing."""
    name = codes.names
    positions = sorted(
        (x for x in cadre.positions.all() if x.end_date is None), key=lambda x: x.start_date
    )
    title = start = rank = grade = unit_code = ""
    post_unit = positions[0].unit if len(positions) == 1 else None
    if post_unit is not None:
        post = positions[0]
        title, start = post.title, ym(post.start_date)
        rank = name["领导职务层次"].get(post.rank_level, "")
        grade = name["职级"].get(post.grade, "")
        unit_code = post_unit.code
    elif len(positions) > 1 and cadre.current_title:
        title, start = cadre.current_title, ym(positions[0].start_date)
        rank = name["领导职务层次"].get(cadre.rank_level, "")
        grade = name["职级"].get(cadre.grade, "")
        unit_code = cadre.unit.code
    shown = {
        kind: _shown_education([e for e in cadre.educations.all() if e.kind == kind])
        for kind, *_cols in _EDUCATION_BLOCKS
    }
    values = {
        ID_COL: cadre.id_number.value if cadre.id_number else "",
        NAME_COL: cadre.name,
        "性别": {"1": "男", "2": "女"}.get(cadre.sex, ""),
        "出生年月": ym(cadre.birth_date),
        "民族": name["民族"].get(cadre.ethnicity, ""),
        "籍贯": cadre.native_place,
        "出生地": cadre.birthplace,
        "政治面貌": name["政治面貌"].get(cadre.political_status, ""),
        "入党时间": ym(cadre.party_join_date),
        "参加工作时间": ym(cadre.work_start_date),
        "健康状况": cadre.health,
        "专业技术职务": cadre.professional_title,
        "熟悉专业有何专长": cadre.expertise,
        "管理类别": ManagementLevel(cadre.management_level).label,
        "现任职务": title,
        "任现职时间": start,
        "领导职务层次": rank,
        "职级": grade,
        "单位代码": unit_code,
        "近年考核": "；".join(
            f"{a.year}{AssessmentGrade(a.grade).label}"
            for a in sorted(cadre.assessments.all(), key=lambda a: a.year)
        ),
    }
    for kind, level_col, degree_col, school_col in _EDUCATION_BLOCKS:
        level, degree, school = shown[kind]
        values[level_col] = name["学历"].get(level, "")
        values[degree_col] = name["学位"].get(degree, "")
        values[school_col] = school
    return [values.get(column.header, "") for column in COLUMNS]


def reimport_rows(cadres: Iterable[Cadre]) -> Iterator[list[str]]:
    codes = load_codes()
    for cadre in cadres:
        yield reimport_row(cadre, codes)


def template_xlsx() -> bytes:
    """The import template: 干部名册 (header + example row) and 说明 (columns, allowed values)."""
    codes = load_codes()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 (a new workbook has one sheet)
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    required = Font(bold=True, color="C00000")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(
            row=1, column=index, value=column.header + ("*" if column.required else "")
        )
        cell.font = required if column.required else bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        example = sheet.cell(row=2, column=index, value=column.example or None)
        # Every column is text: an ID number typed as a number loses its last digits and a
        # typed 2001.10 becomes the number 2001.1.
        example.number_format = "@"
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = (
            22 if index == 1 else max(10, len(column.header) * 2 + 2)
        )
    sheet.freeze_panes = "C2"
    lists = {
        "性别": ["男", "女"],
        "管理类别": [label for _, label in ManagementLevel.choices],
        "政治面貌": codes.allowed("政治面貌"),
        "领导职务层次": codes.allowed("领导职务层次"),
        "职级": codes.allowed("职级"),
    }
    for index, column in enumerate(COLUMNS, start=1):
        values = lists.get(column.header)
        formula = '"' + ",".join(values) + '"' if values else ""
        if not values or len(formula) > 255:  # Excel's limit for an inline list
            continue
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list", formula1=formula, allow_blank=True, errorStyle="warning"
        )
        validation.add(f"{letter}2:{letter}5000")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明")
    notes.append(["列名", "是否必填", "填写说明", "可选值"])
    for cell in notes[1]:
        cell.font = bold
    allowed = {
        "性别": "男、女",
        "管理类别": "、".join(label for _, label in ManagementLevel.choices),
        "民族": "、".join(codes.allowed("民族")),
        "政治面貌": "、".join(codes.allowed("政治面貌")),
        "学历": "、".join(codes.allowed("学历")),
        "学位": "、".join(codes.allowed("学位")),
        "领导职务层次": "、".join(codes.allowed("领导职务层次"))
        + "（也可写 正科级、副科级、正处级、副处级 等）",
        "职级": "、".join(codes.allowed("职级")),
    }
    for column in COLUMNS:
        notes.append(
            [
                column.header,
                "必填" if column.required else "",
                column.help,
                allowed.get(column.choices, ""),
            ]
        )
    notes.append([])
    for line in (
        "第 1 行为列名，列的顺序可以调整；无法识别的列会被忽略。",
        "第 2 行为示例，导入时自动跳过，可直接覆盖填写。",
        "已在系统中的干部按身份证号匹配：空白单元格不会清除系统中已有的信息。",
        "现任职务与系统不同时，将新增该任职，并以任现职时间免去原任职务。",
        "近年考核只更新所填年度，其他年度保持不变。",
        "上传前请保存为 .xlsx 格式；不接受加密、含宏或旧版 .xls 文件。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 60
    notes.column_dimensions["D"].width = 80
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
