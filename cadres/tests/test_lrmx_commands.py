"""manage.py import_lrmx / export_lrmx, run through call_command on real files."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from audit.selectors import export_subjects
from cadres.lrmx import commit_import, parse_lrmx
from cadres.models import Cadre
from core.permissions import Role
from zugong.testing import PersonaTestCase, make_user

FIXTURES = Path(__file__).resolve().parent / "lrmx"


class CommandTestCase(PersonaTestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="lrmx-test-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def copy(self, *names: str, into: str = "in") -> Path:
        folder = self.tmp / into
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy(FIXTURES / name, folder / name)
        return folder

    def run_command(self, name: str, *args: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command(name, *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()


class ImportCommandTests(CommandTestCase):
    def test_it_imports_a_folder_recursively(self):
        folder = self.copy("canonical.lrmx", "notes.lrmx")
        self.copy("uyghur.lrmx", into="in/下级/更下级")
        (folder / "说明.txt").write_text("不是审批表", encoding="utf-8")
        out, err = self.run_command(
            "import_lrmx", str(folder), "--user", "clerk", "--unit", "TA00", "--progress-every", "2"
        )
        assert Cadre.objects.count() == 3
        assert set(Cadre.objects.values_list("name", flat=True)) == {
            "张卫东",
            "王建国",
            "买买提·艾力",
        }
        assert "导入完成：共 3 个文件：新增 3，更新 0，未变 0，冲突 0，错误 0" in out
        assert "已处理 2/3 个文件" in err
        assert "已处理 3/3 个文件" in err
        events = AuditEvent.objects.filter(action="import")
        assert events.count() == 3
        assert {e.actor_username for e in events} == {"clerk"}
        assert {e.channel for e in events} == {"cli"}

    def test_it_imports_a_zip_and_then_finds_nothing_to_change(self):
        upload = self.tmp / "batch.zip"
        with zipfile.ZipFile(upload, "w") as archive:
            for name in ("canonical.lrmx", "family10.lrmx"):
                archive.write(FIXTURES / name, f"单位/{name}")
        self.run_command("import_lrmx", str(upload), "--user", "clerk", "--unit", "TA00")
        before = AuditEvent.objects.count()
        out, _ = self.run_command("import_lrmx", str(upload), "--user", "clerk", "--unit", "TA00")
        assert "未变 2" in out
        assert AuditEvent.objects.count() == before

    def test_it_writes_nothing_in_a_dry_run(self):
        folder = self.copy("canonical.lrmx", "notes.lrmx")
        out, _ = self.run_command(
            "import_lrmx", str(folder), "--user", "clerk", "--unit", "TA00", "--dry-run"
        )
        assert "预检完成（未写入）：共 2 个文件：新增 2" in out
        assert Cadre.objects.count() == 0
        assert not AuditEvent.objects.filter(action="import").exists()

    def test_it_refuses_everything_when_one_file_is_refused(self):
        folder = self.copy("canonical.lrmx", "notes.lrmx", "bad_id.lrmx")
        with pytest.raises(CommandError, match="有 1 个文件不能导入，本次未写入任何数据"):
            self.run_command("import_lrmx", str(folder), "--user", "clerk", "--unit", "TA00")
        assert Cadre.objects.count() == 0

    def test_it_skips_refused_files_when_asked(self):
        folder = self.copy("canonical.lrmx", "notes.lrmx", "xxe.lrmx")
        out = io.StringIO()
        with pytest.raises(CommandError, match="其余文件已导入"):
            call_command(
                "import_lrmx",
                str(folder),
                "--user",
                "clerk",
                "--unit",
                "TA00",
                "--skip-errors",
                stdout=out,
                stderr=io.StringIO(),
            )
        assert Cadre.objects.count() == 2
        assert "xxe.lrmx：文件“" in out.getvalue()
        assert "不允许的 XML 实体" in out.getvalue()

    def test_it_reports_a_corrupt_zip(self):
        folder = self.copy("canonical.lrmx")
        broken = self.tmp / "broken.zip"
        broken.write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(CommandError):
            self.run_command(
                "import_lrmx", str(folder), str(broken), "--user", "clerk", "--unit", "TA00"
            )
        assert Cadre.objects.count() == 0

    def test_it_refuses_an_unknown_user_unit_or_path(self):
        folder = self.copy("canonical.lrmx")
        with pytest.raises(CommandError, match="用户“ghost”不存在"):
            self.run_command("import_lrmx", str(folder), "--user", "ghost", "--unit", "TA00")
        with pytest.raises(CommandError, match="单位代码“NOPE”不存在"):
            self.run_command("import_lrmx", str(folder), "--user", "clerk", "--unit", "NOPE")
        with pytest.raises(CommandError, match="不存在"):
            self.run_command(
                "import_lrmx", str(self.tmp / "nope"), "--user", "clerk", "--unit", "TA00"
            )

    def test_it_refuses_a_user_without_the_right(self):
        folder = self.copy("canonical.lrmx")
        with pytest.raises(CommandError, match="无权"):
            self.run_command("import_lrmx", str(folder), "--user", "liaison_a", "--unit", "TA00")
        assert Cadre.objects.count() == 0


class ExportCommandTests(CommandTestCase):
    def setUp(self):
        super().setUp()
        names = ("canonical.lrmx", "uyghur.lrmx")
        commit_import(
            acting_user=self.clerk,
            unit=self.units["a"],
            files=[(n, (FIXTURES / n).read_bytes()) for n in names],
        )
        commit_import(
            acting_user=self.clerk,
            unit=self.units["b_village"],
            files=[("notes.lrmx", (FIXTURES / "notes.lrmx").read_bytes())],
        )

    def test_it_exports_every_cadre_in_scope(self):
        out_dir = self.tmp / "out"
        out, err = self.run_command(
            "export_lrmx", "--out", str(out_dir), "--user", "clerk", "--progress-every", "1"
        )
        files = sorted(p.name for p in out_dir.iterdir())
        assert len(files) == 3
        assert "导出完成：3 份任免审批表（LRMX）已写入" in out
        assert "已导出 3/3 份" in err
        canonical = next(p for p in out_dir.iterdir() if p.name.startswith("张卫东_"))
        assert parse_lrmx(canonical.read_bytes()) == parse_lrmx(
            (FIXTURES / "canonical.lrmx").read_bytes()
        )
        event = AuditEvent.objects.get(action="export")
        assert event.actor_username == "clerk"
        assert event.channel == "cli"
        assert event.changes["subjects"]["count"] == 3
        assert export_subjects(event) == sorted(Cadre.objects.values_list("id", flat=True))

    def test_it_exports_only_the_users_scope(self):
        clerk_a = make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        out_dir = self.tmp / "out"
        self.run_command("export_lrmx", "--out", str(out_dir), "--user", clerk_a.username)
        names = sorted(p.name.split("_")[0] for p in out_dir.iterdir())
        assert names == ["买买提·艾力", "张卫东"]
        assert AuditEvent.objects.get(action="export").changes["subjects"]["count"] == 2

    def test_it_exports_a_unit_subtree(self):
        out_dir = self.tmp / "out"
        self.run_command("export_lrmx", "--out", str(out_dir), "--user", "clerk", "--unit", "TB00")
        assert [p.name.split("_")[0] for p in out_dir.iterdir()] == ["王建国"]
        assert AuditEvent.objects.get(action="export").changes["unit"] == "TB00"

    def test_it_refuses_a_user_without_the_export_right(self):
        out_dir = self.tmp / "out"
        for username in ("liaison_a", "leader", "auditor"):
            with pytest.raises(CommandError, match="没有导出干部信息的权限"):
                self.run_command("export_lrmx", "--out", str(out_dir), "--user", username)
        assert not out_dir.exists()
        assert not AuditEvent.objects.filter(action="export").exists()
