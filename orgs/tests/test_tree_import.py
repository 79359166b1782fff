"""orgs.tree_import: the unit tree from Excel — plan, atomic commit, scope, pages, command."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.models import User
from audit.choices import AuditAction
from audit.models import AuditEvent
from core.permissions import Role
from core.upload import MSG_CORRUPT, MSG_OLE, UploadRejected
from orgs import services
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.tree_import import (
    EXAMPLE_CODE,
    HEADERS,
    MOVE_MSG,
    RowStatus,
    UnitImportRefused,
    UnitPlan,
    allowed_kinds,
    allowed_levels,
    commit_units,
    missing_parent_message,
    plan_units,
    units_template_xlsx,
    used_code_message,
)
from zugong.testing import PersonaTestCase, make_user

Row = tuple[Any, ...]
HEADER = ("单位代码*", "单位名称*", "上级单位代码*", "单位类别", "单位级别", "简称", "排序")

# A 3-level tree under 甲镇 (TA00): 2 offices, each with villages, one with a group below.
TREE: list[Row] = [
    ("JZ-DZB", "甲镇党政办", "TA00", "政府工作部门", "股级及以下", "党政办", 1),
    ("JZ-NFB", "甲镇农业服务中心", "TA00", "事业单位", "股级及以下", "", 2),
    ("JZ-NFB-1", "农技站", "JZ-NFB", "事业单位", "不定级", "", 1),
    ("JZ-NFB-2", "农机站", "JZ-NFB", "事业单位", "不定级", "", 2),
    ("JZ-NFB-1-A", "植保组", "JZ-NFB-1", "其他", "不定级", "", 1),
    ("JZ-C2", "甲二村", "TA00", "村", "不定级", "", 3),
    ("JZ-C2-1", "甲二村第一村民小组", "JZ-C2", "其他", "", "一组", None),
]


def xlsx(rows: list[Row], header: Row = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "单位"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statuses(plan: UnitPlan) -> dict[str, str]:
    return {r.code: r.status for r in plan.rows}


def errors_of(plan: UnitPlan, code: str) -> str:
    return "；".join(r.error_text() for r in plan.rows if r.code == code and r.errors)


class TreeImportTestCase(PersonaTestCase):
    clerk_b: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk_b = make_user("clerk_b", Role.ORG_CLERK, cls.units["b"])

    def setUp(self) -> None:
        super().setUp()
        self.a = Unit.objects.get(pk=self.units["a"].pk)
        self.units_before = Unit.objects.count()
        self.events_before = AuditEvent.objects.count()

    def assert_nothing_written(self) -> None:
        assert Unit.objects.count() == self.units_before
        assert AuditEvent.objects.count() == self.events_before

    def plan(
        self, rows: list[Row], user: User | None = None, target: Unit | None = None
    ) -> UnitPlan:
        return plan_units(user or self.clerk, target or self.a, xlsx(rows))

    def commit(
        self, rows: list[Row], user: User | None = None, target: Unit | None = None
    ) -> UnitPlan:
        return commit_units(user or self.clerk, target or self.a, xlsx(rows))


class PlanAndCommitTests(TreeImportTestCase):
    def test_it_imports_a_three_level_tree_given_in_shuffled_order(self):
        rows = list(TREE)
        random.Random(14).shuffle(rows)
        rows.reverse()  # children before their parents, whatever the shuffle gave
        plan = self.plan(rows)
        assert set(statuses(plan).values()) == {RowStatus.NEW}
        assert plan.counts[RowStatus.NEW] == len(TREE)
        data = xlsx(rows)
        commit_units(self.clerk, self.a, data)
        group = Unit.objects.get(code="JZ-NFB-1-A")
        assert [u.code for u in self._ancestors(group)] == ["T000", "TA00", "JZ-NFB", "JZ-NFB-1"]
        assert group.depth == self.a.depth + 3
        assert group.path.startswith(self.a.path)
        office = Unit.objects.get(code="JZ-DZB")
        assert (office.kind, office.level, office.short_name, office.order) == (
            UnitKind.GOV_DEPT,
            UnitLevel.BELOW,
            "党政办",
            1,
        )
        # Blank 类别/级别 of a new unit: 其他 / 不定级; blank 排序: 0.
        team = Unit.objects.get(code="JZ-C2-1")
        assert (team.kind, team.level, team.order, team.short_name) == (
            UnitKind.OTHER,
            UnitLevel.NONE,
            0,
            "一组",
        )
        # One audit event per unit (through the services) and one summary with the digest.
        new = AuditEvent.objects.order_by("seq")[self.events_before :]
        creates = [e for e in new if (e.action, e.object_type) == (AuditAction.CREATE, "orgs.Unit")]
        assert len(creates) == len(TREE)
        summary = [e for e in new if e.object_type == "orgs.import"]
        assert len(summary) == 1
        assert summary[0].action == AuditAction.IMPORT
        assert summary[0].changes["file_sha256"] == hashlib.sha256(data).hexdigest()
        assert summary[0].changes["created"] == len(TREE)
        assert summary[0].changes["unit"] == "TA00"

    def _ancestors(self, unit: Unit) -> list[Unit]:
        out: list[Unit] = []
        while unit.parent is not None:
            unit = unit.parent
            out.insert(0, unit)
        return out

    def test_it_changes_nothing_when_the_same_file_is_imported_again(self):
        self.commit(TREE)
        units, events = Unit.objects.count(), AuditEvent.objects.count()
        versions = dict(Unit.objects.values_list("code", "version"))
        plan = self.commit(TREE)
        assert set(statuses(plan).values()) == {RowStatus.UNCHANGED}
        assert (Unit.objects.count(), AuditEvent.objects.count()) == (units, events)
        assert dict(Unit.objects.values_list("code", "version")) == versions

    def test_a_changed_name_is_one_update(self):
        self.commit(TREE)
        changed = [
            ("JZ-NFB-2", "甲镇农机服务站", *row[2:]) if row[0] == "JZ-NFB-2" else row
            for row in TREE
        ]
        plan = self.plan(changed)
        assert plan.counts == {"new": 0, "update": 1, "unchanged": len(TREE) - 1, "error": 0}
        row = next(r for r in plan.rows if r.status == RowStatus.UPDATE)
        assert row.changes == ["单位名称：农机站 → 甲镇农机服务站"]
        events = AuditEvent.objects.count()
        self.commit(changed)
        unit = Unit.objects.get(code="JZ-NFB-2")
        assert (unit.name, unit.version) == ("甲镇农机服务站", 2)
        new = list(AuditEvent.objects.order_by("seq")[events:])
        assert [(e.action, e.object_type) for e in new] == [
            (AuditAction.UPDATE, "orgs.Unit"),
            (AuditAction.IMPORT, "orgs.import"),
        ]
        assert new[1].changes["updated"] == 1

    def test_blank_optional_cells_keep_what_an_existing_unit_holds(self):
        self.commit(TREE)
        plan = self.plan([("JZ-DZB", "甲镇党政办", "TA00", "", "", "", None)])
        assert statuses(plan) == {"JZ-DZB": RowStatus.UNCHANGED}

    def test_existing_units_are_matched_by_code_and_may_be_parents(self):
        # 甲村 (TA01) exists under 甲镇: it may be named as a parent, and listed unchanged.
        plan = self.plan(
            [
                ("TA01-1", "甲村一组", "TA01", "其他", "不定级", "", None),
                ("TA01", "甲村", "TA00", "村", "不定级", "", None),
            ]
        )
        assert statuses(plan) == {"TA01-1": RowStatus.NEW, "TA01": RowStatus.UNCHANGED}

    def test_the_template_row_is_skipped_and_the_template_lists_the_choices(self):
        data = units_template_xlsx()
        book = load_workbook(io.BytesIO(data))
        sheet = book["单位"]
        header = [c.value for c in sheet[1]]
        assert [str(h).rstrip("*") for h in header] == list(HEADERS)
        assert sheet["A2"].value == EXAMPLE_CODE
        notes = "\n".join(
            str(c.value) for row in book["说明"].iter_rows() for c in row if c.value is not None
        )
        assert allowed_kinds() in notes
        assert allowed_levels() in notes
        assert "乡镇" in notes
        assert "乡科级" in notes
        with pytest.raises(UploadRejected, match="没有数据行"):
            plan_units(self.clerk, self.a, data)
        # The example row and one real row: the example is skipped with a note.
        sheet.append(["JZ-X", "新单位", "TA00"])
        out = io.BytesIO()
        book.save(out)
        plan = plan_units(self.clerk, self.a, out.getvalue())
        assert statuses(plan) == {"JZ-X": RowStatus.NEW}
        assert plan.notes == ["第 2 行是模板示例行，已跳过"]


class ErrorTests(TreeImportTestCase):
    def assert_refused(self, rows: list[Row], code: str, message: str) -> None:
        plan = self.plan(rows)
        assert statuses(plan)[code] == RowStatus.ERROR
        assert message in errors_of(plan, code), errors_of(plan, code)
        with pytest.raises(UnitImportRefused):
            self.commit(rows)
        self.assert_nothing_written()

    def test_an_unknown_parent_code(self):
        self.assert_refused(
            [("JZ-1", "一办", "NOPE", "", "", "", None)],
            "JZ-1",
            "上级单位代码：上级单位代码“NOPE”不存在或不在您的管理范围内",
        )

    def test_a_parent_outside_the_target_reads_like_a_missing_one(self):
        # 乙镇 (TB00) exists and is in the clerk's scope, but not under the target 甲镇.
        self.assert_refused(
            [("JZ-1", "一办", "TB00", "", "", "", None)], "JZ-1", missing_parent_message("TB00")
        )

    def test_a_duplicate_code_in_the_file(self):
        self.assert_refused(
            [
                ("JZ-1", "一办", "TA00", "", "", "", None),
                ("JZ-1", "二办", "TA00", "", "", "", None),
            ],
            "JZ-1",
            "单位代码：与第 2 行的单位代码重复",
        )

    def test_a_code_used_elsewhere_in_the_tree(self):
        # TB01 is 乙村, outside the target's subtree: it is neither named nor moved.
        plan = self.plan([("TB01", "新村", "TA00", "", "", "", None)])
        assert errors_of(plan, "TB01") == f"单位代码：{used_code_message('TB01')}"
        assert "乙村" not in errors_of(plan, "TB01")
        with pytest.raises(UnitImportRefused):
            self.commit([("TB01", "新村", "TA00", "", "", "", None)])
        self.assert_nothing_written()

    def test_a_cycle(self):
        rows: list[Row] = [
            ("C1", "甲", "C3", "", "", "", None),
            ("C2", "乙", "C1", "", "", "", None),
            ("C3", "丙", "C2", "", "", "", None),
            ("C4", "丁", "C3", "", "", "", None),  # below the cycle
            ("OK", "好", "TA00", "", "", "", None),
        ]
        plan = self.plan(rows)
        assert statuses(plan) == {
            "C1": "error",
            "C2": "error",
            "C3": "error",
            "C4": "error",
            "OK": "new",
        }
        assert "上级单位代码形成循环：C1 → C3 → C2 → C1" in errors_of(plan, "C1")
        assert "上级单位“C3”（第 4 行）有错误" in errors_of(plan, "C4")
        with pytest.raises(UnitImportRefused):
            self.commit(rows)
        self.assert_nothing_written()

    def test_its_own_code_as_parent(self):
        self.assert_refused(
            [("C1", "甲", "C1", "", "", "", None)], "C1", "上级单位代码不能是本单位的代码"
        )

    def test_an_unknown_kind_lists_the_allowed_labels(self):
        self.assert_refused(
            [("JZ-1", "一办", "TA00", "乡政府", "", "", None)],
            "JZ-1",
            f"单位类别：单位类别“乡政府”无效，可选：{allowed_kinds()}",
        )
        assert "乡镇、街道" in allowed_kinds()

    def test_an_unknown_level_lists_the_allowed_labels(self):
        self.assert_refused(
            [("JZ-1", "一办", "TA00", "", "副科", "", None)],
            "JZ-1",
            f"单位级别：单位级别“副科”无效，可选：{allowed_levels()}",
        )
        assert "乡科级" in allowed_levels()

    def test_missing_required_cells(self):
        plan = self.plan([("", "", "", "乡镇", "", "", None), ("JZ-2", "二办", "", "", "", "", 1)])
        first, second = plan.rows
        assert first.errors == {
            "单位代码": "请填写单位代码",
            "单位名称": "请填写单位名称",
            "上级单位代码": "请填写上级单位代码",
        }
        assert second.errors == {"上级单位代码": "请填写上级单位代码"}
        with pytest.raises(UnitImportRefused):
            self.commit([("JZ-2", "二办", "", "", "", "", 1)])
        self.assert_nothing_written()

    def test_a_bad_code_and_order(self):
        plan = self.plan([("甲 1", "一办", "TA00", "", "", "", -1)])
        assert plan.rows[0].errors == {
            "单位代码": "单位代码只能包含字母、数字和 _ . -",
            "排序": "排序应为不小于 0 的整数",
        }

    def test_a_code_that_would_move_an_existing_unit(self):
        # 甲村 (TA01) is under 甲镇; the file puts it under a new office.
        rows: list[Row] = [
            ("JZ-1", "一办", "TA00", "", "", "", None),
            ("TA01", "甲村", "JZ-1", "村", "不定级", "", None),
        ]
        plan = self.plan(rows)
        assert errors_of(plan, "TA01") == (f"上级单位代码：单位“甲村”现属“甲镇”，{MOVE_MSG}")
        assert MOVE_MSG == "单位移动请在单位页面操作"
        with pytest.raises(UnitImportRefused):
            self.commit(rows)
        self.assert_nothing_written()

    def test_the_target_itself_as_a_row(self):
        self.assert_refused(
            [("TA00", "甲镇", "T000", "", "", "", None)], "TA00", "这是导入的目标单位本身"
        )

    def test_a_deactivated_parent(self):
        services.unit_deactivate(acting_user=self.clerk, unit=self.units["a_village"])
        self.events_before = AuditEvent.objects.count()
        self.assert_refused(
            [("X1", "一组", "TA01", "", "", "", None)], "X1", "上级单位“甲村”已撤销"
        )

    def test_broken_and_non_xlsx_files_are_refused_with_the_upload_messages(self):
        for data, message in (
            (b"not a workbook at all", MSG_CORRUPT),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, MSG_OLE),
            (xlsx(TREE)[:300], MSG_CORRUPT),
        ):
            with self.subTest(message=message):
                with pytest.raises(UploadRejected) as exc:
                    plan_units(self.clerk, self.a, data)
                assert exc.value.message == message
                with pytest.raises(UploadRejected):
                    commit_units(self.clerk, self.a, data)
        self.assert_nothing_written()

    def test_missing_columns_are_refused(self):
        data = xlsx([("JZ-1", "一办")], header=("单位代码", "单位名称"))
        with pytest.raises(UploadRejected, match="缺少必填列：上级单位代码"):
            plan_units(self.clerk, self.a, data)

    def test_an_error_row_writes_nothing_at_all(self):
        # Six good rows and one bad one: commit is all or nothing.
        rows = [*TREE[:-1], ("JZ-BAD", "坏行", "TA00", "不存在的类别", "", "", None)]
        plan = self.plan(rows)
        assert plan.counts["new"] == len(TREE) - 1
        assert plan.counts["error"] == 1
        with pytest.raises(UnitImportRefused) as exc:
            self.commit(rows)
        assert exc.value.message == "文件中有 1 行错误，请修正后重新上传"
        self.assert_nothing_written()

    def test_a_service_refusal_while_writing_rolls_back_the_rows_already_written(self):
        from unittest import mock

        real = services.unit_create
        calls = []

        def failing(**kwargs: Any) -> Unit:
            calls.append(kwargs["code"])
            if len(calls) == 3:
                from django.core.exceptions import ValidationError

                raise ValidationError({"name": "模拟的写入失败"})
            return real(**kwargs)

        with (
            mock.patch.object(services, "unit_create", failing),
            pytest.raises(UnitImportRefused) as exc,
        ):
            self.commit(TREE)
        assert len(calls) == 3
        failed = next(r for r in exc.value.plan.rows if r.status == RowStatus.ERROR)
        assert failed.errors == {"单位名称": "模拟的写入失败"}
        self.assert_nothing_written()


class ScopeTests(TreeImportTestCase):
    def test_a_clerk_of_b_cannot_import_under_a(self):
        with pytest.raises(PermissionDenied):
            self.plan(TREE, user=self.clerk_b)
        with pytest.raises(PermissionDenied):
            self.commit(TREE, user=self.clerk_b)
        self.assert_nothing_written()

    def test_an_existing_code_outside_the_scope_reads_as_missing(self):
        b = Unit.objects.get(pk=self.units["b"].pk)
        plan = self.plan(
            [("TB-1", "乙镇一办", "TA00", "", "", "", None)], user=self.clerk_b, target=b
        )
        plan_missing = self.plan(
            [("TB-1", "乙镇一办", "ZZ99", "", "", "", None)], user=self.clerk_b, target=b
        )
        assert errors_of(plan, "TB-1") == f"上级单位代码：{missing_parent_message('TA00')}"
        assert errors_of(plan, "TB-1").replace("TA00", "ZZ99") == errors_of(plan_missing, "TB-1")
        # A unit of 甲镇 as the row's own code: refused without naming the holder.
        taken = self.plan(
            [("TA01", "乙镇新村", "TB00", "", "", "", None)], user=self.clerk_b, target=b
        )
        assert "甲村" not in errors_of(taken, "TA01")
        assert used_code_message("TA01") in errors_of(taken, "TA01")

    def test_a_clerk_of_b_imports_under_b(self):
        b = Unit.objects.get(pk=self.units["b"].pk)
        plan = self.commit(
            [("TB-1", "乙镇一办", "TB00", "", "", "", None)], user=self.clerk_b, target=b
        )
        assert plan.counts["new"] == 1
        assert Unit.objects.get(code="TB-1").parent_id == b.pk


class CommandTests(TreeImportTestCase):
    def write(self, tmp: Path, rows: list[Row]) -> str:
        path = tmp / "单位.xlsx"
        path.write_bytes(xlsx(rows))
        return str(path)

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("import_units", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_dry_run_writes_nothing_then_the_import_does(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(Path(tmp), TREE)
            out = self.run_command(path, "--user", "clerk", "--unit", "TA00", "--dry-run")
            assert f"检查完成（未写入）：新增 {len(TREE)} 个" in out
            assert "第 2 行 JZ-DZB 甲镇党政办：新增" in out
            self.assert_nothing_written()
            out = self.run_command(path, "--user", "clerk", "--unit", "TA00")
            assert f"导入完成：新增 {len(TREE)} 个，更新 0 个，未变 0 个，错误 0 行" in out
            assert Unit.objects.filter(code__startswith="JZ-").count() == len(TREE)
            out = self.run_command(path, "--user", "clerk", "--unit", "TA00")
            assert f"未变 {len(TREE)} 个" in out

    def test_errors_are_command_errors_in_chinese(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = self.write(Path(tmp), [("JZ-1", "一办", "NOPE", "", "", "", None)])
            with pytest.raises(
                CommandError, match="文件中有 1 行错误，请修正后重新上传；未写入任何数据"
            ):
                self.run_command(path, "--user", "clerk", "--unit", "TA00")
            with pytest.raises(CommandError, match="文件有错误行"):
                self.run_command(path, "--user", "clerk", "--unit", "TA00", "--dry-run")
            with pytest.raises(CommandError, match="单位代码“TA00”不存在或不在您的管理范围内"):
                self.run_command(path, "--user", "clerk_b", "--unit", "TA00")
            with pytest.raises(CommandError, match="单位代码“ZZ99”不存在或不在您的管理范围内"):
                self.run_command(path, "--user", "clerk", "--unit", "ZZ99")
            with pytest.raises(CommandError, match="用户“nobody2”不存在或已停用"):
                self.run_command(path, "--user", "nobody2", "--unit", "TA00")
            broken = Path(tmp) / "坏.xlsx"
            broken.write_bytes(b"hello")
            with pytest.raises(CommandError, match=f"文件被拒绝：{MSG_CORRUPT}"):
                self.run_command(str(broken), "--user", "clerk", "--unit", "TA00")
        self.assert_nothing_written()


class PageTests(TreeImportTestCase):
    def upload(self, client: Any, rows: list[Row], unit: str = "TA00") -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        file = SimpleUploadedFile("单位.xlsx", xlsx(rows))
        return client.post(reverse("orgs:import"), {"unit": unit, "file": file})

    def test_the_tree_page_offers_the_import_to_who_may_change_units(self):
        assert (
            "导入单位（Excel）"
            in self.client_for(self.clerk).get(reverse("orgs:tree")).content.decode()
        )
        assert "导入单位（Excel）" not in (
            self.client_for(self.leader).get(reverse("orgs:tree")).content.decode()
        )
        assert self.client_for(self.leader).get(reverse("orgs:import")).status_code == 404

    def test_the_import_page_defaults_to_the_top_unit_in_scope(self):
        body = self.client_for(self.clerk).get(reverse("orgs:import")).content.decode()
        assert 'value="T000"' in body
        body = self.client_for(self.clerk_b).get(reverse("orgs:import")).content.decode()
        assert 'value="TB00"' in body
        a = self.units["a"].pk
        assert (
            self.client_for(self.clerk).get(reverse("orgs:import") + f"?unit={a}").status_code
            == 200
        )
        assert (
            self.client_for(self.clerk_b).get(reverse("orgs:import") + f"?unit={a}").status_code
            == 404
        )
        for bad in ("²", "1e3", "-1", "x", "9" * 40):
            response = self.client_for(self.clerk).get(reverse("orgs:import"), {"unit": bad})
            assert response.status_code == 404

    def test_upload_preview_confirm(self):
        c = self.client_for(self.clerk)
        response = self.upload(c, TREE)
        assert response.status_code == 302
        preview = response["Location"]
        body = c.get(preview).content.decode()
        assert "新增 7" in body
        assert "确认导入（7 个单位）" in body
        self.assert_nothing_written()
        done = c.post(preview, {})
        assert done.status_code == 302
        assert done["Location"] == reverse("orgs:tree")
        assert Unit.objects.filter(code__startswith="JZ-").count() == len(TREE)
        shown = c.get(done["Location"]).content.decode()
        assert "导入完成：新增 7 个，更新 0 个，未变 0 个，错误 0 行" in shown
        # The staged file is gone once imported.
        assert c.get(preview).status_code == 404

    def test_errors_disable_the_confirmation_and_a_forced_post_writes_nothing(self):
        c = self.client_for(self.clerk)
        preview = self.upload(c, [*TREE, ("JZ-BAD", "坏行", "NOPE", "", "", "", None)])["Location"]
        body = c.get(preview).content.decode()
        assert 'id="confirm-import" disabled' in body
        assert "上级单位代码“NOPE”不存在或不在您的管理范围内" in body
        response = c.post(preview, {})
        assert response.status_code == 302
        assert response["Location"] == preview
        self.assert_nothing_written()

    def test_a_broken_file_is_refused_on_the_preview(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        c = self.client_for(self.clerk)
        file = SimpleUploadedFile("单位.xlsx", b"not a workbook")
        preview = c.post(reverse("orgs:import"), {"unit": "TA00", "file": file})["Location"]
        body = c.get(preview).content.decode()
        assert MSG_CORRUPT in body
        assert 'id="import-refused"' in body
        assert c.get(preview).status_code == 404  # discarded at once

    def test_a_target_outside_the_scope_is_a_404(self):
        c = self.client_for(self.clerk_b)
        assert self.upload(c, TREE, unit="TA00").status_code == 404
        assert self.upload(c, TREE, unit="ZZ99").status_code == 404
        self.assert_nothing_written()

    def test_the_staged_file_is_the_uploaders_only(self):
        preview = self.upload(self.client_for(self.clerk), TREE)["Location"]
        token = preview.rstrip("/").rsplit("/", 1)[-1]
        other = self.client_for(self.org_clerk)
        session = other.session
        session["orgs_imports"] = {token: {"unit": self.units["a"].pk, "name": "单位.xlsx"}}
        session.save()
        assert other.get(preview).status_code == 404
        assert other.post(preview, {}).status_code == 404
        self.assert_nothing_written()

    def test_the_template_download(self):
        response = self.client_for(self.clerk).get(reverse("orgs:import_template"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["单位", "说明"]
