"""干部名册: the roster's filters, sort keys and columns (page, export and API share them).

Every filter is a condition on one indexed table (``cadres_cadre``): the unit subtree is a
prefix of the copied ``unit_path``, the level and 职级 are the derived columns, the age
range is a ``birth_date`` range. The page therefore runs two queries (the count and the
rows) plus one for the rows' units and one for code names, whatever the filter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from cadres.choices import CadreStatus, ManagementLevel
from cadres.models import Cadre
from cadres.retirement import CADRE_FIELDS, Retirement
from core.choices import CodeTable
from core.fields import id_number_digest
from core.http import request_int
from core.idnumber import parse_id_number
from core.permissions import Action
from core.selectors import code_map
from orgs.models import Unit

_ID_LIKE = re.compile(r"^[0-9０-９]{15}$|^[0-9０-９]{17}[0-9０-９xXｘＸ]$")
_INITIALS = re.compile(r"^[a-zA-Z]{1,18}$")


class RosterFilters(TypedDict, total=False):
    q: str
    unit: str  # code of a unit: its whole subtree
    rank_level: str
    grade: str
    age_min: int | None
    age_max: int | None
    sex: str
    ethnicity: str  # a GB 3304 code, or "minority" for every code but 01 汉族
    political_status: str  # a GB 4762 code, or "cpc" for 01+02, "non_cpc" for the rest
    education: str  # a ZB64 code, or a group: "1" 研究生, "2" 本科, "3" 专科及以下
    expertise: str
    management_level: str
    status: str  # default 在职; "all" for every status
    experience: str  # a key of EXPERIENCE: ever held a post in a unit of that kind
    experience_years: int | None  # … for at least this many years in all (with experience)
    resume: str  # words that must all appear in the 简历 text


# The filters' names as the roster page labels them (the audit log shows an export's filters
# with these: audit/templatetags/audit_tags.py).
FILTER_LABELS: dict[str, str] = {
    "q": "姓名 / 拼音首字母 / 身份证号",
    "unit": "单位（含下级）",
    "rank_level": "领导职务层次",
    "grade": "职级",
    "age_min": "最小年龄",
    "age_max": "最大年龄",
    "sex": "性别",
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "education": "最高学历",
    "expertise": "专长关键词",
    "management_level": "管理类别",
    "status": "状态",
    "experience": "工作经历（曾任职单位）",
    "experience_years": "工作经历累计年数不少于",
    "resume": "简历全文",
}


# 工作经历 filters: "has held a post in a unit of these kinds" (any time, open or ended), as a
# leader asks ("有乡镇工作经历"). Counted from the positions on record (任职), by the kind of the
# unit in the tree; posts typed with a unit name only (outside the tree) are not counted.
EXPERIENCE: dict[str, tuple[str, tuple[str, ...]]] = {
    "township": ("乡镇（街道）", ("township", "subdistrict")),
    "village": ("村（社区）", ("village", "community")),
    "county_dept": ("县直部门", ("party_dept", "gov_dept", "discipline", "judicial", "mass_org")),
    "party_gov": ("党委、人大、政府、政协", ("party_committee", "congress", "government", "cppcc")),
    "institution": ("事业单位", ("institution",)),
    "soe": ("国有企业", ("soe",)),
}


def apply_experience(qs: Any, key: str, years: int | None, today: dt.date) -> Any:
    """Cadres who held a post in a unit of the kinds of ``key``; with ``years``, for at least
    that long in all (open posts count to ``today``; overlapping posts count twice)."""
    from django.db.models import (
        DurationField,
        Exists,
        ExpressionWrapper,
        F,
        OuterRef,
        Subquery,
        Sum,
        Value,
    )
    from django.db.models.functions import Coalesce

    from cadres.models import Position

    if key not in EXPERIENCE:
        return qs
    posts = Position.objects.filter(cadre_id=OuterRef("pk"), unit__kind__in=EXPERIENCE[key][1])
    if not years:
        return qs.filter(Exists(posts))
    served = (
        posts.order_by()
        .values("cadre_id")
        .annotate(
            total=Sum(
                ExpressionWrapper(
                    Coalesce(F("end_date"), Value(today)) - F("start_date"),
                    output_field=DurationField(),
                )
            )
        )
        .values("total")
    )
    return qs.annotate(_served=Subquery(served, output_field=DurationField())).filter(
        _served__gte=dt.timedelta(days=round(365.25 * years))
    )


SORTS: dict[str, tuple[str, ...]] = {
    "unit": ("unit_path", "sort_order", "id"),
    "name": ("name_initials", "name", "id"),
    "birth": ("birth_date", "id"),
    "rank": ("rank_level", "unit_path", "sort_order", "id"),
    "since": ("rank_level_since", "id"),
    "work": ("work_start_date", "id"),
}


def birth_range(age_min: int | None, age_max: int | None, today: dt.date) -> Q:
    """Ages counted by month as on the forms: age ≥ n ⇔ born in or before this month n years ago."""
    q = Q()
    if age_min is not None:
        # born on or before the last day of (today's month, n years back)
        last = dt.date(today.year - age_min, today.month, 1)
        nxt = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
        q &= Q(birth_date__lt=nxt)
    if age_max is not None:
        # age ≤ n ⇔ not yet n+1 at this month ⇔ born after (today's month, n+1 years back)
        first = dt.date(today.year - age_max - 1, today.month, 1)
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        q &= Q(birth_date__gte=nxt)
    return q


def query_problem(q: str) -> str:
    """Why a search text that looks like an ID number can match nobody ("" when it can).

    A number with a wrong check digit or an impossible date matches no record; the roster and
    the top search say what is wrong with it, as the imports do (core/idnumber.py)."""
    q = (q or "").strip()
    if not _ID_LIKE.match(q):
        return ""
    try:
        parse_id_number(q)
    except ValidationError as exc:
        return "；".join(exc.messages)
    return ""


def roster_queryset(
    *,
    user: Any,
    filters: RosterFilters,
    action: str = Action.CADRES_VIEW,
    unit: Unit | None = None,
    under: Unit | None = None,
) -> QuerySet[Cadre]:
    """The cadres ``user`` may see under ``action``, narrowed by ``filters``.

    ``unit``: the filter's unit when the caller has already looked it up (saves a query);
    ``under``: keep only that unit's subtree (a pool's or a programme's unit).
    """
    qs = Cadre.objects.restrict(user, action)
    if under is not None:
        qs = qs.filter(unit_path__startswith=under.path)
    status = filters.get("status") or CadreStatus.ACTIVE
    if status != "all":
        qs = qs.filter(status=status)
    q = (filters.get("q") or "").strip()
    if q:
        if _ID_LIKE.match(q):
            try:
                qs = qs.filter(id_digest=id_number_digest(parse_id_number(q)))
            except ValidationError:
                qs = qs.none()
        elif _INITIALS.match(q):
            qs = qs.filter(name_initials__startswith=q.lower())
        else:
            qs = qs.filter(name__contains=q)
    if code := (filters.get("unit") or "").strip():
        if unit is None or unit.code != code:
            unit = Unit.objects.filter(code=code).only("path", "code").first()
        qs = qs.filter(unit_path__startswith=unit.path) if unit else qs.none()
    if rank := filters.get("rank_level"):
        qs = qs.filter(rank_level=rank)
    if grade := filters.get("grade"):
        qs = qs.filter(grade=grade)
    if filters.get("age_min") is not None or filters.get("age_max") is not None:
        qs = qs.filter(
            birth_range(filters.get("age_min"), filters.get("age_max"), timezone.localdate())
        )
    if sex := filters.get("sex"):
        qs = qs.filter(sex=sex)
    if ethnicity := filters.get("ethnicity"):
        qs = (
            qs.exclude(ethnicity="01")
            if ethnicity == "minority"
            else qs.filter(ethnicity=ethnicity)
        )
    if political := filters.get("political_status"):
        if political == "cpc":
            qs = qs.filter(political_status__in=("01", "02"))
        elif political == "non_cpc":
            qs = qs.exclude(political_status__in=("01", "02"))
        else:
            qs = qs.filter(political_status=political)
    if education := filters.get("education"):
        if len(education) == 1:
            qs = qs.filter(education_level__startswith=education)
        else:
            qs = qs.filter(education_level=education)
    if words := (filters.get("expertise") or "").split():
        for word in words:
            qs = qs.filter(expertise__contains=word)
    if level := filters.get("management_level"):
        qs = qs.filter(management_level=level)
    if experience := filters.get("experience"):
        qs = apply_experience(qs, experience, filters.get("experience_years"), timezone.localdate())
    if words := (filters.get("resume") or "").split():
        for word in words:
            qs = qs.filter(resume__contains=word)
    return qs


def filters_from(params: Any) -> RosterFilters:
    """Filters from a query dict (page or API); bad numbers are ignored, never a 500."""

    def number(name: str) -> int | None:
        return request_int(params.get(name), maximum=150)

    return {
        "q": params.get("q", ""),
        "unit": (params.get("unit") or "").strip(),
        "rank_level": params.get("rank_level", ""),
        "grade": params.get("grade", ""),
        "age_min": number("age_min"),
        "age_max": number("age_max"),
        "sex": params.get("sex", ""),
        "ethnicity": params.get("ethnicity", ""),
        "political_status": params.get("political_status", ""),
        "education": params.get("education", ""),
        "expertise": params.get("expertise", ""),
        "management_level": params.get("management_level", ""),
        "status": params.get("status", ""),
        "experience": params.get("experience", ""),
        "experience_years": request_int(params.get("experience_years"), maximum=60),
        "resume": (params.get("resume") or "")[:100],
    }


# ---------------------------------------------------------------- columns


class CodeNames:
    """Names of the code tables the roster shows (from the per-process code cache)."""

    TABLES = (
        CodeTable.ETHNICITY,
        CodeTable.POLITICAL_STATUS,
        CodeTable.EDUCATION,
        CodeTable.DEGREE,
        CodeTable.RANK_LEVEL,
        CodeTable.GRADE,
    )

    def __init__(self) -> None:
        self.names: dict[str, dict[str, str]] = {str(t): code_map(table=t) for t in self.TABLES}

    def __call__(self, table: CodeTable, code: str) -> str:
        return self.names[str(table)].get(code, "")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Cadre, CodeNames, dt.date], Any]
    width: int = 12


def _date(value: dt.date | None) -> str:
    return f"{value:%Y.%m}" if value else ""


def _month_text(found: Retirement | None) -> str:
    return found.month_text if found else ""


COLUMNS: dict[str, Column] = {
    "name": Column("姓名", lambda c, n, t: c.name, 10),
    "sex": Column("性别", lambda c, n, t: c.sex_name, 6),
    "birth": Column("出生年月", lambda c, n, t: _date(c.birth_date), 10),
    "age": Column("年龄", lambda c, n, t: c.age_at(t), 6),
    "retirement": Column("退休时间", lambda c, n, t: _month_text(c.retirement), 10),
    "ethnicity": Column("民族", lambda c, n, t: n(CodeTable.ETHNICITY, c.ethnicity), 8),
    "native_place": Column("籍贯", lambda c, n, t: c.native_place, 10),
    "birthplace": Column("出生地", lambda c, n, t: c.birthplace, 10),
    "political_status": Column(
        "政治面貌", lambda c, n, t: n(CodeTable.POLITICAL_STATUS, c.political_status), 10
    ),
    "party_join": Column("入党时间", lambda c, n, t: _date(c.party_join_date), 10),
    "work_start": Column("参加工作时间", lambda c, n, t: _date(c.work_start_date), 12),
    "unit": Column("所在单位", lambda c, n, t: c.unit.name, 20),
    "current_title": Column("现任职务", lambda c, n, t: c.current_title, 30),
    "rank_level": Column("领导职务层次", lambda c, n, t: n(CodeTable.RANK_LEVEL, c.rank_level), 12),
    "rank_since": Column("任现职务层次时间", lambda c, n, t: _date(c.rank_level_since), 14),
    "grade": Column("职级", lambda c, n, t: n(CodeTable.GRADE, c.grade), 12),
    "education": Column("最高学历", lambda c, n, t: n(CodeTable.EDUCATION, c.education_level), 10),
    "degree": Column("最高学位", lambda c, n, t: n(CodeTable.DEGREE, c.degree), 10),
    "professional_title": Column("专业技术职务", lambda c, n, t: c.professional_title, 14),
    "expertise": Column("熟悉专业有何专长", lambda c, n, t: c.expertise, 20),
    "management_level": Column(
        "管理类别", lambda c, n, t: ManagementLevel(c.management_level).label, 8
    ),
    "status": Column("状态", lambda c, n, t: CadreStatus(c.status).label, 6),
    "id_number": Column(
        "身份证号（脱敏）", lambda c, n, t: c.id_number.masked() if c.id_number else "", 20
    ),
}
DEFAULT_COLUMNS = (
    "name",
    "sex",
    "birth",
    "age",
    "ethnicity",
    "political_status",
    "unit",
    "current_title",
    "rank_level",
    "grade",
    "education",
)


def export_ids(qs: QuerySet[Cadre]) -> list[int]:
    """The ids of an export's rows, in the file's order: what its audit event lists."""
    return list(qs.order_by(*SORTS["unit"]).values_list("pk", flat=True))


def export_rows(
    qs: QuerySet[Cadre],
    columns: list[str],
    *,
    chunk: int = 2000,
    ids: list[int] | None = None,
    written: list[int] | None = None,
) -> Iterator[list[Any]]:
    """Rows for an export, streamed in chunks (bounded memory at 100k rows).

    With ``ids`` (``export_ids``, already recorded in the audit log) the rows are those
    cadres, in that order; ``written`` collects the id of every row yielded.
    """
    from core.ordered import in_id_order

    names = CodeNames()
    today = timezone.localdate()
    chosen = [COLUMNS[c] for c in columns]
    # One query for every unit name (27k rows at province tier) instead of one per unit.
    unit_names = dict(Unit.objects.values_list("id", "name")) if "unit" in columns else {}
    qs = qs.only(*_fields_for(columns)).order_by(*SORTS["unit"])
    cadres = qs.iterator(chunk_size=chunk) if ids is None else in_id_order(qs, ids, chunk=chunk)
    for cadre in cadres:
        if unit_names:
            cadre.unit = Unit(pk=cadre.unit_id, name=unit_names.get(cadre.unit_id, ""))
        if written is not None:
            written.append(cadre.pk)
        yield [col.value(cadre, names, today) for col in chosen]


_FIELDS_OF_COLUMN = {
    "birth": ("birth_date",),
    "age": ("birth_date",),
    "retirement": CADRE_FIELDS,
    "party_join": ("party_join_date",),
    "work_start": ("work_start_date",),
    "unit": ("unit_id",),
    "education": ("education_level",),
    "rank_since": ("rank_level_since",),
    "id_number": ("id_number",),
}


def _fields_for(columns: list[str]) -> list[str]:
    fields = {"id", "unit_path", "sort_order", "unit_id"}
    for c in columns:
        fields.update(_FIELDS_OF_COLUMN.get(c, (c,)))
    return sorted(fields)


def export_response(*, user: Any, filters: RosterFilters, columns: list[str]) -> Any:
    """The roster as an xlsx attachment (streamed), after one audited EXPORT event.

    Shared by the roster page and the API; the caller has checked the export permission.
    """
    from audit.services import audit_record_export_standalone
    from core.excel import xlsx_response

    columns = [c for c in columns if c in COLUMNS] or list(DEFAULT_COLUMNS)
    qs = roster_queryset(user=user, filters=filters, action=Action.CADRES_EXPORT)
    ids = export_ids(qs)
    audit_record_export_standalone(
        actor=user,
        subjects=ids,
        object_type="cadres.Cadre",
        object_repr=f"干部名册（{len(ids)} 人）",
        changes={"filters": {k: v for k, v in filters.items() if v}, "columns": columns},
        sensitive=True,
    )
    return xlsx_response(
        filename=f"干部名册_{timezone.localdate():%Y%m%d}.xlsx",
        title="干部名册",
        headers=[COLUMNS[c].header for c in columns],
        rows=export_rows(qs, columns, ids=ids),
    )


def reimport_export_response(*, user: Any, filters: RosterFilters) -> Any:
    """The roster in the import template's columns with full ID numbers, to correct in Excel
    and import back (importing it unchanged changes nothing). Only cadres whose full ID
    number the user may see; one sensitive EXPORT event. The caller has checked the right."""
    from django.db.models import Prefetch

    from audit.services import audit_record_export_standalone
    from cadres.excel_import import HEADERS, SHEET_TITLE, reimport_rows
    from cadres.models import Position
    from core.excel import xlsx_response
    from core.ordered import in_id_order

    scoped = roster_queryset(user=user, filters=filters, action=Action.CADRES_REVEAL_ID)
    ids = list(scoped.order_by("unit_path", "sort_order", "id").values_list("pk", flat=True))
    qs = scoped.select_related("unit").prefetch_related(
        Prefetch(
            "positions",
            queryset=Position.objects.filter(end_date__isnull=True).select_related("unit"),
        ),
        "educations",
        "assessments",
    )
    audit_record_export_standalone(
        actor=user,
        subjects=ids,
        object_type="cadres.Cadre",
        object_repr=f"干部名册（导入模板格式，含完整身份证号，{len(ids)} 人）",
        changes={
            "filters": {k: v for k, v in filters.items() if v},
            "format": "import_template",
            "full_id_numbers": True,
        },
        sensitive=True,
    )
    return xlsx_response(
        filename=f"干部名册_导入模板格式_{timezone.localdate():%Y%m%d}.xlsx",
        title=SHEET_TITLE,
        headers=list(HEADERS),
        rows=reimport_rows(in_id_order(qs, ids, chunk=1000)),
    )
