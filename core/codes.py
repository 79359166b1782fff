"""Loading the standard code tables from ``core/data/codes/*.csv`` (idempotent)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from core.choices import CodeTable

DATA_DIR = Path(__file__).resolve().parent / "data" / "codes"
BASE_COLUMNS = ("code", "name", "pinyin_initials", "parent")


def read_table(table: CodeTable | str) -> list[dict[str, Any]]:
    """Rows of one CSV as dicts ready for ``Code``; extra columns go into ``extra``."""
    path = DATA_DIR / f"{CodeTable(table).value}.csv"
    rows: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for order, row in enumerate(csv.DictReader(handle)):
            extra = {k: v for k, v in row.items() if k not in BASE_COLUMNS and v not in ("", None)}
            code = row["code"].strip()
            if code in rows:
                # The editor's ZB01 lists 530821 twice (云南普洱, renamed 云南宁洱 in 2007):
                # the later name wins and earlier names stay searchable as aliases.
                previous = rows[code]
                extra["aliases"] = [*previous["extra"].get("aliases", []), previous["name"]]
                order = previous["order"]
            rows[code] = {
                "code": code,
                "name": row["name"].strip(),
                "pinyin_initials": (row.get("pinyin_initials") or "").strip(),
                "parent_code": (row.get("parent") or "").strip(),
                "order": order,
                "extra": extra,
            }
    return list(rows.values())


def load_code_tables(code_model: Any) -> int:
    """Insert or update every table; returns the number of rows written.

    Takes the model as an argument so data migrations can pass their historical model.
    """
    written = 0
    for table in CodeTable:
        existing = {c.code: c for c in code_model.objects.filter(table=table.value)}
        new, changed = [], []
        for row in read_table(table):
            current = existing.get(row["code"])
            if current is None:
                new.append(code_model(table=table.value, **row))
                continue
            if any(getattr(current, key) != value for key, value in row.items()):
                for key, value in row.items():
                    setattr(current, key, value)
                changed.append(current)
        code_model.objects.bulk_create(new, batch_size=500)
        if changed:
            code_model.objects.bulk_update(
                changed,
                ["name", "pinyin_initials", "parent_code", "order", "extra"],
                batch_size=500,
            )
        written += len(new) + len(changed)
    from core.selectors import clear_code_cache  # selectors import the model; codes must not

    clear_code_cache()
    return written
