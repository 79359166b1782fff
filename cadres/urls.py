from django.urls import path

from cadres import views

app_name = "cadres"

urlpatterns = [
    path("", views.roster_view, name="roster"),
    path("search/", views.search_view, name="search"),
    path("units/", views.unit_options_view, name="unit_options"),
    path("columns/", views.column_set_save_view, name="column_set_save"),
    path("columns/<int:pk>/delete/", views.column_set_delete_view, name="column_set_delete"),
    path("new/", views.create_view, name="create"),
    path("batch/", views.batch_view, name="batch"),
    path("import/template.xlsx", views.import_template_view, name="import_template"),
    path("import/excel/", views.import_view, {"kind": "excel"}, name="import_excel"),
    path("import/lrmx/", views.import_view, {"kind": "lrmx"}, name="import_lrmx"),
    path("import/<slug:kind>/", views.import_view, name="import"),
    path("import/<slug:kind>/<str:token>/", views.import_preview_view, name="import_preview"),
    path("id-conflicts/", views.id_conflicts_view, name="id_conflicts"),
    path(
        "id-conflicts/<int:pk>/transfer/",
        views.id_conflict_decide_view,
        {"decision": "transfer"},
        name="id_conflict_transfer",
    ),
    path(
        "id-conflicts/<int:pk>/reject/",
        views.id_conflict_decide_view,
        {"decision": "reject"},
        name="id_conflict_reject",
    ),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/resume/", views.resume_edit_view, name="resume_edit"),
    path("<int:pk>/status/", views.status_view, name="status"),
    path("<int:pk>/transfer/", views.transfer_view, name="transfer"),
    path("<int:pk>/photo/", views.photo_upload_view, name="photo_upload"),
    path("<int:pk>/photo.jpg", views.photo_view, name="photo"),
    path("<int:pk>/reveal-id/", views.reveal_id_view, name="reveal_id"),
    path("<int:pk>/approval-form/", views.approval_form_view, name="approval_form"),
    path("<int:pk>/lrmx/", views.lrmx_export_one_view, name="lrmx_export_one"),
    path("<int:pk>/<slug:section>/new/", views.child_form_view, name="child_add"),
    path("<int:pk>/<slug:section>/<int:item_pk>/edit/", views.child_form_view, name="child_edit"),
    path(
        "<int:pk>/<slug:section>/<int:item_pk>/delete/",
        views.child_delete_view,
        name="child_delete",
    ),
    path("<int:pk>/position/<int:item_pk>/end/", views.position_end_view, name="position_end"),
]
