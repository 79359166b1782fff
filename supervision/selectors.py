"""Supervision reads. Pages go through ``restrict(user, action)``; ``negative_entries`` and
``key_posts`` are unscoped reads for other apps' engines, which apply their own scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from cadres.models import Cadre
from cadres.selectors import name_match
from core.permissions import Action, has_action
from supervision import draw
from supervision.choices import (
    FAMILY_CATEGORIES,
    PROPERTY_CATEGORIES,
    Polarity,
    ReportCategory,
    ReportGroup,
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
    SpotCheck,
)

VIEW = Action.SUPERVISION_VIEW


# ---------------------------------------------------------------- political profile


@dataclass(slots=True)
class IndicatorSummary:
    """One indicator's line of a profile: counts per list and the entries, newest first."""

    indicator: Indicator
    positive: int = 0
    negative: int = 0
    entries: list[ConductEntry] = field(default_factory=list)


@dataclass(slots=True)
class YearSummary:
    year: int
    positive: int = 0
    negative: int = 0


@dataclass(slots=True)
class PoliticalProfile:
    """政治画像: a cadre's entries summarised per indicator and per year."""

    cadre: Cadre
    indicators: list[IndicatorSummary]
    years: list[YearSummary]
    entries: list[ConductEntry]

    @property
    def positive(self) -> int:
        return sum(s.positive for s in self.indicators)

    @property
    def negative(self) -> int:
        return sum(s.negative for s in self.indicators)


def cadre_get(*, user: Any, pk: int, action: str = VIEW) -> Cadre:
    """A cadre in the user's supervision scope, or 404 (missing and forbidden alike)."""
    cadre = Cadre.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    if cadre is None:
        raise Http404("干部不存在")
    return cadre


def conduct_entries(*, user: Any, cadre: Cadre, action: str = VIEW) -> QuerySet[ConductEntry]:
    """The cadre's entries the user may see, newest first."""
    return (
        ConductEntry.objects.restrict(user, action)
        .filter(cadre=cadre)
        .select_related("indicator", "trait", "recorded_by")
        .order_by("-date", "-id")
    )


def conduct_get(*, user: Any, pk: int, action: str = Action.SUPERVISION_CHANGE) -> ConductEntry:
    entry = (
        ConductEntry.objects.restrict(user, action)
        .select_related("cadre", "indicator", "trait")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("记录不存在")
    return entry


def political_profile(*, user: Any, cadre: Cadre) -> PoliticalProfile:
    """The cadre's 政治画像: every active indicator (and any retired one that has entries)
    with its counts, and the counts per year, oldest year first."""
    entries = list(conduct_entries(user=user, cadre=cadre))
    by_indicator: dict[int, IndicatorSummary] = {
        ind.pk: IndicatorSummary(ind) for ind in Indicator.objects.filter(is_active=True)
    }
    by_year: dict[int, YearSummary] = {}
    for entry in entries:
        summary = by_indicator.setdefault(entry.indicator_id, IndicatorSummary(entry.indicator))
        year = by_year.setdefault(entry.date.year, YearSummary(entry.date.year))
        summary.entries.append(entry)
        if entry.polarity == Polarity.POSITIVE:
            summary.positive += 1
            year.positive += 1
        else:
            summary.negative += 1
            year.negative += 1
    indicators = sorted(by_indicator.values(), key=lambda s: (s.indicator.order, s.indicator.pk))
    return PoliticalProfile(
        cadre=cadre,
        indicators=indicators,
        years=[by_year[y] for y in sorted(by_year)],
        entries=entries,
    )


def negative_entries(
    cadre_ids: Iterable[int], *, since: dt.date | None = None
) -> dict[int, list[ConductEntry]]:
    """负面清单 entries of the given cadres, newest first, keyed by cadre id (cadres without
    any are absent). Unscoped: the caller (selection checks) has already scoped the cadres."""
    qs = ConductEntry.objects.filter(
        cadre_id__in=list(cadre_ids), polarity=Polarity.NEGATIVE
    ).select_related("indicator", "trait")
    if since is not None:
        qs = qs.filter(date__gte=since)
    result: dict[int, list[ConductEntry]] = defaultdict(list)
    for entry in qs.order_by("cadre_id", "-date", "-id"):
        result[entry.cadre_id].append(entry)
    return dict(result)


# ---------------------------------------------------------------- indicator catalogue


@dataclass(frozen=True, slots=True)
class TraitRow:
    trait: BehaviourTrait
    entries: int


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One indicator of the catalogue page with its traits and how many entries cite them."""

    indicator: Indicator
    entries: int
    traits: list[TraitRow]


@dataclass(frozen=True, slots=True)
class Catalogue:
    rows: list[IndicatorRow]
    counts_everywhere: bool  # True: counts over every unit (the catalogue manager's view)


def indicator_catalogue(*, user: Any) -> Catalogue:
    """Every indicator, active or not, with its traits and entry counts.

    A reader with ``supervision.view`` sees counts of the entries in their scope. The catalogue
    manager (系统管理员, who holds no unit scope) sees counts over every unit — bare numbers,
    which tell whether a trait is in use and so may not be deleted.
    """
    everywhere = has_action(user, Action.SUPERVISION_CATALOGUE)
    entries = (
        ConductEntry.objects.all() if everywhere else ConductEntry.objects.restrict(user, VIEW)
    )
    by_indicator = dict(
        entries.order_by()
        .values_list("indicator_id")
        .annotate(n=Count("id"))
        .values_list("indicator_id", "n")
    )
    by_trait = dict(
        entries.filter(trait__isnull=False)
        .order_by()
        .values_list("trait_id")
        .annotate(n=Count("id"))
        .values_list("trait_id", "n")
    )
    traits = Prefetch("traits", queryset=BehaviourTrait.objects.order_by("order", "id"))
    rows = [
        IndicatorRow(
            indicator=ind,
            entries=by_indicator.get(ind.pk, 0),
            traits=[TraitRow(t, by_trait.get(t.pk, 0)) for t in ind.traits.all()],
        )
        for ind in Indicator.objects.prefetch_related(traits).order_by("order", "id")
    ]
    return Catalogue(rows=rows, counts_everywhere=everywhere)


def indicator_get(*, pk: int) -> Indicator:
    """An indicator of the catalogue (reference data, not scoped), or 404."""
    indicator = Indicator.objects.filter(pk=pk).first()
    if indicator is None:
        raise Http404("指标不存在")
    return indicator


def trait_get(*, pk: int) -> BehaviourTrait:
    """A behaviour trait with its indicator (reference data, not scoped), or 404."""
    trait = BehaviourTrait.objects.select_related("indicator").filter(pk=pk).first()
    if trait is None:
        raise Http404("行为特征不存在")
    return trait


# ---------------------------------------------------------------- personal matters reports


def report_year_list(*, user: Any, action: str = VIEW) -> QuerySet[ReportYear]:
    """Report years in scope with how many reports (visible to the user) are submitted."""
    visible = Q(reports__in=PersonalReport.objects.restrict(user, action))
    return (
        ReportYear.objects.restrict(user, action)
        .select_related("unit")
        .annotate(
            total=Count("reports", filter=visible, distinct=True),
            submitted=Count(
                "reports",
                filter=visible & Q(reports__submitted_on__isnull=False),
                distinct=True,
            ),
        )
        .annotate(missing=F("total") - F("submitted"))
        .order_by("-year", "unit__path")
    )


def report_year_get(*, user: Any, pk: int, action: str = VIEW) -> ReportYear:
    report_year = (
        ReportYear.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    )
    if report_year is None:
        raise Http404("报告年度不存在")
    return report_year


def reports_of_year(
    *,
    user: Any,
    report_year: ReportYear,
    submitted: bool | None = None,
    q: str = "",
    action: str = VIEW,
) -> QuerySet[PersonalReport]:
    """The year's reports whose cadres the user may see; ``submitted`` narrows to 已报 / 未报,
    ``q`` to a name or its pinyin initials."""
    qs = (
        PersonalReport.objects.restrict(user, action)
        .filter(report_year=report_year)
        .select_related("cadre", "cadre__unit")
        .order_by("cadre__unit_path", "cadre__sort_order", "id")
    )
    if submitted is not None:
        qs = qs.filter(submitted_on__isnull=not submitted)
    if q.strip():
        qs = qs.filter(name_match(q, "cadre__"))
    return qs


def report_get(*, user: Any, pk: int, action: str = VIEW) -> PersonalReport:
    report = (
        PersonalReport.objects.restrict(user, action)
        .select_related("cadre", "cadre__unit", "report_year", "report_year__unit")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404("报告不存在")
    return report


def checked_reports(
    *, user: Any, report_year: ReportYear, action: str = VIEW
) -> QuerySet[CheckedReport]:
    """The year's check list (random and targeted) the user may see."""
    return (
        CheckedReport.objects.restrict(user, action)
        .filter(report__report_year=report_year)
        .select_related("report", "report__cadre", "report__cadre__unit")
        .order_by("kind", "report__cadre__unit_path", "id")
    )


def report_items(*, user: Any, report: PersonalReport, action: str = VIEW) -> QuerySet[ReportItem]:
    """The report's items the user may see, by category and entry order."""
    return (
        ReportItem.objects.restrict(user, action).filter(report=report).order_by("category", "id")
    )


@dataclass(frozen=True, slots=True)
class CategoryItems:
    category: ReportCategory
    items: list[ReportItem]


@dataclass(frozen=True, slots=True)
class ItemGroup:
    """家事 or 家产 with its categories in the order of the 规定, each with its items."""

    group: ReportGroup
    categories: list[CategoryItems]


def items_by_category(items: Iterable[ReportItem]) -> list[ItemGroup]:
    """The 8 家事 and 6 家产 categories in order, each with its items (empty ones included, so
    the page shows what the cadre reported as 无)."""
    found: dict[str, list[ReportItem]] = defaultdict(list)
    for item in items:
        found[item.category].append(item)
    return [
        ItemGroup(
            group=group,
            categories=[CategoryItems(ReportCategory(c), found.get(c, [])) for c in categories],
        )
        for group, categories in (
            (ReportGroup.FAMILY, FAMILY_CATEGORIES),
            (ReportGroup.PROPERTY, PROPERTY_CATEGORIES),
        )
    ]


def report_item_get(*, user: Any, pk: int, action: str = Action.SUPERVISION_CHANGE) -> ReportItem:
    item = (
        ReportItem.objects.restrict(user, action)
        .select_related("report", "report__cadre", "report__report_year")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("报告事项不存在")
    return item


def report_checks(
    *, user: Any, report: PersonalReport, action: str = VIEW
) -> QuerySet[CheckedReport]:
    """How the report came onto the check list (random draw, targeted check or both)."""
    return (
        CheckedReport.objects.restrict(user, action)
        .filter(report=report)
        .select_related("added_by")
        .order_by("added_at", "id")
    )


def report_findings(
    *, user: Any, report: PersonalReport, action: str = VIEW
) -> QuerySet[CheckFinding]:
    """What the checks of the report found, in the order recorded."""
    return (
        CheckFinding.objects.restrict(user, action)
        .filter(report=report)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One report on a year's check list: how it got there and what was found."""

    report: PersonalReport
    checks: list[CheckedReport]
    findings: list[CheckFinding]

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.checks]


def check_list(*, user: Any, report_year: ReportYear, action: str = VIEW) -> list[CheckRow]:
    """The year's checked reports (random and targeted, one row per report) with their
    findings, in unit order; two queries whatever the length."""
    checks = checked_reports(user=user, report_year=report_year, action=action).order_by(
        "report__cadre__unit_path", "report__cadre__sort_order", "report_id", "kind"
    )
    rows: dict[int, CheckRow] = {}
    for check in checks:
        row = rows.setdefault(check.report_id, CheckRow(check.report, [], []))
        row.checks.append(check)
    findings = (
        CheckFinding.objects.restrict(user, action)
        .filter(report_id__in=list(rows))
        .order_by("recorded_at", "id")
    )
    for finding in findings:
        rows[finding.report_id].findings.append(finding)
    return list(rows.values())


@dataclass(frozen=True, slots=True)
class DrawCheck:
    """The result of repeating a recorded draw."""

    redrawn: list[int]
    matches: bool


def spot_check_verify(spot_check: SpotCheck) -> DrawCheck:
    """Repeat the draw from the recorded seed, percentage and candidates; ``matches`` says
    whether it gives the stored list (it does unless Python's sampling changed)."""
    redrawn = draw.draw_sample(spot_check.candidate_ids, spot_check.percentage, spot_check.seed)
    return DrawCheck(redrawn=redrawn, matches=redrawn == list(spot_check.drawn_ids))


def drawn_cadres(spot_check: SpotCheck) -> list[Cadre]:
    """The cadres of the drawn reports, in draw order (for an auditor's comparison)."""
    reports = PersonalReport.objects.filter(pk__in=spot_check.drawn_ids).select_related("cadre")
    by_id = {r.pk: r.cadre for r in reports}
    return [by_id[pk] for pk in spot_check.drawn_ids if pk in by_id]


# ---------------------------------------------------------------- key units and posts


def key_unit_list(*, user: Any, action: str = VIEW, q: str = "") -> QuerySet[KeyUnit]:
    """Key units in scope; ``q`` narrows to units whose name or code contains it."""
    qs = KeyUnit.objects.restrict(user, action).select_related("unit").order_by("unit__path")
    if q := q.strip():
        qs = qs.filter(Q(unit__name__icontains=q) | Q(unit__code__icontains=q))
    return qs


def key_post_list(*, user: Any, action: str = VIEW, q: str = "") -> QuerySet[KeyPost]:
    """Key posts in scope; ``q`` narrows to posts whose unit name or title contains it."""
    qs = (
        KeyPost.objects.restrict(user, action)
        .select_related("unit")
        .order_by("unit__path", "title", "id")
    )
    if q := q.strip():
        qs = qs.filter(
            Q(unit__name__icontains=q) | Q(unit__code__icontains=q) | Q(title__icontains=q)
        )
    return qs


def key_unit_get(*, user: Any, pk: int, action: str = Action.SUPERVISION_CHANGE) -> KeyUnit:
    key_unit = KeyUnit.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    if key_unit is None:
        raise Http404("重点部门不存在")
    return key_unit


def key_post_get(*, user: Any, pk: int, action: str = Action.SUPERVISION_CHANGE) -> KeyPost:
    post = KeyPost.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    if post is None:
        raise Http404("关键岗位不存在")
    return post


def key_posts() -> list[KeyPost]:
    """Every key post with its unit (path included), for the rotation alert rule. Unscoped:
    the alert engine limits findings to the scope it computes for."""
    return list(KeyPost.objects.select_related("unit").order_by("unit__path", "title", "id"))


def key_units() -> list[KeyUnit]:
    """Every unit marked 重点部门, for the rotation alert rule. Unscoped, as ``key_posts``."""
    return list(KeyUnit.objects.select_related("unit").order_by("unit__path"))


def has_targeted_check(report_year: ReportYear, cadre: Cadre) -> bool:
    """True when ``cadre``'s report of ``report_year`` is already on the targeted-check list
    (凡提必查 of another case, or added by hand). Unscoped: the caller checks scope."""
    return CheckedReport.objects.filter(
        report__report_year=report_year, report__cadre=cadre, kind="targeted"
    ).exists()


def report_year_for(cadre: Cadre) -> ReportYear | None:
    """The newest report year whose unit covers ``cadre`` (the nearest unit when several do):
    where a 凡提必查 of a selection candidate is filed. Unscoped: the caller checks scope."""
    parts = [p for p in cadre.unit_path.split("/") if p]
    prefixes = ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return (
        ReportYear.objects.filter(unit__path__in=prefixes)
        .select_related("unit")
        .order_by("-year", "-unit__depth")
        .first()
    )
