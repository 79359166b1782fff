"""The rule catalogue in code: each rule's texts, default thresholds and computation.

A rule module registers a computation with ``@rule(...)``; ``install_catalogue`` writes the
catalogue rows (``AlertRule``) so that an administrator can see every rule with its source
and change its thresholds, which the computation then reads (``params``).

A computation is set-based: it asks the database for the few rows that can break the rule
(``Scope`` gives the querysets, already limited to the subtree, the active cadres and, for a
single cadre's page, that cadre) and turns each into a ``Finding`` with its explanation.
Dates follow the civil-law way of counting periods (民法典 第二百零一、二百零二条): a period
in months ends on the same day of the last month, or on that month's last day when it has
no such day — so a post taken on 29 February reaches ten years on 28 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from alerts.choices import Severity, Subject

# ---------------------------------------------------------------- dates and words


def month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clamped to the month's end (2016-02-29 + 12 → 2017-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, month_end(year, month)))


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``; a period ending on a month's last day is whole
    even when the start day does not exist in that month (01-31 → 02-28 is one month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day and end.day != month_end(end.year, end.month):
        months -= 1
    return months


def latest_start(today: dt.date, months: int) -> dt.date:
    """The latest start date that has reached ``months`` whole months by ``today``: the SQL
    bound ``start_date <= latest_start(today, m)`` equals ``full_months(start, today) >= m``."""
    shifted = add_months(today, -months)
    if today.day == month_end(today.year, today.month):
        return shifted.replace(day=month_end(shifted.year, shifted.month))
    return shifted


def ym(day: dt.date | None) -> str:
    """``2014.03``, as personnel forms write a month."""
    return f"{day:%Y.%m}" if day else ""


def span(months: int) -> str:
    """``10年8个月`` / ``11个月`` / ``3年``."""
    years, rest = divmod(max(months, 0), 12)
    if years and rest:
        return f"{years}年{rest}个月"
    if years:
        return f"{years}年"
    return f"{rest}个月"


def years_text(value: float) -> str:
    """``10年`` / ``2.5年`` for a threshold given in years."""
    return f"{value:g}年"


# ---------------------------------------------------------------- scope and findings


@dataclass(frozen=True)
class Scope:
    """What one computation covers: a unit subtree, optionally narrowed to some cadres or
    units (a cadre's own page, one team), on one day."""

    path: str
    today: dt.date
    cadre_ids: frozenset[int] | None = None
    unit_ids: frozenset[int] | None = None

    def cadres(self) -> QuerySet[Any]:
        """Active cadres of the subtree (and of ``cadre_ids``)."""
        from cadres.choices import CadreStatus
        from cadres.models import Cadre

        qs = Cadre.objects.filter(status=CadreStatus.ACTIVE)
        if self.path:
            qs = qs.filter(unit_path__startswith=self.path)
        if self.cadre_ids is not None:
            qs = qs.filter(pk__in=self.cadre_ids)
        return qs

    def positions(self) -> QuerySet[Any]:
        """Positions (open and past) of the active cadres of the scope."""
        from cadres.choices import CadreStatus
        from cadres.models import Position

        qs = Position.objects.filter(cadre__status=CadreStatus.ACTIVE)
        if self.path:
            qs = qs.filter(cadre__unit_path__startswith=self.path)
        if self.cadre_ids is not None:
            qs = qs.filter(cadre_id__in=self.cadre_ids)
        return qs

    def units(self) -> QuerySet[Any]:
        """Active units of the subtree (and of ``unit_ids``)."""
        from orgs.models import Unit

        qs = Unit.objects.filter(is_active=True)
        if self.path:
            qs = qs.filter(path__startswith=self.path)
        if self.unit_ids is not None:
            qs = qs.filter(pk__in=self.unit_ids)
        return qs


@dataclass(frozen=True)
class Finding:
    """One alert as a rule computed it.

    ``facts`` are shown with the alert; ``basis`` is the part of them that must change for a
    handled (acknowledged or dismissed) alert to open again — not the months counted, which
    grow every day, but e.g. the position and the threshold reached. It defaults to ``facts``.
    """

    subject: Subject
    subject_id: int
    unit_path: str
    message: str
    facts: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    severity: Severity | None = None  # None: the rule's own
    basis: dict[str, Any] | None = None
    cadre_id: int | None = None
    unit_id: int | None = None


Compute = Callable[[Scope, dict[str, Any]], Iterable[Finding]]


@dataclass(frozen=True)
class RuleSpec:
    """A rule as code defines it; ``AlertRule`` is its editable row."""

    code: str
    name: str
    regulation: str
    article: str
    description: str
    subject: Subject
    severity: Severity
    defaults: dict[str, Any]
    compute: Compute
    order: int = 100


RULES: dict[str, RuleSpec] = {}


def rule(
    *,
    code: str,
    name: str,
    regulation: str,
    article: str = "",
    description: str,
    subject: Subject = Subject.CADRE,
    severity: Severity = Severity.WARNING,
    defaults: dict[str, Any] | None = None,
    order: int = 100,
) -> Callable[[Compute], Compute]:
    """Register the decorated computation as rule ``code`` of the catalogue."""

    def register(compute: Compute) -> Compute:
        if code in RULES:
            raise ValueError(f"alert rule {code!r} registered twice")
        RULES[code] = RuleSpec(
            code=code,
            name=name,
            regulation=regulation,
            article=article,
            description=description,
            subject=subject,
            severity=severity,
            defaults=dict(defaults or {}),
            compute=compute,
            order=order,
        )
        return compute

    return register


def effective_params(spec: RuleSpec, stored: dict[str, Any] | None) -> dict[str, Any]:
    """The defaults with the administrator's values over them (a new default key appears)."""
    return {**spec.defaults, **{k: v for k, v in (stored or {}).items() if k in spec.defaults}}


def install_catalogue(**_kwargs: Any) -> None:
    """Create the catalogue row of every registered rule; refresh the texts of existing ones
    (they come from code), never their thresholds or switch (those are the administrator's)."""
    from alerts.models import AlertRule

    existing = {r.code: r for r in AlertRule.objects.all()}
    for spec in RULES.values():
        texts = {
            "name": spec.name,
            "regulation": spec.regulation,
            "article": spec.article,
            "description": spec.description,
            "subject": spec.subject,
            "severity": spec.severity,
            "order": spec.order,
        }
        row = existing.get(spec.code)
        if row is None:
            AlertRule.objects.create(code=spec.code, params=dict(spec.defaults), **texts)
        elif any(getattr(row, k) != v for k, v in texts.items()):
            AlertRule.objects.filter(pk=row.pk).update(**texts)
