"""Keeps ``Alert.unit_path`` (the scope an alert is seen in) in step with moves of units and
cadres, so an alert never stays visible in the scope its subject left; computes the alerts of
a subtree right after cadres were imported into it."""

from __future__ import annotations

from typing import Any

from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.dispatch import receiver

from alerts.choices import Subject
from cadres.signals import cadre_moved, cadres_imported
from orgs.signals import unit_moved


@receiver(unit_moved)
def rewrite_alert_paths(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    from alerts.models import Alert

    Alert.objects.filter(unit_path__startswith=old_path).update(
        unit_path=Concat(
            Value(new_path), Substr("unit_path", len(old_path) + 1, Length("unit_path"))
        )
    )


@receiver(cadre_moved)
def move_cadre_alerts(sender: Any, *, cadre_id: int, new_path: str, **kwargs: Any) -> None:
    from alerts.models import Alert

    Alert.objects.filter(subject=Subject.CADRE, subject_id=cadre_id).update(unit_path=new_path)


@receiver(cadres_imported)
def compute_after_import(sender: Any, *, unit_path: str, **kwargs: Any) -> None:
    from alerts.services import alerts_compute_after_import

    alerts_compute_after_import(unit_path=unit_path)
