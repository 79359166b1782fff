from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles, unit-scoped grants, login policy and 三员 separation."""

    name = "accounts"
    verbose_name = "账户与权限"

    def ready(self) -> None:
        from accounts.scoping import grants_of
        from core.permissions import register_grant_source

        register_grant_source(grants_of)
