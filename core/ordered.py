"""Streaming a file from a snapshot of ids, so the file holds exactly the rows recorded.

An export records who is in its file (audit.ExportSubject) before the file streams out. The
ids are read once, in the file's order; the rows are then fetched by those ids, chunk by
chunk, from the export's own queryset. A row that leaves the queryset meanwhile (moved out
of scope, deleted) is left out of the file: the file never holds anyone the audit log does
not list.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def in_id_order(qs: QuerySet[M], ids: Sequence[int], *, chunk: int = 2000) -> Iterator[M]:
    """The objects of ``qs`` whose pk is in ``ids``, in the order of ``ids``."""
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        found = {obj.pk: obj for obj in qs.filter(pk__in=part).order_by()}
        for pk in part:
            if (obj := found.get(pk)) is not None:
                yield obj
