"""The unit-tree import (orgs/tree_import.py), registered with the pipeline (core/importing)
when the app is ready; the page and ``manage.py import_units`` reach it through
``core.importing.import_file`` only."""

from __future__ import annotations

from typing import Any

from core.importing import ImportKind, ImportSource, register_kind
from orgs import tree_import

UNITS = "orgs.units"


def _preview(
    *, acting_user: Any, unit: Any, source: ImportSource, progress: Any
) -> tree_import.UnitPlan:
    return tree_import.plan_units(acting_user, unit, source.data)


def _apply(
    *, acting_user: Any, unit: Any, source: ImportSource, skip_errors: bool, progress: Any
) -> tree_import.UnitPlan:
    # A unit tree is written whole or not at all: rows in error are never skipped.
    return tree_import.commit_units(acting_user, unit, source.data)


def register() -> None:
    register_kind(ImportKind(name=UNITS, label="单位树 Excel", preview=_preview, apply=_apply))
