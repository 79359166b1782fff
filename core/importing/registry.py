"""The import kinds: each app registers how to read and how to write its formats."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.importing.plan import ImportPlan


@dataclass(frozen=True)
class ImportSource:
    """What was uploaded: one file (``data``, ``filename``) or, from a command, many
    (``files``), with the caller's ``options`` for the format (e.g. a staged bundle)."""

    filename: str = ""
    data: bytes = b""
    files: Iterable[tuple[str, bytes]] | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


class Preview(Protocol):
    def __call__(
        self, *, acting_user: Any, unit: Any, source: ImportSource, progress: Any
    ) -> ImportPlan: ...


class Apply(Protocol):
    def __call__(
        self,
        *,
        acting_user: Any,
        unit: Any,
        source: ImportSource,
        skip_errors: bool,
        progress: Any,
    ) -> ImportPlan: ...


@dataclass(frozen=True)
class ImportKind:
    """One importable format, e.g. ``cadres.excel``.

    ``preview`` reads and checks the upload into a plan and writes nothing; ``apply`` plans
    again and writes, all or nothing, raising ``ImportRefused`` (with the plan) when rows are
    in error and ``skip_errors`` is false. ``refusals`` are the format's own exceptions that
    refuse an upload with a Chinese reason (``str(exc)``); ``unpack`` splits an archive into
    the files it holds, for kinds that take many files.
    """

    name: str
    label: str
    preview: Preview
    apply: Apply
    refusals: tuple[type[Exception], ...] = ()
    unpack: Callable[[str, bytes], list[tuple[str, bytes]]] | None = None


class UnknownImportKind(LookupError):
    """No app registered an import of that name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"没有名为“{name}”的导入类型")
        self.message = str(self.args[0])


_KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> None:
    """Called from the app's ``AppConfig.ready``; registering a name twice replaces it."""
    _KINDS[kind.name] = kind


def get_kind(name: str) -> ImportKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownImportKind(name) from None


def kind_names() -> list[str]:
    return sorted(_KINDS)
