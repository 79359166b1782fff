from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = "干部监督"

    def ready(self) -> None:
        from cadres.extensions import register_panel
        from supervision.extensions import conduct_panel

        register_panel(conduct_panel)
