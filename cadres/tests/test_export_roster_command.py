"""export_roster: the roster as xlsx for a named user's scope, audited, formula-safe."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres import services
from zugong.testing import PersonaTestCase


class ExportRosterCommandTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for unit, name, expertise in (("a", "甲一", "=HYPERLINK(1)"), ("b", "乙一", "农业")):
            services.cadre_create(
                acting_user=cls.clerk,
                unit=cls.units[unit],
                name=name,
                sex="1",
                birth_date=dt.date(1980, 1, 1),
                expertise=expertise,
            )

    def export(self, *args: str) -> list[tuple]:
        out = Path(tempfile.mkdtemp()) / "roster.xlsx"
        call_command(
            "export_roster", "--out", str(out), *args, stdout=io.StringIO(), stderr=io.StringIO()
        )
        return list(load_workbook(out).worksheets[0].iter_rows(values_only=True))

    def test_it_exports_the_users_scope_with_chosen_columns(self) -> None:
        rows = self.export("--user", "clerk", "--columns", "name,unit,expertise")
        assert rows[0] == ("姓名", "所在单位", "熟悉专业有何专长")
        assert sorted(r[0] for r in rows[1:]) == ["乙一", "甲一"]
        # A formula-like value is written as text, never as a formula.
        assert ("甲一", "甲镇", "'=HYPERLINK(1)") in rows
        rows = self.export("--user", "clerk", "--unit", "TB00", "--columns", "name")
        assert rows[1:] == [("乙一",)]
        event = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("-seq").first()
        assert event is not None
        assert event.actor_username == "clerk"
        assert event.sensitive

    def test_it_refuses_users_without_the_export_permission_and_bad_columns(self) -> None:
        with pytest.raises(CommandError, match="没有导出"):
            self.export("--user", "liaison_a")
        with pytest.raises(CommandError, match="未知的列"):
            self.export("--user", "clerk", "--columns", "name,salary")
        with pytest.raises(CommandError, match="不存在"):
            self.export("--user", "nosuch")
