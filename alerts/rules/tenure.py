"""任职年限: how long a cadre has held one post (交流规定, 任期规定)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from alerts.choices import Severity, Subject
from alerts.registry import Finding, Scope, full_months, latest_start, rule, span, ym
from cadres.models import Position

EXCHANGE = "《党政领导干部交流工作规定》"

# Re-appointment to the same post (换届 re-election, a new 任职文号) is a new position row;
# a gap of up to this many days between the two still counts as one continuous tenure.
CONTINUITY_DAYS = 31


@dataclass(frozen=True)
class Tenure:
    """An open position and the day its continuous tenure in the same post began."""

    position_id: int
    cadre_id: int
    cadre_name: str
    unit_path: str
    post: str  # 单位 + 职务, as the 简历 prints it
    since: dt.date


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
    scope: Scope, *, months: int, leading_only: bool, heads_only: bool = False
) -> Iterator[Tenure]:
    """Open posts held continuously for at least ``months`` whole months on ``scope.today``.

    One query: open positions that started early enough, or that directly follow an earlier
    position in the same post (a re-appointment); only the latter are chained back through
    the cadre's past positions.
    """
    cutoff = latest_start(scope.today, months)
    base = scope.positions().filter(end_date__isnull=True)
    if leading_only:
        base = base.filter(is_leading=True)
    if heads_only:
        base = base.filter(is_head=True)
    earlier = Position.objects.filter(
        cadre_id=OuterRef("cadre_id"),
        title=OuterRef("title"),
        end_date__isnull=False,
        end_date__lte=OuterRef("start_date"),
        end_date__gte=OuterRef("start_date") - dt.timedelta(days=CONTINUITY_DAYS),
    )
    rows = list(
        base.annotate(follows=Exists(earlier))
        .filter(Q(start_date__lte=cutoff) | Q(follows=True))
        .values(*_TENURE_FIELDS, "follows")
    )
    followers = [r for r in rows if r["follows"]]
    history: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if followers:
        for past in (
            Position.objects.filter(cadre_id__in={f["cadre_id"] for f in followers})
            .exclude(end_date__isnull=True)
            .order_by("-end_date")
            .values("cadre_id", "unit_id", "unit_name", "title", "start_date", "end_date")
        ):
            history[past["cadre_id"]].append(dict(past))
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


def _tenure(row: dict[str, Any], since: dt.date) -> Tenure:
    return Tenure(
        position_id=row["id"],
        cadre_id=row["cadre_id"],
        cadre_name=row["cadre__name"],
        unit_path=row["cadre__unit_path"],
        post=f"{row['unit_name']}{row['title']}",
        since=since,
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
