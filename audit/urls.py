from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list_view, name="event_list"),
    path("verify/", views.verify_view, name="verify"),
]
