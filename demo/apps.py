from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Top layer: the demo-data generator and ``seed_demo`` (docs/demo.md); builds the data of
    every app, and no app imports it."""

    name = "demo"
    verbose_name = "演示数据"
