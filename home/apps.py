from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The dashboard and the 工作日历 page (reads every app's selectors)."""

    name = "home"
    verbose_name = "首页"
