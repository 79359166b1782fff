"""/api/v1/supervision/...: the political profile, conduct entries, the personal matters
reports with their checks and findings, key units and posts, and the indicator catalogue,
through the same selectors, services and scoping as the pages.

Report items and check findings are personal matters (家事、家产): every API read that returns
them writes a sensitive audit event, as exports and downloads of personnel data do.
"""

# No ``from __future__ import annotations``: django-ninja resolves Query[...] of a paginated
# view from real annotations only (see orgs/api.py).

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from audit.choices import AuditAction
from audit.services import audit_record_standalone
from core.pagination import Pagination
from core.permissions import Action, has_action
from orgs.selectors import unit_get
from supervision import selectors, services
from supervision.choices import (
    CheckKind,
    FindingKind,
    FindingSubkind,
    KeyUnitReason,
    Polarity,
    ReportCategory,
    category_group,
)
from supervision.models import (
    BehaviourTrait,
    CheckedReport,
    CheckFinding,
    ConductEntry,
    Indicator,
    KeyPost,
    KeyUnit,
    PersonalReport,
    ReportItem,
    ReportYear,
)
from supervision.services import EVIDENCE_MAX, NOTE_MAX, REASON_MAX, SOURCE_MAX, TEXT_MAX

router = Router(tags=["干部监督"])
CHANGE, CATALOGUE = Action.SUPERVISION_CHANGE, Action.SUPERVISION_CATALOGUE


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


# ---------------------------------------------------------------- personal matters reports


class ReportYearOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    due_date: dt.date
    rank_levels: list[str]
    note: str
    total: int
    submitted: int
    missing: int

    @staticmethod
    def resolve_unit_name(obj: ReportYear) -> str:
        return obj.unit.name


class ReportYearDetailOut(ReportYearOut):
    late: int
    random_checks: int
    targeted_checks: int
    findings: int
    spot_check_drawn: bool


class ReportFilterIn(Schema):
    submitted: bool | None = None
    q: str = ""


class ReportOut(Schema):
    id: int
    report_year_id: int
    year: int
    due_date: dt.date
    cadre_id: int
    cadre_name: str
    unit_name: str
    current_title: str
    submitted_on: dt.date | None
    late: bool

    @staticmethod
    def resolve_year(obj: PersonalReport) -> int:
        return obj.report_year.year

    @staticmethod
    def resolve_due_date(obj: PersonalReport) -> dt.date:
        return obj.report_year.due_date

    @staticmethod
    def resolve_cadre_name(obj: PersonalReport) -> str:
        return obj.cadre.name

    @staticmethod
    def resolve_unit_name(obj: PersonalReport) -> str:
        return obj.cadre.unit.name

    @staticmethod
    def resolve_current_title(obj: PersonalReport) -> str:
        return obj.cadre.current_title

    @staticmethod
    def resolve_late(obj: PersonalReport) -> bool:
        return obj.submitted_on is not None and obj.submitted_on > obj.report_year.due_date


class ReportItemOut(Schema):
    id: int
    report_id: int
    category: str
    category_label: str = Field(alias="get_category_display")
    group: str
    group_label: str
    content: str
    created_at: dt.datetime

    @staticmethod
    def resolve_group(obj: ReportItem) -> str:
        return str(category_group(obj.category).value)

    @staticmethod
    def resolve_group_label(obj: ReportItem) -> str:
        return str(category_group(obj.category).label)


class FindingOut(Schema):
    id: int
    report_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    subkind: str
    subkind_label: str = Field(alias="get_subkind_display")
    description: str
    consequence: str
    recorded_at: dt.datetime


class CheckOut(Schema):
    """How a report came onto the check list."""

    id: int
    report_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    reason: str
    added_at: dt.datetime


class TargetedCheckOut(CheckOut):
    cadre_id: int
    cadre_name: str

    @staticmethod
    def resolve_cadre_id(obj: CheckedReport) -> int:
        return obj.report.cadre_id

    @staticmethod
    def resolve_cadre_name(obj: CheckedReport) -> str:
        return obj.report.cadre.name


class CheckRowOut(Schema):
    """One checked report of a year: its checks (random, targeted or both) and findings."""

    report_id: int
    cadre_id: int
    cadre_name: str
    unit_name: str
    submitted_on: dt.date | None
    kinds: list[str]
    checks: list[CheckOut]
    findings: list[FindingOut]

    @staticmethod
    def resolve_report_id(obj: selectors.CheckRow) -> int:
        return obj.report.pk

    @staticmethod
    def resolve_cadre_id(obj: selectors.CheckRow) -> int:
        return obj.report.cadre_id

    @staticmethod
    def resolve_cadre_name(obj: selectors.CheckRow) -> str:
        return obj.report.cadre.name

    @staticmethod
    def resolve_unit_name(obj: selectors.CheckRow) -> str:
        return obj.report.cadre.unit.name

    @staticmethod
    def resolve_submitted_on(obj: selectors.CheckRow) -> dt.date | None:
        return obj.report.submitted_on


class ReportDetailOut(Schema):
    report: ReportOut
    items: list[ReportItemOut]
    checks: list[CheckOut]
    findings: list[FindingOut]


class CheckFilterIn(Schema):
    kind: CheckKind | None = None


class SubmitIn(Schema):
    submitted_on: dt.date


class UnsubmitIn(Schema):
    reason: str = Field(max_length=REASON_MAX)


class ReportItemIn(Schema):
    category: ReportCategory
    content: str = Field(max_length=TEXT_MAX)


class TargetedCheckIn(Schema):
    cadre_id: int
    reason: str = Field(max_length=REASON_MAX)


class FindingIn(Schema):
    kind: FindingKind
    subkind: FindingSubkind
    description: str = Field(max_length=TEXT_MAX)
    consequence: str = Field(max_length=TEXT_MAX)


@router.get(
    "/supervision/report-years",
    response=list[ReportYearOut],
    summary="个人有关事项报告年度（按授权范围，含已报、未报人数）",
)
@paginate(Pagination, page_size=50)
def supervision_report_year_list(request: HttpRequest) -> Any:
    return selectors.report_year_list(user=request.user)


@router.get(
    "/supervision/report-years/{int:report_year_id}",
    response=ReportYearDetailOut,
    summary="报告年度：应报、已报、未报、逾期、查核和查核结果数",
)
def supervision_report_year_detail(request: HttpRequest, report_year_id: int) -> ReportYear:
    report_year = selectors.report_year_list(user=request.user).filter(pk=report_year_id).first()
    if report_year is None:
        raise Http404("报告年度不存在")
    reports = selectors.reports_of_year(user=request.user, report_year=report_year).order_by()
    counts = reports.aggregate(
        late=Count("id", filter=Q(submitted_on__gt=report_year.due_date), distinct=True),
        random_checks=Count("checks", filter=Q(checks__kind=CheckKind.RANDOM), distinct=True),
        targeted_checks=Count("checks", filter=Q(checks__kind=CheckKind.TARGETED), distinct=True),
        findings=Count("findings", distinct=True),
    )
    counts["spot_check_drawn"] = hasattr(report_year, "spot_check")
    for name, value in counts.items():
        setattr(report_year, name, value)
    return report_year


@router.get(
    "/supervision/report-years/{int:report_year_id}/reports",
    response=list[ReportOut],
    summary="报告年度的报告（已报 / 未报，按姓名或拼音首字母查找）",
)
@paginate(Pagination, page_size=50)
def supervision_reports(
    request: HttpRequest, report_year_id: int, filters: Query[ReportFilterIn]
) -> Any:
    report_year = selectors.report_year_get(user=request.user, pk=report_year_id)
    return selectors.reports_of_year(
        user=request.user, report_year=report_year, submitted=filters.submitted, q=filters.q
    ).select_related("report_year")


@router.get(
    "/supervision/reports/{int:report_id}",
    response=ReportDetailOut,
    summary="一份报告：报告事项、查核情况和查核结果（敏感信息，查看留痕）",
)
def supervision_report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    user = request.user
    report = selectors.report_get(user=user, pk=report_id)
    items = list(selectors.report_items(user=user, report=report))
    findings = list(selectors.report_findings(user=user, report=report))
    services.report_read_record(acting_user=user, report=report, items=items, findings=findings)
    return {
        "report": report,
        "items": items,
        "checks": list(selectors.report_checks(user=user, report=report)),
        "findings": findings,
    }


@router.post(
    "/supervision/reports/{int:report_id}/submit",
    response=ReportOut,
    summary="登记报告已提交（报告日期）",
)
def supervision_report_submit(
    request: HttpRequest, report_id: int, payload: SubmitIn
) -> PersonalReport:
    report = selectors.report_get(user=request.user, pk=report_id, action=CHANGE)
    return services.report_submit(
        acting_user=request.user, report=report, submitted_on=payload.submitted_on
    )


@router.post(
    "/supervision/reports/{int:report_id}/unsubmit",
    response=ReportOut,
    summary="撤销报告登记（登记有误时；已列入查核名单的不能撤销）",
)
def supervision_report_unsubmit(
    request: HttpRequest, report_id: int, payload: UnsubmitIn
) -> PersonalReport:
    report = selectors.report_get(user=request.user, pk=report_id, action=CHANGE)
    return services.report_unsubmit(acting_user=request.user, report=report, reason=payload.reason)


@router.post(
    "/supervision/reports/{int:report_id}/items",
    response={201: ReportItemOut},
    summary="录入报告事项（8 项家事、6 项家产之一）",
)
def supervision_report_item_add(
    request: HttpRequest, report_id: int, payload: ReportItemIn
) -> Status[ReportItem]:
    report = selectors.report_get(user=request.user, pk=report_id, action=CHANGE)
    item = services.report_item_add(
        acting_user=request.user,
        report=report,
        category=payload.category,
        content=payload.content,
    )
    return Status(201, item)


@router.delete(
    "/supervision/reports/items/{int:item_id}",
    response={204: None},
    summary="删除误录的报告事项（变更记录中保留原内容）",
)
def supervision_report_item_delete(request: HttpRequest, item_id: int) -> Status[None]:
    item = selectors.report_item_get(user=request.user, pk=item_id, action=CHANGE)
    services.report_item_delete(acting_user=request.user, item=item)
    return Status(204, None)


@router.get(
    "/supervision/report-years/{int:report_year_id}/checks",
    response=list[CheckRowOut],
    summary="查核名单（随机抽查、重点抽查）及查核结果（返回查核结果时查看留痕）",
)
def supervision_checks(
    request: HttpRequest, report_year_id: int, filters: Query[CheckFilterIn]
) -> list[selectors.CheckRow]:
    report_year = selectors.report_year_get(user=request.user, pk=report_year_id)
    rows = selectors.check_list(user=request.user, report_year=report_year)
    if filters.kind:
        rows = [r for r in rows if filters.kind in r.kinds]
    if found := [r.report.pk for r in rows if r.findings]:
        audit_record_standalone(
            actor=request.user,
            action=AuditAction.VIEW,
            obj=report_year,
            object_repr=f"{report_year}查核结果",
            changes={"section": "查核结果", "reports": found},
            sensitive=True,
        )
    return rows


@router.post(
    "/supervision/report-years/{int:report_year_id}/checks",
    response={201: TargetedCheckOut},
    summary="列入重点抽查（凡提必查），须写明查核事由",
)
def supervision_targeted_check_add(
    request: HttpRequest, report_year_id: int, payload: TargetedCheckIn
) -> Status[CheckedReport]:
    report_year = selectors.report_year_get(user=request.user, pk=report_year_id, action=CHANGE)
    cadre = selectors.cadre_get(user=request.user, pk=payload.cadre_id, action=CHANGE)
    checked = services.targeted_check_add(
        acting_user=request.user, report_year=report_year, cadre=cadre, reason=payload.reason
    )
    return Status(201, checked)


@router.post(
    "/supervision/reports/{int:report_id}/findings",
    response={201: FindingOut},
    summary="录入查核结果：漏报或隐瞒不报、情形和处理结果",
)
def supervision_finding_add(
    request: HttpRequest, report_id: int, payload: FindingIn
) -> Status[CheckFinding]:
    report = selectors.report_get(user=request.user, pk=report_id, action=CHANGE)
    finding = services.finding_add(
        acting_user=request.user,
        report=report,
        kind=payload.kind,
        subkind=payload.subkind,
        description=payload.description,
        consequence=payload.consequence,
    )
    return Status(201, finding)


# ---------------------------------------------------------------- key units


class KeyUnitOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    reason: str
    reason_label: str = Field(alias="get_reason_display")
    note: str
    marked_at: dt.datetime

    @staticmethod
    def resolve_unit_name(obj: KeyUnit) -> str:
        return obj.unit.name


class KeyUnitIn(Schema):
    unit_id: int
    reason: KeyUnitReason
    note: str = Field("", max_length=NOTE_MAX)


@router.get("/supervision/key-units", response=list[KeyUnitOut], summary="重点部门（按授权范围）")
def supervision_key_units(request: HttpRequest) -> Any:
    return selectors.key_unit_list(user=request.user)


@router.post(
    "/supervision/key-units",
    response={201: KeyUnitOut},
    summary="标记重点部门（权力集中、资源富集）",
)
def supervision_key_unit_mark(request: HttpRequest, payload: KeyUnitIn) -> Status[KeyUnit]:
    unit = unit_get(user=request.user, pk=payload.unit_id, action=CHANGE)
    key_unit = services.key_unit_mark(
        acting_user=request.user, unit=unit, reason=payload.reason, note=payload.note
    )
    return Status(201, key_unit)


@router.delete(
    "/supervision/key-units/{int:key_unit_id}",
    response={204: None},
    summary="取消重点部门标记",
)
def supervision_key_unit_unmark(request: HttpRequest, key_unit_id: int) -> Status[None]:
    key_unit = selectors.key_unit_get(user=request.user, pk=key_unit_id, action=CHANGE)
    services.key_unit_unmark(acting_user=request.user, key_unit=key_unit)
    return Status(204, None)


# ---------------------------------------------------------------- indicator catalogue


class TraitOut(Schema):
    id: int
    text: str
    polarity: str
    polarity_label: str
    order: int
    entries: int


class IndicatorOut(Schema):
    id: int
    name: str
    description: str
    order: int
    is_active: bool
    entries: int
    traits: list[TraitOut]


class IndicatorFilterIn(Schema):
    include_inactive: bool = False


def _trait(row: selectors.TraitRow) -> dict[str, Any]:
    trait = row.trait
    return {
        "id": trait.pk,
        "text": trait.text,
        "polarity": trait.polarity,
        "polarity_label": Polarity(trait.polarity).label if trait.polarity else "均可",
        "order": trait.order,
        "entries": row.entries,
    }


@router.get(
    "/supervision/indicators",
    response=list[IndicatorOut],
    summary="政治素质指标及其行为特征（只读目录，含引用的清单记录数）",
)
def supervision_indicators(
    request: HttpRequest, filters: Query[IndicatorFilterIn]
) -> list[dict[str, Any]]:
    user = request.user
    # As the catalogue page: read by everyone in 干部监督 and by its keeper (系统管理员).
    if not (has_action(user, Action.SUPERVISION_VIEW) or has_action(user, CATALOGUE)):
        raise Http404("对象不存在")
    return [
        {
            "id": row.indicator.pk,
            "name": row.indicator.name,
            "description": row.indicator.description,
            "order": row.indicator.order,
            "is_active": row.indicator.is_active,
            "entries": row.entries,
            "traits": [_trait(t) for t in row.traits],
        }
        for row in selectors.indicator_catalogue(user=user).rows
        if row.indicator.is_active or filters.include_inactive
    ]
