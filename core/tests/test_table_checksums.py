"""table_checksums against digests worked out by hand over a tiny SQLite table.

The documented format (core/backup.py): each row is its columns as text (a BLOB as hex, NULL
as nothing) joined by U+001F and ended by U+001E, UTF-8; the table's checksum is the sum of
the rows' SHA-256 values modulo 2^256, so row order does not matter.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from django.conf import settings
from django.db import connection

from core.backup import table_checksums

ROW_1 = "1\x1f甲\x1f00FF\x1e"  # (1, '甲', x'00ff'): the blob as upper-case hex, as SQLite writes it
ROW_2 = "2\x1f\x1f\x1e"  # (2, NULL, NULL): NULL is the empty string
# sha256(ROW_1) = baf6ff9aa6d0380fb79519e7ea3aa2a9a2f1e55fb73de44f885600434388f996
# sha256(ROW_2) = 8e4798b516aed8ddc87d6fe318c4cfd9eb43784d3f8b4822404a7bb24305c9f4
# Their sum overflows 2^256 (0xba… + 0x8e… > 0xff…), so the carry is dropped:
BOTH = "493e984fbd7f10ed801289cb02ff72838e355dacf6c92c71c8a07bf5868ec38a"


def tiny(rows: list[tuple[object, ...]]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE people (id INTEGER, name TEXT, photo BLOB)")
    conn.execute("CREATE TABLE empty (id INTEGER)")
    conn.executemany("INSERT INTO people VALUES (?, ?, ?)", rows)
    return conn


def test_it_sums_the_row_digests_modulo_2_256() -> None:
    conn = tiny([(1, "甲", b"\x00\xff"), (2, None, None)])
    by_hand = sum(
        int.from_bytes(hashlib.sha256(row.encode()).digest(), "big") for row in (ROW_1, ROW_2)
    ) % (1 << 256)
    assert f"{by_hand:064x}" == BOTH
    assert table_checksums(conn) == {
        "empty": {"rows": 0, "sha256": "0" * 64},
        "people": {"rows": 2, "sha256": BOTH},
    }


def test_it_is_the_row_digest_itself_for_one_row() -> None:
    conn = tiny([(2, None, None)])
    assert table_checksums(conn)["people"] == {
        "rows": 1,
        "sha256": "8e4798b516aed8ddc87d6fe318c4cfd9eb43784d3f8b4822404a7bb24305c9f4",
    }


def test_it_does_not_depend_on_row_order_but_on_every_value() -> None:
    assert table_checksums(tiny([(2, None, None), (1, "甲", b"\x00\xff")]))["people"] == {
        "rows": 2,
        "sha256": BOTH,
    }
    # 甲 → 乙 in one cell changes the digest; a NULL and an empty string read the same.
    assert (
        table_checksums(tiny([(1, "乙", b"\x00\xff"), (2, None, None)]))["people"]["sha256"] != BOTH
    )
    assert (
        table_checksums(tiny([(1, "甲", b"\x00\xff"), (2, "", None)]))["people"]["sha256"] == BOTH
    )


# PostgreSQL casts every column to text: a bytea reads back as \x and lower-case hex.
PG_ROW_1 = "1\x1f甲\x1f\\x00ff\x1e"
# sha256(PG_ROW_1) = 016a70acfa0612830cb47cbcc42e0d1472adb5e9d36147a87caca07ea10fc36d
PG_BOTH = "8fb2096210b4eb60d531ec9fdcf2dcee5df12e3712ec8fcabcf71c30e4158d61"


@pytest.mark.django_db
def test_it_sums_the_same_way_over_a_postgresql_connection() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL connection of its own")
    import psycopg

    db = settings.DATABASES["default"]
    user = db["USER"] or "postgres"
    scratch = f"{db['NAME']}_checksums"
    admin = psycopg.connect(host="127.0.0.1", user=user, dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
    admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        with psycopg.connect(host="127.0.0.1", user=user, dbname=scratch) as conn:
            conn.execute("CREATE TABLE people (id INTEGER, name TEXT, photo BYTEA)")
            conn.execute("CREATE TABLE empty (id INTEGER)")
            conn.execute("INSERT INTO people VALUES (1, '甲', '\\x00ff'::bytea), (2, NULL, NULL)")
            by_hand = sum(
                int.from_bytes(hashlib.sha256(row.encode()).digest(), "big")
                for row in (PG_ROW_1, ROW_2)
            ) % (1 << 256)
            assert f"{by_hand:064x}" == PG_BOTH
            assert table_checksums(conn) == {
                "empty": {"rows": 0, "sha256": "0" * 64},
                "people": {"rows": 2, "sha256": PG_BOTH},
            }
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.close()
