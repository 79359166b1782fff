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

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from alerts.choices import Severity, Subject

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
