"""LRMX (任免审批表交换文件): read, write, map to the cadre record, import and export.

Reading is lenient and safe (docs/lrmx.md, "Reading and import checks"; docs/security.md,
"Bad input"): ``defusedxml`` with DTDs,
entities and external references refused, a size cap, BOM and CRLF accepted, elements read
by name in any order, unknown elements kept with the element they followed. Writing is
strict: every element in the editor's order, empty ones as ``<JianLi/>``.

The record models most of the form but not all of it (拟任职务, 呈报单位, 填表时间 …), and
some of what it models it keeps as codes (民族, 学历). What the record cannot give back
exactly goes to ``Cadre.lrmx_extra``::

    {"values": {element: text as imported},
     "basis": {element: text the record gave for it at import},
     "unknown": [[after, tag, xml], ...],
     "family_extra": [{"raw": {...}, "basis": {...}, "extra": [[tag, xml], ...]} or {}, ...],
     "fingerprint": sha256 of the imported form, "version": the record version it produced}

``cadre_to_form`` prints the imported text again as long as the record still gives the
``basis`` text for that element, so import → export reproduces the file, while a record
edited since prints its own, newer value.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import re
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET  # serialising only; parsing goes through defusedxml
from xml.sax.saxutils import escape

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from audit.services import audit_record_export_standalone
from cadres import resume
from cadres.choices import DECEASED_WORDS, AssessmentGrade, EducationKind
from cadres.form import (
    ELEMENTS,
    FAMILY_ELEMENTS,
    TEXT_ELEMENTS,
    ApprovalForm,
    FamilyItem,
    _education_block,
    form_from_cadre,
    yyyymm,
)
from cadres.models import Cadre, Education, FamilyMember, Position, digest_in
from cadres.services import (
    POSITION_FIELDS,
    CadreData,
    ImportItem,
    _compact_titles,
    cadre_import_many,
)
from cadres.signals import announce_import
from core import importing
from core.choices import CodeTable
from core.fields import id_number_digest
from core.idnumber import IdNumber, parse_id_number
from core.importing import RowStatus
from core.models import Code
from core.permissions import Action, can_in_path, require
from orgs.models import Unit

MAX_FILE_BYTES = 10 * 1024 * 1024
# A real 任免审批表 nests three levels (Person → JiaTingChengYuan → Item → field); unknown
# elements are kept as raw XML, so a little headroom, but not 200,000 levels.
MAX_XML_DEPTH = 64
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_MEMBER_BYTES = 10 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ASSESSMENT_YEARS = 2  # the form prints the last two years (docs/lrmx.md)

# Elements that hold several lines: kept exactly as read (no stripping).
MULTILINE_ELEMENTS = frozenset({"JianLi", "JiangChengQingKuang"})
# Elements whose printed text the record derives (form_from_cadre); the others are only
# carried in lrmx_extra.
MODELLED_ELEMENTS = frozenset(
    {
        "XingMing",
        "XingBie",
        "ChuShengNianYue",
        "MinZu",
        "JiGuan",
        "ChuShengDi",
        "RuDangShiJian",
        "CanJiaGongZuoShiJian",
        "JianKangZhuangKuang",
        "ZhuanYeJiShuZhiWu",
        "ShuXiZhuanYeYouHeZhuanChang",
        "QuanRiZhiJiaoYu_XueLi",
        "QuanRiZhiJiaoYu_XueWei",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
        "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
        "ZaiZhiJiaoYu_XueLi",
        "ZaiZhiJiaoYu_XueWei",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
        "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
        "XianRenZhiWu",
        "JianLi",
        "JiangChengQingKuang",
        "NianDuKaoHeJieGuo",
        "ShenFenZheng",
    }
)
UNMODELLED_ELEMENTS = tuple(e for e in TEXT_ELEMENTS if e not in MODELLED_ELEMENTS)
LABELS = dict(ELEMENTS)
_KNOWN = frozenset(e for e, _ in ELEMENTS)

# Cadre text fields and their column widths (models.py): longer text is cut, with a warning.
_FIELD_LIMITS = {
    "JiGuan": ("native_place", 40),
    "ChuShengDi": ("birthplace", 40),
    "JianKangZhuangKuang": ("health", 30),
    "ZhuanYeJiShuZhiWu": ("professional_title", 90),
    "ShuXiZhuanYeYouHeZhuanChang": ("expertise", 110),
    "JiangChengQingKuang": ("rewards_text", 552),
}
_POSITION_TITLE_MAX = 100
_SCHOOL_MAX = 60
_OTHER_PARTIES_MAX = 40

_SEX = {"男": "1", "女": "2"}
_SEX_NAME = {"1": "男", "2": "女"}
# Full party names some writers use, mapped to the GB 4762 short names the table holds.
_PARTY_ALIASES = {
    "中国国民党革命委员会": "民革",
    "中国民主同盟": "民盟",
    "中国民主建国会": "民建",
    "中国民主促进会": "民进",
    "中国农工民主党": "农工党",
    "农工": "农工党",
    "中国致公党": "致公党",
    "致公": "致公党",
    "九三学社": "九三",
    "台湾民主自治同盟": "台盟",
    "无党派人士": "无党派",
    "无党派民主人士": "无党派",
}
_CPC_WORDS = {"中共党员": "01", "党员": "01", "中国共产党党员": "01", "预备党员": "02"}
# 学历 as written on forms → the ZB64 name.
_EDUCATION_ALIASES = {
    "本科": "大学",
    "大学本科": "大学",
    "专科": "大专",
    "大学专科": "大专",
    "硕士研究生": "研究生",
    "博士研究生": "研究生",
    "在职研究生": "研究生",
}
_PARTY_SCHOOL_PREFIXES = (
    ("中央党校", "中央党校"),
    ("省（区、市）委党校", "省（区、市）委党校"),
    ("省(区、市)委党校", "省（区、市）委党校"),
    ("省区市委党校", "省（区、市）委党校"),
    ("自治区党委党校", "省（区、市）委党校"),
    ("省委党校", "省（区、市）委党校"),
)
_SCHOOL_END = re.compile(r"^(.+?(?:大学|学院|党校|学校|研究院|研究生院|分校|中学))")
_ASSESSMENT = re.compile(
    r"(\d{4})\s*年?\s*度?\s*(?:年度)?\s*(?:考核)?\s*(?:结果)?\s*(?:为|：|:)?\s*"
    r"(基本称职|不称职|称职|优秀|不定等次)"
)
_GRADE_BY_LABEL = {str(label): value for value, label in AssessmentGrade.choices}
_DATE_RE = re.compile(r"^(\d{4})\s*[.．年/-]\s*(\d{1,2})\s*(?:[.．月/-]\s*(\d{1,2})\s*日?|月)?$")
_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""")
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
LRMX_SUFFIXES = (".lrmx", ".xml")
UPLOAD_SUFFIXES = (*LRMX_SUFFIXES, ".zip")
MSG_NOT_XML = "不是 LRMX（XML）文件，请选择任免审批表软件导出的 .lrmx 文件"


class LrmxError(Exception):
    """A file (or upload) that cannot be read or imported; ``message`` is Chinese."""

    def __init__(self, message: str, *, plan: LrmxPlan | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.plan = plan


# ---------------------------------------------------------------- reading


def _named(name: str, message: str) -> str:
    return f"文件“{name}”{message}" if name else f"文件{message}"


def _looks_like_xml(data: bytes) -> bool:
    """Whether ``data`` starts as XML text does (``<`` after a BOM and blanks), in UTF-8,
    GBK or UTF-16: a Word file, a zip or a PDF renamed ``.lrmx`` does not."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "ignore").lstrip().startswith("<")
    if data[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a BOM
        return True
    return data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _to_utf8(data: bytes) -> bytes:
    # expat reads UTF-8/16 and Latin-1 only; old writers declare GB2312/GBK.
    match = _ENCODING_RE.match(data[:200])
    if match and match.group(1).lower() in (b"gb2312", b"gbk", b"gb18030", b"cp936"):
        try:  # valid UTF-8 is almost never GBK text: some writers mislabel UTF-8
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        text = text.replace(match.group(1).decode("ascii"), "utf-8", 1)
        return text.encode("utf-8")
    return data


def _text_of(element: ET.Element) -> str:
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


def _raw_xml(element: ET.Element) -> str:
    tail, element.tail = element.tail, None
    try:
        return ET.tostring(element, encoding="unicode")
    finally:
        element.tail = tail


def _local(tag: Any) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def _photo(text: str, name: str) -> bytes:
    compact = "".join(text.split())
    if not compact:
        return b""
    compact += "=" * (-len(compact) % 4)  # some writers drop the padding
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise LrmxError(_named(name, "中的照片（ZhaoPian）不是有效的 base64 编码")) from exc


class _TooDeep(Exception):
    pass


class _DepthLimitedBuilder(ET.TreeBuilder):
    """Builds the tree while counting open elements: a file of 200,000 nested elements would
    otherwise be built in full and then overflow the recursion of ``itertext``/``tostring``
    (a 500 instead of a message; docs/security.md, "Bad input")."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def start(self, tag: Any, attrs: dict[str, str]) -> ET.Element:
        self.depth += 1
        if self.depth > MAX_XML_DEPTH:
            raise _TooDeep
        return super().start(tag, attrs)

    def end(self, tag: Any) -> ET.Element:
        self.depth -= 1
        return super().end(tag)


def _parse_xml(data: bytes) -> ET.Element:
    """``defusedxml`` (no DTD, no entities) with the depth capped at ``MAX_XML_DEPTH``."""
    parser = SafeET.DefusedXMLParser(target=_DepthLimitedBuilder(), forbid_dtd=True)
    parser.feed(data)
    root: ET.Element = parser.close()
    return root


def parse_lrmx(data: bytes, *, name: str = "") -> ApprovalForm:
    """Read one ``.lrmx`` file; ``LrmxError`` (Chinese) for anything unreadable or unsafe."""
    if len(data) > MAX_FILE_BYTES:
        raise LrmxError(_named(name, f"超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不予读取"))
    if not data.strip():
        raise LrmxError(_named(name, "是空文件"))
    if not _looks_like_xml(data):
        raise LrmxError(_named(name, MSG_NOT_XML))
    try:
        root = _parse_xml(_to_utf8(data))
    except _TooDeep as exc:
        raise LrmxError(
            _named(name, f"的 XML 嵌套超过 {MAX_XML_DEPTH} 层，不是任免审批表，已拒绝读取")
        ) from exc
    except DefusedXmlException as exc:
        raise LrmxError(
            _named(name, "含有不允许的 XML 实体或文档类型声明（DTD），已拒绝读取")
        ) from exc
    except UnicodeDecodeError as exc:
        raise LrmxError(_named(name, "的文字编码无法识别（应为 UTF-8）")) from exc
    except ET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise LrmxError(
            _named(
                name,
                f"不是完整有效的 XML（第 {line} 行第 {column + 1} 列附近出错），"
                "可能已损坏或未传完整",
            )
        ) from exc
    if _local(root.tag) != "Person":
        raise LrmxError(
            _named(name, f"不是任免审批表文件：根元素应为 Person，实为 {_local(root.tag)}")
        )
    form = ApprovalForm(values=dict.fromkeys(TEXT_ELEMENTS, ""))
    seen: set[str] = set()
    previous = ""
    for child in root:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        tag = _local(child.tag)
        if tag not in _KNOWN or tag in seen:
            form.unknown.append((previous, tag, _raw_xml(child)))
            continue
        seen.add(tag)
        previous = tag
        if tag == "JiaTingChengYuan":
            form.family = [_family_item(item) for item in child if _local(item.tag) == "Item"]
        elif tag == "ZhaoPian":
            form.photo = _photo(child.text or "", name)
        else:
            text = _text_of(child)
            form.values[tag] = text if tag in MULTILINE_ELEMENTS else text.strip()
    return form


def _family_item(element: ET.Element) -> FamilyItem:
    item = FamilyItem()
    seen: set[str] = set()
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = _local(child.tag)
        if tag in FAMILY_ELEMENTS and tag not in seen:
            seen.add(tag)
            setattr(item, tag, _text_of(child).strip())
        else:
            item.extra.append((tag, _raw_xml(child)))
    return item


# ---------------------------------------------------------------- writing


def _xml_text(text: str) -> str:
    text = _INVALID_XML_CHARS.sub("", text)
    # A literal CR would be folded into LF by the next reader; a character reference is not.
    return escape(text).replace("\r", "&#13;")


def _element(tag: str, text: str) -> str:
    return f"<{tag}>{_xml_text(text)}</{tag}>" if text else f"<{tag}/>"


def build_lrmx(form: ApprovalForm) -> bytes:
    """The file for ``form``: UTF-8, every element in the editor's order, unknowns re-inserted."""
    unknown: dict[str, list[str]] = defaultdict(list)
    for after, _tag, raw in form.unknown:
        unknown[after if after in _KNOWN else "\x00end"].append(raw)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<Person>"]
    lines.extend(f"  {raw}" for raw in unknown.get("", ()))
    for element, _label in ELEMENTS:
        if element == "JiaTingChengYuan":
            if form.family:
                lines.append("  <JiaTingChengYuan>")
                lines.extend(f"    {_item_xml(item)}" for item in form.family)
                lines.append("  </JiaTingChengYuan>")
            else:
                lines.append("  <JiaTingChengYuan/>")
        elif element == "ZhaoPian":
            lines.append(f"  {_element('ZhaoPian', base64.b64encode(form.photo).decode('ascii'))}")
        else:
            lines.append(f"  {_element(element, form.get(element))}")
        lines.extend(f"  {raw}" for raw in unknown.get(element, ()))
    lines.extend(f"  {raw}" for raw in unknown.get("\x00end", ()))
    lines.append("</Person>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _item_xml(item: FamilyItem) -> str:
    children = "".join(_element(tag, getattr(item, tag)) for tag in FAMILY_ELEMENTS)
    extras = "".join(raw for _tag, raw in item.extra)
    return f"<Item>{children}{extras}</Item>"


# ---------------------------------------------------------------- code tables


@dataclass
class Codes:
    """The code tables the mapping needs, read once per import (not once per row)."""

    by_name: dict[str, dict[str, str]]
    names: dict[str, dict[str, str]]

    @classmethod
    def load(cls) -> Codes:
        tables = (
            CodeTable.ETHNICITY,
            CodeTable.POLITICAL_STATUS,
            CodeTable.EDUCATION,
            CodeTable.DEGREE,
        )
        by_name: dict[str, dict[str, str]] = {str(t): {} for t in tables}
        names: dict[str, dict[str, str]] = {str(t): {} for t in tables}
        for table, code, name in Code.objects.filter(table__in=tables).values_list(
            "table", "code", "name"
        ):
            names[table][code] = name
            by_name[table].setdefault(name, code)
        return cls(by_name=by_name, names=names)

    def ethnicity(self, text: str) -> str:
        table = self.by_name[CodeTable.ETHNICITY]
        return table.get(text) or table.get(f"{text}族", "")

    def party(self, text: str) -> str:
        return self.by_name[CodeTable.POLITICAL_STATUS].get(_PARTY_ALIASES.get(text, text), "")

    def education(self, text: str) -> str:
        table = self.by_name[CodeTable.EDUCATION]
        text = text.replace(" ", "")
        for written, official in _PARTY_SCHOOL_PREFIXES:
            if text.startswith(written):
                rest = text[len(written) :]
                rest = _EDUCATION_ALIASES.get(rest, rest)
                return table.get(official + rest, "")
        return table.get(_EDUCATION_ALIASES.get(text, text), "")

    def degree(self, text: str) -> str:
        table = self.by_name[CodeTable.DEGREE]
        text = text.replace(" ", "")
        return table.get(text) or table.get(text.removesuffix("学位"), "")


# ---------------------------------------------------------------- mapping to the record


def _date(text: str) -> tuple[dt.date | None, bool]:
    """An LRMX date (``YYYYMM``, ``YYYYMMDD``, ``YYYY.MM`` …) and whether it named the day."""
    text = text.strip()
    if not text:
        return None, False
    if text.isdigit() and len(text) in (6, 8):
        year, month, day = text[:4], text[4:6], text[6:8] or None
    else:
        match = _DATE_RE.match(text)
        if not match:
            return None, False
        year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        value = dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return None, False
    if not 1800 <= value.year <= 2200:
        return None, False
    return value, day is not None


def _same_month(a: dt.date | None, b: dt.date | None) -> bool:
    return a is not None and b is not None and (a.year, a.month) == (b.year, b.month)


def _keep_day(new: dt.date | None, has_day: bool, old: dt.date | None) -> dt.date | None:
    # A file that only knows the month must not wipe the day the record already has.
    if new is not None and not has_day and _same_month(new, old):
        return old
    return new


def _id_of(form: ApprovalForm) -> IdNumber | None:
    raw = form.get("ShenFenZheng")
    if not raw.strip():
        return None
    try:
        return parse_id_number(raw)
    except ValidationError as exc:
        raise LrmxError(f"身份证号无效：{'；'.join(exc.messages)}") from exc


def _cut(text: str, limit: int, label: str, warnings: list[str]) -> str:
    if len(text) > limit:
        warnings.append(f"{label}超过 {limit} 字，系统中只保存前 {limit} 字（原文仍随审批表保留）")
        return text[:limit]
    return text


def _party_text(joined: dt.date | None, parties: str) -> str:
    parts = [yyyymm(joined)] if joined else []
    parts.extend(p for p in parties.split("；") if p)
    return "；".join(parts)


def _split_school(text: str) -> tuple[str, str]:
    match = _SCHOOL_END.match(text)
    if match and len(match.group(1)) <= _SCHOOL_MAX:
        school = match.group(1)
        return school, text[len(school) :]
    return text[:_SCHOOL_MAX], text[_SCHOOL_MAX:]


def _education_rows(form: ApprovalForm, codes: Codes, warnings: list[str]) -> list[dict[str, Any]]:
    rows = []
    for kind, prefix in (
        (EducationKind.FULL_TIME, "QuanRiZhiJiaoYu"),
        (EducationKind.IN_SERVICE, "ZaiZhiJiaoYu"),
    ):
        level_text = form.get(f"{prefix}_XueLi")
        degree_text = form.get(f"{prefix}_XueWei")
        where = form.get(f"{prefix}_XueLi_BiYeYuanXiaoXi") or form.get(
            f"{prefix}_XueWei_BiYeYuanXiaoXi"
        )
        if not (level_text or degree_text or where):
            continue
        kind_label = EducationKind(kind).label
        level = codes.education(level_text) if level_text else ""
        degree = codes.degree(degree_text) if degree_text else ""
        if level_text and not level:
            warnings.append(f"{kind_label}学历“{level_text}”不在学历代码表中，未能对应")
        if degree_text and not degree:
            warnings.append(f"{kind_label}学位“{degree_text}”不在学位代码表中，未能对应")
        if not (level or degree):
            if level_text or degree_text:
                warnings.append(f"{kind_label}未写入学历学位记录（原文仍随审批表保留）")
            continue
        school, major = _split_school(where)
        if len(major) > _SCHOOL_MAX:
            warnings.append(f"{kind_label}毕业院校系及专业过长，系统中只保存前面部分")
            major = major[:_SCHOOL_MAX]
        rows.append(
            {
                "kind": str(kind),
                "education_level": level,
                "degree": degree,
                "school": school,
                "major": major,
                "start_date": None,
                "end_date": None,
            }
        )
    return rows


def _education_texts(educations: list[Education], codes: Codes) -> dict[str, str]:
    levels = codes.names[CodeTable.EDUCATION]
    degrees = codes.names[CodeTable.DEGREE]
    out = {}
    for kind in (EducationKind.FULL_TIME, EducationKind.IN_SERVICE):
        out.update(_education_block(educations, kind, levels, degrees))
    return out


def _open_start(text: str) -> dt.date:
    """The start of the open last 简历 segment (``2019.01--         …``), else today."""
    today = timezone.localdate()
    for segment in reversed(resume.parse(text)):
        if segment.is_note:
            continue
        if segment.start is not None and segment.end is None and segment.start <= today:
            return segment.start
        break
    return today


def _title_chunks(text: str, unit: Unit | None) -> tuple[str, list[str]]:
    """(unit name printed at the front or "", titles of at most 100 characters)."""
    prefix = ""
    if unit is not None:
        for name in sorted({unit.name, unit.short_name} - {""}, key=len, reverse=True):
            if text.startswith(name) and len(text) > len(name):
                prefix = name
                break
    chunks: list[str] = []
    current = ""
    for part in text[len(prefix) :].split("、"):
        candidate = f"{current}、{part}" if current else part
        if current and len(candidate) > _POSITION_TITLE_MAX:
            chunks.append(current)
            current = part
        else:
            current = candidate
    chunks.append(current)
    return prefix, chunks


def _position_rows(
    text: str,
    unit: Unit | None,
    start: dt.date,
    cadre: Cadre | None,
    warnings: list[str],
) -> tuple[list[dict[str, Any]], str]:
    """Rows replacing the positions (closed ones kept, stale open ones closed) and 现任职务."""
    prefix, chunks = _title_chunks(text, unit)
    if any(len(c) > _POSITION_TITLE_MAX for c in chunks):
        warnings.append("现任职务中有一项超过 100 字，系统中只保存前 100 字")
    wanted = [(prefix, c[:_POSITION_TITLE_MAX]) for c in chunks]
    kept: dict[tuple[str, str], Position] = {}
    rows: list[dict[str, Any]] = []
    if cadre is not None:
        for p in cadre.positions.all():
            values = {f: getattr(p, f) for f in _POSITION_ROW_FIELDS}
            key = (p.unit_name, p.title)
            if p.end_date is None and key in wanted and key not in kept:
                kept[key] = p
                values["order"] = wanted.index(key)
                values["is_primary"] = True
            elif p.end_date is None:
                values["end_date"] = max(p.start_date, start)
                values["end_reason"] = p.end_reason or "导入任免审批表时现任职务已变更"
            rows.append(values)
    for i, (unit_name, title) in enumerate(wanted):
        if (unit_name, title) in kept:
            continue
        rows.append(
            {
                "unit": unit if unit_name else None,
                "unit_name": unit_name,
                "title": title,
                "start_date": start,
                "is_primary": True,
                "order": i,
            }
        )
    shown = [Position(**r) for r in rows if r.get("end_date") is None]
    shown.sort(key=lambda p: (not p.is_primary, p.order, p.start_date))
    return rows, "、".join(_compact_titles(shown))[:324]


_POSITION_ROW_FIELDS = POSITION_FIELDS


def _assessment_rows(text: str, warnings: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    this_year = timezone.localdate().year
    for year_text, label in _ASSESSMENT.findall(text):
        year = int(year_text)
        if not 1950 <= year <= this_year:
            warnings.append(f"年度考核结果中的年度 {year} 不合理，未导入")
            continue
        found[year] = _GRADE_BY_LABEL[label]
    mentioned = {int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", text)}
    if text.strip() and text.strip() not in ("无", "—") and not mentioned <= set(found):
        warnings.append(f"年度考核结果“{text.strip()}”有部分未能识别，原文仍随审批表保留")
    return found


def _assessment_text(grades: dict[int, str]) -> str:
    years = sorted(grades)[-MAX_ASSESSMENT_YEARS:]
    if not years:
        return ""
    parts = [f"{y}年度考核{AssessmentGrade(grades[y]).label}" for y in years]
    return "；".join(parts) + "。"


def _family_rows(
    form: ApprovalForm, cadre: Cadre | None, warnings: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    existing: dict[tuple[str, str], FamilyMember] = {}
    if cadre is not None:
        for member in cadre.family.all():
            existing.setdefault((member.relation, member.name), member)
    rows: list[dict[str, Any]] = []
    extras: list[dict[str, Any]] = []
    for i, item in enumerate(form.family):
        label = f"家庭成员“{item.XingMing or i + 1}”"
        birth, has_day = _date(item.ChuShengRiQi)
        if item.ChuShengRiQi and birth is None:
            warnings.append(f"{label}的出生年月“{item.ChuShengRiQi}”无法识别")
        old = existing.pop((item.ChengWei, item.XingMing), None)
        row: dict[str, Any] = {
            "order": i,
            "relation": _cut(item.ChengWei, 10, f"{label}的称谓", warnings),
            "name": item.XingMing,
            "birth_date": _keep_day(birth, has_day, old.birth_date if old else None),
            "political_status": _cut(item.ZhengZhiMianMao, 20, f"{label}的政治面貌", warnings),
            "work_unit_post": _cut(
                item.GongZuoDanWeiJiZhiWu, 100, f"{label}的工作单位及职务", warnings
            ),
            "is_deceased": any(w in item.GongZuoDanWeiJiZhiWu for w in DECEASED_WORDS)
            or bool(old and old.is_deceased),
            "id_number": old.id_number if old else None,
        }
        rows.append(row)
        raw = {tag: getattr(item, tag) for tag in FAMILY_ELEMENTS}
        basis = {
            "ChengWei": row["relation"],
            "XingMing": row["name"],
            "ChuShengRiQi": yyyymm(row["birth_date"]),
            "ZhengZhiMianMao": row["political_status"],
            "GongZuoDanWeiJiZhiWu": row["work_unit_post"],
        }
        if raw != basis or item.extra:
            extras.append(
                {"raw": raw, "basis": basis, "extra": [[tag, xml] for tag, xml in item.extra]}
            )
        else:
            extras.append({})
    return rows, extras if any(extras) else []


def form_to_cadre_data(
    form: ApprovalForm,
    *,
    unit: Unit,
    cadre: Cadre | None = None,
    codes: Codes | None = None,
) -> tuple[CadreData, list[str]]:
    """The record ``form`` describes, as ``cadre_import`` data, and warnings in Chinese.

    ``cadre`` is the matched existing record, if any: days the file does not carry (it
    has months only) and child data it does not describe (closed positions, older
    assessments, relatives' ID numbers) are kept from it, so importing the same file again
    changes nothing. ``LrmxError`` for an invalid ID number.
    """
    codes = codes or Codes.load()
    warnings: list[str] = []
    basis: dict[str, str] = {}
    fields: dict[str, Any] = {}
    v = form.get

    id_number = _id_of(form)
    name = v("XingMing").strip()
    fields["name"] = name
    basis["XingMing"] = name

    sex = _SEX.get(v("XingBie"), "")
    if v("XingBie") and not sex:
        warnings.append(f"性别“{v('XingBie')}”无法识别（应为男或女）")
    if not sex:
        sex = id_number.sex_code if id_number else (cadre.sex if cadre else "")
    fields["sex"] = sex
    basis["XingBie"] = _SEX_NAME.get(sex, "")

    birth, has_day = _date(v("ChuShengNianYue"))
    if v("ChuShengNianYue") and birth is None:
        warnings.append(f"出生年月“{v('ChuShengNianYue')}”无法识别")
    if id_number is not None and (birth is None or _same_month(birth, id_number.birth_date)):
        birth = id_number.birth_date
    elif cadre is not None:
        birth = _keep_day(birth, has_day, cadre.birth_date) or cadre.birth_date
    fields["birth_date"] = birth
    basis["ChuShengNianYue"] = yyyymm(birth)
    if id_number is not None:
        fields["id_number"] = id_number
    basis["ShenFenZheng"] = id_number.value if id_number else ""

    ethnicity = codes.ethnicity(v("MinZu")) if v("MinZu") else ""
    if v("MinZu") and not ethnicity:
        warnings.append(f"民族“{v('MinZu')}”不在民族代码表中，未能对应")
    fields["ethnicity"] = ethnicity
    basis["MinZu"] = codes.names[CodeTable.ETHNICITY].get(ethnicity, "")

    for element, (field_name, limit) in _FIELD_LIMITS.items():
        text = _cut(v(element).strip(), limit, LABELS[element], warnings)
        fields[field_name] = text
        basis[element] = text
    if fields["rewards_text"] in ("无", "无。"):
        # Kept empty so rewards recorded later print; an empty record prints 无 anyway.
        fields["rewards_text"] = ""
    if not fields["rewards_text"]:
        basis["JiangChengQingKuang"] = "无"

    _map_party(form, cadre, codes, fields, basis, warnings)

    work, work_day = _date(v("CanJiaGongZuoShiJian"))
    if v("CanJiaGongZuoShiJian") and work is None:
        warnings.append(f"参加工作时间“{v('CanJiaGongZuoShiJian')}”无法识别")
    fields["work_start_date"] = _keep_day(work, work_day, cadre.work_start_date if cadre else None)
    basis["CanJiaGongZuoShiJian"] = yyyymm(fields["work_start_date"])

    fields["resume"] = v("JianLi").strip()
    fields["resume_manual"] = True
    basis["JianLi"] = fields["resume"]

    # 学历学位: one row per block; the record's rows are kept when they print the same.
    education_rows = _education_rows(form, codes, warnings)
    new_texts = _education_texts([Education(**r) for r in education_rows], codes)
    educations: list[dict[str, Any]] | None = education_rows
    if cadre is not None and _education_texts(list(cadre.educations.all()), codes) == new_texts:
        educations = None
    for prefix in ("QuanRiZhiJiaoYu", "ZaiZhiJiaoYu"):
        for suffix in ("XueLi", "XueWei", "XueLi_BiYeYuanXiaoXi", "XueWei_BiYeYuanXiaoXi"):
            element = f"{prefix}_{suffix}"
            basis[element] = new_texts.get(element, "")

    # 现任职务: open positions at the unit, unless the record already prints the same.
    title_text = v("XianRenZhiWu").strip()
    positions: list[dict[str, Any]] | None = None
    where = cadre.unit if cadre is not None else unit
    if title_text:
        start = _open_start(v("JianLi"))
        _rows, shown = _position_rows(title_text, where, start, None, [])
        basis["XianRenZhiWu"] = shown
        if cadre is None or cadre.current_title != shown:
            positions, _shown = _position_rows(title_text, where, start, cadre, warnings)
    else:
        basis["XianRenZhiWu"] = ""

    # 年度考核: the file's years replace those years; older years on record stay.
    found = _assessment_rows(v("NianDuKaoHeJieGuo"), warnings)
    basis["NianDuKaoHeJieGuo"] = _assessment_text(found)
    grades: dict[int, tuple[str, str]] = {}
    if cadre is not None:
        grades = {a.year: (a.grade, a.note) for a in cadre.assessments.all()}
    for year, grade in found.items():
        old_grade, note = grades.get(year, ("", ""))
        grades[year] = (grade, note if old_grade == grade else "")
    assessments = [
        {"year": y, "grade": g, "note": n} for y, (g, n) in sorted(grades.items(), reverse=True)
    ]

    family, family_extra = _family_rows(form, cadre, warnings)

    values = {e: v(e) for e in UNMODELLED_ELEMENTS}
    values.update({e: v(e) for e in sorted(MODELLED_ELEMENTS) if v(e) != basis.get(e, "")})
    extra = {
        "values": values,
        "basis": {e: basis.get(e, "") for e in values if e in MODELLED_ELEMENTS},
        "unknown": [[after, tag, raw] for after, tag, raw in form.unknown],
        "family_extra": family_extra,
    }
    data = CadreData(
        fields=fields,
        educations=educations,
        positions=positions,
        assessments=assessments,
        family=family,
        photo=form.photo or None,  # a form without a photo leaves the record's photo
        lrmx_extra=extra,
    )
    return data, warnings


def _map_party(
    form: ApprovalForm,
    cadre: Cadre | None,
    codes: Codes,
    fields: dict[str, Any],
    basis: dict[str, str],
    warnings: list[str],
) -> None:
    """入党时间: ``YYYYMM`` (CPC), a party's short name, or both (``200108；民建``)."""
    raw = form.get("RuDangShiJian")
    joined: dt.date | None = None
    joined_day = False
    hint = ""
    parties: list[str] = []
    for token in re.split(r"[；;，,、\s]+", raw.strip()):
        if not token:
            continue
        date, has_day = _date(token)
        if date is not None and joined is None:
            joined, joined_day = date, has_day
        elif token in _CPC_WORDS:
            hint = _CPC_WORDS[token]
        else:
            parties.append(token)
            if not codes.party(token):
                warnings.append(f"入党时间中的“{token}”不是可识别的党派名称，已原样保留")
    old_status = cadre.political_status if cadre is not None else ""
    if joined is not None:
        status = "02" if "02" in (hint, old_status) else "01"
    elif hint:
        status = hint
    elif parties:
        status = next((codes.party(p) for p in parties if codes.party(p)), old_status)
    else:
        status = old_status if old_status not in ("01", "02") else ""
    other = _cut("；".join(parties), _OTHER_PARTIES_MAX, "民主党派", warnings)
    fields["political_status"] = status
    fields["party_join_date"] = _keep_day(
        joined, joined_day, cadre.party_join_date if cadre else None
    )
    fields["other_parties"] = other
    basis["RuDangShiJian"] = _party_text(fields["party_join_date"], other)


def cadre_to_form(cadre: Cadre, **overrides: str | None) -> ApprovalForm:
    """The form for ``cadre`` (``form_from_cadre``), giving back the imported LRMX text.

    An element keeps its imported text while the record still gives what it gave at
    import (``lrmx_extra["basis"]``); elements the record does not model (拟任职务, 填表时间,
    版本 …) always come from the import. ``overrides`` win over both.
    """
    extra: dict[str, Any] = cadre.lrmx_extra or {}
    cadre.lrmx_extra = {}  # form_from_cadre would fill empty values from it; we do it here
    try:
        form = form_from_cadre(cadre)
    finally:
        cadre.lrmx_extra = extra
    basis: dict[str, str] = extra.get("basis") or {}
    for element, raw in (extra.get("values") or {}).items():
        if element in basis:
            if form.values.get(element, "") == basis[element]:
                form.values[element] = raw
        elif element not in MODELLED_ELEMENTS:
            form.values[element] = raw
    family_extra: list[dict[str, Any]] = extra.get("family_extra") or []
    for item, saved in zip(form.family, family_extra, strict=False):
        if not saved:
            continue
        now = {tag: getattr(item, tag) for tag in FAMILY_ELEMENTS}
        if now == saved.get("basis"):
            for tag in FAMILY_ELEMENTS:
                setattr(item, tag, saved["raw"].get(tag, ""))
            item.extra = [(tag, xml) for tag, xml in saved.get("extra", [])]
    form.unknown = [(after, tag, raw) for after, tag, raw in extra.get("unknown", [])]
    form.values.update({k: v for k, v in overrides.items() if v is not None})
    return form


# ---------------------------------------------------------------- uploads


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the UTF-8 flag
        return info.filename
    try:  # Windows zip tools in China write GBK names without the flag
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe_path(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"^[A-Za-z]:", name))


def _is_zip(name: str, data: bytes) -> bool:
    # By name first: a file named .lrmx is read as one (and told apart when it is not XML),
    # never opened as a zip because its bytes start like one (a renamed Word file).
    lower = name.lower()
    return lower.endswith(".zip") or (
        not lower.endswith(LRMX_SUFFIXES) and data[:4] == b"PK\x03\x04"
    )


def _hidden(path: str) -> bool:
    """Folder and zip clutter nobody chose: macOS resource forks, dot files."""
    parts = path.replace("\\", "/").split("/")
    return "__MACOSX" in parts or parts[-1].startswith(".")


def read_upload(
    name: str, data: bytes, *, skipped: list[str] | None = None
) -> list[tuple[str, bytes]]:
    """The ``.lrmx`` files of an upload: the file itself, or the members of a ``.zip``.

    Members of a zip that are not ``.lrmx``/``.xml`` are left out; their names go to
    ``skipped`` when given.
    """
    if not _is_zip(name, data):
        return [(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise LrmxError(_named(name, "已损坏或不是 zip 压缩包")) from exc
    members = []
    for info in infos:
        member = _member_name(info)
        if info.is_dir() or member.startswith("__MACOSX/") or "/__MACOSX/" in member:
            continue
        if _unsafe_path(member):
            raise LrmxError(_named(name, f"中含有不安全的路径“{member}”，已拒绝"))
        base = member.replace("\\", "/").rsplit("/", 1)[-1]
        if base.startswith("._") or not base.lower().endswith(LRMX_SUFFIXES):
            if skipped is not None and not _hidden(member):
                skipped.append(member)
            continue
        members.append((member, info))
    if len(members) > MAX_ZIP_MEMBERS:
        raise LrmxError(_named(name, f"中的文件超过 {MAX_ZIP_MEMBERS} 个，请分批上传"))
    declared = sum(info.file_size for _m, info in members)
    big = next((m for m, info in members if info.file_size > MAX_ZIP_MEMBER_BYTES), None)
    if big is not None:
        raise LrmxError(_named(name, f"中的“{big}”解压后超过 10 MB，已拒绝"))
    if declared > MAX_ZIP_TOTAL_BYTES:
        raise LrmxError(_named(name, "解压后总大小超过 200 MB，已拒绝"))
    out: list[tuple[str, bytes]] = []
    total = 0
    try:
        for member, info in members:
            chunks = []
            size = 0
            with archive.open(info) as stream:
                while chunk := stream.read(1024 * 1024):
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_ZIP_MEMBER_BYTES or total > MAX_ZIP_TOTAL_BYTES:
                        raise LrmxError(_named(name, "解压后大小超过限制，已拒绝"))
                    chunks.append(chunk)
            out.append((member, b"".join(chunks)))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise LrmxError(_named(name, "已损坏，无法解压")) from exc
    except RuntimeError as exc:  # encrypted members
        raise LrmxError(_named(name, "有密码保护，请上传未加密的压缩包")) from exc
    if not out:
        raise LrmxError(_named(name, "中没有任免审批表（.lrmx）文件"))
    return out


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem} ({n}).{suffix}" if dot else f"{name} ({n})"
    taken.add(candidate)
    return candidate


def bundle_uploads(files: Iterable[tuple[str, bytes]]) -> tuple[bytes, list[str], list[str]]:
    """Several uploaded files (picked together or a folder) as one zip to stage.

    Returns the zip, the names kept (``.lrmx``, ``.xml``, ``.zip``; a name met twice, as in
    two sub-folders, gets `` (2)``) and the names of the other files, left out.
    """
    kept: list[str] = []
    skipped: list[str] = []
    taken: set[str] = set()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files:
            base = name.replace("\\", "/").rsplit("/", 1)[-1]
            if not base.lower().endswith(UPLOAD_SUFFIXES):
                if not _hidden(base):
                    skipped.append(base)
                continue
            member = _unique(base, taken)
            info = zipfile.ZipInfo(member, date_time=time.localtime()[:6])
            info.flag_bits |= 0x800  # names are UTF-8
            archive.writestr(info, data)
            kept.append(member)
    return out.getvalue(), kept, skipped


def read_bundle(data: bytes, *, skipped: list[str] | None = None) -> list[tuple[str, bytes]]:
    """The ``.lrmx`` files of a bundle from ``bundle_uploads``: each file as it is, each
    ``.zip`` expanded (its members named ``<zip>/<member>``), under the zip limits for the
    bundle as a whole."""
    out: list[tuple[str, bytes]] = []
    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            name = info.filename
            content = archive.read(info)
            if name.lower().endswith(".zip"):
                inner: list[str] = []
                members = read_upload(name, content, skipped=inner)
                if skipped is not None:
                    skipped.extend(f"{name}/{m}" for m in inner)
                found = [(f"{name}/{member}", body) for member, body in members]
            else:
                found = [(name, content)]
            out.extend(found)
            total += sum(len(body) for _n, body in found)
            if len(out) > MAX_ZIP_MEMBERS:
                raise LrmxError(f"所选文件中的任免审批表超过 {MAX_ZIP_MEMBERS} 个，请分批上传")
            if total > MAX_ZIP_TOTAL_BYTES:
                raise LrmxError("所选文件解压后总大小超过 200 MB，已拒绝")
    return out


def skipped_note(names: list[str]) -> str:
    """The preview's note on files left out (not ``.lrmx``, ``.xml`` or ``.zip``)."""
    if not names:
        return ""
    shown = "、".join(names[:20]) + (" 等" if len(names) > 20 else "")
    return f"已跳过 {len(names)} 个不是任免审批表的文件（只读取 .lrmx、.xml 和 .zip）：{shown}"


# ---------------------------------------------------------------- import planning


_SERVICE_STATUS = {
    "created": RowStatus.NEW,
    "updated": RowStatus.UPDATE,
    "unchanged": RowStatus.UNCHANGED,
}


@dataclass
class LrmxRow(importing.ImportRow):
    """One file of an import: what it would do (plan) or did (commit)."""

    filename: str
    status: str = RowStatus.ERROR
    name: str = ""
    birth_month: str = ""  # YYYY.MM
    sex: str = ""  # 性别 as the file writes it
    title: str = ""  # 现任职务 as the file writes it
    cadre_id: int | None = None
    messages: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # an existing person: what would change

    @property
    def ref(self) -> str:
        return self.filename

    def report(self) -> list[str]:
        return list(self.messages)


@dataclass
class LrmxPlan(importing.ImportPlan):
    """The files of an import and what each would do (plan) or did (commit)."""

    rows: list[LrmxRow] = field(default_factory=list)
    committed: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # about the upload as a whole

    def summary(self) -> str:
        return f"共 {len(self.rows)} 个文件：{super().summary()}"

    def refused_row(self, filename: str, message: str) -> LrmxRow:
        """A file left out before the import (an archive that cannot be opened)."""
        return LrmxRow(filename=filename, status=RowStatus.ERROR, messages=[message])


class _Refused(Exception):
    def __init__(self, plan: LrmxPlan) -> None:
        self.plan = plan


class _DryRun(Exception):
    pass


def _require_import_unit(acting_user: Any, unit: Unit) -> None:
    require(
        acting_user,
        Action.CADRES_CHANGE,
        unit,
        message="您无权向该单位导入干部信息",
        error=LrmxError,
    )
    if not unit.is_active:
        raise LrmxError(f"单位“{unit.name}”已撤销，不能导入干部")


_CHUNK = 200  # files matched and prefetched together


@dataclass
class _Parsed:
    """One file read and identified, waiting for its batch's lookup."""

    row: LrmxRow
    form: ApprovalForm | None = None
    id_number: IdNumber | None = None
    digest: str = ""
    birth: dt.date | None = None


@dataclass
class _Batch:
    """What the files seen so far in this import claimed (two files, one person)."""

    ids: dict[str, str] = field(default_factory=dict)
    people: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)

    def earlier(self, p: _Parsed) -> str:
        """The file of this import that already described the same person, if any."""
        row = p.row
        person = (row.name, row.birth_month)
        earlier = self.ids.get(p.digest, "") if p.digest else ""
        why = "身份证号相同"
        if not earlier and row.name:
            same, had_id = self.people.get(person, ("", True))
            if same and not (had_id and p.digest):
                earlier, why = same, "姓名、出生年月相同"
        if p.digest:
            self.ids.setdefault(p.digest, row.filename)
        self.people.setdefault(person, (row.filename, bool(p.digest)))
        return f"与本批文件“{earlier}”是同一人（{why}），请只保留一份" if earlier else ""


def _identify(filename: str, data: bytes) -> _Parsed:
    parsed = _Parsed(row=LrmxRow(filename=filename))
    try:
        form = parse_lrmx(data, name=filename)
        parsed.row.name = form.get("XingMing").strip()
        parsed.id_number = _id_of(form)
    except LrmxError as exc:
        parsed.row.messages.append(exc.message)
        return parsed
    parsed.form = form
    parsed.row.sex = form.get("XingBie").strip()
    parsed.row.title = form.get("XianRenZhiWu").strip()
    if parsed.id_number is not None:
        parsed.digest = id_number_digest(parsed.id_number)
    birth, _ = _date(form.get("ChuShengNianYue"))
    parsed.birth = birth or (parsed.id_number.birth_date if parsed.id_number else None)
    parsed.row.birth_month = f"{parsed.birth:%Y.%m}" if parsed.birth else ""
    return parsed


class _Candidates:
    """Existing cadres a batch of files may describe: one query for the batch."""

    def __init__(self, batch: list[_Parsed], acting_user: Any) -> None:
        digests = {p.digest for p in batch if p.digest}
        names = {p.row.name for p in batch if p.form is not None and p.row.name}
        self.by_digest: dict[str, Cadre] = {}
        self.by_name: dict[str, list[Cadre]] = defaultdict(list)
        if not (digests or names):
            return
        # Only records the user can see: one held elsewhere is a new person to this user,
        # as one that does not exist (the service routes the clash; docs/security.md).
        found = (
            Cadre.objects.restrict(acting_user, Action.CADRES_VIEW)
            .filter(digest_in(digests) | models.Q(name__in=names))
            .select_related("unit")
        )
        for cadre in found:
            if cadre.id_digest and (cadre.id_digest not in self.by_digest or not cadre.id_pending):
                self.by_digest[cadre.id_digest] = cadre  # the confirmed record before a 待核实 one
            self.by_name[cadre.name].append(cadre)

    def match(self, p: _Parsed) -> tuple[Cadre | None, str]:
        """The existing record ``p`` describes, or why it cannot be told (never a guess)."""
        if p.digest and p.digest in self.by_digest:
            return self.by_digest[p.digest], ""
        if not p.row.name or p.birth is None:
            return None, ""
        month = f"{p.birth:%Y.%m}"
        candidates = [c for c in self.by_name.get(p.row.name, []) if c.birth_month == month]
        if p.digest:
            if any(not c.id_digest for c in candidates):
                return None, (
                    f"系统中已有同名、同出生年月（{month}）但未登记身份证号的干部，"
                    "无法确定是否同一人；请先在系统中补录其身份证号，再导入"
                )
            return None, ""  # namesakes with other ID numbers are other people
        if len(candidates) > 1:
            return None, (
                f"系统中有 {len(candidates)} 名同名、同出生年月（{month}）的干部，"
                "文件中没有身份证号，无法确定是哪一位"
            )
        if candidates and candidates[0].id_digest:
            return None, (
                f"系统中同名、同出生年月（{month}）的干部已登记身份证号，"
                "文件中没有身份证号，无法确认是否同一人"
            )
        return (candidates[0] if candidates else None), ""


def _fingerprint(form: ApprovalForm) -> str:
    return hashlib.sha256(build_lrmx(form)).hexdigest()


def _import_item(
    row: LrmxRow,
    form: ApprovalForm,
    cadre: Cadre | None,
    *,
    unit: Unit,
    codes: Codes,
) -> ImportItem | None:
    """The service item for one file, or None when the row is settled here (unchanged/error)."""
    try:
        cadre_data, warnings = form_to_cadre_data(form, unit=unit, cadre=cadre, codes=codes)
    except LrmxError as exc:
        row.status = RowStatus.ERROR
        row.messages.append(exc.message)
        return None
    except ValidationError as exc:
        row.status = RowStatus.ERROR
        row.messages.extend(_validation_messages(exc))
        return None
    row.messages.extend(warnings)
    # The record is as this very file left it (same content, no write since): nothing
    # to compare. A record written since is compared in full by the service.
    fingerprint = _fingerprint(form)
    saved = dict(cadre.lrmx_extra or {}) if cadre is not None else {}
    if cadre is not None and saved.get("fingerprint") == fingerprint:
        if saved.get("version") == cadre.version:
            row.status, row.cadre_id = RowStatus.UNCHANGED, cadre.pk
            return None
        version = saved.get("version")  # unchanged data must compare equal in the service
    else:
        version = 1 if cadre is None else cadre.version + 1
    cadre_data.lrmx_extra = {
        **(cadre_data.lrmx_extra or {}),
        "fingerprint": fingerprint,
        "version": version,
    }
    return ImportItem(unit=unit, data=cadre_data, cadre=cadre)


def _import_batch(
    batch: list[_Parsed], seen: _Batch, *, acting_user: Any, unit: Unit, codes: Codes
) -> None:
    candidates = _Candidates(batch, acting_user)
    todo: list[tuple[LrmxRow, ApprovalForm, Cadre | None]] = []
    for p in batch:
        if p.form is None:
            continue  # unreadable: already an error
        duplicate = seen.earlier(p)
        cadre, conflict = (None, duplicate) if duplicate else candidates.match(p)
        if conflict:
            p.row.status = RowStatus.CONFLICT
            p.row.messages.append(conflict)
        elif cadre is not None and not can_in_path(
            acting_user, Action.CADRES_CHANGE, cadre.unit_path
        ):
            p.row.messages.append("该干部不在您的管理范围内")  # and nothing about it
        else:
            todo.append((p.row, p.form, cadre))
    matched = [c for _r, _f, c in todo if c is not None]
    models.prefetch_related_objects(
        matched,
        "educations",
        "assessments",
        "family",
        Prefetch("positions", queryset=Position.objects.select_related("unit")),
    )
    rows: list[LrmxRow] = []
    items: list[ImportItem] = []
    for row, form, cadre in todo:
        item = _import_item(row, form, cadre, unit=unit, codes=codes)
        if item is not None:
            rows.append(row)
            items.append(item)
    if not items:
        return
    # One batch write: every file validated on its own, the valid ones written together.
    results = cadre_import_many(acting_user=acting_user, items=items)
    for row, item, result in zip(rows, items, results, strict=True):
        if isinstance(result.error, ValidationError):
            row.status = RowStatus.ERROR
            row.messages.extend(_validation_messages(result.error))
        elif result.error is not None:
            row.status = RowStatus.ERROR
            row.messages.append("该干部不在您的管理范围内")
        else:
            row.status = _SERVICE_STATUS[result.status]
            row.cadre_id = result.cadre.pk if result.cadre is not None else None
            if row.status == RowStatus.UPDATE:
                row.changes = describe_changes(result.changes or {}, codes)
                # 现任职务 is derived from the positions (the service's derive_columns).
                old_title = item.cadre.current_title if item.cadre is not None else ""
                new_title = result.cadre.current_title if result.cadre is not None else ""
                if old_title != new_title:
                    shown = [_shown("title", t, codes) for t in (old_title, new_title)]
                    row.changes.insert(0, f"现任职务：{shown[0]} → {shown[1]}")


_FIELD_LABELS = {
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生年月",
    "birth_month": "出生年月",
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "party_join_date": "入党时间",
    "work_start_date": "参加工作时间",
    "id_number": "身份证号",
    "photo": "照片",
    "title": "现任职务",
    "start_date": "任职时间",
    "education_level": "学历",
    "degree": "学位",
    "grade": "年度考核",
    "year": "年度考核",
    "relation": "家庭成员称谓",
    "birth": "出生年月",
}


# Person fields the change list leaves out: bookkeeping, not what a reader compares.
_QUIET_FIELDS = frozenset({"resume_manual", "sort_order", "lrmx_extra"})
_SHORT = 40


def _shown(name: str, value: Any, codes: Codes) -> str:
    """A person field's audited value as the reader knows it (names, not codes)."""
    if value in (None, ""):
        return "（空）"
    text = str(value)
    if name == "sex":
        return _SEX_NAME.get(text, text)
    if name == "ethnicity":
        return codes.names[CodeTable.ETHNICITY].get(text, text)
    if name == "political_status":
        return codes.names[CodeTable.POLITICAL_STATUS].get(text, text)
    if name.endswith("_date"):
        return text[:7].replace("-", ".")  # ISO date → YYYY.MM, as the form prints it
    try:
        choices = dict(getattr(Cadre._meta.get_field(name), "choices", None) or [])
    except FieldDoesNotExist:
        choices = {}
    text = str(choices.get(text, text))
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _label(name: str) -> str:
    if name == "birth_date":
        return "出生年月"
    if name == "unit":
        return "单位"
    if name == "id_number":
        return "身份证号"
    try:
        label = str(getattr(Cadre._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return _FIELD_LABELS.get(name, name)
    return label.split("（", 1)[0]  # 奖惩情况（表内文字） → 奖惩情况


def describe_changes(changes: dict[str, Any], codes: Codes) -> list[str]:
    """What an update would change, from the service's own comparison (its audit payload:
    ``cadre_import_many`` → ``ImportResult.changes``), one line per field or part:
    ``籍贯：湖南吉首 → 湖南凤凰``, ``任职：1 条 → 2 条``, ``照片：更新``."""
    before: dict[str, Any] = changes.get("before") or {}
    after: dict[str, Any] = changes.get("after") or {}
    lines = []
    for name in after:
        if name in _QUIET_FIELDS:
            continue
        if name == "id_number":
            lines.append(f"身份证号：{after[name].strip('（）')}")
            continue
        old, new = _shown(name, before.get(name), codes), _shown(name, after[name], codes)
        lines.append(f"{_label(name)}：{old} → {new}")
    for part, what in (changes.get("parts") or {}).items():
        if part == "lrmx_extra":
            continue
        if isinstance(what, dict):
            old_n, new_n = what.get("before", 0), what.get("after", 0)
            detail = f"{old_n} 条 → {new_n} 条" if old_n != new_n else f"内容有变化（{new_n} 条）"
            lines.append(f"{part}：{detail}")
        else:
            lines.append(f"{part}：{what}")
    return lines or ["简历或表中其他栏目有变化"]


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        out: list[str] = []
        for name, errors in exc.message_dict.items():
            label = _FIELD_LABELS.get(name, "")
            out.extend(f"{label}：{m}" if label and label not in m else m for m in errors)
        return out
    return list(exc.messages)


def _run(
    *,
    acting_user: Any,
    unit: Unit,
    files: Iterable[tuple[str, bytes]],
    progress: Callable[[int], None] | None,
) -> LrmxPlan:
    codes = Codes.load()
    plan = LrmxPlan()
    seen = _Batch()
    started = time.perf_counter()
    batch: list[_Parsed] = []

    def flush() -> None:
        _import_batch(batch, seen, acting_user=acting_user, unit=unit, codes=codes)
        for p in batch:
            plan.rows.append(p.row)
            if progress is not None:
                progress(len(plan.rows))
        batch.clear()

    for filename, data in files:
        batch.append(_identify(filename, data))
        if len(batch) >= _CHUNK:
            flush()
    flush()
    plan.seconds = time.perf_counter() - started
    return plan


def plan_import(
    *,
    acting_user: Any,
    unit: Unit,
    files: Iterable[tuple[str, bytes]],
    progress: Callable[[int], None] | None = None,
) -> LrmxPlan:
    """What importing ``files`` into ``unit`` would do, file by file; writes nothing.

    Each file is imported for real inside a transaction that is then rolled back, so the
    preview runs exactly the checks the import will (validation, scope, 未变).
    """
    _require_import_unit(acting_user, unit)
    plan = LrmxPlan()
    try:
        with transaction.atomic():
            plan = _run(acting_user=acting_user, unit=unit, files=files, progress=progress)
            for row in plan.rows:
                if row.status == RowStatus.NEW:
                    row.cadre_id = None  # rolled back below
            raise _DryRun
    except _DryRun:
        pass
    return plan


def commit_import(
    *,
    acting_user: Any,
    unit: Unit,
    files: Iterable[tuple[str, bytes]],
    skip_errors: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LrmxPlan:
    """Import ``files`` into ``unit`` in one transaction: all files or none.

    A file that cannot be imported (error or conflict) refuses the whole import with
    ``LrmxError`` (its ``plan`` says which and why) unless ``skip_errors``: then those
    files are left out and the others are written.
    """
    _require_import_unit(acting_user, unit)
    try:
        with transaction.atomic():
            plan = _run(acting_user=acting_user, unit=unit, files=files, progress=progress)
            if plan.refused and not skip_errors:
                raise _Refused(plan)
            if any(r.status in (RowStatus.NEW, RowStatus.UPDATE) for r in plan.rows):
                announce_import(unit)
    except _Refused as exc:
        for row in exc.plan.rows:
            if row.status == RowStatus.NEW:
                row.cadre_id = None
        raise LrmxError(
            f"有 {len(exc.plan.refused)} 个文件不能导入，本次导入未写入任何数据", plan=exc.plan
        ) from None
    plan.committed = True
    return plan


# ---------------------------------------------------------------- export


def export_queryset(cadres: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """``cadres`` with what the form reads fetched in a fixed number of queries."""
    return cadres.select_related("photo").prefetch_related(
        "educations", "family", "assessments", "records"
    )


def export_filename(cadre: Cadre) -> str:
    name = _UNSAFE_FILENAME.sub("", cadre.name).strip() or "干部"
    return f"{name}_{cadre.pk}.lrmx"


def export_one(cadre: Cadre, **overrides: str | None) -> tuple[str, bytes]:
    """``(<姓名>_<id>.lrmx, file bytes)`` for one cadre."""
    return export_filename(cadre), build_lrmx(cadre_to_form(cadre, **overrides))


def export_zip(cadres: Iterable[Cadre]) -> bytes:
    """A zip of one ``.lrmx`` per cadre (callers record the export with ``audit_export``)."""
    if isinstance(cadres, QuerySet):
        items: Iterable[Cadre] = export_queryset(cadres).iterator(chunk_size=500)
    else:
        items = list(cadres)
        models.prefetch_related_objects(
            list(items), "photo", "educations", "family", "assessments", "records"
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in items:
            filename, data = export_one(cadre)
            info = zipfile.ZipInfo(filename, date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # names are UTF-8
            archive.writestr(info, data)
    return out.getvalue()


def audit_export(
    *, acting_user: Any, cadre_ids: list[int], unit: Unit | None = None, target: str = ""
) -> None:
    """One audit event for an LRMX export of ``cadre_ids`` (who took whose records): the ids
    go to the event's list of subjects (audit.ExportSubject), not into its JSON."""
    audit_record_export_standalone(
        actor=acting_user,
        subjects=cadre_ids,
        object_type="cadres.Cadre",
        object_repr="任免审批表（LRMX）",
        changes={
            "format": "lrmx",
            "unit": unit.code if unit is not None else "",
            "target": target,
        },
    )
