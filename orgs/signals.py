"""Signals other apps listen to; orgs sits below them and must not import them."""

from django.dispatch import Signal

# Sent inside unit_move's transaction after the subtree's paths were rewritten, with
# ``old_path`` and ``new_path`` (keyword arguments): apps that copy unit paths rewrite theirs.
unit_moved = Signal()
