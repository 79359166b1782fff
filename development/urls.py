from django.urls import path

from development import views

app_name = "development"

urlpatterns = [
    path("pools/", views.pool_list_view, name="pool_list"),
    path("pools/new/", views.pool_create_view, name="pool_create"),
    path("pools/<int:pk>/", views.pool_detail_view, name="pool_detail"),
    path("pools/<int:pk>/edit/", views.pool_edit_view, name="pool_edit"),
    path("pools/<int:pk>/export.xlsx", views.pool_export_view, name="pool_export"),
    path("pools/<int:pk>/entries/new/", views.entry_add_view, name="entry_add"),
    path("entries/<int:pk>/", views.entry_detail_view, name="entry_detail"),
    path("entries/<int:pk>/exit/", views.entry_exit_view, name="entry_exit"),
    path("entries/<int:pk>/evidence/", views.evidence_add_view, name="evidence_add"),
    path("evidence/<int:pk>/delete/", views.evidence_delete_view, name="evidence_delete"),
    path("programmes/", views.programme_list_view, name="programme_list"),
    path("programmes/new/", views.programme_create_view, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail_view, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit_view, name="programme_edit"),
    path("programmes/<int:pk>/export.xlsx", views.programme_export_view, name="programme_export"),
    path(
        "programmes/<int:pk>/assignments/new/",
        views.assignment_add_view,
        name="assignment_add",
    ),
    path("assignments/<int:pk>/", views.assignment_detail_view, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", views.assignment_edit_view, name="assignment_edit"),
    path("assignments/<int:pk>/start/", views.assignment_start_view, name="assignment_start"),
    path(
        "assignments/<int:pk>/evaluate/",
        views.assignment_evaluate_view,
        name="assignment_evaluate",
    ),
    path("assignments/<int:pk>/end/", views.assignment_end_view, name="assignment_end"),
    path("assignments/<int:pk>/cancel/", views.assignment_cancel_view, name="assignment_cancel"),
]
