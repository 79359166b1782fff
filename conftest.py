"""Test-run settings shared by every app's tests.

The whole run happens on one fixed day (docs/testing.md, "Dates in tests"): time-machine moves
the clock to ``ZUGONG_TEST_TODAY`` (ISO date, 10:00 Beijing time, the clock then ticks on) or,
when that is unset, to ``DEFAULT_TEST_TODAY``. A test that needs another day travels there
itself. CI runs the suite again under several other days (year end, new year, 29 February, a
year the holiday table does not know), so a test that only holds on some days fails there.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

DEFAULT_TEST_TODAY = dt.date(2026, 6, 10)
_traveller: time_machine.travel | None = None


def pinned_today() -> dt.date:
    """The day the run is pinned to (see the module doc)."""
    text = os.environ.get("ZUGONG_TEST_TODAY", "").strip()
    return dt.date.fromisoformat(text) if text else DEFAULT_TEST_TODAY


def pytest_configure(config: pytest.Config) -> None:
    global _traveller
    from django.conf import settings

    # Pinned before any test class's setUpTestData runs, so fixtures and tests share the day.
    day = pinned_today()
    _traveller = time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=True,
    )
    _traveller.start()

    # Hashing cost is irrelevant to what the tests check; PBKDF2's 1M rounds would make the
    # persona set-up take seconds per test class. Production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads held between an import's preview and its confirmation go to a throw-away
    # folder, never the developer's var/staging.
    import tempfile

    settings.STAGING_ROOT = tempfile.mkdtemp(prefix="zugong-staging-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _traveller is not None:
        _traveller.stop()


def pytest_report_header(config: pytest.Config) -> str:
    return f"zugong: tests run on {pinned_today().isoformat()} (ZUGONG_TEST_TODAY to change)"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: cached labels and counts of one test's data
    must not show in the next test's pages (the test databases reuse ids and paths)."""
    from django.core.cache import cache

    cache.clear()
