from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared kernel: code tables, 公民身份号码, crypto, calendar, base querysets."""

    name = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deploy checks)
