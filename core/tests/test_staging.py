"""Uploads held between an import's preview and its confirmation expire a day after staging."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings

from core import staging

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
