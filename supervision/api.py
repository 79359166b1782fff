"""/api/v1/supervision/...: the political profile, conduct entries, spot checks and key posts,
through the same selectors, services and scoping as the pages."""

# No ``from __future__ import annotations``: django-ninja reads real annotations.

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.roles import Action
from supervision import selectors, services
from supervision.choices import Polarity
from supervision.models import BehaviourTrait, ConductEntry, Indicator, KeyPost
from supervision.services import EVIDENCE_MAX, SOURCE_MAX

router = Router(tags=["干部监督"])


class ConductOut(Schema):
    id: int
    cadre_id: int
    polarity: str
    polarity_label: str = Field(alias="get_polarity_display")
    date: dt.date
    indicator_id: int
    indicator_name: str
    trait_id: int | None
    trait_text: str
    source: str
    evidence: str

    @staticmethod
    def resolve_indicator_name(obj: ConductEntry) -> str:
        return obj.indicator.name

    @staticmethod
    def resolve_trait_text(obj: ConductEntry) -> str:
        return obj.trait.text if obj.trait is not None else ""


class IndicatorLineOut(Schema):
    indicator_id: int
    indicator_name: str
    positive: int
    negative: int


class YearLineOut(Schema):
    year: int
    positive: int
    negative: int


class ProfileOut(Schema):
    cadre_id: int
    cadre_name: str
    positive: int
    negative: int
    indicators: list[IndicatorLineOut]
    years: list[YearLineOut]
    entries: list[ConductOut]


class ConductIn(Schema):
    polarity: Polarity
    date: dt.date
    indicator_id: int
    trait_id: int | None = None
    source: str = Field(max_length=SOURCE_MAX)
    evidence: str = Field(max_length=EVIDENCE_MAX)


class SpotCheckOut(Schema):
    report_year_id: int
    year: int
    percentage: int
    seed: int
    candidate_ids: list[int]
    drawn_ids: list[int]
    drawn_cadres: list[str]
    reproduces: bool


class KeyPostOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    title: str
    match: str
    rotation_years: int
    note: str

    @staticmethod
    def resolve_unit_name(obj: KeyPost) -> str:
        return obj.unit.name


@router.get("/supervision/cadres/{int:cadre_id}/profile", response=ProfileOut, summary="政治画像")
def supervision_profile(request: HttpRequest, cadre_id: int) -> dict[str, Any]:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id)
    profile = selectors.political_profile(user=request.user, cadre=cadre)
    return {
        "cadre_id": cadre.pk,
        "cadre_name": cadre.name,
        "positive": profile.positive,
        "negative": profile.negative,
        "indicators": [
            {
                "indicator_id": s.indicator.pk,
                "indicator_name": s.indicator.name,
                "positive": s.positive,
                "negative": s.negative,
            }
            for s in profile.indicators
        ],
        "years": [
            {"year": y.year, "positive": y.positive, "negative": y.negative} for y in profile.years
        ],
        "entries": profile.entries,
    }


@router.post(
    "/supervision/cadres/{int:cadre_id}/conduct",
    response={201: ConductOut},
    summary="记入正面清单或负面清单",
)
def supervision_conduct_add(
    request: HttpRequest, cadre_id: int, payload: ConductIn
) -> Status[ConductEntry]:
    cadre = selectors.cadre_get(user=request.user, pk=cadre_id, action=Action.SUPERVISION_CHANGE)
    indicator = Indicator.objects.filter(pk=payload.indicator_id).first()
    trait = None
    if payload.trait_id is not None:
        trait = BehaviourTrait.objects.filter(pk=payload.trait_id).first()
        if trait is None:
            raise Http404("行为特征不存在")
    entry = services.conduct_add(
        acting_user=request.user,
        cadre=cadre,
        polarity=payload.polarity,
        date=payload.date,
        indicator=indicator,
        trait=trait,
        source=payload.source,
        evidence=payload.evidence,
    )
    return Status(201, entry)


@router.get(
    "/supervision/report-years/{int:report_year_id}/spot-check",
    response=SpotCheckOut,
    summary="随机抽查：种子、抽取范围与抽中名单（可复核）",
)
def supervision_spot_check(request: HttpRequest, report_year_id: int) -> dict[str, Any]:
    report_year = selectors.report_year_get(user=request.user, pk=report_year_id)
    check = getattr(report_year, "spot_check", None)
    if check is None:
        raise Http404("尚未抽查")
    return {
        "report_year_id": report_year.pk,
        "year": report_year.year,
        "percentage": check.percentage,
        "seed": check.seed,
        "candidate_ids": check.candidate_ids,
        "drawn_ids": check.drawn_ids,
        "drawn_cadres": [c.name for c in selectors.drawn_cadres(check)],
        "reproduces": selectors.spot_check_verify(check).matches,
    }


@router.get("/supervision/key-posts", response=list[KeyPostOut], summary="关键岗位（按授权范围）")
def supervision_key_posts(request: HttpRequest) -> Any:
    return selectors.key_post_list(user=request.user)
