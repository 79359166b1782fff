from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "development"
    verbose_name = "干部培养"

    def ready(self) -> None:
        from cadres.extensions import register_panel
        from development.extensions import development_panel

        register_panel(development_panel)
