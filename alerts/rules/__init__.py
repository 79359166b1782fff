"""The rule computations, one module per family; importing this registers them all."""

from alerts.rules import people, teams, tenure  # noqa: F401
