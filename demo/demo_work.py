"""Demo records of the 精业 work that follows the cadre records: a 选拔任用 case under way,
干部监督 lists and reports, key units and posts, and a 挂职锻炼 programme.

Everything goes through the real services as the 干部科 clerk (audited, scope-checked), in
the first county of the tree, with dates relative to today, so that the pages a clerk opens
after ``make run`` show work in each state rather than empty lists. It is a fixed handful of
records, so it costs the same at every tier.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from cadres.models import Cadre, Position
from core.workdays import CalendarYearMissing, is_workday, notice_end, year_known
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit


@dataclass
class WorkSummary:
    cases: int = 0
    conduct_entries: int = 0
    reports: int = 0
    key_units: int = 0
    assignments: int = 0
    notes: list[str] = field(default_factory=list)


def _county(root: Unit) -> Unit:
    """The first county committee of the tree (the root itself at the county tier)."""
    return (
        Unit.objects.filter(
            path__startswith=root.path, kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COUNTY
        )
        .order_by("path")
        .first()
        or root
    )


def _holders(county: Unit, rank_level: str, kinds: tuple[str, ...]) -> list[Position]:
    """Open leading posts of ``rank_level`` in units of ``kinds`` under ``county``, by unit."""
    return list(
        Position.objects.filter(
            unit__path__startswith=county.path,
            unit__kind__in=kinds,
            rank_level=rank_level,
            is_leading=True,
            end_date__isnull=True,
            cadre__status="active",
        )
        .select_related("cadre", "unit")
        .order_by("unit__path", "id")
    )


def _clean(cadre: Cadre, today: dt.date) -> bool:
    """Fit to be put forward: no 基本称职 or worse lately, no probation running, one open post."""
    from selection.services import assessment_problem

    open_posts = [p for p in cadre.positions.all() if p.end_date is None]
    return (
        len(open_posts) == 1
        and not open_posts[0].probation_end
        and not assessment_problem(cadre, today)
    )


def _last_workday_before(day: dt.date, count: int) -> dt.date:
    """A working day ``count`` working days before ``day`` (the 公示 of the demo case)."""
    probe = day
    while count:
        probe -= dt.timedelta(days=1)
        if is_workday(probe):
            count -= 1
    return probe


def notice_window(today: dt.date, working_days: int) -> tuple[dt.date, dt.date] | None:
    """First and last day of the demo case's 任前公示.

    It started two working days before ``today``, so it runs now and ends a few working days
    later. When the holiday table cannot count that far (a year no source knows yet, e.g. a
    公示 started on 28 December that runs into it), the demo takes the latest 公示 that the table
    can count and that has ended by yesterday: the case then waits at 任前公示 with its 公示期满,
    instead of the demo failing or inventing a holiday arrangement. None when the table knows
    no year at all before ``today``.
    """
    try:
        start = _last_workday_before(today, 2)
        return start, notice_end(start, working_days)
    except CalendarYearMissing:
        pass
    last = today - dt.timedelta(days=1)
    while not year_known(last.year):
        if last.year < 2000:
            return None
        last = dt.date(last.year - 1, 12, 31)
    start = last
    while True:
        start -= dt.timedelta(days=1)
        if not year_known(start.year):
            return None
        if not is_workday(start):
            continue
        try:
            end = notice_end(start, working_days)
        except CalendarYearMissing:  # runs into the unknown year
            continue
        if end <= last:
            return start, end


def seed_work(root: Unit, seed: int) -> WorkSummary:
    """Create the demo's selection, supervision and programme records (see the module doc)."""
    clerk = User.objects.get(username="ganbu")
    today = timezone.localdate()
    rng = random.Random(f"zugong-demo-work:{seed}")
    county = _county(root)
    summary = WorkSummary()
    summary.reports = _reports(clerk, county, today, rng)
    summary.cases = _selection(clerk, county, today, summary.notes)
    summary.conduct_entries = _conduct(clerk, county, today, rng)
    summary.key_units = _key_units(clerk, county)
    summary.assignments = _programmes(clerk, county, today)
    return summary


def _selection(clerk: User, county: Unit, today: dt.date, notes: list[str]) -> int:
    """One case in its 任前公示 (ends in a few working days) and one at 民主推荐."""
    from selection import rules, services
    from selection.choices import Stage

    towns = list(
        {
            p.unit_id: p.unit for p in _holders(county, "141", (UnitKind.TOWNSHIP,)) if p.unit
        }.values()
    )
    deputies = [p for p in _holders(county, "142", (UnitKind.TOWNSHIP,)) if _clean(p.cadre, today)]
    if len(towns) < 2 or len(deputies) < 3:
        return 0
    target = towns[0]
    picked = next(p for p in deputies if p.unit_id != target.id)
    window = notice_window(today, rules.NOTICE_MIN_WORKING_DAYS.value)
    notice_start = window[0] if window else None
    if window is None:
        notes.append("节假日表不知道今天之前的任何年份：演示的选拔任用停在讨论决定")
    elif window[1] < today:
        missing = today.year if not year_known(today.year) else today.year + 1
        notes.append(
            f"{missing} 年节假日安排尚未配置：演示的任前公示放在"
            f" {window[0]:%Y.%m.%d}—{window[1]:%Y.%m.%d}（已期满）"
        )
    # Dates back from the notice: each stage a week or so apart, all before today.
    days = [(notice_start or today) - dt.timedelta(days=7 * n) for n in (8, 7, 6, 5, 2)]
    case = services.case_create(
        acting_user=clerk,
        unit=county,
        title=f"{target.name}镇长选拔任用",
        posts=[{"unit": target, "title": "党委副书记、镇长", "rank_level": "141", "is_head": True}],
        opened_on=days[0],
        today=today,
    )
    services.stage_record_set(
        acting_user=clerk,
        case=case,
        stage=Stage.PROPOSAL,
        date=days[0],
        outcome="原镇长调任，经分析研判，提出从乡镇班子副职中选拔的工作方案",
    )
    case = services.case_advance(clerk, case, Stage.RECOMMENDATION, on=days[1], today=today)
    candidate = services.candidate_add(
        acting_user=clerk,
        case=case,
        cadre=picked.cadre,
        post=case.posts.get(),
        recommendation_votes=42,
        positions_to_end=[picked],
    )
    case = services.case_advance(clerk, case, Stage.CANDIDATES, on=days[2], today=today)
    case = services.case_advance(clerk, case, Stage.INSPECTION, on=days[3], today=today)
    checked = days[3] + dt.timedelta(days=5)
    services.checklist_set(
        acting_user=clerk,
        candidate=case.candidates.get(pk=candidate.pk),
        file_review=True,
        file_review_date=checked,
        personal_matters=True,
        personal_matters_date=checked,
        discipline_opinion=True,
        discipline_opinion_date=checked,
        no_disqualification=True,
        no_disqualification_date=checked,
        note="政治素质好，群众基础扎实，乡村振兴工作实绩突出",
    )
    case = services.case_advance(clerk, case, Stage.DECISION, on=days[4], today=today)
    services.decision_record(
        acting_user=clerk,
        case=case,
        date=days[4],
        members_due=11,
        members_present=10,
        votes={candidate.pk: (9, 1, 0)},
        note="县委常委会研究",
    )
    if notice_start is not None:
        case = services.case_advance(clerk, case, Stage.PUBLIC_NOTICE, on=notice_start, today=today)
        services.notice_set(acting_user=clerk, case=case, start_date=notice_start)

    second_target = towns[1]
    second = services.case_create(
        acting_user=clerk,
        unit=county,
        title=f"{second_target.name}镇长选拔任用",
        posts=[
            {
                "unit": second_target,
                "title": "党委副书记、镇长",
                "rank_level": "141",
                "is_head": True,
            }
        ],
        opened_on=today - dt.timedelta(days=10),
        today=today,
    )
    second = services.case_advance(
        clerk, second, Stage.RECOMMENDATION, on=today - dt.timedelta(days=3), today=today
    )
    for position, votes in zip(
        [p for p in deputies if p.unit_id not in (target.id, second_target.id, picked.unit_id)][:2],
        (37, 29),
        strict=False,
    ):
        services.candidate_add(
            acting_user=clerk,
            case=second,
            cadre=position.cadre,
            post=second.posts.get(),
            recommendation_votes=votes,
            positions_to_end=[position],
        )
    return 2


CONDUCT = (
    ("positive", "政治担当", "年度考核", "防汛抢险中连续值守七昼夜，组织转移群众 1,200 余人"),
    ("positive", "政治能力", "考察谈话", "牵头化解信访积案 6 件，群众评价高"),
    ("positive", "政治忠诚", "主题教育", "带头开展专题研讨，检视问题整改到位"),
    ("negative", "政治自律", "巡察反馈", "对班子成员违规公务接待问题失察"),
    ("negative", "政治定力", "信访核查", "落实意识形态工作责任制不到位，被约谈提醒"),
    ("positive", "政治担当", "专项督查", "在人居环境整治中主动担当，排名全县第一"),
)


def _conduct(clerk: User, county: Unit, today: dt.date, rng: random.Random) -> int:
    """A few 正面/负面清单 entries on township leaders."""
    from supervision import services
    from supervision.models import Indicator

    indicators = {i.name: i for i in Indicator.objects.all()}
    leaders = _holders(county, "141", (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT))
    written = 0
    for index, (polarity, indicator, source, evidence) in enumerate(CONDUCT):
        if not leaders or indicator not in indicators:
            continue
        cadre = leaders[(index * 2) % len(leaders)].cadre
        services.conduct_add(
            acting_user=clerk,
            cadre=cadre,
            polarity=polarity,
            date=today - dt.timedelta(days=rng.randint(20, 600)),
            indicator=indicators[indicator],
            source=source,
            evidence=evidence,
        )
        written += 1
    return written


def _reports(clerk: User, county: Unit, today: dt.date, rng: random.Random) -> int:
    """Last year's 个人有关事项报告 of the county: most submitted, a few items, a spot check."""
    from supervision import services
    from supervision.choices import ReportCategory

    year = services.report_year_create(
        acting_user=clerk,
        unit=county,
        year=today.year - 1,
        note="县管领导干部（县处级副职以上）年度集中报告",
    )
    reports = list(year.reports.select_related("cadre").order_by("id"))
    submitted = [r for r in reports if rng.random() < 0.85]
    due = year.due_date
    opened = dt.date(today.year, 1, 1)  # a year's report is handed in after the year ends
    for report in submitted:
        day = min(due, today) - dt.timedelta(days=rng.randint(0, 20))
        services.report_submit(acting_user=clerk, report=report, submitted_on=max(day, opened))
    items = (
        (ReportCategory.MARRIAGE, "已婚，配偶在县人民医院工作"),
        (ReportCategory.HOUSING, "本人与配偶共有住房一套，128 平方米"),
        (ReportCategory.PASSPORT, "持有普通护照一本，由组织部集中保管"),
    )
    for report in submitted[:5]:
        for category, content in items:
            services.report_item_add(
                acting_user=clerk, report=report, category=category, content=content
            )
    if submitted and year.due_date <= today:
        services.spot_check_draw(
            acting_user=clerk, report_year=year, seed=int(f"{today.year - 1}0131")
        )
    return len(reports)


def _key_units(clerk: User, county: Unit) -> int:
    """财政、发改、自然资源 are the typical 权力集中、资源富集 departments; two key posts."""
    from supervision import services

    marked = 0
    wanted = (("财政局", "both"), ("发展和改革局", "power"), ("自然资源局", "resources"))
    for suffix, reason in wanted:
        unit = (
            Unit.objects.filter(path__startswith=county.path, name__endswith=suffix)
            .order_by("path")
            .first()
        )
        if unit is None:
            continue
        services.key_unit_mark(acting_user=clerk, unit=unit, reason=reason)
        marked += 1
    finance = (
        Unit.objects.filter(path__startswith=county.path, name__endswith="财政局")
        .order_by("path")
        .first()
    )
    if finance is not None:
        services.key_post_add(
            acting_user=clerk, unit=finance, title="局长", note="资金分配审批权集中"
        )
        services.key_post_add(
            acting_user=clerk,
            unit=finance,
            title="财务",
            match="keyword",
            rotation_years=3,
            note="含“财务”的岗位满 3 年轮岗",
        )
    return marked


def _programmes(clerk: User, county: Unit, today: dt.date) -> int:
    """A 挂职锻炼 programme (one assignment ended, one under way, one planned) and a 墩苗 one."""
    from development import services
    from development.choices import EvaluationGrade, EvaluationStage, ProgrammeKind

    deputies = _holders(county, "142", (UnitKind.GOV_DEPT, UnitKind.PARTY_DEPT))
    villages = list(
        Unit.objects.filter(path__startswith=county.path, kind=UnitKind.VILLAGE).order_by("path")[
            :3
        ]
    )
    townships = list(
        Unit.objects.filter(
            Q(kind=UnitKind.TOWNSHIP) | Q(kind=UnitKind.SUBDISTRICT), path__startswith=county.path
        ).order_by("path")[:3]
    )
    if len(deputies) < 5 or not townships:
        return 0
    # Three rounds: one ended last year, one under way, one planned to end in ~13 months;
    # the programme runs to the end of the year in which the planned round ends.
    planned_start, planned_end = today + dt.timedelta(days=30), today + dt.timedelta(days=395)
    span = (dt.date(today.year - 1, 3, 1), dt.date(planned_end.year, 12, 31))
    secondment = services.programme_create(
        acting_user=clerk,
        unit=county,
        kind=ProgrammeKind.SECONDMENT,
        name=f"{span[0].year}—{span[1].year} 年机关干部到乡镇挂职锻炼",
        start_date=span[0],
        end_date=span[1],
        goals="选派县直部门年轻副职到乡镇挂职，在乡村振兴一线经受历练、增长才干",
    )
    ended = services.assignment_create(
        acting_user=clerk,
        programme=secondment,
        cadre=deputies[0].cadre,
        post_title="党委副书记",
        start_date=dt.date(today.year - 1, 3, 1),
        end_date=dt.date(today.year - 1, 12, 31),
        host_unit=townships[0],
        mentor_name="王建国",
    )
    ended = services.assignment_start(
        acting_user=clerk, assignment=ended, started_on=dt.date(today.year - 1, 3, 1)
    )
    ended = services.assignment_evaluate(
        acting_user=clerk,
        assignment=ended,
        stage=EvaluationStage.MID,
        text="深入村组调研，推动 3 个产业项目落地",
        evaluated_on=dt.date(today.year - 1, 8, 15),
    )
    ended = services.assignment_evaluate(
        acting_user=clerk,
        assignment=ended,
        stage=EvaluationStage.FINAL,
        text="挂职期间表现突出，群众认可度高",
        evaluated_on=dt.date(today.year - 1, 12, 20),
        grade=EvaluationGrade.EXCELLENT,
    )
    services.assignment_end(
        acting_user=clerk, assignment=ended, ended_on=dt.date(today.year - 1, 12, 31)
    )
    active = services.assignment_create(
        acting_user=clerk,
        programme=secondment,
        cadre=deputies[1].cadre,
        post_title="副镇长",
        start_date=today - dt.timedelta(days=120),
        end_date=today + dt.timedelta(days=245),
        host_unit=townships[min(1, len(townships) - 1)],
        mentor_name="李红梅",
    )
    services.assignment_start(
        acting_user=clerk, assignment=active, started_on=today - dt.timedelta(days=120)
    )
    services.assignment_create(
        acting_user=clerk,
        programme=secondment,
        cadre=deputies[2].cadre,
        post_title="副镇长",
        start_date=planned_start,
        end_date=planned_end,
        host_unit=townships[-1],
        mentor_name="赵志刚",
    )
    count = 3
    grassroots = services.programme_create(
        acting_user=clerk,
        unit=county,
        kind=ProgrammeKind.YOUNG_GRASSROOTS,
        name=f"{today.year} 年优秀年轻干部基层墩苗",
        start_date=dt.date(today.year, 1, 1),
        goals="优秀年轻干部到村任职，墩苗历练两年",
    )
    for index, position in enumerate(deputies[3:5]):
        host = villages[index] if index < len(villages) else None
        assignment = services.assignment_create(
            acting_user=clerk,
            programme=grassroots,
            cadre=position.cadre,
            post_title="村党组织第一书记",
            start_date=dt.date(today.year, 3, 1),
            end_date=dt.date(today.year + 2, 2, 28),
            host_unit=host,
            host_name="" if host else "（村名待定）",
            mentor_name="刘德胜",
        )
        if dt.date(today.year, 3, 1) <= today:
            services.assignment_start(
                acting_user=clerk, assignment=assignment, started_on=dt.date(today.year, 3, 1)
            )
        count += 1
    return count
