from django.urls import path

from analysis import views

app_name = "analysis"

# Mounted under /cadres/ (zugong/urls.py): the pages kept their addresses when they moved here.
urlpatterns = [
    path("team/<int:unit_id>/", views.team_view, name="team"),
    path("structure/<int:unit_id>/", views.structure_view, name="structure"),
]
