"""/api/v1/cadres: the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja resolves Query[...] of a paginated
# view from real annotations only (see orgs/api.py).

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from audit.choices import AuditAction
from audit.services import audit_record_export_standalone
from cadres import roster, selectors, services
from cadres.choices import AppointmentMethod, AssessmentGrade, CadreStatus, ManagementLevel
from cadres.models import Cadre, Position
from core.pagination import Pagination
from core.permissions import Action, has_action
from orgs.selectors import unit_get

router = Router(tags=["干部"])


class CadreOut(Schema):
    id: int
    name: str
    sex: str
    sex_label: str = Field(alias="sex_name")
    birth_month: str
    ethnicity: str
    political_status: str
    unit_id: int
    current_title: str
    rank_level: str
    grade: str
    education_level: str
    management_level: str
    status: str
    id_number_masked: str = ""
    version: int

    @staticmethod
    def resolve_id_number_masked(obj: Cadre) -> str:
        return obj.id_number.masked() if obj.id_number else ""


class PositionOut(Schema):
    id: int
    unit_id: int | None
    unit_name: str
    title: str
    rank_level: str
    grade: str
    is_leading: bool
    is_head: bool
    is_primary: bool
    start_date: dt.date
    end_date: dt.date | None
    appointment_doc: str
    method: str
    probation_end: dt.date | None


class EducationOut(Schema):
    id: int
    kind: str
    education_level: str
    degree: str
    school: str
    major: str
    start_date: dt.date | None
    end_date: dt.date | None


class AssessmentOut(Schema):
    year: int
    grade: str
    note: str


class FamilyOut(Schema):
    id: int
    relation: str
    name: str
    birth_date: dt.date | None
    political_status: str
    work_unit_post: str
    is_deceased: bool


class RecordOut(Schema):
    id: int
    kind: str
    name: str
    date: dt.date
    issuer: str
    doc_no: str


class CadreDetailOut(CadreOut):
    native_place: str
    birthplace: str
    grown_place: str
    party_join_date: dt.date | None
    other_parties: str
    work_start_date: dt.date | None
    health: str
    professional_title: str
    expertise: str
    rank_level_since: dt.date | None
    degree: str
    resume: str
    positions: list[PositionOut]
    educations: list[EducationOut]
    assessments: list[AssessmentOut]
    family: list[FamilyOut]
    records: list[RecordOut]

    @staticmethod
    def resolve_positions(obj: Cadre) -> list[Position]:
        return list(obj.positions.all())

    @staticmethod
    def resolve_educations(obj: Cadre) -> list[Any]:
        return list(obj.educations.all())

    @staticmethod
    def resolve_assessments(obj: Cadre) -> list[Any]:
        return list(obj.assessments.all())

    @staticmethod
    def resolve_family(obj: Cadre) -> list[Any]:
        return list(obj.family.all())

    @staticmethod
    def resolve_records(obj: Cadre) -> list[Any]:
        return list(obj.records.all())


class RosterIn(Schema):
    q: str = ""
    unit: str = Field("", description="单位代码（含下级）")
    rank_level: str = ""
    grade: str = ""
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    sex: str = ""
    ethnicity: str = ""
    political_status: str = ""
    education: str = ""
    expertise: str = ""
    management_level: str = ""
    status: str = ""
    experience: str = Field(
        "", description="工作经历：township 乡镇（街道）、village 村（社区）、county_dept 县直部门…"
    )
    experience_years: int | None = Field(None, ge=0, le=60, description="该类经历累计年数下限")
    resume: str = Field("", max_length=100, description="简历中须出现的词（空格分隔，全部出现）")
    sort: str = "unit"


class CadreFields(Schema):
    name: str | None = Field(None, max_length=18)
    id_number: str | None = None
    sex: str | None = Field(None, pattern="^[12]$")
    birth_date: dt.date | None = None
    ethnicity: str | None = None
    native_place: str | None = None
    birthplace: str | None = None
    grown_place: str | None = None
    political_status: str | None = None
    party_join_date: dt.date | None = None
    other_parties: str | None = None
    work_start_date: dt.date | None = None
    health: str | None = None
    professional_title: str | None = None
    expertise: str | None = None
    management_level: ManagementLevel | None = None
    sort_order: int | None = Field(None, ge=0)


class CadreCreateIn(CadreFields):
    unit_id: int
    name: str = Field(max_length=18)


class CadrePatchIn(CadreFields):
    version: int


class PositionIn(Schema):
    unit_id: int | None = None
    unit_name: str = ""
    title: str = Field(max_length=100)
    rank_level: str = ""
    grade: str = ""
    is_leading: bool = False
    is_head: bool = False
    is_primary: bool = True
    start_date: dt.date
    end_date: dt.date | None = None
    appointment_doc: str = ""
    method: AppointmentMethod | None = None
    probation_end: dt.date | None = None
    version: int  # required: the page form carries it (optimistic lock)


class PositionEndIn(Schema):
    end_date: dt.date
    end_doc: str = ""
    end_reason: str = ""
    version: int  # required: the page form carries it (optimistic lock)


class AssessmentIn(Schema):
    year: int
    grade: AssessmentGrade
    note: str = ""
    version: int  # required: the page form carries it (optimistic lock)


class StatusIn(Schema):
    status: CadreStatus
    on: dt.date | None = None
    version: int  # required: the page form carries it (optimistic lock)


class ImportRowOut(Schema):
    row: str
    name: str
    status: str
    messages: list[str]


class ImportOut(Schema):
    committed: bool
    counts: dict[str, int]
    rows: list[ImportRowOut]


def _fields(payload: Schema, exclude: set[str]) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True, exclude=exclude)
    return {k: v for k, v in data.items() if v is not None}


@router.get("/cadres", response=list[CadreOut], summary="干部名册（按授权范围，可筛选）")
@paginate(Pagination, page_size=50)
def cadre_list(request: HttpRequest, filters: Query[RosterIn]) -> Any:
    values = filters.dict()
    if problem := roster.query_problem(values.get("q") or ""):
        raise ValidationError({"q": problem})
    sort = values.pop("sort") or "unit"
    key = sort.lstrip("-")
    fields = roster.SORTS.get(key, roster.SORTS["unit"])
    qs = roster.roster_queryset(user=request.user, filters=values)  # type: ignore[arg-type]
    return qs.order_by(*[f"-{f}" if sort.startswith("-") else f for f in fields])


@router.get("/cadres/{int:cadre_id}", response=CadreDetailOut, summary="干部详情")
def cadre_detail(request: HttpRequest, cadre_id: int) -> Cadre:
    cadre = selectors.cadre_full(user=request.user, pk=cadre_id)
    services.audit_record_view(request.user, cadre)
    return cadre


@router.post("/cadres", response={201: CadreOut}, summary="新增干部")
def cadre_create(request: HttpRequest, payload: CadreCreateIn) -> Status[Cadre]:
    unit = unit_get(user=request.user, pk=payload.unit_id, action=Action.CADRES_CHANGE)
    cadre = services.cadre_create(
        acting_user=request.user, unit=unit, **_fields(payload, {"unit_id"})
    )
    return Status(201, cadre)


@router.patch("/cadres/{int:cadre_id}", response=CadreOut, summary="修改干部信息（带版本号）")
def cadre_update(request: HttpRequest, cadre_id: int, payload: CadrePatchIn) -> Cadre:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_CHANGE)
    return services.cadre_update(
        acting_user=request.user,
        cadre=cadre,
        version=payload.version,
        **_fields(payload, {"version"}),
    )


@router.post(
    "/cadres/{int:cadre_id}/status", response=CadreOut, summary="退休、调出、去世或恢复在职"
)
def cadre_status(request: HttpRequest, cadre_id: int, payload: StatusIn) -> Cadre:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_CHANGE)
    return services.cadre_set_status(
        acting_user=request.user,
        cadre=cadre,
        status=payload.status,
        on=payload.on,
        version=payload.version,
    )


@router.post("/cadres/{int:cadre_id}/positions", response={201: PositionOut}, summary="任职")
def position_start(request: HttpRequest, cadre_id: int, payload: PositionIn) -> Status[Position]:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_CHANGE)
    fields = _fields(payload, {"unit_id", "version"})
    if payload.unit_id is not None:
        fields["unit"] = unit_get(user=request.user, pk=payload.unit_id, action=Action.CADRES_VIEW)
    position = services.position_start(
        acting_user=request.user, cadre=cadre, version=payload.version, **fields
    )
    return Status(201, position)


@router.post(
    "/cadres/{int:cadre_id}/positions/{int:position_id}/end", response=PositionOut, summary="免职"
)
def position_end(
    request: HttpRequest, cadre_id: int, position_id: int, payload: PositionEndIn
) -> Position:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_CHANGE)
    position = cadre.positions.filter(pk=position_id).first()
    if position is None:
        raise HttpError(404, "对象不存在")
    return services.position_end(acting_user=request.user, position=position, **payload.dict())


@router.put("/cadres/{int:cadre_id}/assessments", response=AssessmentOut, summary="年度考核")
def assessment_set(request: HttpRequest, cadre_id: int, payload: AssessmentIn) -> Any:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_CHANGE)
    return services.assessment_set(acting_user=request.user, cadre=cadre, **payload.dict())


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/cadres/{int:cadre_id}/lrmx", summary="导出 LRMX 文件", response={200: None})
def lrmx_export(request: HttpRequest, cadre_id: int) -> HttpResponse:
    from cadres.lrmx import export_one

    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_EXPORT)
    full = selectors.cadres_for_forms(
        user=request.user, pks=[cadre.pk], action=Action.CADRES_EXPORT
    )
    filename, data = export_one(full[0])
    audit_record_export_standalone(
        actor=request.user,
        subjects=[full[0].pk],
        action=AuditAction.EXPORT,
        obj=cadre,
        changes={"document": "LRMX"},
        sensitive=True,
    )
    return _attachment(data, filename, "application/xml")


@router.get("/cadres/{int:cadre_id}/approval-form", summary="任免审批表 PDF", response={200: None})
def approval_form(
    request: HttpRequest,
    cadre_id: int,
    proposed: str = "",
    removed: str = "",
    reason: str = "工作需要",
) -> HttpResponse:
    from cadres.approval_form import render_forms
    from cadres.lrmx import cadre_to_form

    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.CADRES_EXPORT)
    full = selectors.cadres_for_forms(
        user=request.user, pks=[cadre.pk], action=Action.CADRES_EXPORT
    )
    overrides = {"NiRenZhiWu": proposed, "NiMianZhiWu": removed, "RenMianLiYou": reason}
    data = render_forms([cadre_to_form(full[0], **overrides)])
    audit_record_export_standalone(
        actor=request.user,
        subjects=[full[0].pk],
        action=AuditAction.DOWNLOAD,
        obj=cadre,
        changes={"document": "干部任免审批表"},
        sensitive=True,
    )
    return _attachment(data, f"干部任免审批表_{cadre.name}.pdf", "application/pdf")


def _import(
    request: HttpRequest,
    *,
    kind: str,
    file: UploadedFile,
    unit_id: int,
    commit: bool,
    skip_errors: bool,
) -> dict[str, Any]:
    """Both import endpoints: the file through the import pipeline (core/importing)."""
    from core import importing

    unit = unit_get(user=request.user, pk=unit_id, action=Action.CADRES_CHANGE)
    default_name = "upload.lrmx" if kind == "cadres.lrmx" else "upload.xlsx"
    try:
        importing.check_size(file.size)  # before the file is read into memory
        plan = importing.import_file(
            acting_user=request.user,
            unit=unit,
            kind=kind,
            data=file.read(),
            filename=file.name or default_name,
            confirm=commit,
            skip_errors=skip_errors,
        )
    except importing.ImportRefused as exc:
        raise HttpError(400, exc.message) from exc
    return {
        "committed": commit,
        "counts": plan.counts,
        "rows": [
            {"row": r.ref, "name": r.name, "status": r.status, "messages": r.report()}
            for r in plan.rows
        ],
    }


@router.post("/cadres/import/lrmx", response=ImportOut, summary="导入 LRMX（单个文件或 zip）")
def lrmx_import(
    request: HttpRequest,
    file: File[UploadedFile],
    unit_id: Form[int],
    commit: Form[bool] = False,
    skip_errors: Form[bool] = False,
) -> dict[str, Any]:
    return _import(
        request,
        kind="cadres.lrmx",
        file=file,
        unit_id=unit_id,
        commit=commit,
        skip_errors=skip_errors,
    )


@router.post("/cadres/import/excel", response=ImportOut, summary="导入干部名册 Excel")
def excel_import(
    request: HttpRequest,
    file: File[UploadedFile],
    unit_id: Form[int],
    commit: Form[bool] = False,
    skip_errors: Form[bool] = False,
) -> dict[str, Any]:
    return _import(
        request,
        kind="cadres.excel",
        file=file,
        unit_id=unit_id,
        commit=commit,
        skip_errors=skip_errors,
    )


@router.get("/cadres-export", summary="导出干部名册 Excel（按筛选条件）", response={200: None})
def roster_export(request: HttpRequest, filters: Query[RosterIn], columns: str = "") -> Any:
    if not has_action(request.user, Action.CADRES_EXPORT):
        raise HttpError(403, "无权导出")
    values = filters.dict()
    values.pop("sort", None)
    return roster.export_response(
        user=request.user,
        filters=values,  # type: ignore[arg-type]
        columns=columns.split(","),
    )
