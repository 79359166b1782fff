"""任职年限: how long a cadre has held one post or one 领导职务层次 (交流规定, 任期规定)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from alerts.choices import Severity, Subject
from alerts.registry import Finding, Scope, rule
from cadres.models import Position
from core.choices import CodeTable
from core.dates import add_months, full_months, latest_start, span, ym
from core.selectors import code_map

EXCHANGE = "《党政领导干部交流工作规定》"
TERMS = "《党政领导干部职务任期暂行规定》"
KEY_POSTS = "重点岗位交流办法（省级规定）"
# The default 重点岗位 words (docs/rules.md, "Exchange, tenure and avoidance" lists
# 组织、人事、纪检监察、审计、财务).
KEY_POST_WORDS = [
    *["组织部", "人事", "人力资源"],  # 组织、人事
    *["纪委", "纪检", "监委", "监察"],  # 纪检监察
    *["审计", "财务", "财政"],  # 审计、财务
]
KEY_POSTS_CITED = "重点岗位交流办法，省级规定"  # as the message cites it, in its own brackets

# Re-appointment to the same post (换届 re-election, a new 任职文号) is a new position row;
# a gap of up to this many days between the two still counts as one continuous tenure.
CONTINUITY_DAYS = 31

# Cadre ids per ``IN (…)``: well under SQLite's limit of bound parameters.
ID_CHUNK = 5000


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), ID_CHUNK):
        yield ordered[start : start + ID_CHUNK]


def _months(years: Any) -> int:
    """A threshold in years (``5`` or ``2.5``) as whole months."""
    return round(float(years) * 12)


# ---------------------------------------------------------------- one post, continuously


@dataclass(frozen=True)
class Tenure:
    """An open position and the day its continuous tenure in the same post began."""

    position_id: int
    cadre_id: int
    cadre_name: str
    unit_path: str
    post: str  # 单位 + 职务, as the 简历 prints it
    since: dt.date
    unit_name: str = ""
    title: str = ""
    unit_id: int | None = None


_TENURE_FIELDS = (
    "id",
    "cadre_id",
    "cadre__name",
    "cadre__unit_path",
    "unit_id",
    "unit_name",
    "title",
    "start_date",
)


def _same_post(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["unit_id"] and b["unit_id"]:
        return bool(a["unit_id"] == b["unit_id"] and a["title"] == b["title"])
    return bool(a["unit_name"] == b["unit_name"] and a["title"] == b["title"])


def open_tenures(
    scope: Scope,
    *,
    months: int,
    leading_only: bool,
    heads_only: bool = False,
    where: Q | None = None,
) -> Iterator[Tenure]:
    """Open posts held continuously for at least ``months`` whole months on ``scope.today``.

    ``where`` narrows the open positions further (e.g. key posts). Two queries find the
    candidates: open positions that started early enough, and later ones that directly
    follow an earlier position in the same post (a re-appointment) in a chain that can
    reach back far enough. They are two rather than one ``… OR EXISTS (…)``: PostgreSQL
    prices such an OR as a subquery per open position of the province and then spends
    longer compiling the query (JIT) than running it. A third query fetches the
    candidates' past positions, through which re-appointments are chained back.
    """
    cutoff = latest_start(scope.today, months)
    base = scope.positions().filter(end_date__isnull=True).order_by()
    if leading_only:
        base = base.filter(is_leading=True)
    if heads_only:
        base = base.filter(is_head=True)
    if where is not None:
        base = base.filter(where)
    same_title = Position.objects.filter(
        cadre_id=OuterRef("cadre_id"),
        title=OuterRef("title"),
        end_date__isnull=False,
        end_date__lte=OuterRef("start_date"),
    )
    follows = same_title.filter(
        end_date__gte=OuterRef("start_date") - dt.timedelta(days=CONTINUITY_DAYS)
    )
    # A chain reaching back to ``cutoff`` has a past link that started by then and ended no
    # earlier than a month before it (the next link began after ``cutoff``): a necessary
    # condition that drops recent re-appointment chains in SQL rather than in Python.
    reaches_back = same_title.filter(
        start_date__lte=cutoff, end_date__gte=cutoff - dt.timedelta(days=CONTINUITY_DAYS)
    )
    rows = list(base.filter(start_date__lte=cutoff).values(*_TENURE_FIELDS))
    rows += (
        base.filter(start_date__gt=cutoff)
        .filter(Exists(follows), Exists(reaches_back))
        .values(*_TENURE_FIELDS)
    )
    history = _past_positions({r["cadre_id"] for r in rows})
    for row in rows:
        since = row["start_date"]
        for earlier_row in history.get(row["cadre_id"], []):  # newest first
            if not _same_post(earlier_row, row):
                continue
            ended = earlier_row["end_date"]
            if ended <= since and (since - ended).days <= CONTINUITY_DAYS:
                since = min(since, earlier_row["start_date"])
        if since <= cutoff:
            yield _tenure(row, since)


def _past_positions(cadre_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """Ended positions of these cadres, newest end first."""
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(cadre_ids):
        for past in (
            Position.objects.filter(cadre_id__in=chunk, end_date__isnull=False)
            .order_by("-end_date")
            .values("cadre_id", "unit_id", "unit_name", "title", "start_date", "end_date")
        ):
            history[past["cadre_id"]].append(dict(past))
    return history


def _tenure(row: dict[str, Any], since: dt.date) -> Tenure:
    return Tenure(
        position_id=row["id"],
        cadre_id=row["cadre_id"],
        cadre_name=row["cadre__name"],
        unit_path=row["cadre__unit_path"],
        post=f"{row['unit_name']}{row['title']}",
        since=since,
        unit_name=row["unit_name"],
        title=row["title"],
        unit_id=row["unit_id"],
    )


@rule(
    code="same_post",
    name="同一职位任职年限",
    regulation=EXCHANGE,
    article="第五条",
    description=(
        "领导职务（默认只看领导职务）在同一职位连续任职满 10 年的，必须交流（第五条）；"
        "满 5 年的提示考虑交流（5 年为多数省份交流办法的做法，中央规定未见，可调整）。"
        "同一职位连任（换届、重新发文）间隔不超过 31 天的，连续计算。"
    ),
    severity=Severity.WARNING,
    defaults={"consider_years": 5, "must_years": 10, "leading_only": True},
    order=10,
)
def same_post(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    consider = int(params["consider_years"] * 12)
    must = int(params["must_years"] * 12)
    for t in open_tenures(scope, months=consider, leading_only=bool(params["leading_only"])):
        months = full_months(t.since, scope.today)
        reached = must if months >= must else consider
        verdict = "必须交流" if reached == must else "应考虑交流"
        yield Finding(
            subject=Subject.CADRE,
            subject_id=t.cadre_id,
            cadre_id=t.cadre_id,
            unit_path=t.unit_path,
            key=str(t.position_id),
            severity=Severity.DANGER if reached == must else Severity.WARNING,
            message=(
                f"任现职（{t.post}）{ym(t.since)} 至今 {span(months)} ≥ {span(reached)}，"
                f"{verdict}（{EXCHANGE}第五条）"
            ),
            facts={"post": t.post, "since": t.since, "months": months, "threshold_months": reached},
            basis={"position": t.position_id, "since": t.since, "threshold_months": reached},
        )


# ---------------------------------------------------------------- one post, two terms


@rule(
    code="two_terms",
    name="同一职位连任两个任期",
    regulation=TERMS,
    article="第六条",
    description=(
        "同一职位连续任职达到 2 个任期的，不再推荐、提名或任命担任同一职务（第六条）；"
        "每个任期 5 年（第三条）。任期按连续任职时间每 5 年计算，不看实际换届日期；"
        "同一职位连任（换届、重新发文）间隔不超过 31 天的，连续计算。进入最后一个任期时提示。"
        "第二条的适用范围主要是正职（党政工作部门正职，纪委、法院、检察院正职）"
        "及县级以上地方党委、政府领导成员，故默认只看正职（“只看正职”为是，可改为全部领导职务）。"
    ),
    severity=Severity.DANGER,
    defaults={"term_years": 5, "terms": 2, "heads_only": True},
    order=20,
)
def two_terms(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    term = _months(params["term_years"])
    terms = int(params["terms"])
    limit = term * terms
    if term <= 0 or terms <= 0:
        return
    # With one term allowed there is no "last term" to announce: only the limit itself.
    last_term = term * (terms - 1) or limit
    heads_only = bool(params["heads_only"])
    for t in open_tenures(scope, months=last_term, leading_only=True, heads_only=heads_only):
        months = full_months(t.since, scope.today)
        reached = months >= limit
        if reached:
            message = (
                f"同一职位（{t.post}）连续任职 {ym(t.since)} 至今 {span(months)}，"
                f"已满 {terms} 个任期（每个任期 {span(term)}），"
                f"不再推荐、提名或任命担任同一职务（{TERMS}第六条）"
            )
        else:
            message = (
                f"同一职位（{t.post}）连续任职已进入第 {terms} 个任期"
                f"（{ym(t.since)} 至今 {span(months)}，每个任期 {span(term)}），"
                f"{ym(add_months(t.since, limit))} 任满 {terms} 个任期后"
                f"不再推荐、提名或任命担任同一职务（{TERMS}第六条）"
            )
        threshold = limit if reached else last_term
        yield Finding(
            subject=Subject.CADRE,
            subject_id=t.cadre_id,
            cadre_id=t.cadre_id,
            unit_path=t.unit_path,
            key=str(t.position_id),
            severity=Severity.DANGER if reached else Severity.INFO,
            message=message,
            facts={
                "post": t.post,
                "since": t.since,
                "months": months,
                "term_months": term,
                "terms": terms,
                "threshold_months": threshold,
            },
            basis={"position": t.position_id, "since": t.since, "threshold_months": threshold},
        )


# ---------------------------------------------------------------- key posts


def _words(values: Iterable[Any]) -> list[str]:
    return [w for w in (str(v).strip() for v in values) if w]


def _key_words(text: str, words: list[str], unrelated: list[str]) -> list[str]:
    """The keywords ``text`` contains once the unrelated phrases are taken out of it."""
    for phrase in unrelated:
        text = text.replace(phrase, "|")
    return [w for w in words if w in text]


@rule(
    code="key_post",
    name="重点岗位任职年限",
    regulation=KEY_POSTS,
    description=(
        "在组织、人事、纪检监察、审计、财务等重点岗位任职满 5 年的，应交流轮岗。"
        "中央《党政领导干部交流工作规定》未见此条，5 年取自省级交流办法"
        "（未核实，可调整）；各地重点岗位范围不同，单位名称或职务名称含任一关键词即视为"
        "重点岗位，关键词可调整；含关键词而非重点岗位的说法列入排除词语（exclude_keywords，"
        "默认“退役军人事务”，其中含“人事”）。默认也看非领导职务（“只看领导职务”为否）。"
        "同一职位连任（换届、重新发文）间隔不超过 31 天的，连续计算。"
    ),
    severity=Severity.WARNING,
    defaults={
        "years": 5,
        "keywords": KEY_POST_WORDS,
        "exclude_keywords": ["退役军人事务"],
        "leading_only": False,
    },
    order=30,
)
def key_post(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    limit = _months(params["years"])
    words = _words(params["keywords"])
    unrelated = _words(params["exclude_keywords"])
    if not words:
        return
    mentions = Q()
    for word in words:  # plain LIKE '%词%': the keywords are Chinese, case does not arise
        mentions |= Q(unit_name__contains=word) | Q(title__contains=word)
    leading_only = bool(params["leading_only"])
    for t in open_tenures(scope, months=limit, leading_only=leading_only, where=mentions):
        matched = _key_words(f"{t.unit_name}|{t.title}", words, unrelated)
        if not matched:
            continue
        months = full_months(t.since, scope.today)
        yield Finding(
            subject=Subject.CADRE,
            subject_id=t.cadre_id,
            cadre_id=t.cadre_id,
            unit_path=t.unit_path,
            key=str(t.position_id),
            severity=Severity.WARNING,
            message=(
                f"在重点岗位（{t.post}）任职 {ym(t.since)} 至今 {span(months)} ≥ {span(limit)}，"
                f"应交流轮岗（{KEY_POSTS_CITED}）"
            ),
            facts={
                "post": t.post,
                "since": t.since,
                "months": months,
                "keywords": matched,
                "threshold_months": limit,
            },
            basis={"position": t.position_id, "since": t.since, "threshold_months": limit},
        )


# ---------------------------------------------------------------- one 领导职务层次, accumulated


@dataclass(frozen=True)
class Stretch:
    """Days spent at one level without a break: positions that overlap or follow on the next
    day, joined. ``end`` is the last day held (counted); ``None`` while a position of the
    stretch is still open (至今)."""

    start: dt.date
    end: dt.date | None


# A position that begins on the day after another ends (or earlier) continues its stretch.
NEXT_DAY = dt.timedelta(days=1)


def stretches(intervals: Iterable[tuple[dt.date, dt.date | None]], today: dt.date) -> list[Stretch]:
    """The union of these (start, end-or-open) intervals up to ``today``, oldest first.

    Concurrent posts count once and the days between posts not at all; a post that begins
    on the day the previous one ends, or on the day after, leaves no gap.
    """
    joined: list[Stretch] = []
    first: dt.date | None = None
    last = today  # end of the stretch being built; ``today`` while it is open
    for start, end in sorted(intervals, key=lambda i: i[0]):
        if start > today:
            break
        end = today if end is None else min(end, today)
        if first is not None and start <= last + NEXT_DAY:
            last = max(last, end)
            continue
        if first is not None:
            joined.append(Stretch(first, None if last == today else last))
        first, last = start, end
    if first is not None:
        joined.append(Stretch(first, None if last == today else last))
    return joined


def counted_since(parts: list[Stretch], today: dt.date) -> dt.date:
    """The day a continuous tenure would have begun to equal these stretches on ``today``:
    the days served, laid end to end back from ``today``. A past stretch counts its end day
    (a post held 2008-01-01 → 2012-12-31 is five whole years, as if held up to 2013-01-01);
    an open one counts as a single post does, so for one open stretch this is its start
    (29 February included)."""
    days = sum(((p.end - p.start).days + 1) if p.end else (today - p.start).days for p in parts)
    return today - dt.timedelta(days=days)


def _current_levels(scope: Scope, months: int) -> dict[tuple[int, str], str]:
    """``(cadre, 领导职务层次) → unit_path`` of open leading posts whose level the cadre first
    reached at least ``months`` ago: the necessary condition for that many months there."""
    first_early = Position.objects.filter(
        cadre_id=OuterRef("cadre_id"),
        rank_level=OuterRef("rank_level"),
        start_date__lte=latest_start(scope.today, months),
    )
    rows = (
        scope.positions()
        .order_by()
        .filter(end_date__isnull=True, is_leading=True, start_date__lte=scope.today)
        .exclude(rank_level="")
        .filter(Exists(first_early))
        .values_list("cadre_id", "rank_level", "cadre__unit_path")
    )
    return {(cadre_id, level): path for cadre_id, level, path in rows}


def _level_intervals(
    wanted: Iterable[tuple[int, str]],
) -> dict[tuple[int, str], list[tuple[dt.date, dt.date | None]]]:
    """All positions (open and past) of these cadres at these levels, as intervals."""
    wanted = set(wanted)
    out: dict[tuple[int, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    levels = {level for _, level in wanted}
    for chunk in _chunks(cadre_id for cadre_id, _ in wanted):
        for cadre_id, level, start, end in Position.objects.filter(
            cadre_id__in=chunk, rank_level__in=levels
        ).values_list("cadre_id", "rank_level", "start_date", "end_date"):
            if (cadre_id, level) in wanted:
                out[(cadre_id, level)].append((start, end))
    return out


@rule(
    code="same_level",
    name="同一层次领导职务累计年限",
    regulation=TERMS,
    article="第七条",
    description=(
        "担任同一层次领导职务（领导职务层次，如乡科级正职）累计达到 15 年的，不再推荐、"
        "提名或任命担任同一层次领导职务（第七条）；差 1 年达到时预警（可调整）。"
        "累计时间为该层次全部任职（含已免职务）的并集：同时兼任的只算一次，免职当日或次日即任"
        "同一层次职务的连续计算，两段任职之间的间隔不计；免职当日计入任职时间，按实际天数累加后"
        "折算年月。提示说明列出计入的各段任职。第七条的适用范围为第二条所列职务（主要是正职"
        "及县级以上地方党委、政府领导成员），本规则对所有现任领导职务计算，由经办人判断。"
    ),
    severity=Severity.DANGER,
    defaults={"years": 15, "warn_years_before": 1},
    order=15,
)
def same_level(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    limit = _months(params["years"])
    warn = max(limit - _months(params["warn_years_before"]), 0)
    current = _current_levels(scope, warn)
    if not current:
        return
    intervals = _level_intervals(current)
    names = code_map(table=CodeTable.RANK_LEVEL)
    for (cadre_id, level), unit_path in current.items():
        parts = stretches(intervals[(cadre_id, level)], scope.today)
        since = counted_since(parts, scope.today)
        months = full_months(since, scope.today)
        if months < warn:
            continue
        reached = months >= limit
        shape = [{"start": p.start, "end": p.end} for p in parts]
        threshold = limit if reached else warn
        yield Finding(
            subject=Subject.CADRE,
            subject_id=cadre_id,
            cadre_id=cadre_id,
            unit_path=unit_path,
            key=level,
            severity=Severity.DANGER if reached else Severity.WARNING,
            message=_level_message(names.get(level, level), parts, since, months, limit),
            facts={
                "rank_level": level,
                "months": months,
                "stretches": shape,
                "threshold_months": threshold,
            },
            basis={"rank_level": level, "stretches": shape, "threshold_months": threshold},
        )


def _stretches_text(parts: list[Stretch]) -> str:
    """``2008.01 起`` for one stretch; ``2005.03—2010.03、2011.01—2016.01、2017.01 至今``."""
    if len(parts) == 1:
        return f"{ym(parts[0].start)} 起"
    return "、".join(
        f"{ym(p.start)}—{ym(p.end)}" if p.end else f"{ym(p.start)} 至今" for p in parts
    )


def _level_message(name: str, parts: list[Stretch], since: dt.date, months: int, limit: int) -> str:
    served = f"担任{name}累计 {span(months)}（{_stretches_text(parts)}，{len(parts)} 段任职）"
    if months >= limit:
        return f"{served}≥ {span(limit)}，不再推荐、提名或任命担任同一层次领导职务（{TERMS}第七条）"
    return (
        f"{served}，将于 {ym(add_months(since, limit))} 满 {span(limit)}，"
        f"届时不再推荐、提名或任命担任同一层次领导职务（{TERMS}第七条）"
    )


# ---------------------------------------------------------------- marked key units and posts


MARKED_CITED = "重点部门和关键岗位轮岗交流（本单位标记，省级规定）"


@rule(
    code="marked_key_post",
    name="关键岗位轮岗到期",
    regulation="重点部门和关键岗位交流轮岗办法（省级规定）",
    article="",
    description=(
        "干部监督中标记的关键岗位（按单位和职务名称，或职务名称关键词），在岗连续任职达到该岗位"
        "设定的轮岗年限（默认5年）的，应交流轮岗；标记的重点部门（权力集中、资源富集）中的领导职务，"
        "连续任职达到 key_unit_years（默认5年，省级规定，未核实，可调整）的，同样提示。同一职位连任"
        "（换届、重新发文）间隔不超过 31 天的，连续计算。"
    ),
    severity=Severity.WARNING,
    defaults={"key_unit_years": 5},
    order=45,
)
def marked_key_post(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    from supervision.selectors import key_posts, key_units

    posts = key_posts()
    units = key_units()
    unit_years = _months(params["key_unit_years"])
    # What each open post must have held to be due: its key post's span, else its key unit's.
    spans: list[tuple[Q, int, str]] = []
    for kp in posts:
        named = Q(title=kp.title) if kp.match == "exact" else Q(title__contains=kp.title)
        spans.append((Q(unit_id=kp.unit_id) & named, _months(kp.rotation_years), "关键岗位"))
    for ku in units:
        spans.append((Q(unit_id=ku.unit_id, is_leading=True), unit_years, "重点部门领导职务"))
    if not spans or min(m for _, m, _ in spans) <= 0:
        return
    where = Q()
    for condition, _months_needed, _kind in spans:
        where |= condition
    by_unit_posts = {(kp.unit_id, kp.title, kp.match): _months(kp.rotation_years) for kp in posts}
    key_unit_ids = {ku.unit_id for ku in units}
    shortest = min(m for _, m, _ in spans)
    for t in open_tenures(scope, months=shortest, leading_only=False, where=where):
        needed, kind = None, ""
        for (unit_id, title, match), months_needed in by_unit_posts.items():
            if (
                unit_id == t.unit_id
                and (t.title == title if match == "exact" else title in t.title)
                and (needed is None or months_needed < needed)
            ):
                needed, kind = months_needed, "关键岗位"
        if needed is None and t.unit_id in key_unit_ids:
            needed, kind = unit_years, "重点部门领导职务"
        if needed is None:
            continue
        months = full_months(t.since, scope.today)
        if months < needed:
            continue
        yield Finding(
            subject=Subject.CADRE,
            subject_id=t.cadre_id,
            cadre_id=t.cadre_id,
            unit_path=t.unit_path,
            key=str(t.position_id),
            message=(
                f"在{kind}（{t.post}）任职 {ym(t.since)} 至今 {span(months)} ≥ {span(needed)}，"
                f"应交流轮岗（{MARKED_CITED}）"
            ),
            facts={"post": t.post, "since": t.since, "months": months, "threshold_months": needed},
            basis={"position": t.position_id, "since": t.since, "threshold_months": needed},
        )
