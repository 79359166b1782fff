"""What an import would do (its plan), row by row, in the shared vocabulary.

Each format keeps its own row and plan dataclasses (what a row of that format holds) and
takes the shared behaviour from ``ImportRow`` and ``ImportPlan``: the status and its label,
the counts, whether the plan can be applied, and what a preview page or the API shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from core.importing.status import REFUSED, STATUS_CSS, WRITES, RowStatus
from core.upload import UploadRejected


class ImportRow:
    """One row (or file) of an upload; a format's row dataclass sets ``status`` and ``name``."""

    status: str
    name: str

    @property
    def status_label(self) -> str:
        return RowStatus(self.status).label

    @property
    def status_css(self) -> str:
        return STATUS_CSS[RowStatus(self.status)]

    @property
    def refused(self) -> bool:
        """The row cannot be imported: an import with it is refused unless it is skipped."""
        return self.status in REFUSED

    @property
    def ref(self) -> str:
        """Where the row is in the upload, for a machine: the row number or the file name."""
        raise NotImplementedError

    @property
    def where(self) -> str:
        """Where the row is in the upload, for a reader: 第 3 行, or the file name."""
        return self.ref

    @property
    def who(self) -> str:
        """Whom or what the row is about, as the preview shows it."""
        return self.name

    def report(self) -> list[str]:
        """What the preview says about the row: its errors, then its notes."""
        raise NotImplementedError


class ImportPlan:
    """An upload read and checked: its rows with their statuses, and notes on the whole.

    A format's plan dataclass provides ``rows`` and ``notes``; the pipeline sets ``kind`` and
    ``filename`` and, once written, ``committed``. ``statuses`` are those the format uses,
    in the order counts are shown.
    """

    statuses: ClassVar[tuple[RowStatus, ...]] = tuple(RowStatus)
    rows: Sequence[ImportRow]
    notes: list[str]
    kind: str = ""
    filename: str = ""
    committed: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = {str(status): 0 for status in self.statuses}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def refused(self) -> list[ImportRow]:
        return [row for row in self.rows if row.refused]

    @property
    def has_errors(self) -> bool:
        return any(row.refused for row in self.rows)

    @property
    def writes(self) -> int:
        """How many rows applying the plan would write."""
        return sum(1 for row in self.rows if row.status in WRITES)

    def can_apply(self, *, skip_errors: bool = False) -> bool:
        """Whether applying the plan would go ahead (rows in error refuse it unless skipped)."""
        return skip_errors or not self.has_errors

    def summary(self) -> str:
        counts = self.counts
        return "，".join(f"{RowStatus(s).label} {counts[s]}" for s in self.statuses)


class ImportRefused(UploadRejected):
    """An import refused: the file as a whole (``plan`` is None) or because rows are in error
    (``plan`` says which); ``message`` is the Chinese reason. Nothing is written."""

    def __init__(self, message: str, *, plan: ImportPlan | None = None) -> None:
        super().__init__(message)
        self.plan = plan
