"""领导班子结构: who sits on a unit's leadership team, and the structure of any unit subtree.

A unit's leadership team (领导班子) is the active cadres holding an open leading position
(``Position.is_leading``, no ``end_date``) whose ``unit`` is that unit. People figures (ages,
sex, ethnicity, party, education, expertise) count each cadre once, however many posts they
hold. Quota vs actual (orgs.PostQuota) counts holders per unit and 领导职务层次 (and title, for
a titled quota) as the ``post_quota`` warning rule does: a cadre holding two posts of one level
in one unit (局长 and 党组书记) fills one 职数.

Every figure is one SQL aggregate (conditional ``COUNT``s, ``GROUP BY``) on both SQLite and
PostgreSQL: the number of queries does not depend on the size of the team or the subtree.
Ages are counted by month as on the personnel forms (``age_in_months_style``), so the age
bands use the same birth-date ranges as the roster's age filter (``roster.birth_range``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, ExtractYear, Substr
from django.urls import reverse
from django.utils import timezone

from cadres import extensions
from cadres.choices import CadreStatus
from cadres.models import Cadre, Position
from cadres.roster import CodeNames, birth_range
from core.choices import CodeTable
from core.dates import age_in_months_style
from core.permissions import Action, scope_paths
from orgs.models import PATH_SEGMENT, PostQuota, Unit
from orgs.quotas import covers

# Age bands of the structure analysis (whole years by month, both ends included).
AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("35岁及以下", None, 35),
    ("36–40岁", 36, 40),
    ("41–45岁", 41, 45),
    ("46–50岁", 46, 50),
    ("51–55岁", 51, 55),
    ("56岁及以上", 56, None),
)
YOUNG_BELOW = 40  # "40 岁以下": the young-cadre figure of the team-composition warning
HAN = "01"  # GB 3304 汉族
CPC = ("01", "02")  # GB 4762 中共党员, 中共预备党员 (as the roster's "cpc" filter)
# ZB64 groups by the first digit: 1x 研究生教育, 2x 本科教育 (大学); the rest (3x 专科, 35–39
# 中专 … 小学) is "大专及以下".
EDUCATION_GRADUATE = "1"
EDUCATION_UNIVERSITY = "2"
EXPERTISE_TOP = 10
# Words of 熟悉专业有何专长 are separated by Chinese or ASCII punctuation and spaces.
_WORD_SEPARATORS = re.compile(
    r"[\s\u3000,，、;；:：.。!！?？/／\\|()（）\[\]【】{}<>《》〈〉\"'“”‘’·•~～\-—_+=*&]+"
)
UNIT_ALERTS_SHOWN = 50
_CACHE_SECONDS = 300

T = TypeVar("T")


class Slice(TypedDict):
    """One bar or pie slice: what ECharts and the API both read."""

    name: str
    value: int


class Figures(TypedDict):
    """Structure figures of a set of cadres (a team or a subtree's leading cadres)."""

    count: int
    average_age: float | None
    women: int
    women_percent: float | None
    under_40: int
    under_40_percent: float | None
    minority: int
    non_cpc: int
    age_bands: list[Slice]
    sex: list[Slice]
    ethnicity: list[Slice]
    party: list[Slice]
    education: list[Slice]
    expertise: list[Slice]


class QuotaRow(TypedDict):
    """职数 vs actual: one 领导职务层次 (``title`` empty) or one titled quota within it."""

    rank_level: str
    rank_level_name: str
    title: str
    quota: int | None  # None: no quota approved for this level (未核定)
    actual: int
    difference: int | None  # actual − quota: > 0 超配, < 0 空缺
    state: str


class Member(TypedDict):
    """One member of a leadership team, every field as the page and the API show it."""

    cadre_id: int
    url: str
    name: str
    title: str  # the member's posts in this unit, head post first (“书记、县长”)
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
    start_date: dt.date  # start of the member's first-listed post in this unit
    alerts: int


class UnitAlert(TypedDict):
    severity: str
    message: str
    rule: str


class UnitRef(TypedDict):
    id: int
    name: str
    code: str


class Team(TypedDict):
    unit: UnitRef
    today: dt.date
    members: list[Member]
    figures: Figures
    quotas: list[QuotaRow]
    alerts: list[UnitAlert]


class ChildRow(TypedDict):
    """One direct child unit (or the unit's own team, ``is_self``) of a structure analysis."""

    unit_id: int
    name: str
    is_self: bool
    count: int
    women: int
    under_40: int
    average_age: float | None
    quota: int
    actual: int


class Structure(TypedDict):
    unit: UnitRef
    today: dt.date
    figures: Figures
    quotas: list[QuotaRow]
    children: list[ChildRow]


# ---------------------------------------------------------------- shared figures


AGE_FIGURES = ("count", "women", "under_40", "birth_years", "later_months", "bands")


def people_aggregates(today: dt.date, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Conditional counts over ``Cadre`` rows: one pass gives every people figure (or the
    ``only`` ones: each is work on every row; ``"bands"`` stands for the six age bands)."""
    aggregates: dict[str, Any] = {
        "count": Count("id"),
        "men": Count("id", filter=Q(sex="1")),
        "women": Count("id", filter=Q(sex="2")),
        "under_40": Count("id", filter=birth_range(None, YOUNG_BELOW - 1, today)),
        "han": Count("id", filter=Q(ethnicity=HAN)),
        "minority": Count("id", filter=~Q(ethnicity=HAN) & ~Q(ethnicity="")),
        "cpc": Count("id", filter=Q(political_status__in=CPC)),
        "graduate": Count("id", filter=Q(education_level__startswith=EDUCATION_GRADUATE)),
        "university": Count("id", filter=Q(education_level__startswith=EDUCATION_UNIVERSITY)),
        "no_education": Count("id", filter=Q(education_level="")),
        # Σ age = n·year − Σ birth year − #(born in a later month of the year): the average
        # of month-counted ages from two plain aggregates, no per-row age expression.
        "birth_years": Sum(ExtractYear("birth_date")),
        "later_months": Count("id", filter=Q(birth_date__month__gt=today.month)),
    }
    for i, (_label, low, high) in enumerate(AGE_BANDS):
        aggregates[f"band_{i}"] = Count("id", filter=birth_range(low, high, today))
    if only is None:
        return aggregates
    wanted = set(only)
    return {
        k: v
        for k, v in aggregates.items()
        if k in wanted or (k[:5] == "band_" and "bands" in wanted)
    }


def add_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Sum the numeric aggregates of several groups (the groups never share a cadre)."""
    total: Counter[str] = Counter()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                total[key] += int(value)
    return dict(total)


def _one_decimal(numerator: int, denominator: int) -> float | None:
    if not denominator:
        return None
    value = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return float(value)


def average_age(row: Mapping[str, Any], today: dt.date) -> float | None:
    """Average month-counted age of the cadres of an aggregate row, one decimal."""
    n = int(row.get("count") or 0)
    ages = n * today.year - int(row.get("birth_years") or 0) - int(row.get("later_months") or 0)
    return _one_decimal(ages, n)


def _percent(part: int, whole: int) -> float | None:
    return _one_decimal(part * 100, whole)


def _slices(pairs: Iterable[tuple[str, int]], *, unknown: int = 0) -> list[Slice]:
    out = [Slice(name=name, value=int(value)) for name, value in pairs]
    if unknown > 0:  # shown only when some records lack the field
        out.append(Slice(name="未填", value=unknown))
    return out


def figures_from(row: Mapping[str, Any], today: dt.date, expertise: list[Slice]) -> Figures:
    """The figures of one aggregate row of ``people_aggregates``."""
    n = int(row.get("count") or 0)

    def get(key: str) -> int:
        return int(row.get(key) or 0)

    graduate, university, no_education = get("graduate"), get("university"), get("no_education")
    return Figures(
        count=n,
        average_age=average_age(row, today),
        women=get("women"),
        women_percent=_percent(get("women"), n),
        under_40=get("under_40"),
        under_40_percent=_percent(get("under_40"), n),
        minority=get("minority"),
        non_cpc=n - get("cpc"),
        age_bands=[
            Slice(name=label, value=get(f"band_{i}")) for i, (label, _l, _h) in enumerate(AGE_BANDS)
        ],
        sex=_slices(
            [("男", get("men")), ("女", get("women"))], unknown=n - get("men") - get("women")
        ),
        ethnicity=_slices(
            [("汉族", get("han")), ("少数民族", get("minority"))],
            unknown=n - get("han") - get("minority"),
        ),
        party=_slices([("中共党员", get("cpc")), ("非中共党员", n - get("cpc"))]),
        education=_slices(
            [
                ("研究生", graduate),
                ("大学", university),
                ("大专及以下", n - graduate - university - no_education),
            ],
            unknown=no_education,
        ),
        expertise=expertise,
    )


def expertise_words(texts: Iterable[tuple[str, int]], limit: int = EXPERTISE_TOP) -> list[Slice]:
    """The most frequent words of 熟悉专业有何专长 from ``(text, number of cadres)`` pairs.

    A word counts once per cadre, however often the cadre's text repeats it."""
    counter: Counter[str] = Counter()
    for text, n in texts:
        for word in {w for w in _WORD_SEPARATORS.split(text or "") if w}:
            counter[word] += int(n)
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Slice(name=word, value=n) for word, n in ranked]


def _state(difference: int | None) -> str:
    if difference is None:
        return "未核定"
    if difference > 0:
        return f"超配 {difference}"
    if difference < 0:
        return f"空缺 {-difference}"
    return "相符"


def _level_key(code: str) -> tuple[bool, str]:
    return (code == "", code)  # GB/T 12407 codes sort from the highest level; blank last


def quota_rows(
    quotas: Iterable[tuple[str, str, int]],
    holders: Mapping[str, int],
    title_holders: Mapping[tuple[str, str], int],
    names: CodeNames,
) -> list[QuotaRow]:
    """职数 vs actual per 领导职务层次, each followed by its titled quotas (if any).

    ``quotas``: ``(rank_level, title, quota)``; ``holders``: holders per level;
    ``title_holders``: holders per ``(rank_level, title)``, for the titled quotas. The level's
    quota is the sum of its quotas, titled or not."""
    quota_list = list(quotas)
    levels = sorted({q[0] for q in quota_list} | set(holders), key=_level_key)
    rows: list[QuotaRow] = []
    for level in levels:
        name = names(CodeTable.RANK_LEVEL, level) or level or "未定层次"
        of_level = [q for q in quota_list if q[0] == level]
        quota = sum(q[2] for q in of_level) if of_level else None
        actual = holders.get(level, 0)
        difference = None if quota is None else actual - quota
        rows.append(
            QuotaRow(
                rank_level=level,
                rank_level_name=name,
                title="",
                quota=quota,
                actual=actual,
                difference=difference,
                state=_state(difference),
            )
        )
        for _level, title, titled_quota in of_level:
            if not title:
                continue
            titled_actual = title_holders.get((level, title), 0)
            rows.append(
                QuotaRow(
                    rank_level=level,
                    rank_level_name=name,
                    title=title,
                    quota=titled_quota,
                    actual=titled_actual,
                    difference=titled_actual - titled_quota,
                    state=_state(titled_actual - titled_quota),
                )
            )
    return rows


def _unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.pk, name=unit.name, code=unit.code)


# ---------------------------------------------------------------- one team


def team_positions(user: Any, unit: Unit, action: str = Action.CADRES_VIEW) -> QuerySet[Position]:
    """The open leading posts in ``unit`` of active cadres ``user`` may see under ``action``."""
    return Position.objects.restrict(user, action).filter(
        unit=unit, end_date__isnull=True, is_leading=True, cadre__status=CadreStatus.ACTIVE
    )


_MEMBER_VALUES = (
    "id",
    "cadre_id",
    "title",
    "rank_level",
    "is_head",
    "order",
    "start_date",
    "cadre__name",
    "cadre__sex",
    "cadre__birth_date",
    "cadre__ethnicity",
    "cadre__political_status",
    "cadre__education_level",
    "cadre__degree",
    "cadre__expertise",
    "cadre__sort_order",
    "cadre__unit_id",
)


def _post_order(row: Mapping[str, Any], unit_id: int) -> tuple[Any, ...]:
    """Post order (排序): 正职 first, the higher 领导职务层次, the post's own 排序, then the
    cadre's 单位内排序 when the cadre belongs to this unit (a member whose record is kept by
    another unit follows those who belong here), the earlier appointment."""
    own = row["cadre__unit_id"] == unit_id
    return (
        not row["is_head"],
        _level_key(row["rank_level"]),
        (row["order"] == 0, row["order"]),  # 0: no 排序 given, after the posts that have one
        (not own, row["cadre__sort_order"] if own else 0),
        row["start_date"],
        row["id"],
    )


def _members(
    rows: list[dict[str, Any]], unit: Unit, today: dt.date, names: CodeNames
) -> list[Member]:
    detail = reverse("cadres:detail", args=[0])[: -len("0/")]
    members: dict[int, Member] = {}
    for row in sorted(rows, key=lambda r: _post_order(r, unit.pk)):
        cadre_id = row["cadre_id"]
        if cadre_id in members:  # a second post in the same unit (兼任): one member, both titles
            members[cadre_id]["title"] += "、" + row["title"]
            continue
        birth = row["cadre__birth_date"]
        members[cadre_id] = Member(
            cadre_id=cadre_id,
            url=f"{detail}{cadre_id}/",
            name=row["cadre__name"],
            title=row["title"],
            rank_level=row["rank_level"],
            rank_level_name=names(CodeTable.RANK_LEVEL, row["rank_level"]),
            is_head=row["is_head"],
            age=age_in_months_style(birth, today),
            birth_month=f"{birth:%Y.%m}",
            sex={"1": "男", "2": "女"}.get(row["cadre__sex"], ""),
            ethnicity=names(CodeTable.ETHNICITY, row["cadre__ethnicity"]),
            party=names(CodeTable.POLITICAL_STATUS, row["cadre__political_status"]),
            education=names(CodeTable.EDUCATION, row["cadre__education_level"]),
            degree=names(CodeTable.DEGREE, row["cadre__degree"]),
            expertise=row["cadre__expertise"],
            start_date=row["start_date"],
            alerts=0,
        )
    return list(members.values())


def _alerts(user: Any, unit: Unit, members: list[Member]) -> list[UnitAlert]:
    """Badge counts on the members and the unit's own alerts (quotas, composition …), from
    whatever the apps above cadres registered (cadres.extensions: cadres imports none of them)."""
    counts = extensions.flag_counts(user, [m["cadre_id"] for m in members])
    for member in members:
        member["alerts"] = counts.get(member["cadre_id"], 0)
    return [
        UnitAlert(severity=n.severity, message=n.message, rule=n.title)
        for n in extensions.unit_notes(user, [unit.pk])[:UNIT_ALERTS_SHOWN]
    ]


def team_of(
    *,
    user: Any,
    unit: Unit,
    action: str = Action.CADRES_VIEW,
    today: dt.date | None = None,
    with_alerts: bool = True,
) -> Team:
    """The leadership team of ``unit`` (already scoped by the caller) as ``user`` may see it.

    Five queries whatever the team's size: posts, figures, quotas, alert counts and unit
    alerts (code names come from the per-process cache)."""
    today = today or timezone.localdate()
    names = CodeNames()
    posts_qs = team_positions(user, unit, action)
    rows = list(posts_qs.values(*_MEMBER_VALUES))
    members = _members(rows, unit, today, names)
    cadres = Cadre.objects.filter(pk__in=posts_qs.values("cadre_id"))
    aggregate = cadres.aggregate(**people_aggregates(today))
    expertise = expertise_words((m["expertise"], 1) for m in members)
    quotas = list(
        PostQuota.objects.restrict(user, action)
        .filter(unit=unit)
        .values_list("rank_level", "title", "quota")
    )
    by_level: dict[str, set[int]] = {}
    by_title: dict[tuple[str, str], set[int]] = {
        (level, title): set() for level, title, _quota in quotas if title
    }
    for r in rows:
        by_level.setdefault(r["rank_level"], set()).add(r["cadre_id"])
        for level, title in by_title:
            # A quota may name several posts ("党（工）委书记、乡镇长（主任）"): orgs/quotas.py.
            if level == r["rank_level"] and covers(title, r["title"]):
                by_title[(level, title)].add(r["cadre_id"])
    alerts = _alerts(user, unit, members) if with_alerts else []
    return Team(
        unit=_unit_ref(unit),
        today=today,
        members=members,
        figures=figures_from(aggregate, today, expertise),
        quotas=quota_rows(
            quotas,
            {level: len(ids) for level, ids in by_level.items()},
            {key: len(ids) for key, ids in by_title.items()},
            names,
        ),
        alerts=alerts,
    )


# Sort keys of the members table; ``True``: the key runs against the column (youngest first
# is the latest birth month first).
MEMBER_SORTS: dict[str, tuple[Callable[[Member], Any], bool]] = {
    "age": (lambda m: m["birth_month"], True),
    "start": (lambda m: m["start_date"], False),
    "name": (lambda m: m["name"], False),
}


def sorted_members(members: list[Member], key: str, descending: bool) -> list[Member]:
    """Members in post order (the default) or by one of ``MEMBER_SORTS`` (stable: ties keep
    the post order)."""
    if key not in MEMBER_SORTS:
        return list(reversed(members)) if descending else list(members)
    sort_key, inverted = MEMBER_SORTS[key]
    return sorted(members, key=sort_key, reverse=descending != inverted)


EXPORT_HEADERS = (
    "序号",
    "姓名",
    "职务",
    "领导职务层次",
    "性别",
    "出生年月",
    "年龄",
    "民族",
    "政治面貌",
    "最高学历",
    "最高学位",
    "熟悉专业有何专长",
    "任现职时间",
)


def export_rows(members: list[Member]) -> list[list[Any]]:
    """The members table as spreadsheet rows (same order as the page)."""
    return [
        [
            i,
            m["name"],
            m["title"],
            m["rank_level_name"],
            m["sex"],
            m["birth_month"],
            m["age"],
            m["ethnicity"],
            m["party"],
            m["education"],
            m["degree"],
            m["expertise"],
            f"{m['start_date']:%Y.%m}",
        ]
        for i, m in enumerate(members, start=1)
    ]


# ---------------------------------------------------------------- a subtree


def remembered(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, remembered until the data changes (as ``audit.selectors.counted``).

    Every change to the data writes an audit event, so the newest event names the state of
    the data; with the day (ages) and the user's scope in the key, a remembered result is
    exact. A province-wide analysis reads every leading post and its cadre (45k posts spread
    over most pages of the 2M-row positions table, then their cadres), four times: it is
    computed once per state of the data, not once per view.
    """
    from django.core.cache import cache

    from audit.models import AuditEvent

    newest = AuditEvent.objects.order_by("-seq").values_list("seq", "mac").first()
    head = f"{newest[0]}:{newest[1]}" if newest else "0"
    key = "team:" + hashlib.sha256(repr((head, parts)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, timeout=_CACHE_SECONDS)
    return found


def _born(low: int | None, high: int | None, today: dt.date, prefix: str) -> Q:
    """``roster.birth_range`` on a related cadre (``prefix`` = ``"cadre__"``)."""
    lookups = [c for c in birth_range(low, high, today).children if isinstance(c, tuple)]
    return Q(*[(prefix + name, value) for name, value in lookups])  # a flat AND of lookups


# A cadre's people figures and birth year as ONE integer (``profile``), computed by the
# database: each figure is a digit of its own radix, the birth year the leading digits.
# Grouping 45k posts in Python then costs a few dict stores per post.
_PROFILE_RADIX = (
    ("sex", 3),  # 0 男, 1 女, 2 not given
    ("ethnicity", 3),  # 0 汉族, 1 少数民族, 2 not given
    ("cpc", 2),  # 1 中共党员 or 预备党员
    ("education", 4),  # 0 研究生, 1 大学, 2 not given, 3 大专及以下
    ("young", 2),  # 1 under 40 (``YOUNG_BELOW``)
    ("later", 2),  # 1 born in a later month of the year than today's
    ("band", len(AGE_BANDS) + 1),  # the age band's number (the last: none)
)


def _choice(*whens: When, default: int) -> Case:
    return Case(*whens, default=Value(default), output_field=IntegerField())


def _profile(today: dt.date) -> Any:
    """The ``profile`` of a post's cadre as a database expression (see ``_PROFILE_RADIX``)."""
    digits = {
        "sex": _choice(When(cadre__sex="1", then=0), When(cadre__sex="2", then=1), default=2),
        "ethnicity": _choice(
            When(cadre__ethnicity=HAN, then=0), When(cadre__ethnicity="", then=2), default=1
        ),
        "cpc": _choice(When(cadre__political_status__in=CPC, then=1), default=0),
        "education": _choice(
            When(cadre__education_level="", then=2),
            When(cadre__education_level__startswith=EDUCATION_GRADUATE, then=0),
            When(cadre__education_level__startswith=EDUCATION_UNIVERSITY, then=1),
            default=3,
        ),
        "young": _choice(When(_born(None, YOUNG_BELOW - 1, today, "cadre__"), then=1), default=0),
        "later": _choice(When(cadre__birth_date__month__gt=today.month, then=1), default=0),
        "band": _choice(
            *[
                When(_born(low, high, today, "cadre__"), then=i)
                for i, (_label, low, high) in enumerate(AGE_BANDS)
            ],
            default=len(AGE_BANDS),
        ),
    }
    total: Any = Value(0)
    weight = 1
    for name, radix in _PROFILE_RADIX:
        total = total + digits[name] * Value(weight)
        weight *= radix
    return total + Cast(ExtractYear("cadre__birth_date"), IntegerField()) * Value(weight)


def _add_people(total: Counter[str], profile: int, n: int) -> None:
    """Add ``n`` cadres of one ``profile`` to ``people_aggregates`` figures."""
    d = {}
    for name, radix in _PROFILE_RADIX:
        profile, d[name] = divmod(profile, radix)
    total["count"] += n
    total["men"] += n * (d["sex"] == 0)
    total["women"] += n * (d["sex"] == 1)
    total["han"] += n * (d["ethnicity"] == 0)
    total["minority"] += n * (d["ethnicity"] == 1)
    total["cpc"] += n * d["cpc"]
    total["graduate"] += n * (d["education"] == 0)
    total["university"] += n * (d["education"] == 1)
    total["no_education"] += n * (d["education"] == 2)
    total["under_40"] += n * d["young"]
    total["later_months"] += n * d["later"]
    total["birth_years"] += n * profile  # what is left: the birth year
    for i in range(len(AGE_BANDS)):
        total[f"band_{i}"] += n * (d["band"] == i)


def _weight(digit: str) -> int:
    """What one unit of ``digit`` adds to a profile (``"year"``: the leading digits)."""
    weight = 1
    for name, radix in _PROFILE_RADIX:
        if name == digit:
            break
        weight *= radix
    return weight


_SEX, _YOUNG, _LATER, _YEAR = (_weight(d) for d in ("sex", "young", "later", "year"))


def _add_member(total: Counter[str], profile: int, n: int) -> None:
    """``_add_people`` for the figures of a child row only (``_GROUP_FIGURES``)."""
    total["count"] += n
    total["women"] += n * (profile // _SEX % 3 == 1)
    total["under_40"] += n * (profile // _YOUNG % 2)
    total["later_months"] += n * (profile // _LATER % 2)
    total["birth_years"] += n * (profile // _YEAR)


# The columns of ``_lead_posts``, in this order.
_LEAD = ("grp", "post_unit", "level", "holder", "profile", "skill")


def _lead_posts(user: Any, path: str, width: int, today: dt.date) -> QuerySet[Position]:
    """The open leading posts of active cadres in the active units of the subtree at ``path``
    that ``user`` may see, as ``_LEAD``: group, unit, 领导职务层次, cadre, the cadre's
    ``profile`` and 熟悉专业有何专长.

    ``grp`` is the unit path cut to the depth of the direct children: the unit's own path for
    its own posts, a child's path for everything in that child's subtree."""
    return (
        Position.objects.restrict(user, Action.CADRES_VIEW)
        .filter(
            end_date__isnull=True,
            is_leading=True,
            unit__path__startswith=path,
            unit__is_active=True,  # 撤销 units have no team (as the warning rules count)
            cadre__status=CadreStatus.ACTIVE,
        )
        .annotate(
            grp=Substr("unit__path", 1, width),
            post_unit=F("unit_id"),
            level=F("rank_level"),
            holder=F("cadre_id"),
            profile=_profile(today),
            skill=F("cadre__expertise"),
        )
        .values_list(*_LEAD)
        .order_by()  # grouped here: the model's ordering would sort 45k rows for nothing
    )


def _lead_rows(user: Any, path: str, width: int, today: dt.date) -> list[tuple[Any, ...]]:
    """``_lead_posts`` straight off the cursor (no per-value conversion of 45k rows)."""
    try:
        sql, params = _lead_posts(user, path, width, today).query.sql_with_params()
    except EmptyResultSet:  # nothing in the user's scope
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _subtree_rows(user: Any, path: str, width: int, today: dt.date) -> dict[str, list[Any]]:
    """The grouped figures of a subtree's analysis from ONE read of its leading posts.

    The open leading posts of the subtree (45k at a province's root) are read once, off two
    indexes (``cadres_position_open_leading``, ``cadres_cadre_active_people``), each with its
    cadre's ``profile``; they are grouped here, each cadre counted once in the totals, once
    per group, and once per unit and 领导职务层次 among the holders."""
    person: dict[int, int] = {}  # cadre → profile
    skills: dict[int, str] = {}  # cadre → 熟悉专业有何专长 (when given)
    members: dict[tuple[str, int], tuple[str, int]] = {}  # (group, cadre) → (group, profile)
    holders: dict[tuple[str, str, int, int], tuple[str, str]] = {}  # → (group, level)
    for group, unit_id, level, cadre_id, profile, skill in _lead_rows(user, path, width, today):
        person[cadre_id] = profile
        members[group, cadre_id] = (group, profile)
        holders[group, level, cadre_id, unit_id] = (group, level)
        if skill:
            skills[cadre_id] = skill
    people: Counter[str] = Counter()
    for profile, n in Counter(person.values()).items():
        _add_people(people, profile, n)
    groups: dict[str, Counter[str]] = {}
    for (group, profile), n in Counter(members.values()).items():
        _add_member(groups.setdefault(group, Counter()), profile, n)
    quotas = list(
        PostQuota.objects.restrict(user, Action.CADRES_VIEW)
        .filter(unit__path__startswith=path)
        .annotate(group=Substr("unit__path", 1, width))
        .values_list("group", "rank_level")
        .annotate(q=Sum("quota"))
        .order_by()
    )
    return {
        "people": [dict(people)],
        "expertise": list(Counter(skills.values()).items()),
        "groups": [
            {"group": group, **{key: row[key] for key in _GROUP_FIGURES}}
            for group, row in groups.items()
        ],
        "holders": [(g, level, n) for (g, level), n in Counter(holders.values()).items()],
        "quotas": quotas,
    }


# Per group (each cadre once per group): the figures of a child row.
_GROUP_FIGURES = ("count", "women", "under_40", "birth_years", "later_months")


def structure_of_subtree(*, user: Any, unit: Unit, today: dt.date | None = None) -> Structure:
    """The structure of the leading cadres of ``unit`` and all units below it, with one row
    for the unit's own team and one per direct child (that child's whole subtree).

    ``unit`` is already scoped by the caller. A cadre with leading posts in several units
    counts once in the totals and once in each row where they hold a post; quota vs actual
    counts holders per unit and level, added up."""
    today = today or timezone.localdate()
    width = len(unit.path) + PATH_SEGMENT + 1  # a child's path: the unit's plus one segment
    rows = remembered(
        ("structure-sums", unit.path, tuple(scope_paths(user, Action.CADRES_VIEW)), today),
        lambda: _subtree_rows(user, unit.path, width, today),
    )
    people = {row["group"]: row for row in rows["groups"]}
    holders: Counter[str] = Counter()
    actual_of: Counter[str] = Counter()
    for group, level, n in rows["holders"]:
        holders[level] += n
        actual_of[group] += n
    quota_levels: Counter[str] = Counter()
    quota_of: Counter[str] = Counter()
    for group, level, q in rows["quotas"]:
        quota_levels[level] += int(q or 0)
        quota_of[group] += int(q or 0)
    children = (
        Unit.objects.restrict(user, Action.CADRES_VIEW)
        .filter(parent=unit)
        .order_by("order", "pinyin_initials", "name")
        .only("id", "name", "path", "is_active")
    )
    child_rows = [
        _child_row(c, c.path == unit.path, people, quota_of, actual_of, today)
        for c in [unit, *children]
        if c.is_active or c.path in people or actual_of[c.path] or c.path == unit.path
    ]
    return Structure(
        unit=_unit_ref(unit),
        today=today,
        figures=figures_from(rows["people"][0], today, expertise_words(rows["expertise"])),
        quotas=quota_rows(
            [(level, "", q) for level, q in quota_levels.items()], holders, {}, CodeNames()
        ),
        children=child_rows,
    )


def _child_row(
    unit: Unit,
    is_self: bool,
    people: Mapping[str, Mapping[str, int]],
    quota_of: Mapping[str, int],
    actual_of: Mapping[str, int],
    today: dt.date,
) -> ChildRow:
    row = people.get(unit.path, {})
    return ChildRow(
        unit_id=unit.pk,
        name=unit.name,
        is_self=is_self,
        count=int(row.get("count") or 0),
        women=int(row.get("women") or 0),
        under_40=int(row.get("under_40") or 0),
        average_age=average_age(row, today),
        quota=int(quota_of.get(unit.path, 0)),
        actual=int(actual_of.get(unit.path, 0)),
    )
