"""班子与单位: post quotas (职数), team composition, avoidance (回避).

A unit's 领导班子 here is the active cadres holding an open leading position (``is_leading``)
whose ``Position.unit`` is that unit — the same definition for the quota count and for the
team's structure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear

from alerts.choices import Severity, Subject
from alerts.registry import Finding, Scope, rule
from cadres.choices import CadreStatus
from cadres.models import Cadre, FamilyMember, Position, digest_in
from core.choices import CodeTable
from core.dates import add_months, full_months, latest_start, ym
from core.selectors import code_map
from orgs.choices import UnitKind
from orgs.models import PostQuota
from orgs.quotas import covers

SELECTION = "《党政领导干部选拔任用工作条例》"
TEAM_PLAN = "《全国党政领导班子建设规划纲要》"
AVOIDANCE = "《党政领导干部任职回避暂行规定》"
CIVIL_AVOIDANCE = "《公务员回避规定（试行）》"
UNVERIFIED = "条款未核实"
FEMALE = "2"  # GB/T 2261.1


def team_positions(scope: Scope) -> QuerySet[Position]:
    """Open leading positions of active cadres in the scope's active units: the 领导班子."""
    qs = Position.objects.filter(
        end_date__isnull=True,
        is_leading=True,
        cadre__status=CadreStatus.ACTIVE,
        unit__is_active=True,
    )
    if scope.path:
        qs = qs.filter(unit__path__startswith=scope.path)
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    return qs


# ---------------------------------------------------------------- 职数


@dataclass(frozen=True)
class Quota:
    """One approved number of posts: a unit, a 领导职务层次 and optionally a title."""

    unit_id: int
    unit_name: str
    unit_path: str
    rank_level: str
    title: str
    quota: int

    @property
    def group(self) -> tuple[int, str, str]:
        return (self.unit_id, self.rank_level, self.title)


def _quotas(scope: Scope) -> list[Quota]:
    qs = PostQuota.objects.filter(unit__is_active=True)
    if scope.path:
        qs = qs.filter(unit__path__startswith=scope.path)
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    return [
        Quota(
            unit_id=row["unit_id"],
            unit_name=row["unit__name"],
            unit_path=row["unit__path"],
            rank_level=row["rank_level"],
            title=row["title"],
            quota=row["quota"],
        )
        for row in qs.values("unit_id", "unit__name", "unit__path", "rank_level", "title", "quota")
    ]


def _holder_counts(scope: Scope, quotas: list[Quota]) -> dict[tuple[int, str, str], int]:
    """Distinct holders per quota: ``(unit, level, "")`` counts everyone at the level (one
    cadre with two posts of the level — 局长 and 党组书记 — is one), ``(unit, level, title)``
    the holders of the posts the title names (``orgs.quotas.covers``: "党（工）委书记、乡镇长
    （主任）" is filled by the 党委书记 and the 镇长). The level counts are one GROUP BY limited
    to the (unit, level) with an untitled quota; the titled ones are matched here, from the
    posts of the (unit, level) pairs that have a titled quota."""
    base = team_positions(scope)
    counts: dict[tuple[int, str, str], int] = {}
    if any(not q.title for q in quotas):
        untitled = PostQuota.objects.filter(
            unit_id=OuterRef("unit_id"), rank_level=OuterRef("rank_level"), title=""
        )
        rows = (
            base.filter(Exists(untitled))
            .values("unit_id", "rank_level")
            .annotate(holders=Count("cadre_id", distinct=True))
            .values_list("unit_id", "rank_level", "holders")
            .order_by()
        )
        counts.update({(unit_id, level, ""): n for unit_id, level, n in rows})
    for group, holders in _titled_holders(scope, quotas).items():
        counts[group] = len(holders)
    return counts


def _titled_holders(
    scope: Scope, quotas: list[Quota]
) -> dict[tuple[int, str, str], list[tuple[int, str]]]:
    """``(unit, level, quota title)`` → the distinct ``(cadre id, name)`` filling it,
    longest-serving first."""
    titled: dict[tuple[int, str], list[str]] = defaultdict(list)
    for q in quotas:
        if q.title:
            titled[(q.unit_id, q.rank_level)].append(q.title)
    found: dict[tuple[int, str, str], list[tuple[int, str]]] = {
        (unit_id, level, title): []
        for (unit_id, level), titles in titled.items()
        for title in titles
    }
    if not titled:
        return found
    with_title = PostQuota.objects.filter(
        unit_id=OuterRef("unit_id"), rank_level=OuterRef("rank_level")
    ).exclude(title="")
    rows = (
        team_positions(scope)
        .exclude(title="")
        .filter(Exists(with_title))
        .order_by("start_date", "cadre_id")
        .values_list("unit_id", "rank_level", "title", "cadre_id", "cadre__name")
    )
    for unit_id, level, post_title, cadre_id, name in rows:
        for quota_title in titled.get((unit_id, level), ()):
            holders = found[(unit_id, level, quota_title)]
            if covers(quota_title, post_title) and (cadre_id, name) not in holders:
                holders.append((cadre_id, name))
    return found


def _holder_names(
    scope: Scope, groups: Sequence[tuple[int, str, str]], quotas: list[Quota]
) -> dict[Any, list[str]]:
    """Names of the holders of the over-quota groups, longest-serving first."""
    wanted = set(groups)
    names: dict[tuple[int, str, str], list[str]] = defaultdict(list)
    rows = (
        team_positions(scope)
        .filter(unit_id__in={unit_id for unit_id, _, _ in groups})
        .order_by("start_date", "cadre_id")
        .values_list("unit_id", "rank_level", "cadre__name")
    )
    for unit_id, level, name in rows:
        group = (unit_id, level, "")
        if group in wanted and name not in names[group]:
            names[group].append(name)
    titled = [q for q in quotas if q.title and q.group in wanted]
    for group, holders in _titled_holders(scope, titled).items():
        names[group] = [name for _pk, name in holders]
    return names


def _quota_post(q: Quota, levels: dict[str, str]) -> str:
    level = levels.get(q.rank_level, q.rank_level)
    return f"{q.unit_name}{level}（{q.title}）" if q.title else f"{q.unit_name}{level}"


def _quota_finding(q: Quota, actual: int, names: list[str], levels: dict[str, str]) -> Finding:
    over = actual > q.quota
    post = _quota_post(q, levels)
    # The clause is unverified: the rule's page says so (article=UNVERIFIED), not every alert.
    cited = f"（{SELECTION}）"
    if over:
        message = (
            f"超职数配备：{post}核定 {q.quota} 名，实配 {actual} 名（{'、'.join(names)}），"
            f"超配 {actual - q.quota} 名，应按核定职数配备{cited}"
        )
    else:
        message = (
            f"空缺：{post}核定 {q.quota} 名，实配 {actual} 名，空缺 {q.quota - actual} 名{cited}"
        )
    suffix = f"{q.rank_level}:{q.title}" if q.title else q.rank_level
    facts: dict[str, Any] = {
        "unit": q.unit_name,
        "rank_level": q.rank_level,
        "rank_level_name": levels.get(q.rank_level, q.rank_level),
        "title": q.title,
        "quota": q.quota,
        "actual": actual,
    }
    if over:
        facts["holders"] = names
    return Finding(
        subject=Subject.UNIT,
        subject_id=q.unit_id,
        unit_id=q.unit_id,
        unit_path=q.unit_path,
        key=f"{'over' if over else 'vacant'}:{suffix}",
        severity=Severity.DANGER if over else Severity.INFO,
        message=message,
        facts=facts,
        basis=facts,
    )


@rule(
    code="post_quota",
    name="职数配备",
    regulation=SELECTION,
    article=UNVERIFIED,
    description=(
        "领导职数按机构编制部门核定的职数配备（选拔任用条例；依据条款（未核实，可调整））。"
        "按单位、领导职务层次（核定时写明职务名称的，只计所列职务：如“党（工）委书记、乡镇长（主任）”"
        "计党（工）委书记和乡长、镇长或街道办事处主任）比较核定职数（职数管理中"
        "录入）与实配人数：实配人数为在该单位担任该层次领导职务（未免职）的在职干部人数，"
        "一人兼任同层次两个职务只算一人。超过核定职数的为超职数配备（须处理，列出实配人员）；"
        "少于核定职数的提示空缺（默认提示，可关闭）。"
    ),
    subject=Subject.UNIT,
    severity=Severity.DANGER,
    defaults={"report_vacancies": True},
    order=80,
)
def post_quota(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    quotas = _quotas(scope)
    if not quotas:
        return
    actual = _holder_counts(scope, quotas)
    vacancies = bool(params["report_vacancies"])
    broken = [
        q
        for q in quotas
        if actual.get(q.group, 0) > q.quota or (vacancies and actual.get(q.group, 0) < q.quota)
    ]
    over = [q.group for q in broken if actual.get(q.group, 0) > q.quota]
    names = _holder_names(scope, over, quotas) if over else {}
    levels = code_map(table=CodeTable.RANK_LEVEL)
    for q in broken:
        yield _quota_finding(q, actual.get(q.group, 0), names.get(q.group, []), levels)


# ---------------------------------------------------------------- 班子结构

TEAM_KINDS = [
    UnitKind.PARTY_COMMITTEE.value,
    UnitKind.GOVERNMENT.value,
    UnitKind.CONGRESS.value,
    UnitKind.CPPCC.value,
    UnitKind.TOWNSHIP.value,
    UnitKind.SUBDISTRICT.value,
]
NON_CPC_KINDS = [UnitKind.GOVERNMENT.value, UnitKind.CONGRESS.value, UnitKind.CPPCC.value]
CPC_CODES = ["01", "02"]  # GB 4762: 中共党员, 中共预备党员


def _team_rows(scope: Scope, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per team of the wanted kinds and size that misses a woman, a young member or
    (where expected) a non-CPC member: one GROUP BY with conditional counts."""
    young_after = latest_start(scope.today, round(float(params["young_age"]) * 12))
    cpc = [str(c) for c in params["cpc_codes"]]
    non_cpc_kinds = [str(k) for k in params["non_cpc_kinds"]]
    member = "cadre_id"
    rows = (
        team_positions(scope)
        .filter(unit__kind__in=[str(k) for k in params["unit_kinds"]])
        .values("unit_id", "unit__name", "unit__path", "unit__kind")
        .annotate(
            size=Count(member, distinct=True),
            women=Count(member, distinct=True, filter=Q(cadre__sex=FEMALE)),
            young=Count(member, distinct=True, filter=Q(cadre__birth_date__gt=young_after)),
            non_cpc=Count(
                member,
                distinct=True,
                filter=~Q(cadre__political_status__in=cpc) & ~Q(cadre__political_status=""),
            ),
            youngest=Max("cadre__birth_date"),
        )
        .filter(size__gte=int(params["min_team_size"]))
        .filter(Q(women=0) | Q(young=0) | (Q(non_cpc=0) & Q(unit__kind__in=non_cpc_kinds)))
        .order_by("unit__path")
    )
    return [dict(row) for row in rows]


def _team_finding(
    row: dict[str, Any], key: str, severity: Severity, missing: str, advice: str, **extra: Any
) -> Finding:
    facts = {"unit": row["unit__name"], "size": row["size"], "missing": key, **extra}
    return Finding(
        subject=Subject.UNIT,
        subject_id=row["unit_id"],
        unit_id=row["unit_id"],
        unit_path=row["unit__path"],
        key=key,
        severity=severity,
        message=(
            f"班子结构：{row['unit__name']}领导班子 {row['size']} 人，{missing}，{advice}"
            f"（{TEAM_PLAN}、{SELECTION}关于班子结构的要求）"
        ),
        facts=facts,
        basis=facts,
    )


@rule(
    code="team_composition",
    name="领导班子结构",
    regulation=f"{TEAM_PLAN}；{SELECTION}",
    article=UNVERIFIED,
    description=(
        "领导班子结构：班子中应注意配备女干部、年轻干部，人大、政府、政协班子一般应配备"
        "党外干部（《全国党政领导班子建设规划纲要》及选拔任用条例关于优化班子结构的要求；"
        "具体条款和各地的配备数量（未核实，可调整））。默认检查党委、政府、人大、政协、"
        "乡镇、街道班子，班子成员（在该单位任领导职务的在职干部）3 人以上的：无女干部、无 "
        "40 岁以下干部（按生日当天满周岁计）的预警；政府、人大、政协班子无党外干部（政治"
        "面貌已填写且不是中共党员、中共预备党员）的提示。"
    ),
    subject=Subject.UNIT,
    severity=Severity.WARNING,
    defaults={
        "unit_kinds": TEAM_KINDS,
        "min_team_size": 3,
        "young_age": 40,
        "non_cpc_kinds": NON_CPC_KINDS,
        "cpc_codes": CPC_CODES,
    },
    order=85,
)
def team_composition(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    young_age = params["young_age"]
    non_cpc_kinds = {str(k) for k in params["non_cpc_kinds"]}
    kinds = dict(UnitKind.choices)
    for row in _team_rows(scope, params):
        if row["women"] == 0:
            yield _team_finding(row, "no_woman", Severity.WARNING, "无女干部", "应注意配备女干部")
        if row["young"] == 0:
            youngest: dt.date = row["youngest"]
            age = full_months(youngest, scope.today) // 12
            yield _team_finding(
                row,
                "no_young",
                Severity.WARNING,
                f"无 {young_age:g} 岁以下干部（最年轻的成员 {ym(youngest)} 出生，现年 {age} 岁）",
                "应注意配备年轻干部",
                youngest=youngest,
                young_age=young_age,
            )
        if row["non_cpc"] == 0 and row["unit__kind"] in non_cpc_kinds:
            kind = kinds.get(row["unit__kind"], "")
            yield _team_finding(
                row,
                "no_non_cpc",
                Severity.INFO,
                "无党外干部（非中共党员）",
                f"{kind}领导班子一般应配备党外干部",
            )


# ---------------------------------------------------------------- 任职回避

SPOUSE = "夫妻关系"
LINEAL = "直系血亲关系"
COLLATERAL = "三代以内旁系血亲关系"
AFFINAL = "近姻亲关系"

# 称谓 → kinship class, after the enumeration of 公务员回避规定（试行）第五条 (docs/rules.md,
# "Exchange, tenure and avoidance"), in the words the 任免审批表 and its GB/T 4761 code table use.
# An administrator adds
# local words (e.g. 老公) in the rule's thresholds; a word in none of the lists is not one of
# the four classes (曾祖父母, 孙媳, 表叔 …) and never raises an alert.
KINSHIP_PARAMS = {
    "kin_spouse": (SPOUSE, ["配偶", "丈夫", "妻子", "夫", "妻", "爱人"]),
    "kin_lineal": (
        LINEAL,
        [
            *["祖父", "祖母", "外祖父", "外祖母", "父亲", "母亲", "父", "母"],
            # Adoptive and step relations with upbringing are 拟制血亲, treated as blood.
            *["养父", "养母", "继父", "继母"],
            *["儿子", "长子", "次子", "三子", "四子", "五子", "养子", "继子"],
            *["女儿", "长女", "次女", "三女", "四女", "五女", "养女", "继女", "其他女儿"],
            *["孙子", "孙女", "外孙子", "外孙女"],
        ],
    ),
    "kin_collateral": (
        COLLATERAL,
        [
            *["伯父", "叔父", "姑母", "舅父", "姨母", "伯伯", "叔叔", "姑姑", "舅舅", "姨妈"],
            *["哥哥", "弟弟", "姐姐", "妹妹", "兄", "弟", "姐", "妹"],
            *["堂兄", "堂弟", "堂姐", "堂妹", "表兄", "表弟", "表姐", "表妹"],
            *["侄子", "侄女", "外甥", "外甥女"],
        ],
    ),
    "kin_affinal": (
        AFFINAL,
        [
            *["公公", "婆婆", "岳父", "岳母"],  # 配偶的父母
            *["大伯子", "小叔子", "大姑子", "小姑子", "内兄", "内弟", "妻兄", "妻弟"],
            *["妻姐", "妻妹", "大舅子", "小舅子", "大姨子", "小姨子", "连襟", "妯娌"],
            *["儿媳", "女婿", "亲家公", "亲家母"],  # 子女的配偶及其父母
            *["嫂子", "嫂", "弟媳", "姐夫", "妹夫", "伯母", "婶母", "婶婶", "舅母", "舅妈"],
            *["姨父", "姑父", "堂嫂", "表嫂", "侄媳", "侄女婿", "外甥媳妇", "外甥女婿"],
        ],
    ),
}

# 组织（人事）、纪检（监察）、审计、财务 (第三条); 纪委/监委 are how 纪检监察机关 are named.
SENSITIVE_WORDS = ["组织", "人事", "纪检", "纪委", "监察", "监委", "审计", "财务"]


def kinship_table(params: dict[str, Any]) -> dict[str, str]:
    """称谓 → one of the four classes, from the rule's thresholds."""
    table: dict[str, str] = {}
    for name, (kin_class, _default) in KINSHIP_PARAMS.items():
        for word in params.get(name, []):
            table.setdefault(str(word).strip(), kin_class)
    return table


@dataclass(frozen=True)
class Link:
    """A family record of ``owner`` that names the cadre ``relative``."""

    owner: int
    relative: int
    relation: str  # the 称谓, as the owner's record writes it
    kin_class: str
    by_name: bool  # matched by name and birth month, not by ID number


@dataclass(frozen=True)
class Post:
    """An open position with its unit's place in the tree."""

    id: int
    cadre_id: int
    cadre_name: str
    cadre_path: str
    unit_id: int
    unit: str  # the unit's current name (for the keywords and the 上级 relation)
    unit_path: str
    unit_depth: int
    parent_id: int | None
    title: str
    is_leading: bool
    label: str  # 单位 + 职务, as the 简历 prints it


@dataclass(frozen=True)
class Breach:
    """One forbidden combination of two posts of two relatives."""

    kind: str  # same_unit / sensitive / direct_line
    a: Post
    b: Post
    text: str  # the combination, in the words of 第三条


def _month_span(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """From the first day of ``first``'s month to the last day of ``last``'s month."""
    return first.replace(day=1), add_months(last.replace(day=1), 1) - dt.timedelta(days=1)


def _family_matches(scope: Scope, relations: list[str]) -> list[dict[str, Any]]:
    """Family records naming an active cadre other than their owner: by ID number (digest)
    when the record has one, otherwise by name and birth year-month — semi-joins in one
    UNION ALL statement.

    A pair is wanted when either side is in the scope. For a subtree every record is
    looked at (either side may be outside it), limited to birth months some active cadre
    has. For a cadre's page: the cadre's own records as they are (the few names are looked
    up by the birth-date index afterwards) and the records naming the cadre.
    """
    active = Cadre.objects.filter(status=CadreStatus.ACTIVE)
    base = FamilyMember.objects.filter(relation__in=relations, is_deceased=False)
    digest_rows = base.filter(id_digest__gt="")
    name_rows = base.filter(id_digest="", birth_date__isnull=False)
    by_digest = active.filter(id_digest=OuterRef("id_digest")).exclude(id_digest="")
    by_name = active.annotate(
        born_year=ExtractYear("birth_date"), born_month=ExtractMonth("birth_date")
    ).filter(
        name=OuterRef("name"), born_year=OuterRef("born_year"), born_month=OuterRef("born_month")
    )
    if scope.cadre_ids is None:
        bounds = active.aggregate(first=Min("birth_date"), last=Max("birth_date"))
        if bounds["first"] is None:
            return []
        parts = [
            digest_rows.filter(Exists(by_digest.exclude(pk=OuterRef("cadre_id")))),
            name_rows.filter(birth_date__range=_month_span(bounds["first"], bounds["last"]))
            .annotate(born_year=ExtractYear("birth_date"), born_month=ExtractMonth("birth_date"))
            .filter(Exists(by_name.exclude(pk=OuterRef("cadre_id")))),
        ]
    else:
        # No index on the records' names: the cadres' names and ID digests narrow the scan.
        mine = Q(cadre_id__in=scope.cadre_ids)
        theirs = active.filter(pk__in=scope.cadre_ids)
        parts = [
            base.filter(mine).exclude(id_digest="", birth_date__isnull=True),
            digest_rows.exclude(mine).filter(
                id_digest__in=theirs.exclude(id_digest="").values("id_digest")
            ),
            name_rows.exclude(mine)
            .filter(name__in=theirs.values("name"))
            .annotate(born_year=ExtractYear("birth_date"), born_month=ExtractMonth("birth_date"))
            .filter(Exists(by_name.filter(pk__in=scope.cadre_ids))),
        ]
    fields = ("cadre_id", "relation", "birth_date", "name", "id_digest")
    first, *rest = [p.values(*fields).order_by() for p in parts]
    return list(first.union(*rest, all=True))


# Candidates per ``OR`` of (name, birth month) conditions; more are looked up by name alone.
FEW_NAMES = 50


def _candidates(records: list[dict[str, Any]]) -> Q:
    """The cadres the records may name, in a form an index can answer when they are few:
    by ID digest, by name and birth month (by name alone when many — no index on names)."""
    condition = Q(pk__in=[])
    digests = {r["id_digest"] for r in records if r["id_digest"]}
    if digests:
        condition |= digest_in(digests)
    named = {(r["name"], r["birth_date"].replace(day=1)) for r in records if not r["id_digest"]}
    if len(named) > FEW_NAMES:
        return condition | Q(name__in=sorted({name for name, _ in named}))
    for name, month in sorted(named):
        condition |= Q(name=name, birth_date__range=_month_span(month, month))
    return condition


def _links(records: list[dict[str, Any]], kin: dict[str, str]) -> list[Link]:
    """Every (record owner, active relative cadre) pair of the four kinship classes."""
    by_digest: dict[str, list[int]] = defaultdict(list)
    by_month: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for pk, name, born, digest in (
        Cadre.objects.filter(_candidates(records), status=CadreStatus.ACTIVE)
        .order_by()
        .values_list("id", "name", "birth_date", "id_digest")
    ):
        if digest:
            by_digest[digest].append(pk)
        by_month[(name, born.year, born.month)].append(pk)
    links: list[Link] = []
    for r in records:
        owner, relation = r["cadre_id"], r["relation"].strip()
        if r["id_digest"]:
            found, by_name = by_digest.get(r["id_digest"], []), False
        else:
            born = r["birth_date"]
            found, by_name = by_month.get((r["name"], born.year, born.month), []), True
        links.extend(
            Link(owner, relative, relation, kin[relation], by_name)
            for relative in found
            if relative != owner
        )
    return links


def _open_posts(cadre_ids: set[int]) -> dict[int, list[Post]]:
    """Open positions in a unit of the tree of the active cadres among ``cadre_ids``."""
    posts: dict[int, list[Post]] = defaultdict(list)
    fields = (
        "id",
        "cadre_id",
        "cadre__name",
        "cadre__unit_path",
        "unit_id",
        "unit__name",
        "unit__path",
        "unit__depth",
        "unit__parent_id",
        "unit_name",
        "title",
        "is_leading",
    )
    rows = (
        Position.objects.filter(
            cadre_id__in=sorted(cadre_ids),
            cadre__status=CadreStatus.ACTIVE,
            end_date__isnull=True,
            unit__isnull=False,
        )
        .order_by("cadre_id", "-is_leading", "order", "start_date", "id")
        .values(*fields)
    )
    for row in rows:
        posts[row["cadre_id"]].append(
            Post(
                id=row["id"],
                cadre_id=row["cadre_id"],
                cadre_name=row["cadre__name"],
                cadre_path=row["cadre__unit_path"],
                unit_id=row["unit_id"],
                unit=row["unit__name"],
                unit_path=row["unit__path"],
                unit_depth=row["unit__depth"],
                parent_id=row["unit__parent_id"],
                title=row["title"],
                is_leading=row["is_leading"],
                label=f"{row['unit_name'] or row['unit__name']}{row['title']}",
            )
        )
    return posts


def _sensitive(lead: Post, other: Post, words: Sequence[str], depth: int) -> Breach | None:
    """(b) ``lead`` leads unit U; ``other`` works in a unit under U (at most ``depth``
    levels down) named for 组织/人事/纪检/审计/财务 work, or in U itself with such a title."""
    if not lead.is_leading:
        return None
    if other.unit_id == lead.unit_id:
        where, haystack = "该单位", other.title
    elif other.unit_path.startswith(lead.unit_path) and (
        0 < other.unit_depth - lead.unit_depth <= depth
    ):
        where, haystack = f"其所属的{other.unit}", other.unit
    else:
        return None
    word = next((w for w in words if w and w in haystack), None)
    if word is None:
        return None
    text = f"{lead.cadre_name}任{lead.unit}领导职务，{other.cadre_name}在{where}从事{word}工作"
    return Breach("sensitive", lead, other, text)


def _direct_line(lower: Post, upper: Post) -> Breach | None:
    """(c) ``lower`` leads unit U and ``upper`` leads U's parent unit."""
    if lower.is_leading and upper.is_leading and lower.parent_id == upper.unit_id:
        text = (
            f"{lower.cadre_name}任{lower.unit}领导职务，{upper.cadre_name}任其上级单位"
            f"{upper.unit}领导职务，有直接上下级领导关系"
        )
        return Breach("direct_line", lower, upper, text)
    return None


def _breach(p: Post, q: Post, words: Sequence[str], depth: int) -> Breach | None:
    """The forbidden combination of two posts, the most specific first: (b) 组织人事等工作,
    (c) 直接上下级, (a) 同一单位且一方为领导职务."""
    found = (
        _sensitive(p, q, words, depth)
        or _sensitive(q, p, words, depth)
        or _direct_line(p, q)
        or _direct_line(q, p)
    )
    if found:
        return found
    if p.unit_id == q.unit_id and (p.is_leading or q.is_leading):
        return Breach("same_unit", p, q, "在同一单位任职，且一方为领导职务")
    return None


def _breaches(mine: list[Post], theirs: list[Post], params: dict[str, Any]) -> list[Breach]:
    words = [str(w) for w in params["sensitive_keywords"]]
    depth = int(params["sensitive_depth"])
    order = {"sensitive": 0, "direct_line": 1, "same_unit": 2}
    found = [b for p in mine for q in theirs if (b := _breach(p, q, words, depth))]
    return sorted(found, key=lambda b: order[b.kind])


def _in_scope(scope: Scope, cadre_id: int, path: str) -> bool:
    if scope.cadre_ids is not None and cadre_id not in scope.cadre_ids:
        return False
    return path.startswith(scope.path)


def _avoidance_finding(subject: Post, other: Post, link: Link, breaches: list[Breach]) -> Finding:
    """The alert on ``subject``'s page about relative ``other``, worded from its side."""
    first = breaches[0]
    me, them = f"{subject.cadre_name}（{subject.label}）", f"{other.cadre_name}（{other.label}）"
    if link.owner == subject.cadre_id:
        who = f"{me}与其{link.relation}{them}"
    else:
        who = f"{me}系{them}的{link.relation}" + ("，二人" if first.kind == "same_unit" else "")
    clause = first.text if first.kind == "same_unit" else f"，{first.text}"
    note = "（按姓名和出生年月匹配，请核实）" if link.by_name else ""
    message = f"{who}{clause}，应当回避（{AVOIDANCE}第三条）{note}"
    combos = [
        {"kind": b.kind, "posts": sorted([b.a.label, b.b.label]), "ids": sorted([b.a.id, b.b.id])}
        for b in breaches
    ]
    facts = {
        "other_cadre_id": other.cadre_id,
        "other_name": other.cadre_name,
        "relation": link.relation,
        "kinship": link.kin_class,
        "recorded_by": "self" if link.owner == subject.cadre_id else "other",
        "matched_by": "name_birth_month" if link.by_name else "id_number",
        "combination": first.kind,
        "post": subject.label,
        "other_post": other.label,
        "combinations": combos,
    }
    basis = {
        "other": other.cadre_id,
        "relation": link.relation,
        "combinations": [(c["kind"], c["ids"]) for c in combos],
    }
    return Finding(
        subject=Subject.CADRE,
        subject_id=subject.cadre_id,
        cadre_id=subject.cadre_id,
        unit_path=subject.cadre_path,
        key=str(other.cadre_id),
        message=message,
        facts=facts,
        basis=basis,
    )


def _pair_link(links: list[Link], subject: int) -> Link:
    """The record to word the alert on ``subject``'s page by: its own if it has one, one
    matched by ID number before one matched by name."""
    return min(links, key=lambda k: (k.owner != subject, k.by_name))


@rule(
    code="avoidance",
    name="任职回避",
    regulation=AVOIDANCE,
    article="第三条",
    description=(
        "有夫妻关系、直系血亲关系、三代以内旁系血亲关系以及近姻亲关系的，不得在同一机关担任"
        "双方直接隶属于同一领导人员的职务或者有直接上下级领导关系的职务，也不得在其中一方担任"
        "领导职务的机关从事组织（人事）、纪检（监察）、审计、财务等工作（第三条）。亲属范围按"
        f"{CIVIL_AVOIDANCE}第五条的列举建成称谓对照表（养、继父母子女按拟制血亲计入直系；"
        "对照表可调整），表外称谓不预警。家庭成员填有身份证号的按身份证号、否则按姓名和出生"
        "年月与在职干部比对（后者须核实）。检查的组合：同一单位任职且一方为领导职务；一方领导"
        "某单位、另一方在该单位任名称含组织、人事、纪检、监察、审计、财务等关键词的职务，或在"
        "其下属单位（默认只看下一级（未核实，可调整））名称含这些关键词的单位任职；一方领导某"
        "单位、另一方领导其上级单位。"
    ),
    subject=Subject.CADRE,
    severity=Severity.DANGER,
    defaults={
        "sensitive_keywords": SENSITIVE_WORDS,
        "sensitive_depth": 1,
        **{name: list(words) for name, (_c, words) in KINSHIP_PARAMS.items()},
    },
    order=90,
)
def avoidance(scope: Scope, params: dict[str, Any]) -> Iterator[Finding]:
    kin = kinship_table(params)
    records = _family_matches(scope, sorted(kin))
    if not records:
        return
    pairs: dict[tuple[int, int], list[Link]] = defaultdict(list)
    for link in _links(records, kin):
        pairs[(min(link.owner, link.relative), max(link.owner, link.relative))].append(link)
    posts = _open_posts({c for pair in pairs for c in pair})
    for (x, y), pair_links in sorted(pairs.items()):
        if not posts.get(x) or not posts.get(y):
            continue  # one of them holds no open post (or is no longer active)
        for subject, other in ((x, y), (y, x)):
            mine, theirs = posts[subject], posts[other]
            if not _in_scope(scope, subject, mine[0].cadre_path):
                continue
            breaches = _breaches(mine, theirs, params)
            if not breaches:
                continue
            me = next(p for p in mine if p.id in {breaches[0].a.id, breaches[0].b.id})
            them = next(p for p in theirs if p.id in {breaches[0].a.id, breaches[0].b.id})
            yield _avoidance_finding(me, them, _pair_link(pair_links, subject), breaches)
