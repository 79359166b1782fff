"""Uploads held between an import's preview and its confirmation: expire a day after staging,
encrypted, private, and deleted at once when refused (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from core import staging
from zugong.testing import PersonaTestCase

STAGED_AT = dt.datetime(2027, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_staged_file_is_kept_for_a_day_by_the_clock_that_reads_its_age(tmp_path: Path) -> None:
    # The age used to be the file system's mtime against time.time(): a file staged on a day
    # other than the file system's (a test clock, a restored server) expired at once or never.
    user = SimpleNamespace(pk=7)
    with override_settings(STAGING_ROOT=str(tmp_path)):
        with time_machine.travel(STAGED_AT, tick=False):
            token = staging.stage(user=user, data=b"rows", name="roster.xlsx")
            assert staging.load(user=user, token=token) == (b"rows", "roster.xlsx")
        with time_machine.travel(STAGED_AT + dt.timedelta(hours=23, minutes=59), tick=False):
            assert staging.load(user=user, token=token) == (b"rows", "roster.xlsx")
            assert staging.load(user=SimpleNamespace(pk=8), token=token) is None
        with time_machine.travel(STAGED_AT + dt.timedelta(hours=24, minutes=1), tick=False):
            assert staging.load(user=user, token=token) is None
            # The next upload sweeps the expired file away.
            staging.stage(user=user, data=b"other", name="other.xlsx")
            assert not (tmp_path / f"{token}.bin").exists()


# ---------------------------------------------------------------- at rest (issue 12, item 5)

ID_NUMBER = "11010519491231002X"


def _staged_files(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_file())


def test_a_staged_file_is_encrypted_on_disk(tmp_path: Path) -> None:
    user = SimpleNamespace(pk=7)
    data = f"身份证号,姓名\n{ID_NUMBER},张三\n".encode()
    with override_settings(STAGING_ROOT=str(tmp_path)):
        token = staging.stage(user=user, data=data, name="张三名册.csv")
        files = _staged_files(tmp_path)
        assert [p.name for p in files] == [f"{token}.bin", f"{token}.meta"]
        for path in files:
            raw = path.read_bytes()
            assert ID_NUMBER.encode() not in raw
            assert "张三".encode() not in raw
            assert "张三".encode("gbk") not in raw
        # The round trip still gives the upload back, to its owner only.
        assert staging.load(user=user, token=token) == (data, "张三名册.csv")
        assert staging.load(user=SimpleNamespace(pk=8), token=token) is None


def test_a_staged_file_that_was_altered_or_moved_does_not_load(tmp_path: Path) -> None:
    user = SimpleNamespace(pk=7)
    with override_settings(STAGING_ROOT=str(tmp_path)):
        one = staging.stage(user=user, data=b"one", name="a.xlsx")
        two = staging.stage(user=user, data=b"two", name="b.xlsx")
        bin_one = tmp_path / f"{one}.bin"
        raw = bytearray(bin_one.read_bytes())
        raw[-1] ^= 1
        bin_one.write_bytes(bytes(raw))
        assert staging.load(user=user, token=one) is None
        # Another token's (valid) ciphertext under this name does not decrypt either.
        (tmp_path / f"{two}.bin").replace(bin_one)
        assert staging.load(user=user, token=one) is None


def test_staged_files_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    root = tmp_path / "staging"
    root.mkdir(mode=0o755)
    root.chmod(0o755)  # as an older release (or a umask of 022) left it
    with override_settings(STAGING_ROOT=str(root)):
        staging.stage(user=SimpleNamespace(pk=7), data=b"rows", name="roster.xlsx")
    assert root.stat().st_mode & 0o777 == 0o700
    for path in _staged_files(root):
        assert path.stat().st_mode & 0o777 == 0o600, path.name


def test_the_sweep_removes_the_bin_and_the_meta_together(tmp_path: Path) -> None:
    user = SimpleNamespace(pk=7)
    with override_settings(STAGING_ROOT=str(tmp_path)):
        with time_machine.travel(STAGED_AT, tick=False):
            staging.stage(user=user, data=b"rows", name="roster.xlsx")
            lone_meta = staging.stage(user=user, data=b"x", name="x.xlsx")
            (tmp_path / f"{lone_meta}.bin").unlink()
        with time_machine.travel(STAGED_AT + dt.timedelta(hours=25), tick=False):
            fresh = staging.stage(user=user, data=b"new", name="new.xlsx")
        names = {p.name for p in _staged_files(tmp_path)}
        assert names == {f"{fresh}.bin", f"{fresh}.meta"}


class RefusedUploadTests(PersonaTestCase):
    """A file the preview refuses is deleted at once, not kept for a day."""

    def test_a_refused_upload_is_deleted_when_the_preview_refuses_it(self):
        root = Path(settings.STAGING_ROOT)
        before = {p.name for p in root.iterdir()}
        client = self.client_for(self.clerk)
        broken = SimpleUploadedFile(
            "名册.xlsx", f"{ID_NUMBER},张三".encode(), content_type="application/octet-stream"
        )
        upload = client.post(reverse("cadres:import_excel"), {"unit": "TA00", "file": broken})
        assert upload.status_code == 302
        token = upload["Location"].rstrip("/").rsplit("/", 1)[-1]
        assert (root / f"{token}.bin").exists()

        preview = client.get(upload["Location"])
        assert preview.status_code == 200
        assert "文件不能导入" in preview.content.decode()
        assert not (root / f"{token}.bin").exists()
        assert not (root / f"{token}.meta").exists()
        assert {p.name for p in root.iterdir()} == before
        assert token not in client.session.get("imports", {})
        # Asking again is the 404 of an upload that is gone.
        assert client.get(upload["Location"]).status_code == 404

    def test_an_upload_the_preview_accepts_stays_until_confirmed(self):
        root = Path(settings.STAGING_ROOT)
        client = self.client_for(self.clerk)
        book = Workbook()
        sheet = book.worksheets[0]
        sheet.append(["身份证号", "姓名"])
        sheet.append([ID_NUMBER, "张三"])
        out = io.BytesIO()
        book.save(out)
        upload = client.post(
            reverse("cadres:import_excel"),
            {"unit": "TA00", "file": SimpleUploadedFile("名册.xlsx", out.getvalue())},
        )
        token = upload["Location"].rstrip("/").rsplit("/", 1)[-1]
        assert client.get(upload["Location"]).status_code == 200
        assert (root / f"{token}.bin").exists()
        client.post(upload["Location"], {"cancel": "1"})
        assert not (root / f"{token}.bin").exists()
