"""Hooks through which apps above audit teach the auditor's pages about their records.

audit sits below the apps whose changes it records (docs/architecture.md, "Layers"), yet the
auditor searches for a person by name and reads an export's columns in Chinese. An app
registers, in its ``AppConfig.ready``:

- a *subject finder*: given the search text, the ``(object type, ids)`` of the records it
  names (cadres registers one that resolves a 姓名 or 身份证号 to cadre ids);
- *change labels*: Chinese labels for the filter keys and the column keys its exports record.
"""

from __future__ import annotations

from collections.abc import Callable

SubjectFinder = Callable[[str], list[tuple[str, list[int]]]]

_finders: list[SubjectFinder] = []
_filter_labels: dict[str, str] = {}
_column_labels: dict[str, str] = {}


def register_subject_finder(finder: SubjectFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def register_change_labels(
    *, filters: dict[str, str] | None = None, columns: dict[str, str] | None = None
) -> None:
    _filter_labels.update(filters or {})
    _column_labels.update(columns or {})


def subjects_named(q: str) -> list[tuple[str, list[int]]]:
    """Every registered app's records named by the search text ``q``."""
    return [(kind, ids) for finder in _finders for kind, ids in finder(q) if ids]


def filter_labels() -> dict[str, str]:
    return dict(_filter_labels)


def column_labels() -> dict[str, str]:
    return dict(_column_labels)
