"""The cadre imports, registered with the pipeline (core/importing) when the app is ready.

``cadres.excel`` is the Excel roster (cadres/excel_import.py), ``cadres.lrmx`` the 任免审批表
files, one ``.lrmx`` or a zip of them (cadres/lrmx.py): the pages, the API and the commands
reach both through ``core.importing.import_file`` only.
"""

from __future__ import annotations

from typing import Any

from cadres import excel_import, lrmx
from core.importing import ImportKind, ImportSource, register_kind

EXCEL = "cadres.excel"
LRMX = "cadres.lrmx"


def _excel_preview(
    *, acting_user: Any, unit: Any, source: ImportSource, progress: Any
) -> excel_import.ExcelPlan:
    return excel_import.plan_import(
        acting_user=acting_user, unit=unit, data=source.data, progress=progress
    )


def _excel_apply(
    *, acting_user: Any, unit: Any, source: ImportSource, skip_errors: bool, progress: Any
) -> excel_import.ExcelPlan:
    return excel_import.commit_import(
        acting_user=acting_user,
        unit=unit,
        data=source.data,
        skip_errors=skip_errors,
        progress=progress,
    )


def _lrmx_files(source: ImportSource, skipped: list[str]) -> Any:
    """The ``.lrmx`` files of the upload: given one by one (a command), a bundle staged by
    the page (several files or a folder), or one file or zip."""
    if source.files is not None:
        return source.files
    if source.options.get("bundle"):
        return lrmx.read_bundle(source.data, skipped=skipped)
    return lrmx.read_upload(source.filename or "upload.lrmx", source.data, skipped=skipped)


def _with_skipped(plan: lrmx.LrmxPlan, skipped: list[str]) -> lrmx.LrmxPlan:
    if skipped:
        plan.notes.append(lrmx.skipped_note(skipped))
    return plan


def _lrmx_preview(
    *, acting_user: Any, unit: Any, source: ImportSource, progress: Any
) -> lrmx.LrmxPlan:
    skipped = list(source.options.get("skipped", []))
    files = _lrmx_files(source, skipped)
    plan = lrmx.plan_import(acting_user=acting_user, unit=unit, files=files, progress=progress)
    return _with_skipped(plan, skipped)


def _lrmx_apply(
    *, acting_user: Any, unit: Any, source: ImportSource, skip_errors: bool, progress: Any
) -> lrmx.LrmxPlan:
    skipped = list(source.options.get("skipped", []))
    files = _lrmx_files(source, skipped)
    plan = lrmx.commit_import(
        acting_user=acting_user,
        unit=unit,
        files=files,
        skip_errors=skip_errors,
        progress=progress,
    )
    return _with_skipped(plan, skipped)


def register() -> None:
    register_kind(
        ImportKind(name=EXCEL, label="干部名册 Excel", preview=_excel_preview, apply=_excel_apply)
    )
    register_kind(
        ImportKind(
            name=LRMX,
            label="任免审批表（LRMX）",
            preview=_lrmx_preview,
            apply=_lrmx_apply,
            refusals=(lrmx.LrmxError,),
            unpack=lrmx.read_upload,
        )
    )
