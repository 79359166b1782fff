"""The import pipeline (core/importing; docs/architecture.md, "Importing a file"): one status
vocabulary, a registry of kinds, and one upload limit that the pages, the API and the
commands refuse with the same Chinese message."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEvent
from cadres import excel_import, lrmx
from cadres.models import Cadre
from core import importing
from core.importing import (
    ImportKind,
    ImportPlan,
    ImportRefused,
    ImportRow,
    RowStatus,
    UnknownImportKind,
    import_file,
)
from orgs import tree_import
from orgs.models import Unit
from zugong.testing import PersonaTestCase

LIMIT = 4096  # bytes: small enough for every test file to pass it or not, as each needs
TOO_LARGE = "文件超过 1 MB 上限，请拆分后分批上传"  # a limit under 1 MB is shown as 1 MB


# ---------------------------------------------------------------- the status vocabulary


def test_it_has_one_status_vocabulary_with_chinese_labels():
    assert [(s.value, s.label) for s in RowStatus] == [
        ("new", "新增"),
        ("update", "更新"),
        ("unchanged", "未变"),
        ("conflict", "冲突"),
        ("error", "错误"),
    ]
    assert {RowStatus.NEW, RowStatus.UPDATE} == importing.WRITES
    assert {RowStatus.CONFLICT, RowStatus.ERROR} == importing.REFUSED
    assert set(importing.STATUS_CSS) == set(RowStatus)


def test_every_format_uses_the_shared_vocabulary():
    assert excel_import.RowStatus is RowStatus
    assert tree_import.RowStatus is RowStatus
    assert not hasattr(lrmx, "ImportStatus")
    # What each format's row says about itself comes from the shared vocabulary.
    unit_row = tree_import.UnitRow(row=3, code="X1", name="一办", status=RowStatus.UNCHANGED)
    assert (unit_row.status_label, unit_row.status_css, unit_row.refused) == (
        "未变",
        "secondary",
        False,
    )
    file_row = lrmx.LrmxRow(filename="a.lrmx", status=RowStatus.CONFLICT)
    assert (file_row.status_label, file_row.refused, file_row.where) == ("冲突", True, "a.lrmx")


def test_it_counts_only_the_statuses_a_format_uses():
    plan = lrmx.LrmxPlan(
        rows=[lrmx.LrmxRow(filename="a", status=RowStatus.NEW), lrmx.LrmxRow(filename="b")]
    )
    assert plan.counts == {"new": 1, "update": 0, "unchanged": 0, "conflict": 0, "error": 1}
    assert plan.summary() == "共 2 个文件：新增 1，更新 0，未变 0，冲突 0，错误 1"
    assert (plan.writes, plan.has_errors, len(plan.refused)) == (1, True, 1)
    assert not plan.can_apply()
    assert plan.can_apply(skip_errors=True)
    assert list(excel_import.ExcelPlan.statuses) == ["new", "update", "unchanged", "error"]


# ---------------------------------------------------------------- the registry and the pipeline


@dataclass
class _Row(ImportRow):
    name: str
    status: str = RowStatus.NEW

    @property
    def ref(self) -> str:
        return self.name

    def report(self) -> list[str]:
        return []


@dataclass
class _Plan(ImportPlan):
    statuses: ClassVar[tuple[RowStatus, ...]] = (RowStatus.NEW, RowStatus.ERROR)
    rows: list[_Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Calls:
    seen: list[str] = field(default_factory=list)


def _kind(calls: _Calls, *, fail: Exception | None = None) -> ImportKind:
    def preview(*, acting_user: Any, unit: Any, source: Any, progress: Any) -> _Plan:
        calls.seen.append(f"preview {source.filename} {len(source.data)}")
        if fail is not None:
            raise fail
        return _Plan(rows=[_Row(name="甲")])

    def apply(
        *, acting_user: Any, unit: Any, source: Any, skip_errors: bool, progress: Any
    ) -> _Plan:
        calls.seen.append(f"apply skip={skip_errors}")
        if fail is not None:
            raise fail
        return _Plan(rows=[_Row(name="甲")])

    return ImportKind(
        name="tests.fake", label="测试", preview=preview, apply=apply, refusals=(KeyError,)
    )


@pytest.fixture
def fake_kind():
    """A kind registered for one test, then removed again."""
    from core.importing import registry

    def register(kind: ImportKind) -> None:
        registry.register_kind(kind)

    yield register
    registry._KINDS.pop("tests.fake", None)


def test_the_apps_register_their_kinds_when_ready():
    assert {"cadres.excel", "cadres.lrmx", "orgs.units"} <= set(importing.kind_names())


def test_it_refuses_an_unknown_kind_in_chinese():
    with pytest.raises(UnknownImportKind) as info:
        import_file(acting_user=None, unit=None, kind="cadres.csv", data=b"x", filename="a.csv")
    assert info.value.message == "没有名为“cadres.csv”的导入类型"


@pytest.mark.django_db
def test_it_previews_and_applies_through_the_kind(fake_kind):
    calls = _Calls()
    fake_kind(_kind(calls))
    plan = import_file(acting_user=None, unit=None, kind="tests.fake", data=b"abc", filename="a")
    assert (plan.kind, plan.filename, plan.committed) == ("tests.fake", "a", False)
    assert plan.counts == {"new": 1, "error": 0}
    done = import_file(
        acting_user=None, unit=None, kind="tests.fake", data=b"abc", confirm=True, skip_errors=True
    )
    assert done.committed
    assert calls.seen == ["preview a 3", "apply skip=True"]


@override_settings(ZUGONG_MAX_UPLOAD_BYTES=LIMIT)
def test_it_refuses_an_upload_over_the_limit_before_the_kind_reads_it(fake_kind):
    calls = _Calls()
    fake_kind(_kind(calls))
    with pytest.raises(ImportRefused) as info:
        import_file(acting_user=None, unit=None, kind="tests.fake", data=bytes(LIMIT + 1))
    assert info.value.message == TOO_LARGE
    assert info.value.plan is None
    assert calls.seen == []
    import_file(acting_user=None, unit=None, kind="tests.fake", data=bytes(LIMIT))
    assert len(calls.seen) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raised", "message"),
    [
        (ValidationError(["甲不对", "乙不对"]), "甲不对；乙不对"),
        (KeyError("格式自己的拒绝"), "'格式自己的拒绝'"),
        (ImportRefused("原样"), "原样"),
    ],
)
def test_every_refusal_comes_out_as_import_refused(fake_kind, raised, message):
    fake_kind(_kind(_Calls(), fail=raised))
    for confirm in (False, True):
        with pytest.raises(ImportRefused) as info:
            import_file(acting_user=None, unit=None, kind="tests.fake", confirm=confirm)
        assert info.value.message == message


@pytest.mark.django_db
def test_other_errors_are_not_taken_for_refusals(fake_kind):
    fake_kind(_kind(_Calls(), fail=ZeroDivisionError()))
    with pytest.raises(ZeroDivisionError):
        import_file(acting_user=None, unit=None, kind="tests.fake")


# ---------------------------------------------------------------- the limit, everywhere


@override_settings(ZUGONG_MAX_UPLOAD_BYTES=LIMIT)
class UploadLimitTests(PersonaTestCase):
    """One limit, one message: on the pages, in the API and from the commands."""

    big = bytes(LIMIT + 1)

    def setUp(self) -> None:
        self.client = self.client_for(self.clerk)
        self.tmp = Path(tempfile.mkdtemp())
        self.before = (Cadre.objects.count(), Unit.objects.count(), AuditEvent.objects.count())

    def tearDown(self) -> None:
        for path in self.tmp.iterdir():
            path.unlink()
        self.tmp.rmdir()
        assert (
            Cadre.objects.count(),
            Unit.objects.count(),
            AuditEvent.objects.count(),
        ) == self.before

    def test_the_cadre_import_pages_refuse_it(self):
        for name, kind in (("名册.xlsx", "excel"), ("a.lrmx", "lrmx")):
            response = self.client.post(
                reverse("cadres:import", kwargs={"kind": kind}),
                {"unit": self.units["a"].code, "file": SimpleUploadedFile(name, self.big)},
            )
            assert response.status_code == 200, kind  # the form again, nothing staged
            assert TOO_LARGE in response.content.decode(), kind

    def test_the_unit_import_page_refuses_it(self):
        response = self.client.post(
            reverse("orgs:import"),
            {"unit": self.units["a"].code, "file": SimpleUploadedFile("单位.xlsx", self.big)},
        )
        assert response.status_code == 200
        assert TOO_LARGE in response.content.decode()

    def test_the_api_refuses_it(self):
        for kind, name in (("excel", "名册.xlsx"), ("lrmx", "a.lrmx")):
            response = self.client.post(
                f"/api/v1/cadres/import/{kind}",
                {"unit_id": self.units["a"].pk, "file": SimpleUploadedFile(name, self.big)},
            )
            assert response.status_code == 400, kind
            assert response.json()["detail"] == TOO_LARGE, kind

    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command(*args, "--user", "clerk", "--unit", "TA00", stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_the_commands_refuse_it(self):
        xlsx = self.tmp / "名册.xlsx"
        xlsx.write_bytes(self.big)
        for command in ("import_cadres", "import_units"):
            with pytest.raises(CommandError, match=f"^文件被拒绝：{TOO_LARGE}$"):
                self.run_command(command, str(xlsx))
        archive = self.tmp / "表.zip"
        archive.write_bytes(self.big)
        out = io.StringIO()
        with pytest.raises(CommandError, match="有 1 个文件不能导入，本次未写入任何数据"):
            call_command(
                "import_lrmx",
                str(archive),
                "--user",
                "clerk",
                "--unit",
                "TA00",
                stdout=out,
                stderr=io.StringIO(),
            )
        assert f"错误  {archive}：{TOO_LARGE}" in out.getvalue()

    def test_the_unknown_page_kind_is_a_404(self):
        response = self.client.get(reverse("cadres:import", kwargs={"kind": "csv"}))
        assert response.status_code == 404
