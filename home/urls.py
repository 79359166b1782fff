from django.urls import path

from home import views

app_name = "home"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("calendar/", views.calendar_view, name="calendar"),
]
