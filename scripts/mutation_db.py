"""A pytest plugin for `make mutation` only (docs/testing.md, "Mutation testing").

mutmut runs pytest once per mutant; migrating a new SQLite test database each time takes
seconds, longer than most of the tests it then runs. With ``ZUGONG_MUTATION_DB`` naming a
migrated database (the Makefile makes it with ``manage.py migrate``), each pytest run instead
works on its own throw-away copy of it, kept as is (``--reuse-db``) and deleted at the end.
Without the variable the plugin does nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_COPY = "_zugong_mutation_db"


def pytest_configure(config: pytest.Config) -> None:
    template = os.environ.get("ZUGONG_MUTATION_DB", "").strip()
    if not template:
        return
    from django.conf import settings

    fd, name = tempfile.mkstemp(prefix="zugong-mutant-", suffix=".sqlite3")
    os.close(fd)
    shutil.copyfile(template, name)
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    config.option.reuse_db = True
    setattr(config, _COPY, name)


def pytest_unconfigure(config: pytest.Config) -> None:
    name = getattr(config, _COPY, None)
    if name:
        Path(name).unlink(missing_ok=True)
