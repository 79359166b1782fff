"""Computing alerts: run the enabled rules over a scope and bring the stored alerts in line.

One rule at a time, each in its own transaction: its findings are compared with the alerts
it raised before in the same scope, and only the differences are written — new findings
inserted, changed ones updated, vanished ones marked no longer active. An alert a clerk
acknowledged or dismissed keeps that status while its basis (``Finding.basis``) is the same
and opens again when the basis changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from alerts.choices import SEVERITY_RANK, AlertStatus, Subject
from alerts.models import Alert, AlertRule
from alerts.registry import RULES, Finding, Scope, effective_params, install_catalogue
from core.bulk import copy_insert

UPDATE_BATCH = 1000
ANALYZE_AFTER = 5000  # rows inserted or resolved by one computation
_UPDATED_FIELDS = [
    "severity",
    "rank",
    "message",
    "facts",
    "basis_digest",
    "unit_path",
    "is_active",
    "resolved_at",
    "changed_at",
    "status",
]


@dataclass
class RuleOutcome:
    """What one rule's computation changed."""

    code: str
    found: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    resolved: int = 0


@dataclass
class RunSummary:
    """What one computation changed, rule by rule."""

    scope: Scope
    rules: list[RuleOutcome] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        keys = ("found", "created", "updated", "reopened", "resolved")
        return {k: sum(getattr(r, k) for r in self.rules) for k in keys}


def digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    # JSON-ready (dates as ISO strings), so a stored alert compares equal to a new finding.
    loaded: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder))
    return loaded


def compute(scope: Scope, *, codes: Iterable[str] | None = None) -> RunSummary:
    """Run the enabled rules (or only ``codes``) over ``scope``; disabled rules' alerts in the
    scope are marked no longer active.

    On PostgreSQL, outside a transaction (the daily command, the page's 重新计算), the rules
    run on ``ALERT_WORKERS`` threads with a connection each: most of a rule's time is spent
    waiting for the database, so two rules at once use both cores of a small server. Inside a
    transaction (tests, callers that need all-or-nothing) they run one after another.
    """
    if not AlertRule.objects.exists():
        install_catalogue()
    wanted = set(codes) if codes is not None else None
    rows = []
    for row in AlertRule.objects.all():
        if wanted is not None and row.code not in wanted:
            continue
        spec = RULES.get(row.code)
        if spec is None:
            continue  # a rule whose code was removed: its alerts stay as they were
        if scope.cadre_ids is not None and spec.subject != Subject.CADRE:
            continue
        if scope.unit_ids is not None and spec.subject != Subject.UNIT:
            continue
        rows.append(row)
    workers = int(getattr(settings, "ALERT_WORKERS", 2))
    parallel = (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and scope.cadre_ids is None
        and workers > 1
        and len(rows) > 1
    )
    if parallel:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda r: _in_thread(r, scope), rows))
    else:
        outcomes = [_run_rule(row, scope) for row in rows]
    summary = RunSummary(scope, rules=outcomes)
    totals = summary.totals
    if connection.vendor == "postgresql" and totals["created"] + totals["resolved"] > ANALYZE_AFTER:
        # Planner statistics for the alert centre's queries right away, not at autovacuum's
        # next visit (a first run over a province inserts 100k+ rows).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE alerts_alert")
    return summary


def _run_rule(row: AlertRule, scope: Scope) -> RuleOutcome:
    spec = RULES[row.code]
    findings = list(spec.compute(scope, effective_params(spec, row.params))) if row.enabled else []
    return sync(row, scope, findings)


def _in_thread(row: AlertRule, scope: Scope) -> RuleOutcome:
    try:
        return _run_rule(row, scope)
    finally:
        connection.close()  # this worker thread's own connection


def _existing(row: AlertRule, scope: Scope) -> Any:
    qs = Alert.objects.filter(rule=row)
    if scope.path:
        qs = qs.filter(unit_path__startswith=scope.path)
    if scope.cadre_ids is not None:
        qs = qs.filter(subject=Subject.CADRE, subject_id__in=scope.cadre_ids)
    if scope.unit_ids is not None:
        qs = qs.filter(subject=Subject.UNIT, subject_id__in=scope.unit_ids)
    return qs


_STORED = (
    "id",
    "subject",
    "subject_id",
    "key",
    "severity",
    "message",
    "basis_digest",
    "unit_path",
    "is_active",
    "status",
    "handled_digest",
)


@dataclass
class _Stored:
    """An alert as stored, as plain values (a province holds 100k+ of them per run)."""

    id: int
    subject: str
    subject_id: int
    key: str
    severity: str
    message: str
    basis_digest: str
    unit_path: str
    is_active: bool
    status: str
    handled_digest: str


def sync(row: AlertRule, scope: Scope, findings: Sequence[Finding]) -> RuleOutcome:
    """Bring rule ``row``'s stored alerts in ``scope`` in line with ``findings``.

    Only differences are written; an unchanged finding costs a dictionary lookup and the
    digest of its basis, so a daily run over a province rewrites only what changed.
    """
    outcome = RuleOutcome(row.code, found=len(findings))
    now = timezone.now()
    with transaction.atomic():
        stored = {
            (r[1], r[2], r[3]): _Stored(*r) for r in _existing(row, scope).values_list(*_STORED)
        }
        fresh = {(f.subject, f.subject_id, f.key): f for f in findings}
        missing = [k for k in fresh if k not in stored]
        if missing:
            stored.update(_stored_elsewhere(row, missing))
        creates: list[Alert] = []
        updates: list[Alert] = []
        for identity, finding in fresh.items():
            severity = finding.severity or row.severity
            basis = digest(finding.basis if finding.basis is not None else finding.facts)
            old = stored.get(identity)
            if old is None:
                creates.append(
                    Alert(
                        rule=row,
                        subject=finding.subject,
                        subject_id=finding.subject_id,
                        cadre_id=finding.cadre_id,
                        unit_id=finding.unit_id,
                        unit_path=finding.unit_path,
                        key=finding.key,
                        severity=severity,
                        rank=SEVERITY_RANK.get(severity, 9),
                        message=finding.message,
                        facts=_plain(finding.facts),
                        basis_digest=basis,
                        first_seen_at=now,
                        changed_at=now,
                    )
                )
                continue
            reopen = old.status != AlertStatus.OPEN and old.handled_digest != basis
            if (
                old.is_active
                and not reopen
                and old.message == finding.message
                and old.severity == severity
                and old.basis_digest == basis
                and old.unit_path == finding.unit_path
            ):
                continue
            if reopen:
                outcome.reopened += 1
            updates.append(
                Alert(
                    pk=old.id,
                    severity=severity,
                    rank=SEVERITY_RANK.get(severity, 9),
                    message=finding.message,
                    facts=_plain(finding.facts),
                    basis_digest=basis,
                    unit_path=finding.unit_path,
                    is_active=True,
                    resolved_at=None,
                    changed_at=now,
                    status=AlertStatus.OPEN if reopen else old.status,
                )
            )
        gone = [a.id for k, a in stored.items() if k not in fresh and a.is_active]
        copy_insert(Alert, creates)
        for start in range(0, len(updates), UPDATE_BATCH):
            Alert.objects.bulk_update(updates[start : start + UPDATE_BATCH], _UPDATED_FIELDS)
        for start in range(0, len(gone), UPDATE_BATCH):
            Alert.objects.filter(pk__in=gone[start : start + UPDATE_BATCH]).update(
                is_active=False, resolved_at=now, changed_at=now
            )
    outcome.created = len(creates)
    outcome.updated = len(updates)
    outcome.resolved = len(gone)
    return outcome


def _stored_elsewhere(
    row: AlertRule, identities: Sequence[tuple[str, int, str]]
) -> dict[tuple[str, int, str], _Stored]:
    """Alerts of these identities stored under another path (the subject moved since): they
    are the same alerts, updated in place rather than raised twice."""
    found: dict[tuple[str, int, str], _Stored] = {}
    if not Alert.objects.filter(rule=row).exists():
        return found
    wanted = set(identities)
    for subject in {s for s, _, _ in identities}:
        ids = sorted({i for s, i, _ in identities if s == subject})
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            rows = Alert.objects.filter(
                Q(rule=row) & Q(subject=subject) & Q(subject_id__in=chunk)
            ).values_list(*_STORED)
            for r in rows:
                identity = (r[1], r[2], r[3])
                if identity in wanted:
                    found[identity] = _Stored(*r)
    return found


def today() -> dt.date:
    return timezone.localdate()
