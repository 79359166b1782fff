"""restrict() with several grants: a user's subtrees are joined with OR, on every model and
page that scopes through it (issue 12, item 16: no test gave a user two scoped grants)."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import RoleGrant, User
from accounts.scoping import forget_grants
from accounts.services import system_user_create
from core.permissions import Role, scope_paths
from orgs.models import Unit
from zugong.testing import PASSWORD, PersonaTestCase

VIEW = "orgs.view"


class SeveralGrantsTests(PersonaTestCase):
    def user(self, username: str, *scopes: str, role: str = Role.LIAISON) -> User:
        return system_user_create(
            username=username,
            full_name=username,
            password=PASSWORD,
            roles=[(role, self.units[key]) for key in scopes],
            must_change_password=False,
        )

    def seen(self, user: User) -> set[str]:
        forget_grants(user)
        return set(Unit.objects.restrict(user, VIEW).values_list("name", flat=True))

    def test_two_disjoint_grants_see_both_subtrees(self):
        user = self.user("two_towns", "a", "b")
        assert self.seen(user) == {"甲镇", "甲村", "乙镇", "乙村"}

    def test_a_grant_inside_another_adds_nothing_and_is_folded_away(self):
        user = self.user("nested", "a", "a_village")
        assert self.seen(user) == {"甲镇", "甲村"}
        assert scope_paths(user, VIEW) == [self.units["a"].path]

    def test_three_grants_see_the_union(self):
        user = self.user("three", "a", "b_village", "dept")
        assert self.seen(user) == {"甲镇", "甲村", "乙村", "测试县委组织部"}
        assert "乙镇" not in self.seen(user)  # the parent of a granted unit is not granted

    def test_a_revoked_grant_takes_its_subtree_away_and_leaves_the_other(self):
        user = self.user("revoked", "a", "b")
        RoleGrant.objects.filter(user=user, unit=self.units["b"]).delete()
        assert self.seen(user) == {"甲镇", "甲村"}

    def test_only_the_grants_whose_role_carries_the_action_count(self):
        user = system_user_create(
            username="mixed",
            full_name="mixed",
            password=PASSWORD,
            roles=[(Role.LIAISON, self.units["a"]), (Role.CADRE_CLERK, self.units["b"])],
            must_change_password=False,
        )
        assert self.seen(user) == {"甲镇", "甲村", "乙镇", "乙村"}
        # Only the 干部科 grant carries the change action: 甲镇 is seen, not changed.
        changeable = Unit.objects.restrict(user, "orgs.change").values_list("name", flat=True)
        assert set(changeable) == {"乙镇", "乙村"}

    def test_pages_follow_the_union_and_answer_404_outside_it(self):
        client = self.client_for(self.user("pages", "a", "b_village"))
        detail = lambda key: reverse("orgs:detail", args=[self.units[key].pk])  # noqa: E731
        assert client.get(detail("a_village")).status_code == 200
        assert client.get(detail("b_village")).status_code == 200
        assert client.get(detail("b")).status_code == 404
        assert client.get(detail("dept")).status_code == 404
        listing = client.get(reverse("orgs:list")).content.decode()
        assert "甲村" in listing
        assert "乙村" in listing
        assert "测试县委组织部" not in listing
