"""Attachments are judged by content: accepted types pass (images re-encoded), others refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from core.attachments import MSG_MACRO, MSG_TOO_LARGE, MSG_TYPE, check_attachment
from core.upload import UploadRejected
from zugong.testing import tiny_pdf

PDF = tiny_pdf()


def png(extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(out, "PNG")
    return out.getvalue() + extra


def ooxml(folder: str, macro: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{folder}/document.xml", "<x/>")
        if macro:
            z.writestr(f"{folder}/vbaProject.bin", b"\0")
    return out.getvalue()


def test_it_accepts_pdf_images_and_office_files_by_content() -> None:
    assert check_attachment("纪要.pdf", PDF).content_type == "application/pdf"
    image = check_attachment("公示截图.png", png(extra=b"<script>hidden</script>"))
    assert image.content_type == "image/png"
    assert b"<script>" not in image.data  # re-encoded: nothing after the image survives
    assert check_attachment("考察材料.docx", ooxml("word")).name == "考察材料.docx"
    assert check_attachment("票数.xlsx", ooxml("xl")).name == "票数.xlsx"


def test_it_names_the_file_by_its_real_type_and_drops_path_tricks() -> None:
    assert check_attachment("../../etc/passwd.pdf", PDF).name == "passwd.pdf"
    assert check_attachment("C:\\票\\统计.exe", PDF).name == "统计.pdf"
    assert check_attachment('a<b>:"c|.png', png()).name == "a_b_c_.png"
    assert check_attachment("\x00\u202e报告.pdf", PDF).name == "报告.pdf"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00 executable", MSG_TYPE),
        (b"<html><script>alert(1)</script>", MSG_TYPE),
        (ooxml("word", macro=True), MSG_MACRO),
        (b"PK\x03\x04 not really a zip", "文件已损坏，无法识别"),
        (b"%PDF-1.4 truncated", "文件已损坏，无法识别"),
        (b"", "文件为空"),
    ],
)
def test_it_refuses_other_types_macros_and_damaged_files(data: bytes, message: str) -> None:
    with pytest.raises(UploadRejected) as info:
        check_attachment("x.pdf", data)
    assert info.value.message == message


def test_it_refuses_a_file_too_large() -> None:
    with pytest.raises(UploadRejected) as info:
        check_attachment("大.pdf", PDF + b"0" * (1024 * 1024), max_bytes=1024 * 1024)
    assert info.value.message == MSG_TOO_LARGE.format(limit=1) == "附件超过 1 MB 上限"


# ---------------------------------------------------------------- hostile files (issue 12)


def test_an_html_body_behind_a_pdf_header_is_refused() -> None:
    html = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n%%EOF\n"
    with pytest.raises(UploadRejected, match="文件已损坏，无法识别"):
        check_attachment("纪要.pdf", html)
    # A real one passes, with more than one page too.
    assert check_attachment("纪要.pdf", PDF).data == PDF


def test_an_office_zip_bomb_is_refused_before_it_is_stored() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<x/>")
        z.writestr("xl/bomb.xml", b"0" * (210 * 1024 * 1024))  # 210 MB of zeros, ~200 KB zipped
    bomb = out.getvalue()
    assert len(bomb) < 1024 * 1024
    with pytest.raises(UploadRejected, match="疑似压缩炸弹"):
        check_attachment("台账.xlsx", bomb)


def test_a_huge_canvas_is_refused_from_its_header_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (8_900, 8_900), 0).save(out, "PNG")  # 79 megapixels in a few KB
    with pytest.raises(UploadRejected, match=r"图片像素过大（8900×8900，上限 2500 万像素）"):
        check_attachment("照片.png", out.getvalue())
