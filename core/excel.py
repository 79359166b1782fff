"""Excel export: streamed (write-only workbook) and formula-safe (docs/security.md, "Bad input")."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Any) -> str:
    """A cell read from an uploaded workbook as text: whole numbers without ``.0``, dates as
    ``YYYY.MM.DD``, the full-width space as a space, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%Y.%m.%d}"
    return str(value).replace("\u3000", " ").strip()


def safe_cell_value(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as text (leading ')."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def write_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Any:
    """Write rows to a temporary .xlsx file in bounded memory; returns the open file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    # Plain values, not a cell object each: a 100k-row export spends its time here. Text
    # that would start a formula already carries the leading ' from safe_cell_value, and
    # openpyxl only makes a formula of text that starts with "=".
    for row in rows:
        sheet.append([safe_cell_value(value) for value in row])
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(
    *, filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    """An attachment response streaming the workbook from a temporary file."""
    handle = write_xlsx(title=title, headers=headers, rows=rows)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
