from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles, unit-scoped grants, login policy and 三员 separation."""

    name = "accounts"
    verbose_name = "账户与权限"
