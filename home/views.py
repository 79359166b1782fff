"""Home dashboard and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import Action
from accounts.scoping import has_action
from home.selectors import admin_figures, alert_figures, business_figures, cadre_figures


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"admin": admin_figures(user=request.user)}
    if has_action(request.user, Action.DASHBOARD_VIEW):
        context["business"] = business_figures(user=request.user)
    if has_action(request.user, Action.CADRES_VIEW):
        context["cadres"] = cadre_figures(user=request.user)
    if has_action(request.user, Action.ALERTS_VIEW):
        context["alerts"] = alert_figures(user=request.user)
    return render(request, "home/dashboard.html", context)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Forbidden looks exactly like missing (SECURITY.md).
    return render(request, "404.html", status=404)
