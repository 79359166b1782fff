from django.apps import AppConfig


class CadresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cadres"
    verbose_name = "干部信息"

    def ready(self) -> None:
        from cadres import (
            audit_hooks,
            signals,  # noqa: F401  (keeps cadre unit paths in step with unit moves)
        )

        audit_hooks.register()

        from cadres import import_kinds

        import_kinds.register()  # the Excel roster and LRMX imports (core/importing)
