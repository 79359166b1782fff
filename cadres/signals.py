"""Keeps ``Cadre.unit_path`` (a copy of the unit's path, for indexed scoping) in step."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Length, Substr
from django.dispatch import Signal, receiver

from orgs.signals import unit_moved

# Sent inside cadre_transfer's transaction with ``cadre_id`` and ``new_path`` (keyword
# arguments): apps above cadres that copy a cadre's unit path for scoping rewrite theirs.
cadre_moved = Signal()
# Sent after an import's transaction commits, with ``unit_path`` (the unit imported into):
# apps that derive data from cadres (the alerts) bring theirs up to date for that subtree.
cadres_imported = Signal()


def announce_import(unit: Any) -> None:
    """Send ``cadres_imported`` for ``unit`` once the caller's transaction commits."""
    path = unit.path
    transaction.on_commit(lambda: cadres_imported.send(sender=None, unit_path=path))


@receiver(unit_moved)
def rewrite_cadre_paths(sender: Any, *, old_path: str, new_path: str, **kwargs: Any) -> None:
    from cadres.models import Cadre

    Cadre.objects.filter(unit_path__startswith=old_path).update(
        unit_path=Concat(
            Value(new_path), Substr("unit_path", len(old_path) + 1, Length("unit_path"))
        )
    )
