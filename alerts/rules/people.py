"""个人: probation, retirement, 职级 promotion eligibility, missing annual assessments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from django.db.models import Exists, F, OuterRef, Q

from alerts import retirement as rt
from alerts.choices import Severity, Subject
from alerts.registry import (
    Finding,
    Scope,
    add_months,
    full_months,
    latest_start,
    month_end,
    rule,
    span,
    ym,
)
from cadres.choices import AssessmentGrade
from cadres.models import Assessment
from core.choices import CodeTable
from core.codes import read_table
from core.workdays import CalendarYearMissing, is_workday

# ---------------------------------------------------------------- 到龄退休

RETIREMENT_LAW = "《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的决定》"


def _month_start(index: int) -> dt.date:
    year, month = rt.from_index(index)
    return dt.date(year, month, 1)


@lru_cache(maxsize=4096)
def _retirement(
    sex: str,
    birth: rt.YearMonth,
    rank_level: str,
    title: str,
    schedule: str,
    senior_ranks: tuple[str, ...],
    senior_words: tuple[str, ...],
    senior_excluded: tuple[str, ...],
) -> rt.Retirement | None:
    # Many cadres share a birth month, sex and level: the explanation is built once for them.
    return rt.statutory_retirement(
        sex=sex,
        birth=birth,
        rank_level=rank_level,
        professional_title=title,
        senior_women_schedule=schedule,
        senior_rank_levels=senior_ranks,
        senior_title_words=senior_words,
        senior_title_excluded=senior_excluded,
    )


@rule(
    code="retirement",
    name="到龄退休",
    regulation=f"{RETIREMENT_LAW}；组通字〔2015〕14号",
    article="决定及所附实施办法的对照表（附件1–3 边界行未核实）",
    description=(
        "按2025年起施行的渐进式延迟法定退休年龄办法计算每名在职干部的法定退休年龄和月份："
        "男60周岁、女干部55周岁起，1965年1月（男）/1970年1月（女）起出生的每4个月延迟1个月，"
        "最多延迟36个月（男63周岁、女58周岁）；首个月份即延迟1个月，按DOMAIN_RULES §7 的算法，"
        "与官方对照表的边界行尚未核实。正、副县处级（代码131/132及以上）女干部和具有高级职称"
        "（职称含“高级、正高、副高、教授、研究员”等，可调整）的女干部按组通字〔2015〕14号年满60周岁"
        "退休；该规定与2025年办法如何衔接未核实（未核实，可调整）：默认按男职工的延迟办法"
        "（senior_women_schedule = male），可改为60周岁不延迟（fixed60）。退休月份在今后"
        "12个月内（months_ahead，默认12）的提示预警，已达到退休年龄仍在职的为须处理。"
    ),
    severity=Severity.WARNING,
    defaults={
        "months_ahead": 12,
        "senior_women_schedule": rt.SCHEDULE_MALE,
        "senior_rank_levels": list(rt.SENIOR_RANK_LEVELS),
        "senior_title_words": list(rt.SENIOR_TITLE_WORDS),
        "senior_title_excluded": list(rt.SENIOR_TITLE_EXCLUDED),
    },
    order=50,
)
def retirement(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    ahead = int(params["months_ahead"])
    schedule = str(params["senior_women_schedule"])
    senior_ranks = tuple(params["senior_rank_levels"])
    senior_words = tuple(params["senior_title_words"])
    senior_excluded = tuple(params["senior_title_excluded"])
    today = scope.today
    now = rt.month_index(today.year, today.month)
    until = rt.from_index(now + ahead)
    # The youngest who can retire by ``until``: men on the 60 schedule; women on the 55 one
    # (a woman under 组通字〔2015〕14号 retires at 60 or later, inside the same bound).
    # No lower bound: an active cadre past any retirement age is the most urgent case.
    men = _month_start(rt.month_index(*rt.latest_birth_retiring_by(until, 60)) + 1)
    women = _month_start(rt.month_index(*rt.latest_birth_retiring_by(until, 55)) + 1)
    rows = (
        scope.cadres()
        .filter(Q(sex="1", birth_date__lt=men) | Q(sex="2", birth_date__lt=women))
        .order_by()
        .values_list("id", "unit_path", "sex", "birth_date", "rank_level", "professional_title")
    )
    for cadre_id, unit_path, sex, birth, rank_level, title in rows:
        found = _retirement(
            sex,
            (birth.year, birth.month),
            rank_level if rank_level in senior_ranks else "",
            title
            if sex == "2" and rt.is_senior_title(title, senior_words, senior_excluded)
            else "",
            schedule,
            senior_ranks,
            senior_words,
            senior_excluded,
        )
        if found is None:
            continue
        left = found.month_index - now
        reached = today >= found.reached_on(birth)
        if not reached and left > ahead:
            continue
        if reached:
            over = f"已超过退休年龄 {span(-left)}" if left < 0 else "已达到退休年龄"
            verdict = f"{over}，请及时办理退休手续"
        elif left == 0:
            verdict = "本月达到退休年龄"
        else:
            verdict = f"距退休还有 {left} 个月"
        yield Finding(
            subject=Subject.CADRE,
            subject_id=cadre_id,
            cadre_id=cadre_id,
            unit_path=unit_path,
            severity=Severity.DANGER if reached else Severity.WARNING,
            message=f"{found.explanation}，{verdict}",
            facts={
                "birth": birth,
                "base_age": found.base_age,
                "delay_months": found.delay_months,
                "retirement_age": found.age,
                "retirement_month": f"{found.year}-{found.month:02d}",
                "months_left": left,
            },
            basis={
                "retirement_month": f"{found.year}-{found.month:02d}",
                "reached": reached,
            },
        )


# ---------------------------------------------------------------- 试用期

SELECTION = "《党政领导干部选拔任用工作条例》"
PROBATION_ARTICLE = "第四十二条（2014年版；2019年版条目未核实）"


def _day(day: dt.date) -> str:
    return f"{day:%Y.%m.%d}"


def _probation_length(start: dt.date, end: dt.date) -> str:
    months = full_months(start, end)
    return "一年" if months == 12 else span(months)


@rule(
    code="probation",
    name="试用期满",
    regulation=SELECTION,
    article=PROBATION_ARTICLE,
    description=(
        "提拔担任非选举产生的厅局级以下领导职务的，试用期为一年；试用期满经考核胜任的正式任职"
        "（2014年版条例第四十二条；2019年版条目号未核实）。在任职务的试用期将在 30 天内"
        "（days_ahead，默认30）期满的提示及时考核；已期满而未标记“试用期满已转正”的为须处理。"
    ),
    severity=Severity.WARNING,
    defaults={"days_ahead": 30},
    order=55,
)
def probation(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    today = scope.today
    horizon = today + dt.timedelta(days=int(params["days_ahead"]))
    rows = (
        scope.positions()
        .filter(
            end_date__isnull=True,
            probation_end__isnull=False,
            probation_end__lte=horizon,
            probation_confirmed=False,
        )
        .order_by()
        .values_list(
            "id",
            "cadre_id",
            "cadre__unit_path",
            "unit_name",
            "title",
            "start_date",
            "probation_end",
        )
    )
    for position_id, cadre_id, unit_path, unit_name, title, start, end in rows:
        overdue = end < today
        context = (
            f"（{unit_name}{title}，任职 {_day(start)}，试用期{_probation_length(start, end)}）"
        )
        if overdue:
            message = f"试用期已于 {_day(end)} 期满{context}，尚未办理正式任职"
        else:
            message = f"试用期将于 {_day(end)} 期满{context}，请及时考核"
        yield Finding(
            subject=Subject.CADRE,
            subject_id=cadre_id,
            cadre_id=cadre_id,
            unit_path=unit_path,
            key=str(position_id),
            severity=Severity.DANGER if overdue else Severity.WARNING,
            message=f"{message}（{SELECTION}第四十二条）",
            facts={"post": f"{unit_name}{title}", "start": start, "probation_end": end},
            basis={"position": position_id, "probation_end": end, "overdue": overdue},
        )


# ---------------------------------------------------------------- 职级晋升资格

PARALLEL = "《公务员职务与职级并行规定》"
ASSESSMENT_RULES = "《公务员考核规定》"


class Promotion(NamedTuple):
    """What a 职级 requires (《公务员职务与职级并行规定》, GRADE.csv): having held one of
    ``sources`` (职级 codes, two digits; 领导职务层次 codes, three digits) for ``years``."""

    sources: tuple[str, ...]
    years: int
    wording: str  # as the regulation words the sources: "乡科级正职或二级主任科员"


GRADE_NAMES: dict[str, str] = {r["code"]: r["name"] for r in read_table(CodeTable.GRADE)}
RANK_NAMES: dict[str, str] = {r["code"]: r["name"] for r in read_table(CodeTable.RANK_LEVEL)}


def _promotion_table() -> dict[str, Promotion]:
    """Next 职级 → its sources and minimum years, read from GRADE.csv's ``promote_from`` and
    ``min_years`` (names resolved to codes, so a typo in the table fails at start-up)."""
    by_name = {name: code for code, name in {**GRADE_NAMES, **RANK_NAMES}.items()}
    table: dict[str, Promotion] = {}
    for row in read_table(CodeTable.GRADE):
        wording = row["extra"].get("promote_from", "")
        if not wording:
            continue  # 二级科员: the entry grade
        sources = tuple(by_name[name] for name in wording.split("或"))
        table[row["code"]] = Promotion(sources, int(row["extra"]["min_years"]), wording)
    return table


PROMOTION: dict[str, Promotion] = _promotion_table()
# Source → the grade it leads to (each source leads to one grade in the table).
NEXT_GRADE: dict[str, str] = {s: target for target, p in PROMOTION.items() for s in p.sources}

UNCOUNTED = (AssessmentGrade.BASIC, AssessmentGrade.INCOMPETENT)
MARKED = (AssessmentGrade.EXCELLENT, *UNCOUNTED)
# Up to this many holders their assessments are read by id (a cadre's page, a county);
# beyond it one scan of the marked grades is cheaper than the index lookups.
BY_ID_LIMIT = 5000
ID_CHUNK = 500


class Holding(NamedTuple):
    """A cadre holding a 职级 or 领导职务层次 (``source``) since ``since``."""

    cadre_id: int
    unit_path: str
    source: str
    since: dt.date


@dataclass(frozen=True)
class Eligibility:
    """How long a holding counts and what the next grade requires, after the assessments."""

    held: int  # whole months from ``since`` to the day
    lost: int  # months of the 基本称职/不称职 years, not counted
    required: int  # the minimum years in months, less half a year per 优秀 year
    excellent: tuple[int, ...]
    uncounted: tuple[int, ...]

    @property
    def counted(self) -> int:
        return self.held - self.lost


def _marked_years(
    since: dt.date, day: dt.date, marks: dict[int, str] | None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The 优秀 and the 基本称职/不称职 years among those the holding spans."""
    if not marks:
        return (), ()
    window = range(since.year, day.year + 1)
    excellent = tuple(y for y in window if marks.get(y) == AssessmentGrade.EXCELLENT)
    uncounted = tuple(y for y in window if marks.get(y) in UNCOUNTED)
    return excellent, uncounted


def _needed(
    years: int, excellent: int, uncounted: int, excellent_months: int, uncounted_months: int
) -> tuple[int, int]:
    """(required, lost) months: 《公务员考核规定》第十九条 — each 优秀 year shortens the time
    required by ``excellent_months`` (half a year); 第二十一条 — a 基本称职 year (and a
    不称职 one) does not count as time held, ``uncounted_months`` each."""
    return max(0, years * 12 - excellent_months * excellent), uncounted_months * uncounted


class _Candidate(NamedTuple):
    holding: Holding
    required: int
    lost: int
    excellent: tuple[int, ...]
    uncounted: tuple[int, ...]

    @property
    def months(self) -> int:
        """Months from ``since`` to eligibility: required plus those not counted."""
        return self.required + self.lost


def _shortest_months(today: dt.date, years: int, excellent_months: int) -> int:
    """The least whole months a holding can need: every year it spans graded 优秀 (only
    years already begun can be assessed). Bounds the SQL filter."""
    for months in range(years * 12 + 1):
        spanned = today.year - add_months(today, -months).year + 1
        if months >= years * 12 - excellent_months * spanned:
            return months
    return years * 12


def _earlier_day(scope: Scope, params: dict[str, Any]) -> dt.date | None:
    """With ``recent_months``: the day before which eligibility counts as old news."""
    recent = int(params["recent_months"])
    return add_months(scope.today, -recent) if recent > 0 else None


def _since_window(
    codes: Iterable[str],
    field: str,
    scope: Scope,
    params: dict[str, Any],
    *,
    recent: bool,
    cadre_field: str = "cadre_id",
) -> Q:
    """The ``since`` worth reading for holders of ``codes`` (``field``): early enough to be
    eligible today with every spanned year 优秀; if ``recent`` and only recent eligibility is
    wanted, also too late to have been eligible on the earlier day — unless a 基本称职/不称职
    year put that day off, so such cadres are read whatever their ``since``. A few cadres
    (one cadre's page) are read whole: cheaper than the subquery."""
    earlier = _earlier_day(scope, params) if recent and scope.cadre_ids is None else None
    by_years: dict[int, list[str]] = defaultdict(list)
    for code in codes:
        by_years[PROMOTION[NEXT_GRADE[code]].years].append(code)
    early_enough, late_enough = Q(), Q()
    for years, same in by_years.items():
        shortest = _shortest_months(scope.today, years, int(params["excellent_months"]))
        window = Q(**{f"{field}__in": same, "since__lte": latest_start(scope.today, shortest)})
        early_enough |= window
        if earlier is not None:
            late_enough |= window & Q(since__gt=latest_start(earlier, years * 12))
    if earlier is None:
        return early_enough
    delayed = Assessment.objects.filter(grade__in=UNCOUNTED).order_by().values("cadre_id")
    return late_enough | (early_enough & Q(**{f"{cadre_field}__in": delayed}))


GRADE_SOURCES = [c for c in NEXT_GRADE if len(c) == 2]
RANK_SOURCES = [c for c in NEXT_GRADE if len(c) == 3]


def _grade_holdings(
    scope: Scope, params: dict[str, Any], cadre_ids: list[int] | None = None
) -> list[Holding]:
    """Cadres by their current 职级, held since ``Cadre.grade_since`` (their earliest open
    position with it): those whose ``since`` falls in the window, or the given cadres
    whatever their ``since``."""
    qs = scope.cadres().filter(grade__in=GRADE_SOURCES, grade_since__isnull=False)
    if cadre_ids is not None:
        qs = qs.filter(pk__in=cadre_ids)
    rows = (
        qs.alias(since=F("grade_since"))
        .filter(
            _since_window(
                GRADE_SOURCES, "grade", scope, params, recent=cadre_ids is None, cadre_field="id"
            )
        )
        .order_by()
        .values_list("id", "unit_path", "grade", "grade_since")
    )
    return [Holding(*row) for row in rows]


def _rank_holdings(scope: Scope, params: dict[str, Any]) -> list[tuple[Holding, str]]:
    """Cadres by their current 领导职务层次 where the table names it as a source (乡科级正职
    → 一级主任科员) and their 职级 is below that target, held since 任现职务层次时间; with
    their 职级. A cadre whose 职级 leads to the same grade (乡科级正职 and 二级主任科员) is
    read whatever the window, so that the way reached first decides what is news."""
    below, both_ways = Q(), Q()
    for code in RANK_SOURCES:
        target = NEXT_GRADE[code]
        # A lower code is a higher grade: only a cadre below the target can be promoted to it.
        below |= Q(rank_level=code) & (Q(grade="") | Q(grade__gt=target))
        same = [g for g in PROMOTION[target].sources if g in GRADE_SOURCES]
        both_ways |= Q(rank_level=code, grade__in=same)
    window = _since_window(RANK_SOURCES, "rank_level", scope, params, recent=True, cadre_field="id")
    rows = (
        scope.cadres()
        .filter(below)
        .alias(since=F("rank_level_since"))
        .filter(
            window
            | (
                both_ways
                & _since_window(
                    RANK_SOURCES, "rank_level", scope, params, recent=False, cadre_field="id"
                )
            )
        )
        .order_by()
        .values_list("id", "unit_path", "rank_level", "rank_level_since", "grade")
    )
    return [(Holding(*row[:4]), row[4]) for row in rows]


def _holdings(scope: Scope, params: dict[str, Any]) -> list[Holding]:
    """Every holding that may have become eligible (lately, if so asked) — with, for a cadre
    who has both, the 职级 leading to the same grade as the level, whenever it began."""
    grades = _grade_holdings(scope, params)
    ranks = _rank_holdings(scope, params)
    read = {h.cadre_id for h in grades}
    both = sorted(
        {
            h.cadre_id
            for h, grade in ranks
            if grade in NEXT_GRADE and NEXT_GRADE[grade] == NEXT_GRADE[h.source]
        }
        - read
    )
    for start in range(0, len(both), ID_CHUNK):
        grades += _grade_holdings(scope, params, both[start : start + ID_CHUNK])
    return grades + [h for h, _grade in ranks]


def _marks(holdings: list[Holding]) -> dict[int, dict[int, str]]:
    """The 优秀, 基本称职 and 不称职 years of the holders since their holdings began."""
    first: dict[int, int] = {}
    for h in holdings:
        first[h.cadre_id] = min(first.get(h.cadre_id, h.since.year), h.since.year)
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    if not first:
        return marks
    marked = Assessment.objects.filter(grade__in=MARKED).order_by()
    if len(first) <= BY_ID_LIMIT:
        ids = sorted(first)
        chunks = [ids[i : i + ID_CHUNK] for i in range(0, len(ids), ID_CHUNK)]
        queries = [
            marked.filter(cadre_id__in=c, year__gte=min(first[i] for i in c)) for c in chunks
        ]
    else:
        # Most holders began lately: their years are read in one scan. The few (at most
        # BY_ID_LIMIT) who began long ago are read by id for the earlier 优秀 years; the
        # rare 基本称职/不称职 years are read for everyone.
        years = sorted(first.values())
        recent_year = years[BY_ID_LIMIT] if len(years) > BY_ID_LIMIT else years[0]
        old = sorted(i for i, y in first.items() if y < recent_year)
        queries = [
            marked.filter(Q(year__gte=recent_year) | Q(grade__in=UNCOUNTED, year__gte=years[0]))
        ]
        queries += [
            marked.filter(
                cadre_id__in=old[i : i + ID_CHUNK],
                grade=AssessmentGrade.EXCELLENT,
                year__lt=recent_year,
                year__gte=years[0],
            )
            for i in range(0, len(old), ID_CHUNK)
        ]
    for query in queries:
        for cadre_id, year, grade in query.values_list("cadre_id", "year", "grade"):
            since_year = first.get(cadre_id)
            if since_year is not None and year >= since_year:
                marks[cadre_id][year] = grade
    return marks


@lru_cache(maxsize=8192)
def _month(day: dt.date) -> str:
    return ym(day)  # many holdings start on the same day; strftime is the slow part


def _source_name(code: str) -> str:
    return GRADE_NAMES.get(code) or RANK_NAMES.get(code, code)


def _years_list(years: Iterable[int]) -> str:
    """``2023、2024年度``."""
    return "、".join(str(y) for y in years) + "年度"


def promotion_message(h: Holding, e: Eligibility, marks: dict[int, str] | None) -> str:
    """The explanation a clerk reads: when eligibility was reached, the holding, the years not
    counted, the requirement with its shortening, and the regulations."""
    target = NEXT_GRADE[h.source]
    name = GRADE_NAMES[target]
    requirement = PROMOTION[target]
    held = f"任{_source_name(h.source)} {_month(h.since)} 至今 {span(e.held)}"
    if e.uncounted:
        years = "、".join(f"{y}年度{AssessmentGrade((marks or {})[y]).label}" for y in e.uncounted)
        held += f"，{years}不计算任职年限（扣除{span(e.lost)}），计 {span(e.counted)}"
    required = f"{name}须任{requirement.wording}{requirement.years}年"
    if e.excellent:
        shortened = requirement.years * 12 - e.required
        required += f"，{_years_list(e.excellent)}优秀缩短{span(shortened)}"
    year, month = rt.from_index(rt.month_index(h.since.year, h.since.month) + e.required + e.lost)
    reached = f"{year}.{month:02d}"  # the month eligibility was reached
    return (
        f"已具备晋升{name}的任职年限条件（{reached} 起）：{held} ≥ {span(e.required)}"
        f"（{required}；{PARALLEL}，{ASSESSMENT_RULES}第十九、二十一条）"
    )


@rule(
    code="grade_promotion",
    name="职级晋升资格",
    regulation=f"{PARALLEL}；{ASSESSMENT_RULES}",
    article="考核规定第十九条、第二十一条（并行规定条目号未核实）",
    description=(
        "晋升上一职级须在下一职级（或表中所列领导职务层次）任职满最低年限：如一级主任科员须任"
        "乡科级正职或二级主任科员2年（职级表取自 GRADE.csv，三份公开来源一致）。年度考核优秀的，"
        "每个优秀年度缩短半年（第十九条；excellent_months，默认6）；基本称职、不称职年度不计算"
        "任职年限（第二十一条；每个年度扣除 uncounted_months，默认12个月）。计入的年度为开始任该"
        "职级或层次的当年至今（首年的计法未核实，可调整上述两项）；职级自现任该职级最早的一个在任"
        "职务起算，领导职务层次自任现职务层次时间起算（此前已免去的同职级职务不连续计算）。"
        "默认只提示最近3个月内新达到年限条件的干部（recent_months，默认3；设为0则列出全部已具备"
        "年限条件者，人数可能很多）。达到最低年限不等于应当晋升，另须符合职数、考核等条件。"
    ),
    severity=Severity.INFO,
    defaults={"excellent_months": 6, "uncounted_months": 12, "recent_months": 3},
    order=60,
)
def grade_promotion(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    today = scope.today
    earlier = _earlier_day(scope, params)
    holdings = _holdings(scope, params)
    marks = _marks(holdings)
    years_of = {source: PROMOTION[target].years for source, target in NEXT_GRADE.items()}
    excellent_months = int(params["excellent_months"])
    uncounted_months = int(params["uncounted_months"])
    bound_now: dict[int, dt.date] = {}
    best: dict[tuple[int, str], _Candidate] = {}
    for h in holdings:
        marked = marks.get(h.cadre_id)
        excellent, uncounted = _marked_years(h.since, today, marked) if marked else ((), ())
        required, lost = _needed(
            years_of[h.source], len(excellent), len(uncounted), excellent_months, uncounted_months
        )
        # Eligible on a day ⟺ full_months(since, day) − lost ≥ required ⟺ since ≤ the bound.
        months = required + lost
        if months not in bound_now:
            bound_now[months] = latest_start(today, months)
        if h.since > bound_now[months]:
            continue
        # Two ways to one grade (乡科级正职 and 二级主任科员): the one reached first counts.
        key = (h.cadre_id, NEXT_GRADE[h.source])
        current = best.get(key)
        if current is not None and add_months(current.holding.since, current.months) <= (
            add_months(h.since, months)
        ):
            continue
        best[key] = _Candidate(h, required, lost, excellent, uncounted)
    bound_earlier: dict[int, dt.date] = {}
    for c in best.values():
        h = c.holding
        if earlier is not None:
            if c.months not in bound_earlier:
                bound_earlier[c.months] = latest_start(earlier, c.months)
            if h.since <= bound_earlier[c.months]:
                continue  # eligible already before the recent window
        target = NEXT_GRADE[h.source]
        e = Eligibility(full_months(h.since, today), c.lost, c.required, c.excellent, c.uncounted)
        yield Finding(
            subject=Subject.CADRE,
            subject_id=h.cadre_id,
            cadre_id=h.cadre_id,
            unit_path=h.unit_path,
            key=target,
            message=promotion_message(h, e, marks.get(h.cadre_id)),
            facts={
                "target": target,
                "source": h.source,
                "since": h.since,
                "counted_months": e.counted,
                "required_months": e.required,
                "excellent_years": list(e.excellent),
                "uncounted_years": list(e.uncounted),
            },
            basis={"target": target, "source": h.source, "since": h.since},
        )


# ---------------------------------------------------------------- 年度考核缺失


def assessment_due_day(year: int, due_month_day: str) -> dt.date:
    """The day the assessment of ``year`` must be on record: ``MM-DD`` of the next year, moved
    to the next working day when it falls on a weekend or a holiday (a period ending on a
    法定休假日 ends on the day after it, 民法典 第二百零三条)."""
    month, day = (int(part) for part in due_month_day.split("-"))
    due = dt.date(year + 1, month, min(day, month_end(year + 1, month)))
    try:
        while not is_workday(due):
            due += dt.timedelta(days=1)
    except CalendarYearMissing:
        pass  # a year the calendar does not know: the nominal day
    return due


def assessment_year_due(today: dt.date, due_month_day: str) -> int:
    """The latest year whose assessment must be on record by ``today``: last year once its
    due day has passed, the year before until then."""
    last_year = today.year - 1
    return last_year if today > assessment_due_day(last_year, due_month_day) else today.year - 2


@rule(
    code="missing_assessment",
    name="年度考核缺失",
    regulation=f"{ASSESSMENT_RULES}；《党政领导干部考核工作条例》",
    article="（年度考核时间的条目号未核实）",
    description=(
        "年度考核一般在每年年末或翌年年初进行。过了录入期限（due_month_day，默认“03-31”，"
        "即次年3月31日，逢周末或节假日顺延至下一个工作日；期限为本系统的假定，未核实，可调整）"
        "仍没有上一年度考核结果（含“不定等次”）"
        "的在职干部提示补录；期限之前检查再前一年度。参加工作时间在该年度之后的不提示。"
    ),
    severity=Severity.WARNING,
    defaults={"due_month_day": "03-31"},
    order=70,
)
def missing_assessment(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    due_text = str(params["due_month_day"])
    year = assessment_year_due(scope.today, due_text)
    due = assessment_due_day(year, due_text)
    recorded = Assessment.objects.filter(cadre_id=OuterRef("pk"), year=year)
    rows = (
        scope.cadres()
        .filter(Q(work_start_date__isnull=True) | Q(work_start_date__lte=dt.date(year, 12, 31)))
        .filter(~Exists(recorded))
        .order_by()
        .values_list("id", "unit_path")
    )
    message = (
        f"缺少{year}年度考核结果（应于{due.year}年{due.month}月{due.day}日前完成并录入）"
        f"（{ASSESSMENT_RULES}）"
    )
    for cadre_id, unit_path in rows:
        yield Finding(
            subject=Subject.CADRE,
            subject_id=cadre_id,
            cadre_id=cadre_id,
            unit_path=unit_path,
            key=str(year),
            message=message,
            facts={"year": year},
        )
