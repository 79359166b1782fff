"""Test-run settings shared by every app's tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Hashing cost is irrelevant to what the tests check; PBKDF2's 1M rounds would make the
    # persona set-up take seconds per test class. Production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploads held between an import's preview and its confirmation go to a throw-away
    # folder, never the developer's var/staging.
    import tempfile

    settings.STAGING_ROOT = tempfile.mkdtemp(prefix="zugong-staging-")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: cached labels and counts of one test's data
    must not show in the next test's pages (the test databases reuse ids and paths)."""
    from django.core.cache import cache

    cache.clear()
