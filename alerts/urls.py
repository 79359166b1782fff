from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list_view, name="list"),
    path("compute/", views.compute_view, name="compute"),
    path("compute/cadre/<int:cadre_id>/", views.compute_cadre_view, name="compute_cadre"),
    path("<int:alert_id>/handle/", views.alert_handle_view, name="handle"),
    path("handle/", views.alert_handle_many_view, name="handle_many"),
    path("rules/", views.rule_list_view, name="rules"),
    path("rules/<int:rule_id>/", views.rule_edit_view, name="rule_edit"),
]
