"""/api/v1: a unit's 领导班子 and its 结构分析, with the same selectors and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja reads real annotations (orgs/api.py).

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from analysis import team
from core.permissions import Action
from orgs.selectors import unit_get

router = Router(tags=["干部"])  # the same tag as before the move: one section of the API docs


class SliceOut(Schema):
    name: str
    value: int


class FiguresOut(Schema):
    count: int
    average_age: float | None
    women: int
    women_percent: float | None
    under_40: int
    under_40_percent: float | None
    minority: int
    non_cpc: int
    age_bands: list[SliceOut]
    sex: list[SliceOut]
    ethnicity: list[SliceOut]
    party: list[SliceOut]
    education: list[SliceOut]
    expertise: list[SliceOut]


class QuotaRowOut(Schema):
    rank_level: str
    rank_level_name: str
    title: str = Field(description="空：该层次合计；否则为核定时写明的职务")
    quota: int | None = Field(description="核定职数；null 表示未核定")
    actual: int
    difference: int | None = Field(description="实配 − 核定：正数超配，负数空缺")
    state: str


class TeamUnitOut(Schema):
    id: int
    name: str
    code: str


class TeamMemberOut(Schema):
    cadre_id: int
    url: str
    name: str
    title: str
    rank_level: str
    rank_level_name: str
    is_head: bool
    age: int
    birth_month: str
    sex: str
    ethnicity: str
    party: str
    education: str
    degree: str
    expertise: str
    start_date: dt.date
    alerts: int = Field(description="未排除的预警条数")


class UnitAlertOut(Schema):
    severity: str
    message: str
    rule: str


class TeamOut(Schema):
    unit: TeamUnitOut
    today: dt.date
    members: list[TeamMemberOut]
    figures: FiguresOut
    quotas: list[QuotaRowOut]
    alerts: list[UnitAlertOut]


class StructureChildOut(Schema):
    unit_id: int
    name: str
    is_self: bool = Field(description="true：本单位自身的班子；否则为一个直接下级单位（含其下级）")
    count: int
    women: int
    under_40: int
    average_age: float | None
    quota: int
    actual: int


class StructureOut(Schema):
    unit: TeamUnitOut
    today: dt.date
    figures: FiguresOut
    quotas: list[QuotaRowOut]
    children: list[StructureChildOut]


@router.get("/units/{int:unit_id}/team", response=TeamOut, summary="领导班子：成员、职数、结构")
def unit_team(request: HttpRequest, unit_id: int) -> Any:
    unit = unit_get(user=request.user, pk=unit_id, action=Action.CADRES_VIEW)
    return team.team_of(user=request.user, unit=unit)


@router.get(
    "/units/{int:unit_id}/structure",
    response=StructureOut,
    summary="班子结构分析（本单位及全部下级单位，按直接下级分列）",
)
def unit_structure(request: HttpRequest, unit_id: int) -> Any:
    unit = unit_get(user=request.user, pk=unit_id, action=Action.CADRES_VIEW)
    return team.structure_of_subtree(user=request.user, unit=unit)
