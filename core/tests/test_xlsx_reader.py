"""``read_xlsx_rows`` reads exactly what openpyxl read before it (core/upload.py).

Every workbook here is real: built with openpyxl (normal and write-only), or an openpyxl
workbook whose parts are rewritten by hand where openpyxl cannot write the case (shared
strings, cached formula values, strict namespace, odd cell layouts). ``openpyxl_rows`` is the
reader that ``read_xlsx_rows`` replaced, kept here as the reference; values are compared
with their types, so ``1``, ``1.0`` and ``True`` are told apart.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.worksheet import Worksheet

from core.tests.test_upload import SHEET, rezip
from core.upload import (
    MAX_COLUMNS,
    MSG_CORRUPT,
    MSG_NO_SHEET,
    MSG_XML,
    UploadRejected,
    check_xlsx,
    read_xlsx_rows,
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"


# ---------------------------------------------------------------- the reference reader


def openpyxl_rows(data: bytes, sheet: str | None = None) -> list[tuple[int, list[Any]]]:
    """The rows as the openpyxl-based ``read_xlsx_rows`` returned them.

    Its code, collecting the rows into a list; raises ``UploadRejected`` with the message that
    code gave.
    """
    check_xlsx(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no default style", dates out of range
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise _openpyxl_error(exc) from exc
        try:
            if sheet is None:
                worksheet = workbook.worksheets[0] if workbook.worksheets else None
            elif sheet in workbook.sheetnames:
                worksheet = workbook[sheet]
            else:
                raise UploadRejected(MSG_NO_SHEET.format(name=sheet))
            if worksheet is None or not hasattr(worksheet, "reset_dimensions"):
                raise UploadRejected(MSG_CORRUPT)
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            found = []
            number = 0
            while True:
                try:
                    values = next(rows)
                except StopIteration:
                    break
                except Exception as exc:
                    raise _openpyxl_error(exc) from exc
                number += 1
                if not any(v is not None and v != "" for v in values):
                    continue
                width = len(values)
                while width and values[width - 1] is None:
                    width -= 1
                found.append((number, list(values[:width])))
            return found
        finally:
            workbook.close()


def _openpyxl_error(exc: Exception) -> UploadRejected:
    if isinstance(exc, UploadRejected):
        return exc
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if (type(seen).__module__ or "").startswith("defusedxml"):
            return UploadRejected(MSG_XML)
        seen = seen.__cause__ or seen.__context__
    return UploadRejected(MSG_CORRUPT)


def typed(rows: list[tuple[int, list[Any]]]) -> list[tuple[int, list[tuple[str, Any]]]]:
    return [(n, [(type(v).__name__, v) for v in values]) for n, values in rows]


def assert_same(data: bytes, sheet: str | None = None) -> list[tuple[int, list[Any]]]:
    """Both readers give the same rows, types included; returns them for further checks."""
    expected = openpyxl_rows(data, sheet)
    assert typed(list(read_xlsx_rows(data, sheet=sheet))) == typed(expected)
    return expected


def new_message(data: bytes) -> str:
    with pytest.raises(UploadRejected) as info:
        list(read_xlsx_rows(data))
    return info.value.message


def old_message(data: bytes) -> str:
    with pytest.raises(UploadRejected) as info:
        openpyxl_rows(data)
    return info.value.message


# ---------------------------------------------------------------- builders


def active(workbook: Workbook) -> Worksheet:
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    return sheet


def saved(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip_part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def replaced(data: bytes, parts: dict[str, bytes | Callable[[bytes], bytes]]) -> bytes:
    """A copy of the package with the named parts replaced, or edited by a function."""

    def change(name: str, content: bytes) -> bytes:
        new = parts.get(name)
        if new is None:
            return content
        return new(content) if callable(new) else new

    return rezip(data, change=change)


def sheet_xml(rows: str, *, head: str = "", namespace: str = MAIN) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{namespace}" xmlns:r="{REL}">{head}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def with_sheet(rows: str, *, head: str = "", strings: list[str] | None = None) -> bytes:
    """An openpyxl workbook whose sheet is ``rows`` and whose styles are ``STYLE_SHEET``.

    ``strings`` are the ``<si>`` elements of a shared-string table, added with its content
    type (openpyxl finds the table through [Content_Types].xml).
    """
    base = Workbook()
    active(base).append(["placeholder"])
    data = replaced(saved(base), {SHEET: sheet_xml(rows, head=head), STYLES: STYLE_SHEET})
    if strings is None:
        return data
    table = (
        f'<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(strings)
        + "</sst>"
    ).encode()
    override = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>'
    )
    relationship = (
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" />'
        b"</Relationships>"
    )
    data = replaced(
        data,
        {
            CONTENT_TYPES: lambda c: c.replace(b"</Types>", override),
            WORKBOOK_RELS: lambda c: c.replace(b"</Relationships>", relationship),
        },
    )
    return rezip(data, add=[(STRINGS, table)])


# Cell style indexes used by the hand-written sheets below.
GENERAL, DATE, DATETIME, YEAR_MONTH, DURATION, TIME, TWO_DECIMALS, TEXT_DATE_LOOKALIKE = range(8)
STYLE_SHEET = (
    f'<styleSheet xmlns="{MAIN}">'
    '<numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;" />'
    '<numFmt numFmtId="165" formatCode="[h]:mm:ss" />'
    '<numFmt numFmtId="166" formatCode="&quot;day&quot;\\ 0" />'
    "</numFmts>"
    '<fonts count="1"><font><sz val="11" /><name val="Calibri" /></font></fonts>'
    '<fills count="1"><fill><patternFill /></fill></fills>'
    '<borders count="1"><border><left /><right /><top /><bottom /><diagonal /></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" /></cellStyleXfs>'
    '<cellXfs count="8">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" />'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    '<xf numFmtId="20" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" />'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" /></cellStyles>'
    "</styleSheet>"
).encode()

DATES: list[tuple[Any, str]] = [
    (dt.datetime(2021, 5, 1, 12, 30, 15), "yyyy-mm-dd h:mm:ss"),
    (dt.datetime(1998, 7, 1), 'yyyy"年"m"月"'),
    (dt.date(1949, 10, 1), "yyyy-mm-dd"),
    (dt.date(1900, 2, 28), "yyyy/m/d"),  # before Excel's phantom 1900-02-29
    (dt.date(1900, 1, 1), "yyyy.mm.dd"),
    (dt.time(8, 45), "h:mm"),
    (dt.time(23, 59, 59, 500000), "hh:mm:ss.000"),
    (dt.timedelta(hours=30, minutes=5), "[h]:mm:ss"),
    (dt.timedelta(minutes=-90), "[h]:mm"),
    (dt.datetime(2024, 2, 29, 23, 59, 59, 999000), "yyyy-mm-dd hh:mm:ss.000"),
    (44197, "yyyy-mm-dd"),  # a plain number shown as a date
    (44197.75, "mm:ss"),
    (44197, "0.00"),  # and one that is not
    (dt.date(2021, 5, 1), "General"),
]

NUMBERS: list[Any] = [
    0,
    1,
    -1,
    42,
    -273,
    3.14,
    -2.5,
    0.1 + 0.2,
    1e-10,
    6.02e23,
    -1.5e300,
    2**53 + 1,
    10**20,
]
NUMBERS += [Decimal("12.50"), 123456789012345678]

TEXTS = ["身份证号", "张三", " 前后空格 ", "a\nb", "x & <y>", "", "'=1+1", "_x005F_x000D_"]


def mixed_rows() -> list[list[Any]]:
    """A table exercising every openpyxl-writable type, with gaps inside and between rows."""
    parts: list[str | TextBlock] = ["普通 ", TextBlock(InlineFont(b=True), "加粗"), " 尾"]
    rich = CellRichText(parts)
    return [
        ["姓名", "身份证号", "出生年月", "人数", None, "备注"],
        [*TEXTS],
        [*NUMBERS],
        [True, False, None, True],
        [],
        [None, None, None, "from D"],
        [rich, "=SUM(D3:E3)", "=A1", None, None],
        [None, None, None, "mid", None, ""],
        [""],  # an empty string only: skipped like an empty row
        ["x"] + [None] * 300 + ["beyond column 256"],
        [None] * (MAX_COLUMNS - 1) + ["column 256"],
        [
            dt.datetime(2021, 5, 1, 8, 30),
            dt.date(1998, 7, 1),
            dt.time(12, 0),
            dt.timedelta(hours=36),
        ],
    ]


def filled(workbook: Workbook, *, write_only: bool) -> Workbook:
    if write_only:
        stream = workbook.create_sheet("数据")
        for row in mixed_rows():
            stream.append(row)
        return workbook
    sheet = active(workbook)
    for row in mixed_rows():
        sheet.append(row)
    for offset, (value, number_format) in enumerate(DATES, start=20):
        cell = sheet.cell(row=offset, column=2, value=value)
        cell.number_format = number_format
        sheet.cell(row=offset, column=1, value=number_format)
    return workbook


# ---------------------------------------------------------------- workbooks openpyxl writes


def test_it_reads_a_workbook_like_openpyxl():
    rows = assert_same(saved(filled(Workbook(), write_only=False)))
    values = dict(rows)
    assert values[1] == ["姓名", "身份证号", "出生年月", "人数", None, "备注"]
    assert values[2] == [None if t == "" else t for t in TEXTS]  # openpyxl writes no ""
    assert [type(v) for v in values[3][:4]] == [int, int, int, int]
    assert values[3][5] == 3.14
    assert values[3][-1] == 1.234567890123457e17  # openpyxl writes 16 significant digits
    assert values[4] == [True, False, None, True]
    assert 5 not in values  # empty
    assert 9 not in values  # only ""
    assert values[6] == [None, None, None, "from D"]
    assert values[7] == ["普通 加粗 尾"]  # formulas have no cached value: None, trimmed
    assert values[8] == [None, None, None, "mid"]  # openpyxl writes "" as an empty cell
    assert values[10] == ["x"]
    assert len(values[11]) == MAX_COLUMNS
    assert values[12] == [
        dt.datetime(2021, 5, 1, 8, 30),
        dt.datetime(1998, 7, 1),
        dt.time(12, 0),
        dt.timedelta(hours=36),
    ]
    dates = {values[n][0]: values[n][1] for n in range(20, 20 + len(DATES))}
    assert dates["yyyy-mm-dd h:mm:ss"] == dt.datetime(2021, 5, 1, 12, 30, 15)
    assert dates['yyyy"年"m"月"'] == dt.datetime(1998, 7, 1)
    assert dates["h:mm"] == dt.time(8, 45)
    assert dates["[h]:mm:ss"] == dt.timedelta(hours=30, minutes=5)
    assert dates["0.00"] == 44197


def test_it_reads_a_write_only_workbook_like_openpyxl():
    workbook = filled(Workbook(write_only=True), write_only=True)
    rows = assert_same(saved(workbook))
    assert rows[0] == (1, ["姓名", "身份证号", "出生年月", "人数", None, "备注"])


def test_it_reads_a_1904_workbook_like_openpyxl():
    workbook = Workbook()
    workbook.epoch = CALENDAR_MAC_1904
    sheet = active(workbook)
    for value, number_format in DATES:
        sheet.append([number_format, value])
        sheet.cell(row=sheet.max_row, column=2).number_format = number_format
    data = saved(workbook)
    assert b'date1904="1"' in rezip_part(data, WORKBOOK)
    rows = assert_same(data)
    assert rows[0][1][1] == dt.datetime(2021, 5, 1, 12, 30, 15)


def test_it_reads_a_named_sheet_and_the_first_worksheet_like_openpyxl():
    workbook = Workbook()
    active(workbook).title = "说明"
    active(workbook).append(["请在名册页填写"])
    roster = workbook.create_sheet("名册")
    roster.append(["身份证号", "姓名"])
    roster.append(["11010519491001002X", "张三"])
    data = saved(workbook)
    assert assert_same(data) == [(1, ["请在名册页填写"])]
    assert assert_same(data, "名册")[1] == (2, ["11010519491001002X", "张三"])
    with pytest.raises(UploadRejected) as info:
        read_xlsx_rows(data, sheet="其他")  # refused before iterating
    assert info.value.message == MSG_NO_SHEET.format(name="其他")


# ---------------------------------------------------------------- parts written by hand


def test_it_reads_shared_strings_like_openpyxl():
    strings = [
        "<si><t>身份证号</t></si>",
        '<si><t xml:space="preserve"> 前后空格 </t></si>',
        '<si><r><t>普通</t></r><r><rPr><b /><sz val="11" /></rPr><t>加粗</t></r></si>',
        '<si><t>漢字</t><rPh sb="0" eb="2"><t>カンジ</t></rPh><phoneticPr fontId="1" /></si>',
        "<si><t>开头</t><r><t>加上</t></r><r><t /></r><r><rPr><i /></rPr></r></si>",
        "<si><t>first</t><t>last wins</t></si>",
        "<si><t>_x005F_x000D_ kept as openpyxl does</t></si>",
        "<si><t /></si>",
        "<si><t>a &amp; b &#x4E2D; <![CDATA[<raw>]]></t></si>",
        "<si><t>before<!-- comment -->after</t></si>",
    ]
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(strings)))
    data = with_sheet(
        f'<row r="1">{cells}</row>'
        '<row r="2"><c r="A2" t="s"><v>-1</v></c><c r="B2" t="s"><v> 0 </v></c></row>',
        strings=strings,
    )
    rows = assert_same(data)
    assert rows[0][1][:4] == ["身份证号", " 前后空格 ", "普通加粗", "漢字"]
    assert rows[0][1][4:7] == ["开头加上", "last wins", "_x000D_ kept as openpyxl does"]
    assert rows[0][1][7:] == ["", "a & b 中 <raw>", "beforeafter"]
    assert rows[1] == (2, ["beforeafter", "身份证号"])  # index -1 is the last string


def test_it_reads_inline_strings_like_openpyxl():
    data = with_sheet(
        '<row r="1">'
        '<c r="A1" t="inlineStr"><is><t>行内</t></is></c>'
        '<c r="B1" t="inlineStr"><is><r><t>富</t></r><r><rPr><b /></rPr><t>文本</t></r></is></c>'
        '<c r="C1" t="inlineStr"><is><t>_x005F_x000D_</t>'
        '<rPh sb="0" eb="1"><t>ignored</t></rPh></is></c>'
        '<c r="D1" t="inlineStr"><v>not read</v></c>'
        '<c r="E1" t="inlineStr"><is /></c>'
        '<c r="F1" t="inlineStr"><is><t>first is</t></is><is><t>second is</t></is></c>'
        '<c r="G1" t="inlineStr"><is><t>x<b>inner</b>tail</t></is></c>'
        "</row>"
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="B2" />'
        '<c r="C2" t="inlineStr"><is><t></t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t /></is></c></row>'
    )
    rows = assert_same(data)
    assert rows == [
        (1, ["行内", "富文本", "_x005F_x000D_", None, "", "first is", "x"]),
        (2, ["a", None, ""]),  # a trailing "" is kept, unlike None; row 3 has only ""
    ]


def test_it_reads_cached_formula_results_and_typed_cells_like_openpyxl():
    data = with_sheet(
        '<row r="1">'
        '<c r="A1"><f>1+2</f><v>3</v></c>'
        '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
        '<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="D1" t="e"><v>#N/A</v></c>'
        '<c r="E1" t="b"><f>TRUE()</f><v>1</v></c>'
        '<c r="F1" t="b"><v>0</v></c>'
        '<c r="G1"><f>NOW()</f></c>'
        '<c r="H1" t="str"><f>""</f><v></v></c>'
        '<c r="I1" s="1"><f t="shared" ref="I1:I2" si="0">DATE(2021,5,1)</f><v>44317</v></c>'
        '<c r="J1" t="n"><v>1.5E3</v></c>'
        '<c r="K1"><v>007</v></c>'
        '<c r="L1" t="d"><v>2021-05-01T08:30:00</v></c>'
        '<c r="M1" t="d"><v>2021-05-01</v></c>'
        '<c r="N1" t="d"><v>08:30</v></c>'
        '<c r="O1" t="str"><v>123</v></c>'
        '<c r="P1" t=""><v>42</v></c>'
        '<c r="Q1" t="n"><v>1</v><v>2</v></c>'
        '<c r="R1"><v>123456789012345678901</v></c>'
        '<c r="S1"><v>-0</v></c>'
        '<c r="T1"><v>-1e-3</v></c>'
        "</row>"
        '<row r="2"><c r="I2" s="1"><f t="shared" si="0" /><v>44318</v></c></row>'
    )
    rows = assert_same(data)
    assert rows[0][1] == [
        3,
        "ab",
        "#DIV/0!",
        "#N/A",
        True,
        False,
        None,
        None,
        dt.datetime(2021, 5, 1),
        1500.0,
        7,
        dt.datetime(2021, 5, 1, 8, 30),
        dt.date(2021, 5, 1),
        dt.time(8, 30),
        "123",
        "42",
        1,
        123456789012345678901,
        0,
        -0.001,
    ]


def test_it_applies_number_formats_like_openpyxl():
    styles = [GENERAL, DATE, DATETIME, YEAR_MONTH, DURATION, TIME, TWO_DECIMALS]
    styles += [TEXT_DATE_LOOKALIKE]
    values = ["44317", "44317.5", "0.25", "-1", "1.5", "60", "61", "0", "2958465.99"]
    rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<c s="{s}"><v>{v}</v></c>' for s in styles)
        + f'<c s=""><v>{v}</v></c><c s="0"><v>{v}</v></c></row>'
        for r, v in enumerate(values, start=1)
    )
    data = with_sheet(rows)
    found = dict(assert_same(data))
    assert found[1][:6] == [
        44317,
        dt.datetime(2021, 5, 1),
        dt.datetime(2021, 5, 1),
        dt.datetime(2021, 5, 1),
        dt.timedelta(days=44317),
        dt.datetime(2021, 5, 1),
    ]
    assert found[3][1] == dt.time(6, 0)
    assert found[7][1] == dt.datetime(1900, 3, 1)  # Excel's 1900 leap-year bug, as openpyxl


def test_it_reads_an_empty_style_attribute_as_openpyxl_does():
    """``s=""`` is no style at all, while a missing ``s`` is style 0 (here a date)."""
    data = replaced(
        with_sheet('<row r="1"><c><v>44317</v></c><c s=""><v>44317</v></c></row>'),
        {STYLES: lambda c: c.replace(b'<xf numFmtId="0"', b'<xf numFmtId="14"')},
    )
    assert assert_same(data) == [(1, [dt.datetime(2021, 5, 1), 44317])]


def test_it_reads_a_date_it_cannot_convert_as_openpyxl_does():
    data = with_sheet(f'<row r="1"><c s="{DATE}"><v>1e10</v></c><c><v>1e10</v></c></row>')
    assert assert_same(data) == [(1, ["#VALUE!", 1e10])]


def test_it_places_cells_and_rows_like_openpyxl():
    data = with_sheet(
        '<row r="2"><c r="C2"><v>1</v></c><c><v>2</v></c><c r="B2"><v>3</v></c></row>'
        "<row><c><v>4</v></c><c /><c><v>5</v></c></row>"  # row 3, columns A and C
        '<row r="7" spans="1:3" ht="20" customHeight="1"><c r="b7"><v>6</v></c></row>'
        '<row r="5"><c r="A5" t="str"><v>dropped: numbered below a row already read</v></c></row>'
        '<row r="7"><c r="A7" t="str"><v>dropped: the same number again</v></c></row>'
        '<row r="9.0"><extLst /><c><v>8</v></c></row>'  # any child of a row is a cell
        '<row r="10"><c r="A99" t="str"><v>the row of a cell reference is ignored</v></c></row>'
        '<row r="11"><c r="XFD11" t="str"><v>far right</v></c>'
        '<c r="A11" t="str"><v>back left</v></c></row>'
        '<row r="12"><c r="IV12"><v>256</v></c><c><v>257</v></c></row>'
        '<row r="13" />'
        '<row><c t="str"><v>after an empty row</v></c></row>'
    )
    assert typed(assert_same(data)) == typed(
        [
            (2, [None, 3, 1, 2]),
            (3, [4, None, 5]),
            (7, [None, 6]),
            (9, [None, 8]),
            (10, ["the row of a cell reference is ignored"]),
            (11, ["back left"]),
            (12, [None] * 255 + [256]),
            (14, ["after an empty row"]),
        ]
    )


def test_it_ignores_a_wrong_or_missing_dimension_like_openpyxl():
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="40"><c r="Z40"><v>2</v></c></row>'
    for head in ('<dimension ref="A1:B2" />', '<dimension ref="A1" />', ""):
        data = with_sheet(rows, head=head)
        assert assert_same(data) == [(1, [1]), (40, [None] * 25 + [2])]


def test_it_reads_the_strict_namespace_as_openpyxl_reads_transitional():
    transitional = with_sheet(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>44317</v></c>'
        '<c r="C1" t="inlineStr"><is><t>行内</t></is></c></row>',
        strings=["<si><r><t>共享</t></r></si>"],
    )
    expected = openpyxl_rows(transitional)
    assert expected == [(1, ["共享", dt.datetime(2021, 5, 1), "行内"])]

    def strict(content: bytes) -> bytes:
        return (
            content.replace(MAIN.encode(), STRICT_MAIN.encode()).replace(
                REL.encode(), STRICT_REL.encode()
            )  # r:id, and relationship types
        )

    data = replaced(
        transitional, dict.fromkeys((SHEET, STRINGS, STYLES, WORKBOOK, WORKBOOK_RELS), strict)
    )
    assert MAIN.encode() not in rezip_part(data, SHEET)
    assert STRICT_REL.encode() in rezip_part(data, WORKBOOK)
    assert typed(list(read_xlsx_rows(data))) == typed(expected)


def test_it_reads_prefixed_names_and_relative_targets_like_openpyxl():
    """Writers other than Excel use an ``x:`` prefix and targets relative to ``xl/``."""
    body = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c>'
        '<x:c r="B1"><x:v>2</x:v></x:c><x:c r="C1" xmlns:o="urn:other"><o:v>not a value</o:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    ).encode()
    base = with_sheet("")
    data = replaced(
        base,
        {
            SHEET: body,
            WORKBOOK_RELS: lambda c: c.replace(
                b'"/xl/worksheets/', b'"./worksheets/../worksheets/'
            ),
        },
    )
    assert b"./worksheets/" in rezip_part(data, WORKBOOK_RELS)
    assert assert_same(data) == [(1, ["前缀", 2])]


def many_rows(count: int = 3000) -> bytes:
    """A write-only workbook whose sheet XML spans several of the reader's chunks."""
    kinds: list[Callable[[int, int], Any]] = [
        lambda r, c: f"值{r}-{c}",
        lambda r, c: r * c,
        lambda r, c: r / 7,
        lambda r, c: None,
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    for r in range(count):
        sheet.append([kinds[c % 4](r, c) for c in range(26)])
    data = saved(workbook)
    assert len(rezip_part(data, SHEET)) > 1_000_000
    return data


def test_it_reads_many_rows_like_openpyxl():
    assert len(assert_same(many_rows())) == 3000


def test_it_streams_rows_before_reading_the_whole_sheet():
    """Rows come while the sheet is read, so an error near its end surfaces only there."""
    data = replaced(many_rows(), {SHEET: lambda c: c[: len(c) - 100]})
    rows = read_xlsx_rows(data)
    number, values = next(rows)
    assert (number, values[:5]) == (1, ["值0-0", 0, 0, None, "值0-4"])
    with pytest.raises(UploadRejected) as info:
        list(rows)
    assert info.value.message == MSG_CORRUPT


# ---------------------------------------------------------------- refused files

ENTITY_DOCTYPE = b'<!DOCTYPE x [<!ENTITY e "boom">]>'
EXTERNAL_DOCTYPE = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def with_doctype(doctype: bytes, root: bytes) -> Callable[[bytes], bytes]:
    def change(content: bytes) -> bytes:
        assert root in content
        return content.replace(root, doctype + root, 1)

    return change


@pytest.mark.parametrize("doctype", [ENTITY_DOCTYPE, EXTERNAL_DOCTYPE])
def test_it_refuses_entities_in_the_sheet_while_iterating(doctype):
    data = replaced(
        with_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'),
        {SHEET: with_doctype(doctype, b"<worksheet")},
    )
    rows = read_xlsx_rows(data)  # the sheet is only parsed while iterating
    with pytest.raises(UploadRejected) as info:
        list(rows)
    assert info.value.message == MSG_XML
    assert old_message(data) == MSG_XML


@pytest.mark.parametrize("doctype", [ENTITY_DOCTYPE, EXTERNAL_DOCTYPE])
def test_it_refuses_entities_in_shared_strings(doctype):
    data = replaced(
        with_sheet(
            '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=["<si><t>&e;</t></si>"]
        ),
        {STRINGS: with_doctype(doctype, b"<sst")},
    )
    with pytest.raises(UploadRejected) as info:
        read_xlsx_rows(data)  # the shared strings are read before returning
    assert info.value.message == MSG_XML
    assert old_message(data) == MSG_XML


@pytest.mark.parametrize(
    ("part", "root"),
    [
        (WORKBOOK, b"<workbook"),
        (WORKBOOK_RELS, b"<Relationships"),
        (STYLES, b"<styleSheet"),
        (CONTENT_TYPES, b"<Types"),
    ],
)
def test_it_refuses_entities_in_every_part_it_parses(part, root):
    data = replaced(
        with_sheet('<row r="1"><c r="A1"><v>1</v></c></row>'),
        {part: with_doctype(ENTITY_DOCTYPE, root)},
    )
    assert new_message(data) == MSG_XML
    assert old_message(data) == MSG_XML


@pytest.mark.parametrize("part", [SHEET, STRINGS, WORKBOOK])
def test_it_refuses_a_doctype_even_without_entities(part):
    """Stricter than openpyxl with defusedxml, which let a bare DOCTYPE through."""
    root = {SHEET: b"<worksheet", STRINGS: b"<sst", WORKBOOK: b"<workbook"}[part]
    data = replaced(
        with_sheet('<row r="1"><c r="A1"><v>1</v></c></row>', strings=["<si><t>a</t></si>"]),
        {part: with_doctype(b"<!DOCTYPE x>", root)},
    )
    assert openpyxl_rows(data) == [(1, [1])]
    assert new_message(data) == MSG_XML


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c[: len(c) // 2],  # truncated
        lambda c: c.replace(b"</c>", b"</row>", 1),  # mismatched tags
        lambda c: c.replace(b"<v>1</v>", b"<v>1</v><", 1),  # garbled
        lambda c: c + b"<worksheet/>",  # junk after the root element
        lambda c: c.replace(b"<v>1</v>", b"<v>&undefined;</v>", 1),
        lambda c: c.replace(b'r="A1"', b'r="A1" r="B1"', 1),  # duplicate attribute
        lambda c: c.replace(b'r="1"', b'r="1.5"', 1),  # not a row number
        lambda c: c.replace(b'r="A1"', b'r="AAAA1"', 1),  # not a column
        lambda c: c.replace(b"<v>1</v>", b"<v>one</v>", 1),  # not a number
        lambda c: c.replace(b'r="A1"', b'r="A1" s="x"', 1),  # not a style index
    ],
)
def test_it_refuses_a_damaged_sheet_while_iterating(damage):
    data = replaced(
        with_sheet('<row r="1"><c r="A1"><v>1</v></c></row>' * 1),
        {SHEET: damage},
    )
    rows = read_xlsx_rows(data)
    with pytest.raises(UploadRejected) as info:
        list(rows)
    assert info.value.message == MSG_CORRUPT
    assert old_message(data) == MSG_CORRUPT


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A1" t="s"><v>5</v></c>',  # no such shared string
        '<c r="A1" t="b"><v>yes</v></c>',
        '<c r="A1" t="d"><v>2021-13-01</v></c>',
    ],
)
def test_it_refuses_a_cell_value_openpyxl_cannot_read(cell):
    data = with_sheet(f'<row r="1">{cell}</row>', strings=["<si><t>only one</t></si>"])
    assert new_message(data) == MSG_CORRUPT
    assert old_message(data) == MSG_CORRUPT


def test_it_refuses_a_package_whose_sheet_cannot_be_found():
    base = with_sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    no_relationship = replaced(
        base, {WORKBOOK: lambda c: c.replace(b'r:id="rId1"', b'r:id="rId9"')}
    )
    no_workbook_type = replaced(
        base, {CONTENT_TYPES: lambda c: c.replace(b"sheet.main+xml", b"other+xml")}
    )
    for data in (no_relationship, no_workbook_type):
        with pytest.raises(UploadRejected) as info:
            read_xlsx_rows(data)  # refused before returning
        assert info.value.message == MSG_CORRUPT
        assert old_message(data) == MSG_CORRUPT
