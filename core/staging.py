"""Uploaded files held between an import's preview and its confirmation.

The preview shows what a file would do; the confirmation re-reads the same bytes (never a
second upload that could differ). Files sit under ``STAGING_ROOT`` with random names, are
bound to the uploading user, and are removed when confirmed, cancelled, refused by the
preview, or a day old.

An upload holds full ID numbers, so it is never on disk in plain text: the ``.bin`` (the
bytes) and the ``.meta`` (owner, original name, digest) are encrypted with the field key ring
(core/crypto.py, ZUGONG_FIELD_CIPHER), bound to their token, written 0600 in a 0700 folder
(docs/security.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from core.crypto import DecryptionError, decrypt_bytes, encrypt_bytes

MAX_AGE_SECONDS = 24 * 3600
SUFFIXES = (".bin", ".meta")


def _root() -> Path:
    root = Path(settings.STAGING_ROOT)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is cut by the umask and ignored for an existing folder: set it outright.
    if root.stat().st_mode & 0o777 != 0o700:
        root.chmod(0o700)
    return root


def _purpose(token: str, suffix: str) -> str:
    # A file renamed to another token, or a .meta swapped for a .bin, does not decrypt.
    return f"core.staging|{token}{suffix}"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)
    # The age is read back from the file's mtime and compared with time.time(): stamp it with
    # that same clock, not the file system's (they differ under a test clock, or a restore).
    now = time.time()
    os.utime(path, (now, now))


def _sweep(root: Path) -> None:
    """Remove every upload older than a day: its ``.bin`` and ``.meta`` together, and either
    one left on its own."""
    cutoff = time.time() - MAX_AGE_SECONDS
    tokens = {item.stem for suffix in SUFFIXES for item in root.glob(f"*{suffix}")}
    for token in tokens:
        paths = [root / f"{token}{suffix}" for suffix in SUFFIXES]
        ages = []
        for path in paths:
            with contextlib.suppress(FileNotFoundError):
                ages.append(path.stat().st_mtime)
        if ages and min(ages) < cutoff:
            for path in paths:
                path.unlink(missing_ok=True)


def stage(*, user: Any, data: bytes, name: str) -> str:
    """Keep ``data`` for ``user``; returns the token that names it."""
    root = _root()
    _sweep(root)
    token = secrets.token_urlsafe(18)
    meta = f"{user.pk}\n{name}\n{hashlib.sha256(data).hexdigest()}".encode()
    _write_private(root / f"{token}.bin", encrypt_bytes(data, purpose=_purpose(token, ".bin")))
    _write_private(root / f"{token}.meta", encrypt_bytes(meta, purpose=_purpose(token, ".meta")))
    return token


def _valid(token: str) -> bool:
    return bool(token) and all(c.isalnum() or c in "-_" for c in token)


def load(*, user: Any, token: str) -> tuple[bytes, str] | None:
    """The staged bytes and original file name, or None when missing, expired or not the user's."""
    if not _valid(token):
        return None
    root = _root()
    meta, data = root / f"{token}.meta", root / f"{token}.bin"
    try:
        if data.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
            return None
        text = decrypt_bytes(meta.read_bytes(), purpose=_purpose(token, ".meta")).decode()
        owner, name, digest = text.split("\n", 2)
        if owner != str(user.pk):
            return None
        content = decrypt_bytes(data.read_bytes(), purpose=_purpose(token, ".bin"))
    except (FileNotFoundError, ValueError, DecryptionError):
        return None
    if hashlib.sha256(content).hexdigest() != digest:
        return None
    return content, name


def discard(token: str) -> None:
    if not _valid(token):
        return
    for suffix in SUFFIXES:
        (_root() / f"{token}{suffix}").unlink(missing_ok=True)
