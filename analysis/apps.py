from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analysis"
    verbose_name = "班子结构分析"

    def ready(self) -> None:
        from analysis.links import team_links
        from orgs.extensions import register_unit_links

        register_unit_links(team_links)
