"""Uploaded files held between an import's preview and its confirmation.

The preview shows what a file would do; the confirmation re-reads the same bytes (never a
second upload that could differ). Files sit under ``STAGING_ROOT`` with random names, are
bound to the uploading user, and are removed when confirmed, cancelled or a day old.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600


def _root() -> Path:
    root = Path(settings.STAGING_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _sweep(root: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for item in root.glob("*.bin"):
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
        except FileNotFoundError:
            pass


def stage(*, user: Any, data: bytes, name: str) -> str:
    """Keep ``data`` for ``user``; returns the token that names it."""
    root = _root()
    _sweep(root)
    token = secrets.token_urlsafe(18)
    path = root / f"{token}.bin"
    path.write_bytes(data)
    # The age is read back from the file's mtime and compared with time.time(): stamp it with
    # that same clock, not the file system's (they differ under a test clock, or a restore).
    now = time.time()
    os.utime(path, (now, now))
    (root / f"{token}.meta").write_text(f"{user.pk}\n{name}\n{hashlib.sha256(data).hexdigest()}")
    return token


def load(*, user: Any, token: str) -> tuple[bytes, str] | None:
    """The staged bytes and original file name, or None when missing, expired or not the user's."""
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        return None
    root = _root()
    meta, data = root / f"{token}.meta", root / f"{token}.bin"
    try:
        owner, name, digest = meta.read_text().split("\n", 2)
        content = data.read_bytes()
    except (FileNotFoundError, ValueError):
        return None
    if owner != str(user.pk) or hashlib.sha256(content).hexdigest() != digest:
        return None
    if data.stat().st_mtime < time.time() - MAX_AGE_SECONDS:
        return None
    return content, name


def discard(token: str) -> None:
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        return
    for suffix in (".bin", ".meta"):
        (_root() / f"{token}{suffix}").unlink(missing_ok=True)
