"""Safe reading of uploaded files (docs/security.md, "Bad input"), shared by every import.

An uploaded workbook is checked by its bytes before any XML parser sees it: size cap, ZIP
signature, the two parts every .xlsx has, no macros, no encryption, no path tricks, and a
zip-bomb guard that limits both the declared and the actually inflated size. The parts are
then parsed here, not by openpyxl: the small ones (content types, workbook, relationships,
styles) with ``defusedxml``, the shared strings and the sheet streamed through expat with
the same guards; a DTD, an entity declaration or an external reference refuses the file.
Cell values are exactly what openpyxl's read-only ``data_only`` mode gives (openpyxl's own
number-format and date helpers do the conversions), several times faster. CSV text is
decoded in a fixed order (BOM → UTF-8 → GB18030) and anything else is refused rather than
guessed.
"""

from __future__ import annotations

import codecs
import datetime
import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedElementTree
from django.conf import settings
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

MB = 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * MB
# Real sheet XML compresses about 10:1, rarely beyond 100:1; deflate's limit is ~1032:1.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 5 * MB  # small parts may compress as well as they like
MAX_MEMBERS = 10_000
MAX_COLUMNS = 256
INFLATE_CHUNK = 1 * MB

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and every encrypted OOXML file

MSG_TOO_LARGE = "文件超过 {limit} MB 上限，请拆分后分批上传"
MSG_CORRUPT = "文件已损坏或不是 Excel 文件"
MSG_OLE = "文件已加密或为旧版 .xls 格式，请另存为 .xlsx 后上传"
MSG_MACRO = "不接受含宏的工作簿"
MSG_BOMB = "文件解压后过大（疑似压缩炸弹），已拒绝"
MSG_PATH = "文件内含非法路径，已拒绝"
MSG_XML = "文件含有不安全的 XML 内容（实体声明或外部引用），已拒绝"
MSG_TOO_MANY_ROWS = "数据行数超过 {limit} 行上限，请拆分后分批上传"
MSG_NO_SHEET = "工作簿中没有名为“{name}”的工作表"
MSG_ENCODING = "无法识别文件编码，请另存为 UTF-8 编码的 CSV 文件后上传"
MSG_BINARY = "文件不是文本格式的 CSV 文件"


def _max_bytes(given: int | None) -> int:
    # One limit for every upload (settings.ZUGONG_MAX_UPLOAD_BYTES; core/importing checks
    # it before reading); a caller may pass a smaller one.
    return int(settings.ZUGONG_MAX_UPLOAD_BYTES) if given is None else given


class UploadRejected(Exception):
    """An uploaded file refused as a whole; ``str(exc)`` is the Chinese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- xlsx


def _safe_member_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return False
    if len(name) > 1 and name[1] == ":":  # C:foo
        return False
    return all(part not in ("..", ".") for part in name.split("/"))


def _inflate_all(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limit: int) -> None:
    """Inflate every member in chunks, counting real bytes; refuse beyond ``limit``.

    Reading to the end also makes zipfile verify each member's CRC.
    """
    total = 0
    for info in infos:
        with archive.open(info) as member:
            while chunk := member.read(INFLATE_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise UploadRejected(MSG_BOMB)


def check_zip_package(
    data: bytes,
    *,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_RATIO,
) -> list[str]:
    """The member names of a ZIP package (an OOXML file) that is safe to open: not encrypted,
    no path tricks or repeated parts, and a zip-bomb guard on the declared sizes, on each
    member's compression ratio and on the bytes really inflated. ``UploadRejected`` else."""
    if not data.startswith(ZIP_SIGNATURE):
        raise UploadRejected(MSG_CORRUPT)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UploadRejected(MSG_CORRUPT) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UploadRejected(MSG_CORRUPT)
        names = [info.filename for info in infos]
        if not all(_safe_member_name(n) for n in names):
            raise UploadRejected(MSG_PATH)
        if len(set(names)) != len(names):  # the same part twice: parsers disagree on which
            raise UploadRejected(MSG_CORRUPT)
        if any(info.flag_bits & 0x1 for info in infos):  # ZIP-level encryption
            raise UploadRejected(MSG_OLE)
        if sum(info.file_size for info in infos) > max_uncompressed:
            raise UploadRejected(MSG_BOMB)
        for info in infos:
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(
                info.compress_size, 1
            ):
                raise UploadRejected(MSG_BOMB)
        try:
            _inflate_all(archive, infos, max_uncompressed)
        except UploadRejected:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise UploadRejected(MSG_CORRUPT) from exc
    return names


def check_xlsx(
    data: bytes,
    *,
    max_bytes: int | None = None,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Refuse anything but a plain .xlsx workbook, judged by content; returns None when fine."""
    max_bytes = _max_bytes(max_bytes)
    if len(data) > max_bytes:
        raise UploadRejected(MSG_TOO_LARGE.format(limit=max(1, max_bytes // MB)))
    if data.startswith(OLE_SIGNATURE):
        raise UploadRejected(MSG_OLE)
    names = check_zip_package(data, max_uncompressed=max_uncompressed, max_ratio=max_ratio)
    lowered = {n.lower() for n in names}
    if "[content_types].xml" not in lowered or "xl/workbook.xml" not in lowered:
        raise UploadRejected(MSG_CORRUPT)
    if any(n.endswith("vbaproject.bin") for n in lowered):
        raise UploadRejected(MSG_MACRO)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content_types = next(archive.read(n) for n in names if n.lower() == "[content_types].xml")
    if b"macroenabled" in content_types.lower():
        raise UploadRejected(MSG_MACRO)


# ---------------------------------------------------------------- xlsx reading
#
# Values must be exactly what openpyxl's ``load_workbook(read_only=True, data_only=True)``
# gave (core/tests/test_xlsx_reader.py compares the two), at several times its speed: one
# streaming expat pass over the sheet, no second pass looking for ``<dimension>``, and no
# descriptor object per cell. Each rule below names the openpyxl behaviour it copies.

_MAIN_NAMESPACES = frozenset(
    {
        "http://schemas.openxmlformats.org/spreadsheetml/2006/main",  # transitional
        "http://purl.oclc.org/ooxml/spreadsheetml/main",  # strict
    }
)
_RELATIONSHIP_ID_ATTRIBUTES = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}id",
    "id",  # openpyxl also takes a bare ``id`` on <sheet>
)
_CONTENT_TYPES_PART = "[Content_Types].xml"
_DEFAULT_WORKBOOK_PART = "xl/workbook.xml"
_STYLES_PART = "xl/styles.xml"  # openpyxl reads this fixed path, not the content types
_WORKBOOK_TYPES = tuple(  # in openpyxl's order of preference; macro types are refused earlier
    kind.format(doc)
    for kind, doc in (
        ("application/vnd.ms-excel.{}.macroEnabled.main+xml", "template"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.{}.main+xml", "template"),
        ("application/vnd.ms-excel.{}.macroEnabled.main+xml", "sheet"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.{}.main+xml", "sheet"),
    )
)
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_READ_CHUNK = 256 * 1024
_DIGITS = "0123456789"
_DATE_OUT_OF_RANGE = "#VALUE!"  # openpyxl's value for a date-styled number it cannot convert
# What a damaged package or part raises somewhere below; all mean "not a workbook we can read".
_BROKEN = (
    ValueError,
    LookupError,
    OverflowError,
    expat.ExpatError,
    ElementTree.ParseError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    NotImplementedError,
)

_Values = list[Any]


@dataclass(frozen=True)
class _Sheet:
    """Everything the sheet reader needs besides the sheet XML itself."""

    part: str
    shared_strings: list[str]
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: datetime.datetime


def read_xlsx_rows(
    data: bytes,
    *,
    sheet: str | None = None,
    max_rows: int = 200_000,
    max_bytes: int | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    """``(excel row number, values)`` of one sheet (the first unless named); empty rows skipped.

    The file is checked with ``check_xlsx`` and opened before this returns, so a refused file
    raises ``UploadRejected`` here; XML errors met later raise it while iterating. Values are
    what Excel shows for formulas (``data_only``); at most ``MAX_COLUMNS`` columns are read.
    """
    check_xlsx(data, max_bytes=max_bytes)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _BROKEN as exc:
        raise UploadRejected(MSG_CORRUPT) from exc
    try:
        found = _open_sheet(archive, sheet)
    except BaseException:
        archive.close()
        raise
    return _rows(archive, found, max_rows)


def _rows(archive: zipfile.ZipFile, sheet: _Sheet, max_rows: int) -> Iterator[tuple[int, _Values]]:
    """The sheet's rows up to ``max_rows``; parse errors refuse the file; closes the package."""
    try:
        for count, (number, values) in enumerate(_sheet_rows(archive, sheet), 1):
            if count > max_rows:
                raise UploadRejected(MSG_TOO_MANY_ROWS.format(limit=max_rows))
            yield number, values
    except _BROKEN as exc:
        raise UploadRejected(MSG_CORRUPT) from exc
    finally:
        archive.close()


# ------------------------------------------------ package parts (small; ElementTree is fine)


def _open_sheet(archive: zipfile.ZipFile, name: str | None) -> _Sheet:
    """Find the sheet and read what its cells refer to; refuses the file if it cannot."""
    try:
        workbook_part, strings_part = _main_parts(archive)
        part, epoch = _sheet_part(archive, workbook_part, name)
        dates, timedeltas = _date_styles(archive)
        strings = _read_shared_strings(archive, strings_part) if strings_part else []
    except DefusedXmlException as exc:
        raise UploadRejected(MSG_XML) from exc
    except _BROKEN as exc:
        raise UploadRejected(MSG_CORRUPT) from exc
    return _Sheet(part, strings, dates, timedeltas, epoch)


def _part(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    # forbid_dtd: Excel never writes one, and a DTD is where entity tricks live.
    return DefusedElementTree.fromstring(archive.read(name), forbid_dtd=True)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _main_parts(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The workbook and shared-strings part names, found as openpyxl finds them."""
    overrides: list[tuple[str, str]] = []
    defaults: set[str] = set()
    for element in _part(archive, _CONTENT_TYPES_PART):
        kind = _local(element.tag)
        if kind == "Override":
            overrides.append((_required(element, "PartName"), _required(element, "ContentType")))
        elif kind == "Default":
            defaults.add(_required(element, "ContentType"))
    workbook = next(
        (part[1:] for kind in _WORKBOOK_TYPES for part, ct in overrides if ct == kind), None
    )
    if workbook is None:
        if not defaults.intersection(_WORKBOOK_TYPES):  # some writers only set a Default
            raise UploadRejected(MSG_CORRUPT)
        workbook = _DEFAULT_WORKBOOK_PART
    strings = next((part[1:] for part, ct in overrides if ct == _SHARED_STRINGS_TYPE), None)
    return workbook, strings


def _required(element: ElementTree.Element, attribute: str) -> str:
    value = element.get(attribute)
    if value is None:
        raise UploadRejected(MSG_CORRUPT)
    return value


def _sheet_part(
    archive: zipfile.ZipFile, workbook_part: str, name: str | None
) -> tuple[str, datetime.datetime]:
    """The sheet's part name and the workbook's date epoch (1900 or 1904 calendar)."""
    date1904: str | None = None
    entries: list[ElementTree.Element] = []
    for element in _part(archive, workbook_part):
        kind = _local(element.tag)
        if kind == "workbookPr":
            date1904 = element.get("date1904")
        elif kind == "sheets":
            entries = list(element)
    # openpyxl's Bool: "false", "f" and "0" are false, any other non-empty text is true.
    is_1904 = bool(date1904) and date1904 not in ("false", "f", "0")
    epoch = CALENDAR_MAC_1904 if is_1904 else CALENDAR_WINDOWS_1900
    members = set(archive.namelist())
    relationships: dict[str, tuple[str, str]] | None = None
    worksheets: list[tuple[str | None, str]] = []
    charts: list[str | None] = []
    for entry in entries:
        rel_id = next(
            (v for a in _RELATIONSHIP_ID_ATTRIBUTES if (v := entry.get(a)) is not None), None
        )
        if not rel_id:
            continue  # openpyxl drops such an entry with a warning
        if relationships is None:
            relationships = _relationships(archive, workbook_part)
        rel_type, target = relationships[rel_id]
        if target not in members:
            continue
        if "chartsheet" in rel_type:
            charts.append(entry.get("name"))
        else:
            worksheets.append((entry.get("name"), target))
    if name is None:
        if not worksheets:
            raise UploadRejected(MSG_CORRUPT)
        return worksheets[0][1], epoch
    found = next((part for title, part in worksheets if title == name), None)
    if found is None:
        if name in charts:  # a chart is no table to import
            raise UploadRejected(MSG_CORRUPT)
        raise UploadRejected(MSG_NO_SHEET.format(name=name))
    return found, epoch


def _relationships(archive: zipfile.ZipFile, source_part: str) -> dict[str, tuple[str, str]]:
    """``Id → (Type, part name)``, targets made absolute the way openpyxl does."""
    folder, filename = posixpath.split(source_part)
    rels_part = posixpath.join(folder, "_rels", f"{filename}.rels")
    parent = posixpath.split(posixpath.dirname(rels_part))[0]
    found: dict[str, tuple[str, str]] = {}
    for element in _part(archive, rels_part):
        if _local(element.tag) != "Relationship":
            continue
        target = _required(element, "Target")
        if element.get("TargetMode") == "External":
            pass
        elif target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(parent, target))
        found[_required(element, "Id")] = (_required(element, "Type"), target)
    return found


def _date_styles(archive: zipfile.ZipFile) -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of the cell styles whose number format shows a date, and a duration."""
    if _STYLES_PART not in archive.namelist():
        return frozenset(), frozenset()
    custom: dict[int, str] = {}
    cell_formats: list[ElementTree.Element] = []
    for element in _part(archive, _STYLES_PART):
        kind = _local(element.tag)
        if kind == "numFmts":
            custom = {
                int(_required(f, "numFmtId")): _required(f, "formatCode")
                for f in element
                if _local(f.tag) == "numFmt"
            }
        elif kind == "cellXfs":
            cell_formats = [xf for xf in element if _local(xf.tag) == "xf"]
    dates: set[int] = set()
    timedeltas: set[int] = set()
    for index, xf in enumerate(cell_formats):
        format_id = int(xf.get("numFmtId", 0))
        code = custom[format_id] if format_id in custom else BUILTIN_FORMATS.get(format_id)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            timedeltas.add(index)
    return frozenset(dates), frozenset(timedeltas)


# ------------------------------------------------ streamed parts (large; expat, hardened)


def _refuse_dtd(*_args: Any) -> NoReturn:
    raise UploadRejected(MSG_XML)


def _expat_parser() -> expat.XMLParserType:
    """An expat parser that refuses any DTD, entity declaration or external reference.

    The same stance as defusedxml (plus no DTD at all); names arrive as ``"namespace local"``.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    return parser


class _Names(dict[str, str]):
    """Expat name → local name, learnt on first sight; only SpreadsheetML names unless ``any_ns``.

    openpyxl matches rows, cells, ``<v>``, ``<is>`` and ``<si>`` in the main namespace only, but
    the text runs inside a string under any namespace.
    """

    def __init__(self, *, any_ns: bool) -> None:
        super().__init__()
        self.any_ns = any_ns

    def __missing__(self, name: str) -> str:
        namespace, _, local = name.rpartition(" ")
        value = local if self.any_ns or namespace in _MAIN_NAMESPACES else ""
        self[name] = value
        return value


def _feed(parser: expat.XMLParserType, member: IO[bytes]) -> Iterator[None]:
    """Feed a zip member to ``parser`` in chunks, pausing after each so callers can drain."""
    while chunk := member.read(_READ_CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def _read_shared_strings(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The shared-string table: the text of each ``<si>`` as openpyxl's ``Text.content``.

    That is the ``<si>``'s own ``<t>`` (the last one if several) followed by the ``<t>`` of
    each rich-text run ``<r>``; phonetic runs ``<rPh>`` are left out. openpyxl then deletes
    every ``x005F_`` (the escaped ``_x005F_x000D_`` becomes ``_x000D_``), so this does too;
    inline strings keep it, as in openpyxl.
    """
    strings: list[str] = []
    main = _Names(any_ns=False)
    local = _Names(any_ns=True)
    parser = _expat_parser()
    depth = 0
    item_level = run_level = -1  # depth of the children of the open <si> / <r>
    text_depth = 0  # depth of the <t> whose text is being collected
    text: list[str] = []
    plain: str | None = None
    run: str | None = None
    runs: list[str] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        nonlocal depth, item_level, run_level, text_depth, text, plain, run, runs
        depth += 1
        if text_depth:  # ElementTree's .text stops at a child element
            parser.CharacterDataHandler = None
        if depth == item_level:
            kind = local[name]
            if kind == "t":
                text = []
                parser.CharacterDataHandler = text.append
                text_depth = depth
            elif kind == "r":
                run_level = depth + 1
                run = None
        elif depth == run_level:
            if local[name] == "t":
                text = []
                parser.CharacterDataHandler = text.append
                text_depth = depth
        elif item_level < 0 and main[name] == "si":
            item_level = depth + 1
            plain = None
            runs = []

    def end(_name: str) -> None:
        nonlocal depth, item_level, run_level, text_depth, plain, run
        if depth == text_depth:
            parser.CharacterDataHandler = None
            text_depth = 0
            if depth == item_level:
                plain = "".join(text)
            else:
                run = "".join(text)
        elif depth == run_level - 1:
            if run is not None:
                runs.append(run)
            run_level = -1
        elif depth == item_level - 1:
            strings.append(((plain or "") + "".join(runs)).replace("x005F_", ""))
            item_level = -1
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with archive.open(part) as member:
        for _ in _feed(parser, member):
            pass
    return strings


def _row_number(text: str) -> int:
    """openpyxl's reading of ``<row r="…">``: an integer, or a float that is one."""
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


def _column(ref: str, known: dict[str, int]) -> int:
    """Column of a cell reference, as openpyxl's ``coordinate_to_tuple`` (and its errors)."""
    column = coordinate_to_tuple(ref)[1]
    letters = ref.rstrip(_DIGITS)
    # The fast path in _sheet_rows looks up exactly these: upper-case letters, then digits.
    if (
        0 < len(letters) < len(ref)
        and letters.isascii()
        and letters.isalpha()
        and letters.isupper()
    ):
        known[letters] = column
    return column


def _number(text: str) -> int | float:
    # openpyxl's _cast_number
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _date(value: float, epoch: datetime.datetime, timedelta: bool) -> Any:
    try:
        return from_excel(value, epoch, timedelta=timedelta)
    except (OverflowError, ValueError):
        return _DATE_OUT_OF_RANGE


def _sheet_rows(archive: zipfile.ZipFile, sheet: _Sheet) -> Iterator[tuple[int, _Values]]:
    """Non-empty rows of the sheet, streamed; trailing empty cells trimmed.

    Mirrors openpyxl's ``WorkSheetParser`` with ``data_only=True`` read through
    ``ReadOnlyWorksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)``: every child of a
    ``<row>`` is a cell; a cell without ``r`` takes the next column; the first ``<v>`` is the
    value (empty means None); a row numbered at or below one already read is dropped.

    The handlers are closures over plain local variables, the cheapest state Python has,
    because they run for every XML event; the levels below stand in for a stack of elements.
    """
    strings = sheet.shared_strings
    dates = sheet.date_styles
    timedeltas = sheet.timedelta_styles
    epoch = sheet.epoch
    main = _Names(any_ns=False)
    local = _Names(any_ns=True)
    known_columns: dict[str, int] = {}
    parser = _expat_parser()
    done: list[tuple[int, _Values]] = []

    depth = 0
    # Depth of the children of the open <row>, cell, <is> and <r>; -1 when none is open.
    cell_level = child_level = item_level = run_level = -1
    row_number = 0
    next_row = 1  # openpyxl drops a row numbered below this
    values: _Values = []
    column = 0
    cell_type = "n"
    style = 0
    seen_value = seen_inline = False
    raw: str | None = None
    inline: str | None = None
    text_depth = 0
    text: list[str] = []
    plain: str | None = None
    run: str | None = None
    runs: list[str] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, cell_level, child_level, item_level, run_level, row_number, values
        nonlocal column, cell_type, style, seen_value, seen_inline, raw, inline, text_depth
        nonlocal text, plain, run, runs
        depth += 1
        if text_depth:  # ElementTree's .text stops at a child element
            parser.CharacterDataHandler = None
        if depth == child_level:
            kind = main[name]
            if kind == "v":
                if not seen_value:
                    seen_value = True
                    text = []
                    parser.CharacterDataHandler = text.append
                    text_depth = depth
            elif kind == "is" and not seen_inline:
                seen_inline = True
                item_level = depth + 1
                plain = None
                runs = []
        elif depth == cell_level:
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                found = known_columns.get(letters) if len(letters) < len(ref) else None
                column = found if found is not None else _column(ref, known_columns)
            else:
                column += 1
            cell_type = attrs.get("t", "n")
            s = attrs.get("s")
            style = 0 if s is None else int(s) if s else -1  # openpyxl: s="" is no style
            child_level = depth + 1
            seen_value = seen_inline = False
            raw = inline = None
        elif depth == item_level:
            kind = local[name]
            if kind == "t":
                text = []
                parser.CharacterDataHandler = text.append
                text_depth = depth
            elif kind == "r":
                run_level = depth + 1
                run = None
        elif depth == run_level:
            if local[name] == "t":
                text = []
                parser.CharacterDataHandler = text.append
                text_depth = depth
        elif cell_level < 0 and main[name] == "row":
            r = attrs.get("r")
            row_number = row_number + 1 if r is None else _row_number(r)
            column = 0
            values = []
            cell_level = depth + 1

    def end(_name: str) -> None:
        nonlocal depth, cell_level, child_level, item_level, run_level, next_row
        nonlocal text_depth, raw, inline, plain, run
        if depth == text_depth:
            parser.CharacterDataHandler = None
            text_depth = 0
            if depth == child_level:
                raw = "".join(text) or None
            elif depth == item_level:
                plain = "".join(text)
            else:
                run = "".join(text)
        elif depth == cell_level:
            child_level = -1
            if cell_type == "inlineStr":
                value: Any = inline
            else:
                value = raw
                if value is not None:
                    if cell_type == "n":
                        value = _number(value)
                        if style in dates:
                            value = _date(value, epoch, style in timedeltas)
                    elif cell_type == "s":
                        value = strings[int(value)]
                    elif cell_type == "b":
                        value = bool(int(value))
                    elif cell_type == "d":
                        value = from_ISO8601(value)
                    # "str" (a formula's text), "e" (an error such as #N/A) and unknown types
                    # keep the text as it is.
            if 0 < column <= MAX_COLUMNS:
                width = len(values)
                if column > width:
                    if column > width + 1:
                        values.extend([None] * (column - width - 1))
                    values.append(value)
                else:
                    values[column - 1] = value
        elif depth == run_level - 1:
            if run is not None:
                runs.append(run)
            run_level = -1
        elif depth == item_level - 1:
            inline = (plain or "") + "".join(runs)
            item_level = -1
        elif depth == cell_level - 1:
            cell_level = -1
            if row_number >= next_row:
                next_row = row_number + 1
                if any(v is not None and v != "" for v in values):
                    width = len(values)
                    while values[width - 1] is None:
                        width -= 1
                    del values[width:]
                    done.append((row_number, values))
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with archive.open(sheet.part) as member:
        for _ in _feed(parser, member):
            yield from done
            done.clear()


# ---------------------------------------------------------------- csv and text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_csv(data: bytes, *, max_bytes: int | None = None) -> str:
    """Text of an uploaded CSV: BOM if any, else UTF-8, else GB18030; otherwise refused."""
    max_bytes = _max_bytes(max_bytes)
    if len(data) > max_bytes:
        raise UploadRejected(MSG_TOO_LARGE.format(limit=max(1, max_bytes // MB)))
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UploadRejected(MSG_ENCODING) from exc
    if b"\x00" in data:  # UTF-16 without a BOM, or not text at all
        raise UploadRejected(MSG_BINARY)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UploadRejected(MSG_ENCODING)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ．－／　", "0123456789xX.-/ ")


def normalise_digits(text: str) -> str:
    """Full-width digits, ``ｘ``/``Ｘ``, ``．－／`` and the ideographic space to ASCII."""
    return text.translate(_FULL_WIDTH)
