"""The row statuses every import shares: what importing one row (or file) would do, or did."""

from __future__ import annotations

from django.db import models


class RowStatus(models.TextChoices):
    """One vocabulary for every format (docs/architecture.md, "Importing a file")."""

    NEW = "new", "新增"
    UPDATE = "update", "更新"
    UNCHANGED = "unchanged", "未变"
    # Another row or file of the same upload, or more than one record, may be the same person:
    # never guessed, the row is left out.
    CONFLICT = "conflict", "冲突"
    ERROR = "error", "错误"


# Rows an import writes, and rows it cannot import (the import is refused unless skipped).
WRITES = frozenset({RowStatus.NEW, RowStatus.UPDATE})
REFUSED = frozenset({RowStatus.CONFLICT, RowStatus.ERROR})
# The Bootstrap colour each status is shown in on the preview pages.
STATUS_CSS = {
    RowStatus.NEW: "success",
    RowStatus.UPDATE: "primary",
    RowStatus.UNCHANGED: "secondary",
    RowStatus.CONFLICT: "warning",
    RowStatus.ERROR: "danger",
}
