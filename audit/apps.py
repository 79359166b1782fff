from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only, HMAC-chained log of changes and sensitive reads."""

    name = "audit"
    verbose_name = "审计"
