from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """The unit tree (单位) and leadership-post quotas (职数)."""

    name = "orgs"
    verbose_name = "单位"

    def ready(self) -> None:
        from orgs import import_kinds

        import_kinds.register()  # the unit-tree import (core/importing)
