"""Home dashboard and error pages."""

from __future__ import annotations

import calendar as month_calendar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.http import request_int
from core.permissions import Action, has_action
from core.workdays import missing_year_ahead, year_table
from home.selectors import admin_figures, alert_figures, business_figures, cadre_figures

WEEKDAYS = "一二三四五六日"


def _calendar_notice(request: HttpRequest) -> int | None:
    """The year whose holiday arrangement is missing, for those whom it concerns: the clerks
    who count 公示 periods and the administrator who supplies the file."""
    if has_action(request.user, Action.SELECTION_VIEW) or has_action(
        request.user, Action.USERS_MANAGE
    ):
        return missing_year_ahead(timezone.localdate())
    return None


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {
        "admin": admin_figures(user=request.user),
        "calendar_missing": _calendar_notice(request),
    }
    if has_action(request.user, Action.DASHBOARD_VIEW):
        context["business"] = business_figures(user=request.user)
    if has_action(request.user, Action.CADRES_VIEW):
        context["cadres"] = cadre_figures(user=request.user)
    if has_action(request.user, Action.ALERTS_VIEW):
        context["alerts"] = alert_figures(user=request.user)
    return render(request, "home/dashboard.html", context)


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    """工作日历: where each year's holiday arrangement comes from, and one year month by month
    (holidays, adjusted working days) — what every 公示 end date is counted on."""
    today = timezone.localdate()
    years = [year_table(y) for y in range(today.year - 1, today.year + 3)]
    shown = request_int(request.GET.get("year"), default=today.year)
    if shown is None or not 2000 <= shown <= today.year + 10:
        shown = today.year
    table = year_table(shown)
    holidays, workdays = set(table.holidays), set(table.workdays)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_calendar.Calendar().monthdatescalendar(shown, month):
            cells: list[dict[str, object] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                kind = (
                    "holiday"
                    if day in holidays
                    else "workday"
                    if day in workdays
                    else "weekend"
                    if day.weekday() >= 5
                    else ""
                )
                cells.append({"day": day, "kind": kind, "today": day == today})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return render(
        request,
        "home/calendar.html",
        {
            "years": years,
            "table": table,
            "shown": shown,
            "months": months if table.known else [],
            "weekdays": WEEKDAYS,
            "missing": missing_year_ahead(today),
            "year_choices": range(today.year - 3, today.year + 4),
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Forbidden looks exactly like missing (docs/security.md, "Separation of duties").
    return render(request, "404.html", status=404)
