"""Bulk inserts for the import paths: PostgreSQL ``COPY`` where it pays, ``bulk_create`` elsewhere.

Django's ``bulk_create`` on PostgreSQL sends each column as one array (``UNNEST``); psycopg
builds those array literals in Python, escaping every quote of every value with a regular
expression. For rows with JSON payloads (audit events, 2,000 per Excel file) that escaping
took most of the insert (270 ms of a 2,000-row import). ``COPY … FROM STDIN`` formats rows in
psycopg's C code and is the server's fastest way in.

``copy_insert`` keeps ``bulk_create``'s contract for what the callers use: objects get their
primary keys (drawn from the table's sequence first, so children can point at them), their
``auto_now``/``auto_now_add`` values, and ``_state`` of saved rows. It runs inside the caller's
transaction like any other statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

COPY_THRESHOLD = 50  # below this a plain bulk_create is as fast and simpler


def copy_insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (all new) into ``model``'s table; sets their primary keys."""
    if not objs:
        return
    if connection.vendor != "postgresql" or len(objs) < COPY_THRESHOLD:
        model._default_manager.bulk_create(list(objs), batch_size=1000)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None  # noqa: S101 (every concrete model has one)
    missing = [o for o in objs if o.pk is None]
    if missing:
        _allocate_pks(meta.db_table, str(pk.column), missing)
    fields = [f for f in meta.concrete_fields if f.column]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([_value(f, obj) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _value(field: models.Field[Any, Any], obj: models.Model) -> Any:
    value = field.pre_save(obj, add=True)  # auto_now(_add) set here, as save() would
    return field.get_db_prep_save(value, connection)


def _allocate_pks(table: str, column: str, objs: Sequence[models.Model]) -> None:
    """Draw ``len(objs)`` ids from the column's sequence in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
