from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("cadres/<int:pk>/", views.cadre_profile_view, name="cadre_profile"),
    path("conduct/<int:pk>/delete/", views.conduct_delete_view, name="conduct_delete"),
    path("reports/", views.report_year_list_view, name="report_year_list"),
    path("reports/new/", views.report_year_create_view, name="report_year_create"),
    path("reports/<int:pk>/", views.report_year_detail_view, name="report_year_detail"),
    path("reports/<int:pk>/draw/", views.spot_check_draw_view, name="spot_check_draw"),
    path("key/", views.key_list_view, name="key_list"),
    path("key/posts/new/", views.key_post_create_view, name="key_post_create"),
]
