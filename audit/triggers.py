"""The database's own refusal of UPDATE and DELETE on the audit log (docs/security.md,
"Audit").

PostgreSQL: a trigger function (migration 0002); its flush is TRUNCATE, which row triggers do
not see. SQLite: two triggers (migration 0005); SQLite's flush is ``DELETE FROM``, which they
would refuse, so ``manage.py flush`` (audit/management/commands/flush.py, used by
``seed_demo --flush`` and by the test framework between transactional tests) drops them and
creates them again inside the flush's own transaction: no other connection ever sees the
table without them.
"""

from __future__ import annotations

from typing import Any

SQLITE_CREATE = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
    BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, '审计日志只能追加：禁止 UPDATE 操作');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, '审计日志只能追加：禁止 DELETE 操作');
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]


# The export subjects (audit.ExportSubject, migration 0006): the same refusal.
SUBJECT_SQLITE_CREATE = [
    """
    CREATE TRIGGER IF NOT EXISTS audit_exportsubject_no_update
    BEFORE UPDATE ON audit_exportsubject
    BEGIN
        SELECT RAISE(ABORT, '审计日志只能追加：禁止 UPDATE 操作');
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS audit_exportsubject_no_delete
    BEFORE DELETE ON audit_exportsubject
    BEGIN
        SELECT RAISE(ABORT, '审计日志只能追加：禁止 DELETE 操作');
    END
    """,
]
SUBJECT_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_exportsubject_no_update",
    "DROP TRIGGER IF EXISTS audit_exportsubject_no_delete",
]
# PostgreSQL: the log's trigger function (migration 0002) on the subjects table too.
SUBJECT_PG_CREATE = """
CREATE TRIGGER audit_exportsubject_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_exportsubject
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""
SUBJECT_PG_DROP = (
    "DROP TRIGGER IF EXISTS audit_exportsubject_no_update_delete ON audit_exportsubject;"
)
# The tables whose triggers ``manage.py flush`` lifts on SQLite for its own transaction.
APPEND_ONLY_TABLES = ("audit_auditevent", "audit_exportsubject")


def sqlite_drop(cursor: Any) -> None:
    for sql in SQLITE_DROP:
        cursor.execute(sql)


def sqlite_create(cursor: Any) -> None:
    for sql in SQLITE_CREATE:
        cursor.execute(sql)
