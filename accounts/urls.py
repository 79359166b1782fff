from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/totp/", views.totp_view, name="totp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail_view, name="user_detail"),
    path("users/<int:pk>/<str:verb>/", views.user_action_view, name="user_action"),
    path("grants/", views.grant_list_view, name="grant_list"),
    path("grants/<int:pk>/remove/", views.grant_remove_view, name="grant_remove"),
    path("handover/", views.handover_view, name="handover"),
    path("handover/resets/<int:pk>/confirm/", views.reset_confirm_view, name="reset_confirm"),
    path("handover/totp/<int:pk>/code/", views.totp_code_issue_view, name="totp_code_issue"),
    path("options/units/", views.unit_options_view, name="unit_options"),
    path("options/users/", views.user_options_view, name="user_options"),
    path("tokens/", views.token_list_view, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
