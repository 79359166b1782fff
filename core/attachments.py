"""Checking uploaded attachments (SECURITY.md "Bad input": photos and attachments).

The type is judged by content, never by the name: PDF by its header and end marker, JPEG and
PNG by Pillow (and re-encoded, which drops anything hidden after the image and its metadata),
Word and Excel files (.docx/.xlsx) as OOXML packages without macros. The stored name is the
uploader's base name cleaned of path parts and control characters, with the extension of the
detected type; the file itself is stored as bytes and served only as a download (``nosniff``).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from core.upload import UploadRejected

MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * MB
NAME_MAX = 120
MSG_EMPTY = "文件为空"
MSG_TOO_LARGE = "附件超过 {limit} MB 上限"
MSG_TYPE = "只接受 PDF、图片（JPG、PNG）或 Word、Excel 文件（.docx、.xlsx）"
MSG_MACRO = "不接受含宏的文档"
MSG_DAMAGED = "文件已损坏，无法识别"

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
        if b"%%EOF" not in data[-2048:]:
            raise UploadRejected(MSG_DAMAGED)
        return CheckedFile(_clean_name(name, "pdf"), "application/pdf", data)
    if data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")):
        return _image(name, data)
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(name, data)
    raise UploadRejected(MSG_TYPE)


def _image(name: str, data: bytes) -> CheckedFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
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
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n.lower() for n in archive.namelist()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRejected(MSG_DAMAGED) from exc
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
