from django.apps import AppConfig


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "预警"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from alerts import rules, signals  # noqa: F401  (the rule catalogue; path upkeep)
        from alerts.extensions import alert_badges, alert_counts, alert_panel, alert_unit_notes
        from alerts.registry import install_catalogue
        from cadres import extensions

        extensions.register_badges(alert_badges)
        extensions.register_panel(alert_panel)
        extensions.register_flag_counter(alert_counts)
        extensions.register_unit_notes(alert_unit_notes)

        # New rules appear in the catalogue table after the next migrate; thresholds an
        # administrator changed are kept.
        post_migrate.connect(install_catalogue, sender=self)
