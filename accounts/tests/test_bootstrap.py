"""manage.py bootstrap on a fresh machine (issue 14, item 14): before ``migrate`` it says to
migrate first instead of ending in a traceback; after it, it creates the top unit and the three
administrators. Run as a real process on an empty SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def _manage(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "ZUGONG_ENV": "development"}
    return subprocess.run(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_bootstrap_before_migrate_says_to_migrate_first(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    early = _manage(db, "bootstrap", "--root-name", "中共某县委员会", "--root-code", "001")
    assert early.returncode != 0
    assert "请先运行 manage.py migrate" in early.stderr
    assert "Traceback" not in early.stderr
    assert _manage(db, "migrate", "--no-input", "-v", "0").returncode == 0
    done = _manage(db, "bootstrap", "--root-name", "中共某县委员会", "--root-code", "001")
    assert done.returncode == 0, done.stderr
    assert "已创建顶级单位：中共某县委员会" in done.stdout
    for username in ("xitong", "anquan", "shenji"):
        assert username in done.stdout
