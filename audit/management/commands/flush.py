"""Django's ``flush``, able to empty the append-only audit table on SQLite.

SQLite's flush deletes rows (``DELETE FROM``), which the audit table's triggers refuse. On
SQLite this command drops them, flushes and creates them again from their stored definition
in one transaction, so the table is never without them outside this flush
(audit/triggers.py, docs/security.md).
PostgreSQL's flush is TRUNCATE, which its row trigger does not see: nothing changes there.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from audit.triggers import APPEND_ONLY_TABLES

TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        database = options.get("database") or DEFAULT_DB_ALIAS
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                saved = []
                for table in APPEND_ONLY_TABLES:
                    cursor.execute(TRIGGERS, [table])
                    saved.extend(cursor.fetchall())
                for name, _sql in saved:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            with connection.cursor() as cursor:
                for _name, sql in saved:
                    cursor.execute(sql)
        return None
