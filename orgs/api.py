"""/api/v1/units: the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations`` here: django-ninja cannot resolve a
# ``Query[Schema]`` parameter of a ``@paginate``d view from string annotations, and
# GET /api/v1/units failed with a 500 (django-ninja issue #1424).

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.http import MAX_BIGINT, MAX_INT
from core.pagination import Pagination
from core.permissions import Action
from orgs import selectors, services
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit

router = Router(tags=["单位"])


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    parent_id: int | None
    depth: int
    order: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    level: str
    level_label: str = Field(alias="get_level_display")
    region_code: str
    is_active: bool
    version: int


class UnitFilterIn(Schema):
    q: str = ""
    kind: UnitKind | None = None
    level: UnitLevel | None = None
    parent: int | None = Field(None, ge=1, le=MAX_BIGINT)
    include_inactive: bool = False


class UnitCreateIn(Schema):
    parent_id: int
    name: str = Field(max_length=100)
    code: str = Field(max_length=32, pattern=r"^[0-9A-Za-z_.-]+$")
    kind: UnitKind
    level: UnitLevel
    short_name: str = ""
    order: int = Field(0, ge=0, le=MAX_INT)  # PositiveIntegerField
    region_code: str = Field("", pattern=r"^(\d{6})?$")


class UnitPatchIn(Schema):
    version: int
    name: str | None = Field(None, max_length=100)
    short_name: str | None = None
    code: str | None = Field(None, max_length=32, pattern=r"^[0-9A-Za-z_.-]+$")
    kind: UnitKind | None = None
    level: UnitLevel | None = None
    order: int | None = Field(None, ge=0, le=MAX_INT)
    region_code: str | None = Field(None, pattern=r"^(\d{6})?$")


class MoveIn(Schema):
    new_parent_id: int
    version: int  # required: the page form carries it (optimistic lock)


class QuotaOut(Schema):
    rank_level: str
    title: str
    quota: int
    note: str


class QuotaIn(Schema):
    rank_level: str
    title: str = ""
    quota: int = Field(ge=0, le=99)
    note: str = ""


@router.get("/units", response=list[UnitOut], summary="单位列表（按授权范围）")
@paginate(Pagination, page_size=50)
def unit_list(request: HttpRequest, filters: Query[UnitFilterIn]) -> Any:
    return selectors.unit_list(
        user=request.user,
        filters={
            "q": filters.q,
            "kind": filters.kind or "",
            "level": filters.level or "",
            "parent": filters.parent,
            "include_inactive": filters.include_inactive,
        },
    )


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def unit_detail(request: HttpRequest, unit_id: int) -> Unit:
    return selectors.unit_get(user=request.user, pk=unit_id)


@router.get("/units/{unit_id}/children", response=list[UnitOut], summary="下级单位")
def unit_children(request: HttpRequest, unit_id: int) -> list[Unit]:
    parent = selectors.unit_get(user=request.user, pk=unit_id)
    return selectors.unit_children(user=request.user, parent=parent)


@router.post("/units", response={201: UnitOut}, summary="新增单位")
def unit_create(request: HttpRequest, payload: UnitCreateIn) -> Status[Unit]:
    parent = selectors.unit_get(user=request.user, pk=payload.parent_id, action=Action.ORGS_CHANGE)
    data = payload.dict(exclude={"parent_id"})
    return Status(201, services.unit_create(acting_user=request.user, parent=parent, **data))


@router.patch(
    "/units/{unit_id}", response=UnitOut, summary="修改单位（带版本号，防止覆盖他人修改）"
)
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatchIn) -> Unit:
    unit = selectors.unit_get(user=request.user, pk=unit_id, action=Action.ORGS_CHANGE)
    fields = payload.dict(exclude_unset=True, exclude={"version"})
    fields = {k: v for k, v in fields.items() if v is not None}
    return services.unit_update(
        acting_user=request.user, unit=unit, version=payload.version, **fields
    )


@router.post("/units/{unit_id}/move", response=UnitOut, summary="移动单位（连同下级）")
def unit_move(request: HttpRequest, unit_id: int, payload: MoveIn) -> Unit:
    unit = selectors.unit_get(user=request.user, pk=unit_id, action=Action.ORGS_CHANGE)
    target = selectors.unit_get(
        user=request.user, pk=payload.new_parent_id, action=Action.ORGS_CHANGE
    )
    return services.unit_move(
        acting_user=request.user, unit=unit, new_parent=target, version=payload.version
    )


@router.post("/units/{unit_id}/deactivate", response=UnitOut, summary="撤销单位（可恢复）")
def unit_deactivate(request: HttpRequest, unit_id: int) -> Unit:
    unit = selectors.unit_get(user=request.user, pk=unit_id, action=Action.ORGS_CHANGE)
    return services.unit_deactivate(acting_user=request.user, unit=unit)


@router.post("/units/{unit_id}/restore", response=UnitOut, summary="恢复已撤销的单位")
def unit_restore(request: HttpRequest, unit_id: int) -> Unit:
    unit = selectors.unit_get(user=request.user, pk=unit_id, action=Action.ORGS_CHANGE)
    return services.unit_restore(acting_user=request.user, unit=unit)


@router.get("/units/{unit_id}/quotas", response=list[QuotaOut], summary="职数")
def quota_list(request: HttpRequest, unit_id: int) -> Any:
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    return selectors.quota_list(user=request.user, unit=unit)


@router.put("/units/{unit_id}/quotas", response=QuotaOut, summary="设置职数（0 为删除）")
def quota_set(request: HttpRequest, unit_id: int, payload: QuotaIn) -> PostQuota:
    unit = selectors.unit_get(user=request.user, pk=unit_id, action=Action.ORGS_CHANGE)
    return services.quota_set(acting_user=request.user, unit=unit, **payload.dict())
