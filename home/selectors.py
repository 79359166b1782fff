"""Key figures for the dashboard, per role, always within the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from accounts.choices import Role
from accounts.models import RoleGrant, User
from accounts.roles import Action
from accounts.scoping import has_action
from audit.choices import AuditAction
from audit.models import AuditEvent
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.selectors import quota_total, unit_kind_counts


def business_figures(*, user: Any) -> dict[str, Any]:
    """Counts of the user's scope: units by kind and level, approved leadership posts."""
    kinds = unit_kind_counts(user=user)
    kind_labels = dict(UnitKind.choices)
    levels = (
        Unit.objects.restrict(user, Action.ORGS_VIEW)
        .filter(is_active=True)
        .values("level")
        .annotate(n=Count("id"))
        .order_by("level")
    )
    level_labels = dict(UnitLevel.choices)
    by_kind = [{"name": kind_labels.get(r["kind"], r["kind"]), "value": r["n"]} for r in kinds]
    return {
        "unit_total": sum(r["n"] for r in kinds),
        "township_total": sum(
            r["n"] for r in kinds if r["kind"] in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
        ),
        "village_total": sum(
            r["n"] for r in kinds if r["kind"] in (UnitKind.VILLAGE, UnitKind.COMMUNITY)
        ),
        "quota_total": quota_total(user=user),
        "by_kind": by_kind,
        "by_level": [
            {"name": level_labels.get(r["level"], r["level"]), "value": r["n"]} for r in levels
        ],
    }


def admin_figures(*, user: Any) -> dict[str, Any]:
    """Figures for the 三员: accounts, grants, audit activity (no personnel data)."""
    figures: dict[str, Any] = {}
    now = timezone.now()
    if has_action(user, Action.USERS_MANAGE):
        figures["users"] = User.objects.aggregate(
            total=Count("id"),
            active=Count("id", filter=Q(is_active=True)),
            locked=Count("id", filter=Q(locked_until__gt=now)),
            must_change=Count("id", filter=Q(must_change_password=True)),
        )
    if has_action(user, Action.GRANTS_MANAGE):
        labels = dict(Role.choices)
        figures["grants"] = [
            {"name": labels.get(r["role"], r["role"]), "value": r["n"]}
            for r in RoleGrant.objects.values("role").annotate(n=Count("id")).order_by("role")
        ]
    if has_action(user, Action.AUDIT_VIEW):
        since = now - dt.timedelta(days=1)
        figures["audit"] = AuditEvent.objects.filter(occurred_at__gte=since).aggregate(
            total=Count("id"),
            failed=Count("id", filter=Q(action=AuditAction.LOGIN_FAILED)),
            locked=Count("id", filter=Q(action=AuditAction.LOCKED)),
            sensitive=Count("id", filter=Q(sensitive=True)),
        )
    return figures
