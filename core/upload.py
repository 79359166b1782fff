"""Safe reading of uploaded files (SECURITY.md "Bad input"), shared by every import.

An uploaded workbook is checked by its bytes before any XML parser sees it: size cap, ZIP
signature, the two parts every .xlsx has, no macros, no encryption, no path tricks, and a
zip-bomb guard that limits both the declared and the actually inflated size. The XML is then
parsed by openpyxl, which uses ``defusedxml`` when it is installed (asserted below), so
entity expansion and external entities are refused. CSV text is decoded in a fixed order
(BOM → UTF-8 → GB18030) and anything else is refused rather than guessed.
"""

from __future__ import annotations

import codecs
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import openpyxl
from django.core.exceptions import ImproperlyConfigured

MB = 1024 * 1024
MAX_XLSX_BYTES = 20 * MB
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

if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a pinned dependency
    raise ImproperlyConfigured("openpyxl must parse with defusedxml: install defusedxml")


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


def check_xlsx(
    data: bytes,
    *,
    max_bytes: int = MAX_XLSX_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Refuse anything but a plain .xlsx workbook, judged by content; returns None when fine."""
    if len(data) > max_bytes:
        raise UploadRejected(MSG_TOO_LARGE.format(limit=max(1, max_bytes // MB)))
    if data.startswith(OLE_SIGNATURE):
        raise UploadRejected(MSG_OLE)
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
        lowered = {n.lower() for n in names}
        if "[content_types].xml" not in lowered or "xl/workbook.xml" not in lowered:
            raise UploadRejected(MSG_CORRUPT)
        if any(n.endswith("vbaproject.bin") for n in lowered):
            raise UploadRejected(MSG_MACRO)
        try:
            _inflate_all(archive, infos, max_uncompressed)
            content_types = next(
                archive.read(i) for i in infos if i.filename.lower() == "[content_types].xml"
            )
        except UploadRejected:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise UploadRejected(MSG_CORRUPT) from exc
        if b"macroenabled" in content_types.lower():
            raise UploadRejected(MSG_MACRO)


def read_xlsx_rows(
    data: bytes,
    *,
    sheet: str | None = None,
    max_rows: int = 200_000,
    max_bytes: int = MAX_XLSX_BYTES,
) -> Iterator[tuple[int, list[Any]]]:
    """``(excel row number, values)`` of one sheet (the first unless named); empty rows skipped.

    The file is checked with ``check_xlsx`` and opened before this returns, so a refused file
    raises ``UploadRejected`` here; XML errors met later raise it while iterating. Values are
    what Excel shows for formulas (``data_only``); at most ``MAX_COLUMNS`` columns are read.
    """
    check_xlsx(data, max_bytes=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and similar noise
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken package
        raise _parse_error(exc) from exc
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0] if workbook.worksheets else None
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise UploadRejected(MSG_NO_SHEET.format(name=sheet))
        if worksheet is None or not hasattr(worksheet, "reset_dimensions"):  # none, or a chart
            raise UploadRejected(MSG_CORRUPT)
    except BaseException:
        workbook.close()
        raise
    return _rows(workbook, worksheet, max_rows)


def _rows(workbook: Any, worksheet: Any, max_rows: int) -> Iterator[tuple[int, list[Any]]]:
    try:
        # The stored dimension may be wrong or hostile (A1:XFD1048576); read what is there.
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        number = count = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                break
            except Exception as exc:  # XML errors surface while iterating
                raise _parse_error(exc) from exc
            number += 1
            if not any(v is not None and v != "" for v in values):
                continue
            count += 1
            if count > max_rows:
                raise UploadRejected(MSG_TOO_MANY_ROWS.format(limit=max_rows))
            width = len(values)
            while width and values[width - 1] is None:
                width -= 1
            yield number, list(values[:width])
    finally:
        workbook.close()


def _parse_error(exc: Exception) -> UploadRejected:
    if isinstance(exc, UploadRejected):
        return exc
    # openpyxl wraps the parser's error ("Unable to read workbook"); look down the chain.
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            break
        if (type(seen).__module__ or "").startswith("defusedxml"):
            return UploadRejected(MSG_XML)
        seen = seen.__cause__ or seen.__context__
    return UploadRejected(MSG_CORRUPT)


# ---------------------------------------------------------------- csv and text

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_csv(data: bytes, *, max_bytes: int = MAX_XLSX_BYTES) -> str:
    """Text of an uploaded CSV: BOM if any, else UTF-8, else GB18030; otherwise refused."""
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
