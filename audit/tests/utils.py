"""Helpers shared by the audit tests (not a test module)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from audit.models import AuditEvent
from audit.triggers import sqlite_drop

TRIGGER = "audit_auditevent_no_update_delete"
COLUMNS = (
    "seq, occurred_at, actor_id, actor_username, ip, request_id, channel, action, "
    "object_type, object_id, object_repr, changes, sensitive, prev_mac, mac"
)


def attacker_sql(sql: str, params: list[Any] | None = None) -> None:
    """Run raw SQL as someone with direct database access would.

    The append-only triggers are switched off first, as an attacker who owns the database
    would (the tests connect as a superuser on PostgreSQL); the test's transaction rolls the
    switch back (SQLite's DDL is transactional too).
    """
    with connection.cursor() as cursor:
        lift_append_only_triggers(cursor)
        cursor.execute(sql, params or [])


def lift_append_only_triggers(cursor: Any) -> None:
    """Inside a test's transaction only: it rolls back with the test."""
    assert connection.in_atomic_block, "only inside a transaction that rolls back"
    if connection.vendor == "postgresql":
        cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
    else:
        sqlite_drop(cursor)


def forge_copy(*, source_seq: int, seq: int, prev_mac: str, mac: str, repr_: str) -> None:
    """Insert a row copied from ``source_seq`` with a new seq, description and MACs."""
    attacker_sql(
        f"INSERT INTO audit_auditevent ({COLUMNS}) "  # noqa: S608 (constant column list)
        "SELECT %s, occurred_at, actor_id, actor_username, ip, request_id, channel, action, "
        "object_type, object_id, %s, changes, sensitive, %s, %s "
        "FROM audit_auditevent WHERE seq = %s",
        [seq, repr_, prev_mac, mac, source_seq],
    )


def chain() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("seq"))
