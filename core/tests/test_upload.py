"""Uploaded files are refused by content before any parser trusts them (docs/security.md, "Bad
input").

The builders at the top make each kind of bad file for real (zipfile, openpyxl, Pillow); the
cadre import tests reuse them to show that a refused file leaves the database unchanged.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from openpyxl import Workbook
from PIL import Image

from core import upload
from core.upload import (
    MSG_BINARY,
    MSG_BOMB,
    MSG_CORRUPT,
    MSG_ENCODING,
    MSG_MACRO,
    MSG_OLE,
    MSG_PATH,
    MSG_XML,
    UploadRejected,
    check_xlsx,
    decode_csv,
    normalise_digits,
    read_xlsx_rows,
)

SHEET = "xl/worksheets/sheet1.xml"


def xlsx_bytes(rows=(("身份证号", "姓名"), ("x", "张三"))) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rezip(data: bytes, *, change=None, add=(), compresslevel=None) -> bytes:
    """A copy of the package with parts changed (``change(name, bytes)``) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for info in source.infolist():
            content = source.read(info)
            if change is not None:
                content = change(info.filename, content)
            target.writestr(info.filename, content)
        for name, content in add:
            if callable(content):
                with target.open(name, "w", force_zip64=True) as member:
                    content(member)
            else:
                target.writestr(name, content)
    return out.getvalue()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def ole_bytes() -> bytes:
    # The compound-file header every encrypted .xlsx and every .xls starts with.
    return upload.OLE_SIGNATURE + bytes(512 - 8)


def macro_bytes() -> bytes:
    return rezip(xlsx_bytes(), add=[("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 vba")])


def macro_content_type_bytes() -> bytes:
    def change(name, content):
        if name == "[Content_Types].xml":
            return content.replace(
                b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
            )
        return content

    return rezip(xlsx_bytes(), change=change)


def zeros_writer(megabytes: int):
    def write(member):
        chunk = bytes(upload.MB)
        for _ in range(megabytes):
            member.write(chunk)

    return write


def bomb_bytes(megabytes: int = 300, compresslevel: int = 1) -> bytes:
    """A valid workbook plus one highly compressible member of ``megabytes`` of zeros."""
    return rezip(
        xlsx_bytes(),
        add=[("xl/media/zeros.bin", zeros_writer(megabytes))],
        compresslevel=compresslevel,
    )


def declared_size_bytes(size: int) -> bytes:
    """A workbook whose sheet part claims ``size`` bytes uncompressed (headers patched)."""
    data = bytearray(xlsx_bytes())
    name = SHEET.encode()
    # Local file header: size at offset 22; central directory entry: size at offset 24.
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    return bytes(data)


def traversal_bytes(name: str = "../../etc/cron.d/evil") -> bytes:
    return rezip(xlsx_bytes(), add=[(name, b"x")])


def corrupt_bytes() -> bytes:
    data = xlsx_bytes()
    return data[: len(data) // 2]


def crc_bytes() -> bytes:
    """A member's compressed bytes altered: inflating it fails or its CRC does not match."""
    data = bytearray(xlsx_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0x55
    return bytes(data)


def entity_bytes() -> bytes:
    def change(name, content):
        if name == SHEET:
            return content.replace(
                b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e "boom">]><worksheet', 1
            )
        return content

    return rezip(xlsx_bytes(), change=change)


def rejected(data: bytes, **kwargs) -> str:
    with pytest.raises(UploadRejected) as info:
        check_xlsx(data, **kwargs)
    return info.value.message


# ---------------------------------------------------------------- xlsx checks


def test_it_accepts_a_plain_workbook():
    data = xlsx_bytes()
    check_xlsx(data)
    assert list(read_xlsx_rows(data)) == [(1, ["身份证号", "姓名"]), (2, ["x", "张三"])]


def test_it_reports_excel_row_numbers_and_skips_empty_rows():
    data = xlsx_bytes([("a", "b"), (None, None), ("c", None, None), (None, "d")])
    assert list(read_xlsx_rows(data)) == [(1, ["a", "b"]), (3, ["c"]), (4, [None, "d"])]


def test_it_refuses_a_file_over_the_size_cap_before_parsing(settings):
    # The cap is the one upload limit of every import (settings.ZUGONG_MAX_UPLOAD_BYTES).
    settings.ZUGONG_MAX_UPLOAD_BYTES = 20 * upload.MB
    oversized = b"PK\x03\x04" + bytes(20 * upload.MB)
    assert rejected(oversized) == "文件超过 20 MB 上限，请拆分后分批上传"
    assert "上限" in rejected(xlsx_bytes(), max_bytes=1000)


def test_it_refuses_a_png_renamed_to_xlsx():
    assert rejected(png_bytes()) == MSG_CORRUPT


def test_it_refuses_an_encrypted_or_old_xls_file():
    assert rejected(ole_bytes()) == MSG_OLE


def test_it_refuses_a_workbook_with_a_vba_project():
    assert rejected(macro_bytes()) == MSG_MACRO


def test_it_refuses_a_macro_enabled_content_type():
    assert rejected(macro_content_type_bytes()) == MSG_MACRO


def test_it_refuses_a_zip_bomb_of_300_megabytes():
    data = bomb_bytes(300)
    assert len(data) < 2 * upload.MB  # small on the wire, huge inflated
    assert rejected(data) == MSG_BOMB


def test_it_refuses_a_member_compressed_beyond_the_ratio_limit():
    data = bomb_bytes(20, compresslevel=9)  # under the 200 MB total, but ~1000:1
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) < 200 * 2**20
    assert rejected(data) == MSG_BOMB


def test_it_refuses_a_huge_declared_size_without_inflating():
    data = declared_size_bytes(3 * 1024**3)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).file_size == 3 * 1024**3
    assert rejected(data) == MSG_BOMB


def test_it_refuses_a_member_that_inflates_beyond_its_declared_size():
    data = declared_size_bytes(10)
    assert rejected(data) == MSG_CORRUPT  # zipfile stops at 10 bytes; the CRC then fails


def test_it_stops_inflating_at_the_hard_cap():
    data = bomb_bytes(3)
    archive = zipfile.ZipFile(io.BytesIO(data))
    with pytest.raises(UploadRejected, match="压缩炸弹"):
        upload._inflate_all(archive, archive.infolist(), 2 * upload.MB)
    upload._inflate_all(archive, archive.infolist(), 4 * upload.MB)  # under the cap: fine


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/passwd", "xl\\..\\evil", "C:/evil"])
def test_it_refuses_path_traversal_names(name):
    assert rejected(traversal_bytes(name)) == MSG_PATH


def test_it_refuses_a_truncated_file():
    assert rejected(corrupt_bytes()) == MSG_CORRUPT


def test_it_refuses_a_member_with_damaged_data():
    assert rejected(crc_bytes()) == MSG_CORRUPT


def test_it_refuses_a_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert rejected(out.getvalue()) == MSG_CORRUPT


def test_it_refuses_xml_entities():
    data = entity_bytes()
    check_xlsx(data)  # the package itself is well formed; the XML parser refuses it
    with pytest.raises(UploadRejected) as info:
        list(read_xlsx_rows(data))
    assert info.value.message == MSG_XML


def test_it_ignores_a_hostile_sheet_dimension():
    def change(name, content):
        if name == SHEET:
            return content.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:XFD1048576"')
        return content

    data = rezip(xlsx_bytes(), change=change)
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert [n for n, _ in read_xlsx_rows(data)] == [1, 2]


def test_it_caps_the_number_of_rows():
    data = xlsx_bytes([(i,) for i in range(1, 12)])
    assert len(list(read_xlsx_rows(data, max_rows=11))) == 11
    with pytest.raises(UploadRejected, match="10 行上限"):
        list(read_xlsx_rows(data, max_rows=10))


def test_it_reads_a_named_sheet_and_refuses_a_missing_one():
    workbook = Workbook()
    workbook.active.append(["first"])
    workbook.create_sheet("名册").append(["second"])
    out = io.BytesIO()
    workbook.save(out)
    assert list(read_xlsx_rows(out.getvalue(), sheet="名册")) == [(1, ["second"])]
    with pytest.raises(UploadRejected, match="没有名为“其他”的工作表"):
        read_xlsx_rows(out.getvalue(), sheet="其他")


# ---------------------------------------------------------------- csv and text


def test_it_decodes_utf8_with_a_bom():
    assert decode_csv("\ufeff姓名,身份证号\n张三,1".encode()) == "姓名,身份证号\n张三,1"


def test_it_decodes_utf8_without_a_bom():
    assert decode_csv("姓名\n张三".encode()) == "姓名\n张三"


def test_it_decodes_gb18030():
    text = "姓名,民族\n张三,汉族\n𠀀"  # the last character exists only in GB18030, not GBK
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_csv(data) == text


def test_it_decodes_utf16_with_a_bom():
    assert decode_csv("\ufeff姓名\t张三".encode("utf-16-le")) == "姓名\t张三"


def test_it_refuses_undecodable_bytes():
    with pytest.raises(UploadRejected) as info:
        decode_csv(b"name\n\x80\xff\x80")
    assert info.value.message == MSG_ENCODING


def test_it_refuses_binary_content_as_csv():
    with pytest.raises(UploadRejected) as info:
        decode_csv(png_bytes())
    assert info.value.message in (MSG_BINARY, MSG_ENCODING)


def test_it_normalises_full_width_digits_and_x():
    assert normalise_digits("１１０１０５１９４９１００１００２ｘ") == "11010519491001002x"
    assert normalise_digits("Ｘ１９９８．０７") == "X1998.07"
    assert normalise_digits("张三") == "张三"
