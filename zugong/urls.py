"""Top-level URLs. No Django admin is mounted: it would bypass unit scoping and 三员 separation."""

from django.urls import include, path

from zugong.api import api

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("cadres/", include("cadres.urls")),
    path("cadres/", include("analysis.urls")),
    path("alerts/", include("alerts.urls")),
    path("development/", include("development.urls")),
    path("supervision/", include("supervision.urls")),
    path("selection/", include("selection.urls")),
    path("audit/", include("audit.urls")),
    path("api/v1/", api.urls),
]

handler404 = "home.views.not_found"
handler403 = "home.views.forbidden"
