from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Top layer: the dashboard and the demo-data generator (reads every app's selectors)."""

    name = "home"
    verbose_name = "首页"
