"""URLs of a bench run: the project's URLs plus two Django admin sites over ``Cadre``.

Both sites are what a developer would configure for a 300k-row table: the roster's columns in
``list_display``, ``list_select_related`` for the unit, 50 rows a page, no second full count
(``show_full_result_count = False``), no actions. The queryset is scoped exactly as the
roster's (``Cadre.objects.restrict(user, cadres.view)``). ``/bench-admin/`` also has
``list_filter`` and ``search_fields`` on the roster's filter fields (the figure);
``/bench-admin-plain/`` has neither (printed to stderr, to show what the filter sidebar costs).

Access: any signed-in user may view (the bench signs in as ``ganbu``); nothing may be changed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path

from cadres.models import Cadre
from core.permissions import Action
from zugong.urls import handler403, handler404
from zugong.urls import urlpatterns as project_urlpatterns

__all__ = ["handler403", "handler404", "urlpatterns"]


class BenchAdminSite(admin.AdminSite):
    site_header = "Zugong bench admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_authenticated)


class CadreAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "sex",
        "birth_date",
        "ethnicity",
        "political_status",
        "unit",
        "current_title",
        "rank_level",
        "grade",
        "education_level",
    )
    list_select_related = ("unit",)
    list_filter: ClassVar[tuple[str, ...]] = (
        "status",
        "rank_level",
        "grade",
        "sex",
        "management_level",
    )
    search_fields: ClassVar[tuple[str, ...]] = ("name", "name_initials")
    list_per_page = 50
    show_full_result_count = False
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cadre]:
        qs = Cadre.objects.restrict(request.user, Action.CADRES_VIEW)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def has_module_permission(self, request: HttpRequest) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlainCadreAdmin(CadreAdmin):
    list_filter = ()
    search_fields = ()


site = BenchAdminSite(name="admin")
site.register(Cadre, CadreAdmin)
plain_site = BenchAdminSite(name="admin_plain")
plain_site.register(Cadre, PlainCadreAdmin)

urlpatterns = [
    *project_urlpatterns,
    path("bench-admin/", site.urls),
    path("bench-admin-plain/", plain_site.urls),
]
