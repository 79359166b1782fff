from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("cadres/<int:pk>/", views.cadre_profile_view, name="cadre_profile"),
    path("conduct/<int:pk>/delete/", views.conduct_delete_view, name="conduct_delete"),
    path("indicators/", views.indicator_list_view, name="indicator_list"),
    path("indicators/new/", views.indicator_create_view, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit_view, name="indicator_edit"),
    path("indicators/<int:pk>/traits/new/", views.trait_add_view, name="trait_add"),
    path("traits/<int:pk>/edit/", views.trait_edit_view, name="trait_edit"),
    path("traits/<int:pk>/delete/", views.trait_delete_view, name="trait_delete"),
    path("reports/", views.report_year_list_view, name="report_year_list"),
    path("reports/new/", views.report_year_create_view, name="report_year_create"),
    path("reports/<int:pk>/", views.report_year_detail_view, name="report_year_detail"),
    path("reports/<int:pk>/draw/", views.spot_check_draw_view, name="spot_check_draw"),
    path("reports/<int:pk>/export.xlsx", views.report_year_export_view, name="report_year_export"),
    path("reports/<int:pk>/targeted/", views.targeted_check_add_view, name="targeted_check_add"),
    path("reports/report/<int:pk>/", views.report_detail_view, name="report_detail"),
    path("reports/report/<int:pk>/submit/", views.report_submit_view, name="report_submit"),
    path("reports/report/<int:pk>/unsubmit/", views.report_unsubmit_view, name="report_unsubmit"),
    path("reports/report/<int:pk>/items/", views.report_item_add_view, name="report_item_add"),
    path(
        "reports/items/<int:pk>/delete/", views.report_item_delete_view, name="report_item_delete"
    ),
    path("reports/report/<int:pk>/findings/", views.finding_add_view, name="finding_add"),
    path("key/", views.key_list_view, name="key_list"),
    path("key/units/new/", views.key_unit_mark_view, name="key_unit_mark"),
    path("key/units/<int:pk>/unmark/", views.key_unit_unmark_view, name="key_unit_unmark"),
    path("key/posts/new/", views.key_post_create_view, name="key_post_create"),
    path("key/posts/<int:pk>/edit/", views.key_post_edit_view, name="key_post_edit"),
    path("key/posts/<int:pk>/delete/", views.key_post_delete_view, name="key_post_delete"),
]
