"""``import_file``: the one way a page, the API or a command imports an upload.

The upload is measured against ``settings.ZUGONG_MAX_UPLOAD_BYTES``, read into a plan by its
kind and, when confirmed, written by the kind in one transaction. Every refusal comes out as
``ImportRefused`` with its Chinese reason, whatever the format raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from core.importing.plan import ImportPlan, ImportRefused
from core.importing.registry import ImportKind, ImportSource, get_kind
from core.upload import MB, MSG_TOO_LARGE, UploadRejected


def upload_limit() -> int:
    """The largest upload any import takes, in bytes (``ZUGONG_MAX_UPLOAD_MB``)."""
    return int(settings.ZUGONG_MAX_UPLOAD_BYTES)


def too_large_message() -> str:
    return MSG_TOO_LARGE.format(limit=max(1, upload_limit() // MB))


def check_size(size: int | None) -> None:
    """Refuse an upload of ``size`` bytes over the limit, before it is read."""
    if size is not None and size > upload_limit():
        raise ImportRefused(too_large_message())


def _refusal(kind: ImportKind, exc: Exception) -> ImportRefused | None:
    if isinstance(exc, ImportRefused):
        return exc
    if isinstance(exc, ValidationError):
        return ImportRefused("；".join(exc.messages))
    if isinstance(exc, (UploadRejected, *kind.refusals)):
        return ImportRefused(str(exc), plan=getattr(exc, "plan", None))
    return None


def import_file(
    *,
    acting_user: Any,
    unit: Any,
    kind: str,
    data: bytes = b"",
    filename: str = "",
    files: Iterable[tuple[str, bytes]] | None = None,
    confirm: bool = False,
    skip_errors: bool = False,
    options: Mapping[str, Any] | None = None,
    progress: Any = None,
) -> ImportPlan:
    """Read ``data`` (or ``files``) as ``kind`` into ``unit``: the plan when not ``confirm``
    (nothing written), else the plan as written, all rows or none.

    Raises ``ImportRefused`` (with ``.plan`` when rows are in error), ``UnknownImportKind``,
    and ``PermissionDenied`` when the kind finds ``unit`` outside the actor's scope.
    """
    found = get_kind(kind)
    check_size(len(data))
    source = ImportSource(filename=filename, data=data, files=files, options=options or {})
    try:
        if confirm:
            with transaction.atomic():
                plan = found.apply(
                    acting_user=acting_user,
                    unit=unit,
                    source=source,
                    skip_errors=skip_errors,
                    progress=progress,
                )
            plan.committed = True
        else:
            plan = found.preview(
                acting_user=acting_user, unit=unit, source=source, progress=progress
            )
    except Exception as exc:
        refused = _refusal(found, exc)
        if refused is None or refused is exc:
            raise
        raise refused from exc
    plan.kind = kind
    plan.filename = filename
    return plan


def unpack(*, kind: str, filename: str, data: bytes) -> list[tuple[str, bytes]]:
    """The files of an archive (a zip of LRMX files), for a command that gathers many."""
    found = get_kind(kind)
    check_size(len(data))
    if found.unpack is None:
        return [(filename, data)]
    try:
        return found.unpack(filename, data)
    except Exception as exc:
        refused = _refusal(found, exc)
        if refused is None:
            raise
        raise refused from exc
