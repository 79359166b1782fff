"""Importing a file: one pipeline for every format (docs/architecture.md, "Importing a file").

An app registers its import kinds in ``AppConfig.ready`` (``register_kind``); pages, the API
and management commands call ``import_file`` and read the ``ImportPlan`` it returns.
"""

from core.importing.pipeline import check_size, import_file, too_large_message, unpack, upload_limit
from core.importing.plan import ImportPlan, ImportRefused, ImportRow
from core.importing.registry import (
    ImportKind,
    ImportSource,
    UnknownImportKind,
    get_kind,
    kind_names,
    register_kind,
)
from core.importing.status import REFUSED, STATUS_CSS, WRITES, RowStatus

__all__ = [
    "REFUSED",
    "STATUS_CSS",
    "WRITES",
    "ImportKind",
    "ImportPlan",
    "ImportRefused",
    "ImportRow",
    "ImportSource",
    "RowStatus",
    "UnknownImportKind",
    "check_size",
    "get_kind",
    "import_file",
    "kind_names",
    "register_kind",
    "too_large_message",
    "unpack",
    "upload_limit",
]
