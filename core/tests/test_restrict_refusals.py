"""restrict() refuses a model that names no unit path, instead of returning its whole table
(found by `make mutation`: no test reached that branch)."""

from __future__ import annotations

import pytest

from core.models import Code, RestrictedQuerySet


def test_it_refuses_to_scope_a_model_without_a_scope_path_field() -> None:
    # The check comes before any grant is read: the user does not matter.
    with pytest.raises(TypeError, match=r"^Code has no scope_path_field; it cannot be scoped$"):
        RestrictedQuerySet(model=Code).restrict(None, "orgs.view")
