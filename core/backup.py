"""Backup and restore of the database and media, with a manifest to prove a restore.

A backup is a folder ``zugong-YYYYmmdd-HHMMSS/`` holding:

* ``db.sqlite3`` (SQLite online backup API: consistent while the site runs) or ``db.pgdump``
  (``pg_dump --format=custom``);
* ``media.tar.gz`` when there are uploaded files;
* ``manifest.json``: row count and SHA-256 of every table, read in primary-key order from
  the raw columns (ciphertext stays ciphertext, so the manifest reveals nothing).

``restore`` loads a backup into the configured, empty database and recomputes the manifest:
the restore is accepted only when every table's count and checksum match (docs/security.md,
"Reliability").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot be done safely (message in Chinese)."""


def _tables(conn: Any) -> list[str]:
    """User tables of a DB-API connection, sorted."""
    if isinstance(conn, sqlite3.Connection):
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    else:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            rows = cursor.fetchall()
    return sorted(r[0] for r in rows)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_checksums(conn: Any) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` of every table of a DB-API connection.

    The checksum is a multiset hash (sum of row SHA-256 values modulo 2^256), so it needs no
    ORDER BY and does not depend on the restored database's collation.
    """
    result: dict[str, dict[str, Any]] = {}
    for table in _tables(conn):
        total = 0
        count = 0
        cursor = conn.cursor()
        cursor.execute(f"SELECT {_columns(conn, table)} FROM {_quote(table)}")  # noqa: S608
        while batch := cursor.fetchmany(2000):
            for row in batch:
                total += int.from_bytes(hashlib.sha256(_row_bytes(row)).digest(), "big")
                count += 1
        cursor.close()
        result[table] = {"rows": count, "sha256": f"{total % (1 << 256):064x}"}
    return result


def _columns(conn: Any, table: str) -> str:
    """The select list: every column cast to text, so the same bytes come back whatever
    type adapters the connection has (Django's convert dates, JSON and booleans, a plain
    one does not). PostgreSQL renders timestamptz in the session time zone: Django's
    sessions use UTC, and a plain connection must ``SET TIME ZONE 'UTC'`` to compare."""
    if isinstance(conn, sqlite3.Connection):
        info = list(conn.execute(f"PRAGMA table_info({_quote(table)})"))
        # A BLOB (photos) cast to TEXT is not valid UTF-8 and cannot be read back: hex it.
        return ", ".join(
            f"hex({_quote(row[1])})"
            if str(row[2]).upper() == "BLOB"
            else f"CAST({_quote(row[1])} AS TEXT)"
            for row in info
        )
    else:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND table_schema = current_schema() ORDER BY ordinal_position",
                [table],
            )
            names = [row[0] for row in cursor.fetchall()]
    return ", ".join(f"CAST({_quote(n)} AS TEXT)" for n in names)


def _row_bytes(row: tuple[Any, ...]) -> bytes:
    parts = []
    for value in row:
        if isinstance(value, memoryview | bytes | bytearray):
            parts.append(bytes(value).hex())
        elif isinstance(value, dt.datetime):
            parts.append(
                value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
            )
        elif isinstance(value, bool):
            parts.append("1" if value else "0")
        elif isinstance(value, dict | list):
            parts.append(json.dumps(value, sort_keys=True, ensure_ascii=False))
        else:
            parts.append("" if value is None else str(value))
    return ("\x1f".join(parts) + "\x1e").encode()


def _run_pg(tool: str, *arguments: str) -> None:
    """Run pg_dump / pg_restore against the configured server; a failure is a BackupError."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"找不到 {tool}：请安装与服务器版本一致的 PostgreSQL 客户端")
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    server = [
        "--host",
        str(db.get("HOST") or "127.0.0.1"),
        "--port",
        str(db.get("PORT") or 5432),
        "--username",
        str(db.get("USER") or "postgres"),
    ]
    done = subprocess.run(  # noqa: S603 (fixed argument list, no shell)
        [path, *server, *arguments, "--no-owner"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} 失败：" + done.stderr.strip()[-500:])


def create_backup(out_dir: Path) -> Path:
    """Write a new backup folder under ``out_dir`` and return it."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = out_dir / f"zugong-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    connection.ensure_connection()
    vendor = connection.vendor
    if vendor == "sqlite":
        dest = sqlite3.connect(target / "db.sqlite3")
        with dest:
            connection.connection.backup(dest)
        checks = table_checksums(dest)
        dest.close()
    elif vendor == "postgresql":
        name = str(settings.DATABASES["default"]["NAME"])
        # The dump and the manifest must describe the same moment: export this transaction's
        # snapshot, let pg_dump use it, and checksum inside the same transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run_pg(
                "pg_dump",
                "--format=custom",
                f"--snapshot={snapshot}",
                "--file",
                str(target / "db.pgdump"),
                name,
            )
            checks = table_checksums(connection.connection)
    else:
        raise BackupError(f"不支持的数据库类型：{vendor}")
    media = Path(settings.MEDIA_ROOT)
    has_media = media.exists() and any(media.iterdir())
    if has_media:
        with tarfile.open(target / "media.tar.gz", "w:gz") as tar:
            tar.add(media, arcname="media")
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "media": has_media,
        "tables": checks,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
    return target


def read_manifest(backup: Path) -> dict[str, Any]:
    path = backup / MANIFEST
    if not path.exists():
        raise BackupError(f"{backup} 不是备份目录（缺少 {MANIFEST}）")
    manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("备份格式版本不符")
    return manifest


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Differences between two checksum maps, in Chinese; empty when identical."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"{table}：备份中没有这张表")
        elif got is None:
            problems.append(f"{table}：恢复后缺少这张表")
        elif want["rows"] != got["rows"]:
            problems.append(f"{table}：行数不符（备份 {want['rows']}，恢复后 {got['rows']}）")
        elif want["sha256"] != got["sha256"]:
            problems.append(f"{table}：内容校验值不符")
    return problems


def _database_is_empty() -> bool:
    """No unit yet: a fresh (possibly migrated) database."""
    if "orgs_unit" not in connection.introspection.table_names():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM orgs_unit")
        return bool(cursor.fetchone()[0] == 0)


def restore_backup(backup: Path, *, force: bool = False) -> dict[str, Any]:
    """Load ``backup`` into the configured database (and media), then verify the manifest.

    Refuses a database that already holds units unless ``force``. Returns the recomputed
    checksums; raises ``BackupError`` listing every mismatch.
    """
    manifest = read_manifest(backup)
    connection.ensure_connection()
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"备份来自 {manifest['vendor']}，当前数据库是 {connection.vendor}")
    if not force and not _database_is_empty():
        raise BackupError("目标数据库已有数据；确认要覆盖时加 --force")
    if connection.vendor == "sqlite":
        source = sqlite3.connect(backup / "db.sqlite3")
        with source:
            source.backup(connection.connection)
        source.close()
        actual = table_checksums(connection.connection)
    else:
        name = str(settings.DATABASES["default"]["NAME"])
        connection.close()
        _run_pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            "--dbname",
            name,
            str(backup / "db.pgdump"),
        )
        connection.ensure_connection()
        actual = table_checksums(connection.connection)
    if manifest.get("media"):
        media = Path(settings.MEDIA_ROOT)
        media.parent.mkdir(parents=True, exist_ok=True)
        if media.exists():
            shutil.rmtree(media)
        with tarfile.open(backup / "media.tar.gz", "r:gz") as tar:
            tar.extractall(media.parent, filter="data")
    problems = compare(manifest["tables"], actual)
    if problems:
        raise BackupError("恢复校验失败：" + "；".join(problems))
    return actual
