from django.urls import path

from orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree_view, name="tree"),
    path("list/", views.list_view, name="list"),
    path("search/", views.search_view, name="search"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template_view, name="import_template"),
    path("import/<str:token>/", views.import_preview_view, name="import_preview"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/children/", views.children_view, name="children"),
    path("<int:parent_pk>/new/", views.create_view, name="create"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/move/", views.move_view, name="move"),
    path("<int:pk>/deactivate/", views.deactivate_view, name="deactivate"),
    path("<int:pk>/quota/", views.quota_view, name="quota"),
]
