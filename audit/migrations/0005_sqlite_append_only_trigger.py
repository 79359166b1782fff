"""SQLite refuses UPDATE and DELETE on the audit log too (PostgreSQL since 0002).

``manage.py flush`` lifts the triggers for its own transaction only (audit/triggers.py).
"""

from django.db import migrations

from audit.triggers import sqlite_create, sqlite_drop


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            sqlite_create(cursor)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            sqlite_drop(cursor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_integrity_failure_action")]
    operations = [migrations.RunPython(forwards, backwards)]
