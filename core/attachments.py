"""Checking uploaded attachments (docs/security.md, "Bad input": photos and attachments).

The type is judged by content, never by the name: PDF by a real parser (pypdf) that must read
its pages, JPEG and PNG by Pillow (the size read from the header and refused above
ZUGONG_MAX_IMAGE_PIXELS before anything is decoded, then re-encoded, which drops anything
hidden after the image and its metadata), Word and Excel files (.docx/.xlsx) as OOXML
packages without macros, with the same zip-bomb guard as the imports (core/upload.py). The
stored name is the uploader's base name cleaned of path parts and control characters, with
the extension of the detected type; the file itself is stored as bytes and served only as a
download (``nosniff``).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from core.upload import MSG_CORRUPT, UploadRejected, check_zip_package

MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * MB
NAME_MAX = 120
MSG_EMPTY = "文件为空"
MSG_TOO_LARGE = "附件超过 {limit} MB 上限"
MSG_TYPE = "只接受 PDF、图片（JPG、PNG）或 Word、Excel 文件（.docx、.xlsx）"
MSG_MACRO = "不接受含宏的文档"
MSG_DAMAGED = "文件已损坏，无法识别"
MSG_PIXELS = "图片像素过大（{width}×{height}，上限 {limit} 万像素），请缩小后上传"
MAX_PDF_PAGES = 2000

OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def check_attachment(
    name: str, data: bytes, *, max_bytes: int = MAX_ATTACHMENT_BYTES
) -> CheckedFile:
    """The accepted file (images re-encoded) or ``UploadRejected`` with the Chinese reason."""
    if not data:
        raise UploadRejected(MSG_EMPTY)
    if len(data) > max_bytes:
        raise UploadRejected(MSG_TOO_LARGE.format(limit=max_bytes // MB))
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return CheckedFile(_clean_name(name, "pdf"), "application/pdf", data)
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return _image(name, data)
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(name, data)
    raise UploadRejected(MSG_TYPE)


def check_image_size(image: Image.Image) -> None:
    """Refuse an opened (not yet decoded) image larger than ZUGONG_MAX_IMAGE_PIXELS: a small
    file can declare a huge canvas, and decoding it would take seconds and hundreds of MB.
    Checked per call from the header, never by changing Pillow's process-wide limit."""
    limit = settings.ZUGONG_MAX_IMAGE_PIXELS
    width, height = image.size
    if width * height > limit:
        raise UploadRejected(
            MSG_PIXELS.format(width=width, height=height, limit=f"{limit / 10_000:g}")
        )


def _check_pdf(data: bytes) -> None:
    """A PDF whose pages a real parser reads; a header in front of anything else (HTML, a
    script) is refused."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%%EOF" not in data[-2048:]:
        raise UploadRejected(MSG_DAMAGED)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings are not ours
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRejected("不接受加密的 PDF 文件")
        pages = len(reader.pages)
        if not 1 <= pages <= MAX_PDF_PAGES:
            raise UploadRejected(MSG_DAMAGED)
        reader.pages[0].mediabox  # noqa: B018 - reading the first page proves it parses
    except UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise UploadRejected(MSG_DAMAGED) from exc


def _image(name: str, data: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
            check_image_size(image)
            image.load()
            kind = image.format
            out = io.BytesIO()
            if kind == "PNG":
                image.save(out, "PNG")
            else:
                image.convert("RGB").save(out, "JPEG", quality=90)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRejected(MSG_DAMAGED) from exc
    if kind == "PNG":
        return CheckedFile(_clean_name(name, "png"), "image/png", out.getvalue())
    return CheckedFile(_clean_name(name, "jpg"), "image/jpeg", out.getvalue())


def _ooxml(name: str, data: bytes) -> CheckedFile:
    try:
        names = [n.lower() for n in check_zip_package(data)]
    except UploadRejected as exc:
        if exc.message == MSG_CORRUPT:  # the imports' wording names Excel
            raise UploadRejected(MSG_DAMAGED) from exc
        raise
    if "[content_types].xml" not in names:
        raise UploadRejected(MSG_TYPE)
    if any(n.endswith("vbaproject.bin") for n in names):
        raise UploadRejected(MSG_MACRO)
    for prefix, (extension, content_type) in OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return CheckedFile(_clean_name(name, extension), content_type, data)
    raise UploadRejected(MSG_TYPE)


_UNSAFE = re.compile(r'[\\/:*?"<>|]+')


def _clean_name(name: str, extension: str) -> str:
    """The uploader's base name without path parts, control characters or reserved signs,
    ending in the extension of the detected type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .") or "附件"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[: NAME_MAX - len(extension) - 1] or "附件"
    return f"{stem}.{extension}"
