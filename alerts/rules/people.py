"""个人: probation, retirement, 职级 promotion eligibility, missing annual assessments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q

from alerts.choices import Severity, Subject
from alerts.registry import Finding, Scope, rule
from cadres import retirement as rt
from cadres.choices import AssessmentGrade
from cadres.models import Assessment, Position
from core.choices import CodeTable
from core.codes import read_table
from core.dates import add_months, full_months, latest_start, month_end, span, ym
from core.ranks import rank_names
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
    grade: str = "",
    senior_grades: tuple[str, ...] = (),
) -> rt.Retirement | None:
    # Many cadres share a birth month, sex and level: the explanation is built once for them.
    # ``grade`` is passed only when it counts (a 县处级 职级 read as 相应职务层次).
    return rt.statutory_retirement(
        sex=sex,
        birth=birth,
        rank_level=rank_level,
        professional_title=title,
        senior_women_schedule=schedule,
        senior_rank_levels=senior_ranks,
        senior_title_words=senior_words,
        senior_title_excluded=senior_excluded,
        grade=grade,
        senior_women_by_grade=bool(grade),
        senior_grades=senior_grades,
    )


@rule(
    code="retirement",
    name="到龄退休",
    regulation=f"{RETIREMENT_LAW}；组通字〔2015〕14号",
    article="决定及所附实施办法的对照表（附件1–3 边界行未核实）",
    description=(
        "按2025年起施行的渐进式延迟法定退休年龄办法计算每名在职干部的法定退休年龄和月份："
        "男60周岁、女干部55周岁起，1965年1月（男）/1970年1月（女）起出生的每4个月延迟1个月，"
        "最多延迟36个月（男63周岁、女58周岁）；首个月份即延迟1个月，按决定所附对照表的逐月推算方法，"
        "与官方对照表的边界行尚未核实。正、副县处级（代码131/132及以上）女干部和具有高级职称"
        "（职称含“高级、正高、副高、教授、研究员”等，可调整）的女干部按组通字〔2015〕14号年满60周岁"
        "退休。该通知也适用于“相应职务层次”的女干部：2015年时指调研员、副调研员等县处级非领导"
        "职务，2019年职务与职级并行后由一级至四级调研员（县处级，职级代码03–06；一级、二级巡视员"
        "为厅局级，01、02）取代，故默认任这些职级的女干部同样按60周岁退休（本系统的理解，未见"
        "新的明文；senior_women_by_grade，默认是，改为否则只看领导职务层次；职级代码 senior_grades"
        "可调整）。该规定与2025年办法如何衔接未核实（未核实，可调整）：默认按男职工的延迟办法"
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
        "senior_women_by_grade": True,
        "senior_grades": list(rt.SENIOR_GRADES),
    },
    order=50,
)
def retirement(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    ahead = int(params["months_ahead"])
    schedule = str(params["senior_women_schedule"])
    senior_ranks = tuple(params["senior_rank_levels"])
    senior_words = tuple(params["senior_title_words"])
    senior_excluded = tuple(params["senior_title_excluded"])
    senior_grades = tuple(params["senior_grades"]) if params["senior_women_by_grade"] else ()
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
        .values_list(
            "id", "unit_path", "sex", "birth_date", "rank_level", "professional_title", "grade"
        )
    )
    for cadre_id, unit_path, sex, birth, rank_level, title, grade in rows:
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
            grade if sex == "2" and grade in senior_grades else "",
            senior_grades,
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
RANK_NAMES: dict[str, str] = rank_names()


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
# The years count at the 职级 (or 领导职务层次), not in one post: posts with it that overlap,
# or where one begins no later than the day after the other ends (a move to another unit
# at the same 职级), are one stretch.
ADJACENT = dt.timedelta(days=1)


class Candidate(NamedTuple):
    """A cadre whose current 职级 or 领导职务层次 (``source``) may qualify: the stretch is not
    known yet."""

    cadre_id: int
    unit_path: str
    source: str


class Piece(NamedTuple):
    """One post of a stretch, as the explanation names it; ``end`` is None while open."""

    start: dt.date
    end: dt.date | None
    unit_name: str


class Holding(NamedTuple):
    """A cadre holding a 职级 or 领导职务层次 (``source``) without a break since ``since``:
    the posts with it that follow one another up to the open one (``pieces``, oldest first;
    a post wholly inside another is left out)."""

    cadre_id: int
    unit_path: str
    source: str
    since: dt.date
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class Eligibility:
    """How long a holding counts and what the next grade requires, after the assessments."""

    held: int  # whole months from ``since`` to the day
    counted: int  # of which counted: less the parts of the 基本称职/不称职 years
    required: int  # the minimum years in months, less half a year per 优秀 year
    reached: dt.date  # the day the counted months first reached the required ones
    excellent: tuple[int, ...]
    uncounted: tuple[tuple[int, int], ...]  # (year, months it removed)

    @property
    def lost(self) -> int:
        return self.held - self.counted


def _marked_years(
    since: dt.date, day: dt.date, marks: dict[int, str] | None
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The 优秀 and the 基本称职/不称职 years among those the holding spans. The assessment of
    ``day``'s own year (or a later one) cannot exist yet on ``day``: it is not used."""
    if not marks:
        return (), ()
    window = range(since.year, day.year)
    excellent = tuple(y for y in window if marks.get(y) == AssessmentGrade.EXCELLENT)
    uncounted = tuple(y for y in window if marks.get(y) in UNCOUNTED)
    return excellent, uncounted


def _required(years: int, excellent: int, excellent_months: int) -> int:
    """Months required: 《公务员考核规定》第十九条 — each 优秀 year shortens the time
    required by ``excellent_months`` (half a year)."""
    return max(0, years * 12 - excellent_months * excellent)


def _counted_from(since: dt.date, uncounted: Iterable[int]) -> tuple[dt.date, list[int]]:
    """The first day counted and the uncounted years after it (第二十一条: a 基本称职 or
    不称职 year does not count). Only the part of a year the stretch spans is removed: a
    stretch that began in such a year counts from 1 January after it (2023-07-01 with 2023
    基本称职 loses 6 months, not 12); each later such year removes its 12 months."""
    years = sorted(uncounted)
    if years and years[0] == since.year:
        return dt.date(since.year + 1, 1, 1), years[1:]
    return since, years


def reached_on(since: dt.date, required: int, uncounted: Iterable[int]) -> dt.date:
    """The day the counted months first reach ``required``. Counting stops during an
    uncounted year and goes on after it; a year after the day reached takes nothing back."""
    start, years = _counted_from(since, uncounted)
    for skipped, year in enumerate(years):
        day = add_months(start, required + 12 * skipped)
        if day <= dt.date(year, 1, 1):
            return day
    return add_months(start, required + 12 * len(years))


def counted_months(since: dt.date, day: dt.date, uncounted: Iterable[int]) -> int:
    """Whole months counted on ``day``, a day after every uncounted year."""
    start, years = _counted_from(since, uncounted)
    return max(0, full_months(add_months(start, 12 * len(years)), day))


def eligibility(
    h: Holding,
    day: dt.date,
    required: int,
    excellent: tuple[int, ...],
    uncounted: tuple[int, ...],
) -> Eligibility:
    held = full_months(h.since, day)
    counted = counted_months(h.since, day, uncounted)
    # Every uncounted year but the one the stretch began in removes 12 months; that one
    # the rest (its months from ``since`` to 1 January), so that the parts add up.
    whole = [y for y in uncounted if y != h.since.year]
    first = max(0, held - counted - 12 * len(whole))
    removed = tuple((y, first if y == h.since.year else 12) for y in sorted(uncounted))
    reached = reached_on(h.since, required, uncounted)
    return Eligibility(held, counted, required, reached, excellent, removed)


class _Candidate(NamedTuple):
    holding: Holding
    required: int
    reached: dt.date
    excellent: tuple[int, ...]
    uncounted: tuple[int, ...]


def _shortest_months(today: dt.date, years: int, excellent_months: int) -> int:
    """A lower bound of the whole months a stretch needs: every year it spans before
    ``today``'s graded 优秀 (the current year cannot be assessed yet). Bounds the SQL filter;
    one month less than the least such count, as a start late in a January spans one year
    more than the month before it."""
    for months in range(years * 12 + 1):
        assessed = today.year - add_months(today, -months).year
        if months >= years * 12 - excellent_months * assessed:
            return max(0, months - 1)
    return years * 12


def _earlier_day(scope: Scope, params: dict[str, Any]) -> dt.date | None:
    """With ``recent_months``: the day before which eligibility counts as old news."""
    recent = int(params["recent_months"])
    return add_months(scope.today, -recent) if recent > 0 else None


def _by_years(codes: Iterable[str]) -> dict[int, list[str]]:
    by_years: dict[int, list[str]] = defaultdict(list)
    for code in codes:
        by_years[PROMOTION[NEXT_GRADE[code]].years].append(code)
    return by_years


class Cutoff(NamedTuple):
    """Codes with the same minimum years and the latest stretch start that can be eligible."""

    codes: list[str]
    latest: dt.date


def _cutoffs(codes: Iterable[str], scope: Scope, params: dict[str, Any]) -> list[Cutoff]:
    excellent = int(params["excellent_months"])
    return [
        Cutoff(same, latest_start(scope.today, _shortest_months(scope.today, years, excellent)))
        for years, same in _by_years(codes).items()
    ]


def _early(codes: Iterable[str], field: str, since_field: str, cutoffs: list[Cutoff]) -> Q:
    """Holders whose current holding (``since_field``) began early enough to be eligible
    today with every assessed year 优秀."""
    early = Q()
    for c in cutoffs:
        early |= Q(**{f"{field}__in": c.codes, f"{since_field}__lte": c.latest})
    return early


def _chained(field: str, position_field: str, since_field: str, cutoffs: list[Cutoff]) -> Q:
    """Holders whose current holding began too late for ``_early`` but directly follows an
    earlier post with the same 职级 (or level) — ended no earlier than the day before —
    and who held it early enough: the stretch may reach back far enough."""
    late = Q()
    for c in cutoffs:
        late |= Q(**{f"{field}__in": c.codes, f"{since_field}__gt": c.latest})
    same = Position.objects.filter(cadre_id=OuterRef("pk"), **{position_field: OuterRef(field)})
    follows = same.filter(
        end_date__isnull=False,
        start_date__lt=OuterRef(since_field),
        end_date__gte=OuterRef(since_field) - ADJACENT,
    )
    reaches_back = same.filter(start_date__lte=max(c.latest for c in cutoffs))
    return late & Exists(follows) & Exists(reaches_back)


def _recent(
    codes: Iterable[str], field: str, since_field: str, scope: Scope, params: dict[str, Any]
) -> Q | None:
    """If only recent eligibility is wanted: holders not yet eligible on the earlier day even
    without 优秀 years — their current holding began too late, and a stretch begins no later
    than it — or who have a 基本称职/不称职 year, which may have put that day off."""
    earlier = _earlier_day(scope, params) if scope.cadre_ids is None else None
    if earlier is None:
        return None
    late = Q()
    for years, same in _by_years(codes).items():
        late |= Q(**{f"{field}__in": same, f"{since_field}__gt": latest_start(earlier, years * 12)})
    delayed = Assessment.objects.filter(grade__in=UNCOUNTED).order_by().values("cadre_id")
    return late | Q(id__in=delayed)


GRADE_SOURCES = [c for c in NEXT_GRADE if len(c) == 2]
RANK_SOURCES = [c for c in NEXT_GRADE if len(c) == 3]
_CANDIDATE_FIELDS = ("id", "unit_path")


def _grade_candidates(
    scope: Scope, params: dict[str, Any], cadre_ids: list[int] | None = None
) -> list[Candidate]:
    """Cadres by their current 职级: those whose stretch may have reached eligibility (lately,
    if so asked) — the current holding (``Cadre.grade_since``, their earliest open post with
    it) began early enough, or it follows an earlier post with the 职级 — or the given
    cadres, or one cadre's page, whatever their dates."""
    qs = scope.cadres().filter(grade__in=GRADE_SOURCES, grade_since__isnull=False).order_by()
    if cadre_ids is not None:
        qs = qs.filter(pk__in=cadre_ids)
    if cadre_ids is None and scope.cadre_ids is None:
        cutoffs = _cutoffs(GRADE_SOURCES, scope, params)
        early = _early(GRADE_SOURCES, "grade", "grade_since", cutoffs)
        chained = _chained("grade", "grade", "grade_since", cutoffs)
        recent = _recent(GRADE_SOURCES, "grade", "grade_since", scope, params)
        if recent is not None:
            early, chained = early & recent, chained & recent
        plain = qs.filter(early).values_list(*_CANDIDATE_FIELDS, "grade")
        qs_rows = plain.union(qs.filter(chained).values_list(*_CANDIDATE_FIELDS, "grade"))
    else:
        qs_rows = qs.values_list(*_CANDIDATE_FIELDS, "grade")
    return [Candidate(*row) for row in qs_rows]


def _rank_candidates(scope: Scope, params: dict[str, Any]) -> list[tuple[Candidate, str]]:
    """Cadres by their current 领导职务层次 where the table names it as a source (乡科级正职
    → 一级主任科员) and their 职级 is below that target, chosen as ``_grade_candidates``
    chooses them (from 任现职务层次时间); with their 职级. A cadre whose 职级 leads to the
    same grade (乡科级正职 and 二级主任科员) is read whatever the recent window, so that the
    way reached first decides what is news."""
    below, both_ways = Q(), Q()
    for code in RANK_SOURCES:
        target = NEXT_GRADE[code]
        # A lower code is a higher grade: only a cadre below the target can be promoted to it.
        below |= Q(rank_level=code) & (Q(grade="") | Q(grade__gt=target))
        same = [g for g in PROMOTION[target].sources if g in GRADE_SOURCES]
        both_ways |= Q(rank_level=code, grade__in=same)
    qs = scope.cadres().filter(below, rank_level_since__isnull=False).order_by()
    fields = (*_CANDIDATE_FIELDS, "rank_level", "grade")
    if scope.cadre_ids is None:
        cutoffs = _cutoffs(RANK_SOURCES, scope, params)
        early = _early(RANK_SOURCES, "rank_level", "rank_level_since", cutoffs)
        chained = _chained("rank_level", "rank_level", "rank_level_since", cutoffs)
        recent = _recent(RANK_SOURCES, "rank_level", "rank_level_since", scope, params)
        if recent is not None:
            early, chained = early & (recent | both_ways), chained & (recent | both_ways)
        rows = qs.filter(early).values_list(*fields).union(qs.filter(chained).values_list(*fields))
    else:
        rows = qs.values_list(*fields)
    return [(Candidate(*row[:3]), row[3]) for row in rows]


def _longest_first(post: tuple[dt.date, dt.date | None, str]) -> tuple[dt.date, int]:
    return post[0], -(post[1] or dt.date.max).toordinal()


def _stretch(c: Candidate, posts: list[tuple[dt.date, dt.date | None, str]]) -> Holding | None:
    """The stretch of ``posts`` (start, end or None, unit) that is still open: posts joined
    while each begins no later than the day after the stretch so far ends."""
    since: dt.date | None = None
    until: dt.date | None = None  # None: open
    members: list[tuple[dt.date, dt.date | None, str]] = []
    for start, end, unit in sorted(posts, key=_longest_first):
        if since is not None and (until is None or start <= until + ADJACENT):
            until = None if until is None or end is None else max(until, end)
            members.append((start, end, unit))
        else:
            since, until, members = start, end, [(start, end, unit)]
    if since is None or until is not None:
        return None  # no open post with it (the cadre's columns are being rewritten)
    pieces: list[Piece] = []
    covered: dt.date | None = dt.date.min  # None: an open post covers the rest
    for start, end, unit in members:
        if covered is None or (end is not None and end <= covered):
            continue  # wholly inside a post already named
        pieces.append(Piece(start, end, unit))
        covered = end
    return Holding(c.cadre_id, c.unit_path, c.source, since, tuple(pieces))


def _stretched(candidates: list[Candidate], today: dt.date) -> list[Holding]:
    """The candidates' holdings with their stretches, from one read of their posts with
    the 职级 or level in question."""
    if not candidates:
        return []
    grades = sorted({c.source for c in candidates if len(c.source) == 2})
    levels = sorted({c.source for c in candidates if len(c.source) == 3})
    posts: dict[int, list[tuple[str, str, dt.date, dt.date | None, str]]] = defaultdict(list)
    ids = sorted({c.cadre_id for c in candidates})
    for i in range(0, len(ids), ID_CHUNK):
        rows = (
            Position.objects.filter(cadre_id__in=ids[i : i + ID_CHUNK], start_date__lte=today)
            .filter(Q(grade__in=grades) | Q(rank_level__in=levels))
            .order_by()
            .values_list("cadre_id", "grade", "rank_level", "start_date", "end_date", "unit_name")
        )
        for cadre_id, grade, level, start, end, unit in rows:
            posts[cadre_id].append((grade, level, start, end, unit))
    holdings = []
    for c in candidates:
        mine = [
            (start, end, unit)
            for grade, level, start, end, unit in posts[c.cadre_id]
            if (grade if len(c.source) == 2 else level) == c.source
            and (end is None or end >= start)
        ]
        h = _stretch(c, mine)
        if h is not None:
            holdings.append(h)
    return holdings


def _holdings(scope: Scope, params: dict[str, Any]) -> list[Holding]:
    """Every holding that may have become eligible (lately, if so asked) — with, for a cadre
    who has both, the 职级 leading to the same grade as the level, whenever it began."""
    grades = _grade_candidates(scope, params)
    ranks = _rank_candidates(scope, params)
    read = {c.cadre_id for c in grades}
    both = sorted(
        {
            c.cadre_id
            for c, grade in ranks
            if grade in NEXT_GRADE and NEXT_GRADE[grade] == NEXT_GRADE[c.source]
        }
        - read
    )
    for start in range(0, len(both), ID_CHUNK):
        grades += _grade_candidates(scope, params, both[start : start + ID_CHUNK])
    return _stretched(grades + [c for c, _grade in ranks], scope.today)


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


def _pieces_text(h: Holding) -> str:
    """``2023.01—2024.06（甲单位）、2024.07 至今（乙单位）``."""
    return "、".join(
        f"{_month(p.start)} 至今（{p.unit_name}）"
        if p.end is None
        else f"{_month(p.start)}—{_month(p.end)}（{p.unit_name}）"
        for p in h.pieces
    )


def promotion_message(h: Holding, e: Eligibility, marks: dict[int, str] | None) -> str:
    """The explanation a clerk reads: when eligibility was reached, the stretch held (each
    post of it when there are several), the years not counted, the requirement with its
    shortening, and the regulations."""
    target = NEXT_GRADE[h.source]
    name = GRADE_NAMES[target]
    requirement = PROMOTION[target]
    if len(h.pieces) > 1:
        held = f"任{_source_name(h.source)} {_pieces_text(h)}，合计 {span(e.held)}"
    else:
        held = f"任{_source_name(h.source)} {_month(h.since)} 至今 {span(e.held)}"
    if e.uncounted:

        def label(year: int) -> str:
            return f"{year}年度{AssessmentGrade((marks or {})[year]).label}"

        if len(e.uncounted) == 1:
            years = label(e.uncounted[0][0])
        else:
            years = "、".join(f"{label(y)}（{span(m)}）" for y, m in e.uncounted)
        held += f"，{years}不计算任职年限（扣除{span(e.lost)}），计 {span(e.counted)}"
    required = f"{name}须任{requirement.wording}{requirement.years}年"
    if e.excellent:
        shortened = requirement.years * 12 - e.required
        required += f"，{_years_list(e.excellent)}优秀缩短{span(shortened)}"
    return (
        f"已具备晋升{name}的任职年限条件（{_month(e.reached)} 起）：{held} ≥ {span(e.required)}"
        f"（{required}；{PARALLEL}，{ASSESSMENT_RULES}第十九、二十一条）"
    )


@rule(
    code="grade_promotion",
    name="职级晋升资格",
    regulation=f"{PARALLEL}；{ASSESSMENT_RULES}",
    article="考核规定第十九条、第二十一条（并行规定条目号未核实）",
    description=(
        "晋升上一职级须在下一职级（或表中所列领导职务层次）任职满最低年限：如一级主任科员须任"
        "乡科级正职或二级主任科员2年（职级表取自 GRADE.csv，三份公开来源一致）。任职年限按职级"
        "（或领导职务层次）计算，不按某一职务：同一职级的职务前后相接（免职次日或当日任新职，"
        "如平级调任另一单位）或同时担任的，合并为一段连续计算，自这一段最早的任职时间起算；"
        "中间有间断的，此前的任职不计入。年度考核优秀的，每个优秀年度缩短半年（第十九条；"
        "excellent_months，默认6）；基本称职、不称职年度不计算任职年限（第二十一条），只扣除该"
        "年度中实际计入的月份（如2023年7月起任职、2023年度基本称职的，扣除6个月）。当年（及以后）"
        "的年度考核尚不可能有结果，不使用。提示说明列出计入的各段任职、合计月数和扣除的月数。"
        "默认只提示最近3个月内新达到年限条件的干部（recent_months，默认3；设为0则列出全部已具备"
        "年限条件者，人数可能很多）。达到最低年限不等于应当晋升，另须符合职数、考核等条件。"
    ),
    severity=Severity.INFO,
    defaults={"excellent_months": 6, "recent_months": 3},
    order=60,
)
def grade_promotion(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    today = scope.today
    earlier = _earlier_day(scope, params)
    holdings = _holdings(scope, params)
    marks = _marks(holdings)
    years_of = {source: PROMOTION[target].years for source, target in NEXT_GRADE.items()}
    excellent_months = int(params["excellent_months"])
    best: dict[tuple[int, str], _Candidate] = {}
    for h in holdings:
        marked = marks.get(h.cadre_id)
        excellent, uncounted = _marked_years(h.since, today, marked) if marked else ((), ())
        required = _required(years_of[h.source], len(excellent), excellent_months)
        reached = reached_on(h.since, required, uncounted)
        if reached > today:
            continue
        # Two ways to one grade (乡科级正职 and 二级主任科员): the one reached first counts.
        key = (h.cadre_id, NEXT_GRADE[h.source])
        current = best.get(key)
        if current is not None and current.reached <= reached:
            continue
        best[key] = _Candidate(h, required, reached, excellent, uncounted)
    for c in best.values():
        if earlier is not None and c.reached <= earlier:
            continue  # eligible already before the recent window
        h = c.holding
        target = NEXT_GRADE[h.source]
        e = eligibility(h, today, c.required, c.excellent, c.uncounted)
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
                "stretch": [
                    {"start": p.start, "end": p.end, "unit": p.unit_name} for p in h.pieces
                ],
                "held_months": e.held,
                "counted_months": e.counted,
                "required_months": e.required,
                "reached": e.reached,
                "excellent_years": list(e.excellent),
                "uncounted_years": [y for y, _m in e.uncounted],
                "uncounted_months": dict(e.uncounted),
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
