"""Backup and restore: a restore reproduces every table, and a damaged backup is refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase

from accounts.models import User
from audit.models import AuditEvent
from core.backup import BackupError, compare, restore_backup, table_checksums
from core.permissions import Role
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.services import unit_create, unit_create_root
from zugong.testing import build_tree, make_user


class BackupRestoreTests(TransactionTestCase):
    serialized_rollback = True  # the code tables loaded by migrations survive the flush

    @classmethod
    def _fixture_setup(cls) -> None:
        # A TransactionTestCase run before this one ends with a flush that runs post_migrate,
        # which puts back content types, permissions and the alert catalogue; the copy that
        # serialized_rollback restores holds them too (duplicate keys on PostgreSQL). Start
        # from empty tables, as serialized_rollback expects.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        super()._fixture_setup()

    def setUp(self):
        self.root = unit_create_root(
            name="测试县委", code="T000", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COUNTY
        )
        self.clerk = make_user("clerk", Role.CADRE_CLERK, self.root)
        self.units = build_tree(self.clerk, self.root)

    def add_village(self) -> None:
        unit_create(
            acting_user=self.clerk,
            parent=self.units["a"],
            name="甲镇新村",
            code="TA09",
            kind=UnitKind.VILLAGE,
            level=UnitLevel.NONE,
        )

    def backup(self, tmp: Path) -> Path:
        call_command("backup", out=str(tmp), stdout=StringIO())
        [folder] = list(tmp.iterdir())
        return folder

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path

    def test_it_writes_a_manifest_of_every_table(self):
        folder = self.backup(self.tmp)
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        assert manifest["tables"]["orgs_unit"]["rows"] == Unit.objects.count() == 6
        # Row counts by an independent route (the ORM), not by table_checksums.
        assert manifest["tables"]["audit_auditevent"]["rows"] == AuditEvent.objects.count() > 0
        assert manifest["tables"]["accounts_user"]["rows"] == User.objects.count() == 1
        assert manifest["tables"] == table_checksums(connection.connection)
        assert (folder / ("db.sqlite3" if connection.vendor == "sqlite" else "db.pgdump")).exists()

    def test_it_detects_any_difference_between_manifests(self):
        before = table_checksums(connection.connection)
        self.add_village()
        problems = compare(before, table_checksums(connection.connection))
        assert any(p.startswith("orgs_unit：行数不符") for p in problems)
        assert any(p.startswith("audit_auditevent") for p in problems)

    def test_it_restores_the_backup_over_later_changes(self):
        if connection.vendor != "sqlite":
            pytest.skip("restoring over the live test database is exercised on SQLite only")
        folder = self.backup(self.tmp)
        self.add_village()
        with pytest.raises(BackupError, match="已有数据"):
            restore_backup(folder)
        restore_backup(folder, force=True)
        assert not Unit.objects.filter(code="TA09").exists()
        assert Unit.objects.count() == 6

    def test_it_refuses_a_backup_whose_content_was_changed(self):
        if connection.vendor != "sqlite":
            pytest.skip("restoring over the live test database is exercised on SQLite only")
        folder = self.backup(self.tmp)
        manifest_path = folder / "manifest.json"
        manifest = json.loads(manifest_path.read_text("utf-8"))
        manifest["tables"]["orgs_unit"]["sha256"] = "0" * 64
        manifest_path.write_text(json.dumps(manifest), "utf-8")
        with pytest.raises(CommandError, match="orgs_unit：内容校验值不符"):
            call_command("restore", str(folder), force=True)

    def test_it_restores_a_postgresql_dump_into_an_empty_database(self):
        if connection.vendor != "postgresql":
            pytest.skip("pg_dump / pg_restore need PostgreSQL")
        folder = self.backup(self.tmp)
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        db = settings.DATABASES["default"]
        scratch = f"{db['NAME']}_restore"
        admin = psycopg.connect(
            host="127.0.0.1", user=db["USER"] or "postgres", dbname="postgres", autocommit=True
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            subprocess.run(  # noqa: S603 (fixed argument list)
                [
                    shutil.which("pg_restore") or "pg_restore",
                    "--host",
                    "127.0.0.1",
                    "--username",
                    db["USER"] or "postgres",
                    "--no-owner",
                    "--exit-on-error",
                    "--dbname",
                    scratch,
                    str(folder / "db.pgdump"),
                ],
                check=True,
                capture_output=True,
            )
            with psycopg.connect(
                host="127.0.0.1", user=db["USER"] or "postgres", dbname=scratch
            ) as restored:
                assert compare(manifest["tables"], table_checksums(restored)) == []
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
            admin.close()
