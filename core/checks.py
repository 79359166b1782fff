"""Deploy checks: production must not run on the public development keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_keys(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse the dev-only keys and an SQLite database in production."""
    errors: list[Error] = []
    dev = {
        "ZUGONG_FIELD_KEYS": settings.DEV_FIELD_KEYS,
        "ZUGONG_LOOKUP_KEY": settings.DEV_LOOKUP_KEY,
        "ZUGONG_AUDIT_KEY": settings.DEV_AUDIT_KEY,
        "ZUGONG_SECRET_KEY": settings.DEV_SECRET_KEY,
    }
    actual = {
        "ZUGONG_FIELD_KEYS": settings.ZUGONG_FIELD_KEYS,
        "ZUGONG_LOOKUP_KEY": settings.ZUGONG_LOOKUP_KEY,
        "ZUGONG_AUDIT_KEY": settings.ZUGONG_AUDIT_KEY,
        "ZUGONG_SECRET_KEY": settings.SECRET_KEY,
    }
    for name, value in actual.items():
        if value == dev[name]:
            errors.append(Error(f"{name} is the public development key", id="zugong.E001"))
    if settings.ZUGONG_AUDIT_KEY == settings.ZUGONG_LOOKUP_KEY:
        errors.append(Error("audit and lookup keys must differ", id="zugong.E002"))
    return errors
