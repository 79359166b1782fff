"""Pool reads, always through ``restrict(user, action)``, and the 推荐人选 (candidates).

Candidates are found in one set-based query on the cadre table: the age limit is a
``birth_date`` range, level and education are ``IN`` lists on derived columns, the
assessment conditions are ``EXISTS`` / ``NOT EXISTS`` subqueries on the (cadre, year)
unique index. Measured on the province bench (300k cadres, PostgreSQL): a young-cadre pool
(level + age + education + assessments) answers a page of 50 with its total in 20–75 ms;
criteria without a level (age and expertise only) read most of the table, 200–450 ms for
the first page. The total is then remembered until the data changes
(``audit.selectors.counted``), so further pages take 10–30 ms.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.http import Http404
from django.utils.functional import cached_property

from audit.selectors import counted
from cadres.choices import AssessmentGrade, CadreStatus
from cadres.models import Assessment, Cadre
from cadres.roster import birth_range
from cadres.selectors import name_match
from core.choices import CodeTable
from core.dates import age_in_months_style
from core.models import Code, scope_q
from core.permissions import Action, can
from core.selectors import code_map
from development.choices import (
    LIVE_ASSIGNMENT_STATUSES,
    AssignmentStatus,
    EntryStatus,
    EvidenceTag,
    PoolKind,
    ProgrammeKind,
)
from development.criteria import PoolCriteria
from development.models import Assignment, Pool, PoolEntry, PoolEvidence, Programme
from orgs.models import Unit

BELOW_COMPETENT = (AssessmentGrade.BASIC, AssessmentGrade.INCOMPETENT)
CANDIDATE_PAGE_SIZE = 50

# Below this many matches a page is read "filter first": PostgreSQL finds every match
# through the most selective index and sorts them. At or above it, walking the tree-order
# index and stopping after the page is cheaper. Walking the index for a few matches in a
# province read all 300k rows (465 ms for 46 县处级 candidates); sorting 2,000 matches
# costs as much as counting them (85 ms) where the walk took 17 ms.
DENSE_MATCHES = 1000
TREE_ORDER = ("unit_path", "sort_order", "id")
# The same order as an expression no index provides, which leaves the planner only the
# filter-first plan.
FILTER_FIRST_ORDER = (Concat("unit_path", Value("")).asc(), "sort_order", "id")


class PoolFilters(TypedDict, total=False):
    q: str
    kind: str
    include_inactive: bool


# Dated evidence first, oldest first; undated last on SQLite and PostgreSQL alike.
_EVIDENCE_ORDER = PoolEvidence.objects.order_by(F("date").asc(nulls_last=True), "id")


# ---------------------------------------------------------------- pools


def pool_list(
    *, user: Any, filters: PoolFilters | None = None, action: str = Action.POOLS_VIEW
) -> QuerySet[Pool]:
    """Pools in scope with their member counts (members the user may see, in the pool now)."""
    filters = filters or {}
    qs = Pool.objects.restrict(user, action).select_related("unit")
    if not filters.get("include_inactive"):
        qs = qs.filter(is_active=True)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    members = (
        PoolEntry.objects.filter(pool=OuterRef("pk"), status=EntryStatus.IN)
        .filter(scope_q(user, action, "cadre__unit_path"))
        .order_by()
        .values("pool")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(member_count=Coalesce(Subquery(members), 0)).order_by("unit__path", "id")


def pool_get(*, user: Any, pk: int, action: str = Action.POOLS_VIEW) -> Pool:
    """One pool in scope, or 404 — the same 404 for missing and forbidden."""
    pool = Pool.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    if pool is None:
        raise Http404("干部库不存在")
    return pool


def pool_members(
    *,
    user: Any,
    pool: Pool,
    status: str = EntryStatus.IN,
    q: str = "",
    action: str = Action.POOLS_VIEW,
) -> QuerySet[PoolEntry]:
    """Entries of ``pool`` with ``status`` whose cadres the user may see, evidence prefetched;
    ``q`` narrows to a name or its pinyin initials.

    In the pool (``in``): by unit tree order; the history (``out``): latest exit first.
    """
    qs = (
        PoolEntry.objects.restrict(user, action)
        .filter(pool=pool, status=status)
        .select_related("cadre", "cadre__unit", "entered_by", "exited_by")
        .prefetch_related(Prefetch("evidence", queryset=_EVIDENCE_ORDER))
    )
    if q.strip():
        qs = qs.filter(name_match(q, "cadre__"))
    if status == EntryStatus.OUT:
        return qs.order_by("-exited_at", "-id")
    return qs.order_by("cadre__unit_path", "cadre__sort_order", "cadre_id", "id")


def entry_get(*, user: Any, pk: int, action: str = Action.POOLS_VIEW) -> PoolEntry:
    """One entry whose pool and cadre are both in scope, or 404."""
    entry = (
        PoolEntry.objects.restrict(user, action)
        .filter(pk=pk, pool__in=Pool.objects.restrict(user, action))
        .select_related("pool", "pool__unit", "cadre", "cadre__unit", "entered_by", "exited_by")
        .first()
    )
    if entry is None:
        raise Http404("入库记录不存在")
    return entry


def evidence_get(*, user: Any, pk: int, action: str = Action.POOLS_CHANGE) -> PoolEvidence:
    """One piece of evidence whose entry is in scope, or 404."""
    item = PoolEvidence.objects.restrict(user, action).filter(pk=pk).first()
    if item is None:
        raise Http404("佐证不存在")
    item.entry = entry_get(user=user, pk=item.entry_id, action=action)
    return item


def entries_of_cadre(*, user: Any, cadre: Cadre) -> QuerySet[PoolEntry]:
    """Every entry of one cadre in pools the user may see (for a 干部库 line on the cadre)."""
    return (
        PoolEntry.objects.restrict(user, Action.POOLS_VIEW)
        .filter(cadre=cadre, pool__in=Pool.objects.restrict(user, Action.POOLS_VIEW))
        .select_related("pool")
        .order_by("-entered_at")
    )


def evidence_by_tag(entry: PoolEntry) -> list[tuple[str, str, list[PoolEvidence]]]:
    """``(tag, label, items)`` in the order 学过, 干过, 管用 (from the prefetched evidence)."""
    grouped: dict[str, list[PoolEvidence]] = defaultdict(list)
    for item in entry.evidence.all():
        grouped[item.tag].append(item)
    return [(tag.value, tag.label, grouped.get(tag.value, [])) for tag in EvidenceTag]


# ---------------------------------------------------------------- candidates


@dataclass(slots=True)
class Candidate:
    """A cadre the criteria suggest, with why (``reasons``: one phrase per fact)."""

    id: int
    name: str
    sex: str
    birth_date: dt.date
    age: int
    unit_id: int
    unit_name: str
    current_title: str
    rank_level: str
    education_level: str
    expertise: str
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)

    @property
    def facts_note(self) -> str:
        """Kept as the entry's 备注 on a one-click 入库: the facts as they stood that day."""
        return f"入库时情况：{self.reason_text}"[:500]


CANDIDATE_VALUES = (
    "id",
    "name",
    "sex",
    "birth_date",
    "unit_id",
    "current_title",
    "rank_level",
    "education_level",
    "expertise",
)


def assessment_window(criteria: PoolCriteria, today: dt.date) -> tuple[int, int]:
    """The N whole years before ``today``'s year: in 2026, 近3年 is 2023–2025."""
    return today.year - criteria.assessment_years, today.year - 1


def education_codes(group: str) -> list[str]:
    """ZB64 codes at or above ``group`` ("1" 研究生, "2" 本科, "3" 专科): the groups themselves
    and the codes under them. 35 中专 … 39 小学 have no group and never qualify."""
    groups = {g for g in ("1", "2", "3") if g <= group}
    rows = Code.objects.filter(table=CodeTable.EDUCATION).values_list("code", "parent_code")
    return sorted(code for code, parent in rows if code in groups or parent in groups)


def candidate_queryset(
    *, user: Any, pool: Pool, today: dt.date, action: str = Action.POOLS_VIEW
) -> QuerySet[Cadre]:
    """在职 cadres in the pool's subtree and the user's scope meeting every criterion, not in
    the pool now. ``pool`` need not be saved (criteria can be tried before saving)."""
    criteria = pool.get_criteria()
    qs = Cadre.objects.restrict(user, action).filter(
        status=CadreStatus.ACTIVE, unit_path__startswith=pool.unit.path
    )
    if criteria.max_age is not None:
        qs = qs.filter(birth_range(None, criteria.max_age, today))
    if criteria.rank_levels:
        qs = qs.filter(rank_level__in=criteria.rank_levels)
    if criteria.min_education:
        qs = qs.filter(education_level__in=education_codes(criteria.min_education))
    if criteria.expertise_keywords:
        words = Q()
        for word in criteria.expertise_keywords:
            # Chinese has no case: a plain LIKE spares PostgreSQL an UPPER() of every row.
            lookup = "contains" if word.lower() == word.upper() else "icontains"
            words |= Q(**{f"expertise__{lookup}": word})
        qs = qs.filter(words)
    if criteria.checks_assessments:
        first, last = assessment_window(criteria, today)
        window = Assessment.objects.filter(
            cadre=OuterRef("pk"), year__gte=first, year__lte=last
        ).order_by()
        if criteria.none_below_competent:
            qs = qs.filter(~Exists(window.filter(grade__in=BELOW_COMPETENT)))
        if criteria.min_excellent:
            chain = _excellent_years(first, last, criteria.min_excellent, OuterRef("pk"))
            qs = qs.filter(Exists(chain))
    if pool.pk is not None:
        open_entry = PoolEntry.objects.filter(
            pool=pool, cadre=OuterRef("pk"), status=EntryStatus.IN
        )
        qs = qs.filter(~Exists(open_entry))
    return qs.order_by(*TREE_ORDER)


def _excellent_years(first: int, last: int, n: int, cadre: Any, after: Any = None) -> QuerySet:
    """ "``n`` 优秀 years in ``first``–``last``" as nested EXISTS, each a later year than the one
    outside it. PostgreSQL answers these as semi-joins on the (cadre, year) index; a
    correlated COUNT(*) ≥ n ran once per cadre (1.1 s against 0.3 s for n = 2 over the
    150k cadres under 40 of a province)."""
    qs = Assessment.objects.filter(
        cadre=cadre, year__gte=first, year__lte=last, grade=AssessmentGrade.EXCELLENT
    ).order_by()
    if after is not None:
        qs = qs.filter(year__gt=after)
    if n > 1:
        later = _excellent_years(first, last, n - 1, OuterRef("cadre"), OuterRef("year"))
        qs = qs.filter(Exists(later))
    return qs


def _reasons(
    row: dict[str, Any],
    criteria: PoolCriteria,
    today: dt.date,
    grades: dict[int, dict[int, str]],
) -> list[str]:
    reasons = [f"{age_in_months_style(row['birth_date'], today)}岁"]
    if row["rank_level"]:
        reasons.append(code_map(table=CodeTable.RANK_LEVEL).get(row["rank_level"], ""))
    if row["education_level"]:
        reasons.append(code_map(table=CodeTable.EDUCATION).get(row["education_level"], ""))
    if criteria.expertise_keywords:
        text = (row["expertise"] or "").lower()
        hits = [w for w in criteria.expertise_keywords if w.lower() in text]
        reasons.append("专长：" + "、".join(hits))
    if criteria.assessment_years:
        first, last = assessment_window(criteria, today)
        names = dict(AssessmentGrade.choices)
        years = grades.get(row["id"], {})
        window = range(first, last + 1)
        shown = [f"{y}{names.get(years[y], years[y])}" for y in window if y in years]
        missing = [str(y) for y in window if y not in years]
        text = "、".join(shown) or "无记录"
        if shown and missing:
            text += f"（{'、'.join(missing)}年未录入）"
        reasons.append(f"近{criteria.assessment_years}年考核：{text}")
    return [r for r in reasons if r]


def describe_candidates(
    rows: list[dict[str, Any]], criteria: PoolCriteria, today: dt.date
) -> list[Candidate]:
    """``Candidate`` objects for one page of ``CANDIDATE_VALUES`` rows: one query for the
    page's unit names (a join would be counted too), one for its assessments (when the
    criteria look at them), the rest from the code cache."""
    units = dict(Unit.objects.filter(pk__in={r["unit_id"] for r in rows}).values_list("id", "name"))
    grades: dict[int, dict[int, str]] = defaultdict(dict)
    if criteria.assessment_years and rows:
        first, last = assessment_window(criteria, today)
        for cadre_id, year, grade in Assessment.objects.filter(
            cadre_id__in=[r["id"] for r in rows], year__gte=first, year__lte=last
        ).values_list("cadre_id", "year", "grade"):
            grades[cadre_id][year] = grade
    return [
        Candidate(
            id=row["id"],
            name=row["name"],
            sex=row["sex"],
            birth_date=row["birth_date"],
            age=age_in_months_style(row["birth_date"], today),
            unit_id=row["unit_id"],
            unit_name=units.get(row["unit_id"], ""),
            current_title=row["current_title"],
            rank_level=row["rank_level"],
            education_level=row["education_level"],
            expertise=row["expertise"],
            reasons=_reasons(row, criteria, today, grades),
        )
        for row in rows
    ]


def pool_candidates(
    *,
    user: Any,
    pool: Pool,
    today: dt.date,
    page: int | str | None = 1,
    size: int = CANDIDATE_PAGE_SIZE,
    action: str = Action.POOLS_VIEW,
) -> Page:
    """推荐人选: one page of candidates (``Candidate`` objects, reasons included) with the
    total. The total is remembered until the data changes (``audit.selectors.counted``)."""
    qs = candidate_queryset(user=user, pool=pool, today=today, action=action)
    paginator = _CandidatePaginator(qs.values(*CANDIDATE_VALUES), size)
    result = paginator.get_page(page)
    result.object_list = describe_candidates(list(result.object_list), pool.get_criteria(), today)
    return result


class _CandidatePaginator(Paginator):
    """Pages of candidates: the total from ``counted`` (one COUNT per state of the data),
    and each page read with the plan its number of matches calls for."""

    def __init__(self, queryset: QuerySet, per_page: int) -> None:
        super().__init__(queryset, per_page)
        self.queryset = queryset

    @cached_property
    def count(self) -> int:
        return counted(self.queryset)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        qs = self.queryset
        if self.count < DENSE_MATCHES:
            qs = qs.order_by(*FILTER_FIRST_ORDER)
        return Page(qs[bottom:top], number, self)


# ---------------------------------------------------------------- programmes


class ProgrammeFilters(TypedDict, total=False):
    q: str
    kind: str
    include_inactive: bool


def programme_list(
    *, user: Any, filters: ProgrammeFilters | None = None, action: str = Action.PROGRAMMES_VIEW
) -> QuerySet[Programme]:
    """Programmes in scope with the number of planned or running assignments the user may see."""
    filters = filters or {}
    qs = Programme.objects.restrict(user, action).select_related("unit")
    if not filters.get("include_inactive"):
        qs = qs.filter(is_active=True)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q))
    if kind := filters.get("kind"):
        qs = qs.filter(kind=kind)
    live = (
        Assignment.objects.filter(programme=OuterRef("pk"), status__in=LIVE_ASSIGNMENT_STATUSES)
        .filter(scope_q(user, action, "cadre__unit_path"))
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(live_count=Coalesce(Subquery(live), 0)).order_by(
        "unit__path", "-start_date", "id"
    )


def programme_get(*, user: Any, pk: int, action: str = Action.PROGRAMMES_VIEW) -> Programme:
    """One programme in scope, or 404 — the same 404 for missing and forbidden."""
    programme = (
        Programme.objects.restrict(user, action).select_related("unit").filter(pk=pk).first()
    )
    if programme is None:
        raise Http404("培养项目不存在")
    return programme


def programme_assignments(
    *,
    user: Any,
    programme: Programme,
    status: str = "",
    action: str = Action.PROGRAMMES_VIEW,
) -> QuerySet[Assignment]:
    """Assignments of ``programme`` whose cadres the user may see, latest start first;
    ``status`` (one of ``AssignmentStatus``) narrows them, anything else is ignored."""
    qs = (
        Assignment.objects.restrict(user, action)
        .filter(programme=programme)
        .select_related("cadre", "cadre__unit", "host_unit")
        .order_by("-start_date", "cadre__unit_path", "id")
    )
    return qs.filter(status=status) if status in AssignmentStatus.values else qs


def assignment_get(*, user: Any, pk: int, action: str = Action.PROGRAMMES_VIEW) -> Assignment:
    """One assignment whose programme and cadre are both in scope, or 404."""
    assignment = (
        Assignment.objects.restrict(user, action)
        .filter(pk=pk, programme__in=Programme.objects.restrict(user, action))
        .select_related("programme", "programme__unit", "cadre", "cadre__unit", "host_unit")
        .first()
    )
    if assignment is None:
        raise Http404("培养安排不存在")
    return assignment


def assignments_of_cadre(*, user: Any, cadre: Cadre) -> QuerySet[Assignment]:
    """Every assignment of ``cadre`` in programmes the user may see, newest first."""
    return (
        Assignment.objects.restrict(user, Action.PROGRAMMES_VIEW)
        .filter(
            cadre=cadre,
            programme__in=Programme.objects.restrict(user, Action.PROGRAMMES_VIEW),
        )
        .select_related("programme", "host_unit")
        .order_by("-start_date", "-id")
    )


# ---------------------------------------------------------------- the cadre page


@dataclass(frozen=True, slots=True)
class CadreAssignment:
    """One line of the cadre page's 培养锻炼 panel: an assignment, in the words of its page."""

    pk: int
    programme_name: str
    kind_label: str
    host: str
    post_title: str
    mentor_name: str
    start_date: dt.date
    end_date: dt.date
    ended_on: dt.date | None
    status: str


@dataclass(frozen=True, slots=True)
class CadrePoolEntry:
    """A pool the cadre is in now, for the same panel."""

    pk: int
    pool_name: str
    kind_label: str
    entered_on: dt.date


@dataclass(frozen=True, slots=True)
class CadreDevelopment:
    """What the 培养锻炼 panel shows: the cadre's assignments and the pools they are in now."""

    assignments: list[CadreAssignment]
    pools: list[CadrePoolEntry]

    def __bool__(self) -> bool:
        return bool(self.assignments or self.pools)


def cadre_development(*, user: Any, cadre: Cadre) -> CadreDevelopment:
    """The cadre's assignments (``programmes.view``) and open entries of active pools
    (``pools.view``) the user may see, in one query.

    The cadre page is held to 12 queries plus its audit event (bench ``cadre_page_queries``),
    so both lists come from one ``UNION ALL`` of the two scoped selectors, cut down to the same
    columns; a user who may see neither on this cadre costs no query at all.
    """
    parts: list[QuerySet[Any]] = []
    if can(user, Action.PROGRAMMES_VIEW, cadre):
        parts.append(
            assignments_of_cadre(user=user, cadre=cadre)
            .order_by()
            .values(
                row=Value("assignment"),
                row_id=F("pk"),
                title=F("programme__name"),
                kind=F("programme__kind"),
                host=Coalesce(F("host_unit__name"), F("host_name")),
                post=F("post_title"),
                mentor=F("mentor_name"),
                began=F("start_date"),
                planned_end=F("end_date"),
                ended=F("ended_on"),
                state=F("status"),
            )
        )
    if can(user, Action.POOLS_VIEW, cadre):
        parts.append(
            entries_of_cadre(user=user, cadre=cadre)
            .filter(status=EntryStatus.IN, pool__is_active=True)
            .order_by()
            .values(
                row=Value("pool"),
                row_id=F("pk"),
                title=F("pool__name"),
                kind=F("pool__kind"),
                host=Value(""),
                post=Value(""),
                mentor=Value(""),
                began=TruncDate("entered_at"),
                planned_end=Cast(Value(None), DateField()),
                ended=Cast(Value(None), DateField()),
                state=F("status"),
            )
        )
    if not parts:
        return CadreDevelopment(assignments=[], pools=[])
    first, *rest = parts
    if rest:
        rows = first.union(*rest, all=True).order_by("row", "-began", "-row_id")
    else:
        rows = first.order_by("-began", "-row_id")
    assignments: list[CadreAssignment] = []
    pools: list[CadrePoolEntry] = []
    programme_kinds, pool_kinds = dict(ProgrammeKind.choices), dict(PoolKind.choices)
    for r in rows:
        if r["row"] == "assignment":
            assignments.append(
                CadreAssignment(
                    pk=r["row_id"],
                    programme_name=r["title"],
                    kind_label=programme_kinds.get(r["kind"], r["kind"]),
                    host=r["host"] or "",
                    post_title=r["post"],
                    mentor_name=r["mentor"],
                    start_date=r["began"],
                    end_date=r["planned_end"],
                    ended_on=r["ended"],
                    status=r["state"],
                )
            )
        else:
            pools.append(
                CadrePoolEntry(
                    pk=r["row_id"],
                    pool_name=r["title"],
                    kind_label=pool_kinds.get(r["kind"], r["kind"]),
                    entered_on=r["began"],
                )
            )
    return CadreDevelopment(assignments=assignments, pools=pools)
