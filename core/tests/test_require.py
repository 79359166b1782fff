"""require(user, action, obj): the one scope check of every write (issue 13, item 2). It reads
the same ``scope_path_field`` as ``restrict`` and answers a forbidden object like a missing one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from core.models import Code
from core.permissions import Action, can, require, scope_path_of
from orgs.models import PostQuota
from zugong.testing import PersonaTestCase


class RequireTests(PersonaTestCase):
    def test_it_follows_the_models_scope_path_field_on_the_instance(self):
        unit = self.units["a_village"]
        assert scope_path_of(unit) == unit.path  # "path"
        assert scope_path_of(PostQuota(unit=unit)) == unit.path  # "unit__path"

    def test_it_lets_a_user_act_inside_the_scope(self):
        village = self.units["a_village"]
        assert can(self.liaison_a, Action.GRASSROOTS_CHANGE, village)
        require(self.liaison_a, Action.GRASSROOTS_CHANGE, village)  # raises nothing
        require(self.clerk, Action.ORGS_CHANGE, PostQuota(unit=village))

    def test_it_refuses_a_unit_outside_the_scope_as_if_it_were_missing(self):
        with pytest.raises(PermissionDenied, match=r"^单位不存在或无权操作$"):
            require(self.outsider_b, Action.GRASSROOTS_CHANGE, self.units["a_village"])
        assert not can(self.outsider_b, Action.GRASSROOTS_CHANGE, self.units["a_village"])

    def test_it_refuses_an_action_the_users_grant_does_not_carry(self):
        # 单位联络员 may see the units of 甲镇 but not change them.
        with pytest.raises(PermissionDenied, match=r"^职数不存在或无权操作$"):
            require(self.liaison_a, Action.ORGS_CHANGE, PostQuota(unit=self.units["a"]))

    def test_it_raises_the_callers_error_with_the_callers_message(self):
        class Refused(Exception):
            pass

        with pytest.raises(Refused, match=r"^您无权向该单位导入干部信息$"):
            require(
                self.outsider_b,
                Action.CADRES_CHANGE,
                self.units["a"],
                message="您无权向该单位导入干部信息",
                error=Refused,
            )

    def test_it_refuses_a_model_that_names_no_unit_path(self):
        with pytest.raises(TypeError, match=r"^Code has no scope_path_field; it cannot be scoped$"):
            require(self.clerk, Action.ORGS_VIEW, Code(table="x", code="1", name="x"))
