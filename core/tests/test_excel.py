"""Excel export: text that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from core.excel import write_xlsx, xlsx_response

DANGEROUS = ["=1+1", "+86 123", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", '=HYPERLINK("http://x","点")']


def read_back(rows, headers=("值",)):
    handle = write_xlsx(title="导出", headers=list(headers), rows=rows)
    try:
        workbook = load_workbook(handle)
        sheet = workbook["导出"]
        return [list(row) for row in sheet.iter_rows()]
    finally:
        handle.close()


@pytest.mark.parametrize("text", DANGEROUS)
def test_it_writes_formula_like_text_as_text(text):
    header, (cell,) = read_back([[text]])
    assert header[0].value == "值"
    assert cell.data_type == "s"
    assert isinstance(cell.value, str)
    assert cell.value.startswith("'")
    # Reading XML turns a bare CR into LF; the text is otherwise kept as written.
    assert cell.value == "'" + text.replace("\r", "\n")


def test_it_writes_no_formula_at_all():
    rows = read_back([[text] for text in DANGEROUS])
    assert all(cell.data_type != "f" for row in rows for cell in row)


def test_it_leaves_ordinary_values_unchanged():
    moment = dt.datetime(2026, 6, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    _, row = read_back(
        [["张三", "a=b", 42, -5, 3.5, dt.date(2026, 6, 1), moment]],
        headers=["姓名", "文本", "整数", "负数", "小数", "日期", "时间"],
    )
    assert [c.value for c in row[:5]] == ["张三", "a=b", 42, -5, 3.5]
    assert [c.data_type for c in row[:5]] == ["s", "s", "n", "n", "n"]
    assert row[5].value.date() == dt.date(2026, 6, 1)
    assert row[6].value == dt.datetime(2026, 6, 1, 9, 30)  # naive local time, Excel has no zone


def test_it_keeps_the_leading_zeros_of_number_like_text():
    _, (cell,) = read_back([["0110105"]])
    assert cell.value == "0110105"
    assert cell.data_type == "s"


def test_it_truncates_the_sheet_title_to_excels_limit():
    handle = write_xlsx(title="很" * 40, headers=["a"], rows=[])
    try:
        assert load_workbook(handle).sheetnames == ["很" * 31]
    finally:
        handle.close()


def test_it_serves_an_attachment_with_nosniff():
    response = xlsx_response(filename="名册.xlsx", title="名册", headers=["a"], rows=[["=1"]])
    try:
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"PK")
    finally:
        response.file_to_stream.close()
