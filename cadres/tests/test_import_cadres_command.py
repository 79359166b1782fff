"""manage.py import_cadres: the Excel roster import from the command line."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from cadres.models import Cadre
from cadres.tests.test_excel_import import ImportTestCase, person, xlsx
from core.tests import test_upload as bad


class ImportCadresCommandTests(ImportTestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def write(self, data: bytes, name: str = "名册.xlsx") -> str:
        path = Path(self.tmp.name) / name
        path.write_bytes(data)
        return str(path)

    def run_command(self, path: str, *args: str, user: str = "clerk", unit: str = "TA00"):
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "import_cadres", path, "--user", user, "--unit", unit, *args, stdout=out, stderr=err
        )
        return out.getvalue(), err.getvalue()

    def test_it_imports_a_roster_and_prints_a_chinese_summary(self):
        out, err = self.run_command(self.write(xlsx([person(1), person(2)])))
        assert "导入完成：新增 2 人，更新 0 人，未变 0 人，错误 0 行" in out
        assert "检查：2/2" in err
        assert "写入：2/2" in err
        assert Cadre.objects.count() == 2
        summary = AuditEvent.objects.get(object_type="cadres.import")
        assert summary.channel == "cli"
        assert summary.actor == self.clerk

    def test_it_reports_unchanged_rows_when_run_twice(self):
        path = self.write(xlsx([person(1), person(2)]))
        self.run_command(path)
        before = (Cadre.objects.count(), AuditEvent.objects.count())
        out, _ = self.run_command(path)
        assert "新增 0 人，更新 0 人，未变 2 人，错误 0 行" in out
        assert (Cadre.objects.count(), AuditEvent.objects.count()) == before

    def test_it_writes_nothing_on_a_dry_run(self):
        before = self.counts()
        out, _ = self.run_command(self.write(xlsx([person(1)])), "--dry-run")
        assert "检查完成（未写入）：新增 1 人" in out
        assert self.counts() == before

    def test_it_fails_on_rows_in_error_and_lists_them(self):
        before = self.counts()
        path = self.write(xlsx([person(1), person(2, 民族="火星族")]))
        with pytest.raises(CommandError, match="文件中有 1 行错误") as info:
            self.run_command(path)
        assert "未写入任何数据" in str(info.value)
        assert self.counts() == before
        with pytest.raises(CommandError, match="正式导入前请修正"):
            self.run_command(path, "--dry-run")

    def test_it_lists_the_rows_in_error(self):
        out = io.StringIO()
        path = self.write(xlsx([person(1), person(2, 民族="火星族")]))
        with pytest.raises(CommandError):
            call_command(
                "import_cadres",
                path,
                "--user",
                "clerk",
                "--unit",
                "TA00",
                stdout=out,
                stderr=io.StringIO(),
            )
        assert f"第 3 行 {person(2)['姓名']}" in out.getvalue()
        assert "民族“火星族”不在代码表中" in out.getvalue()

    def test_it_skips_rows_in_error_when_asked(self):
        path = self.write(xlsx([person(1), person(2, 民族="火星族")]))
        out, _ = self.run_command(path, "--skip-errors")
        assert "新增 1 人，更新 0 人，未变 0 人，错误 1 行" in out
        assert Cadre.objects.count() == 1

    def test_it_fails_on_a_refused_file(self):
        before = self.counts()
        for data in (bad.png_bytes(), bad.macro_bytes(), bad.ole_bytes()):
            with pytest.raises(CommandError, match="文件被拒绝"):
                self.run_command(self.write(data))
        assert self.counts() == before

    def test_it_fails_on_an_unknown_user_unit_or_file(self):
        path = self.write(xlsx([person(1)]))
        with pytest.raises(CommandError, match="用户“ghost”不存在"):
            self.run_command(path, user="ghost")
        with pytest.raises(CommandError, match="单位代码“NOPE”不存在"):
            self.run_command(path, unit="NOPE")
        with pytest.raises(CommandError, match="文件不存在"):
            self.run_command(path + ".missing")

    def test_it_refuses_a_user_without_rights_on_the_unit(self):
        with pytest.raises(CommandError, match="无权操作"):
            self.run_command(self.write(xlsx([person(1)])), user="outsider_b")
        assert not Cadre.objects.exists()
