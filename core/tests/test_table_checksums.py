"""table_checksums against digests worked out by hand over a tiny SQLite table.

The documented format (core/backup.py): each row is its columns as text (a BLOB as hex, NULL
as nothing) joined by U+001F and ended by U+001E, UTF-8; the table's checksum is the sum of
the rows' SHA-256 values modulo 2^256, so row order does not matter.
"""

from __future__ import annotations

import hashlib
import sqlite3

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
