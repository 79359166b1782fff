"""安全管理员 grants: business roles on a unit subtree, 三员 exclusive, effect at next page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.models import RoleGrant
from accounts.services import grant_add
from audit.choices import AuditAction
from core.permissions import Role
from zugong.testing import PersonaTestCase

from .utils import DASHBOARD_URL, events, last_seq, nav_labels

GRANTS_URL = "/accounts/grants/"


class GrantPageTests(PersonaTestCase):
    def grant_on_page(self, user, role: str, unit=None):
        data = {"user": user.username, "role": role, "unit": unit.code if unit else ""}
        return self.client_for(self.secadmin).post(GRANTS_URL, data)

    def assert_refused(self, response, message: str) -> None:
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_it_grants_a_business_role_on_a_unit(self):
        start = last_seq()
        response = self.grant_on_page(self.nobody, Role.LIAISON, self.units["a"])
        assert response.status_code == 302
        grant = RoleGrant.objects.get(user=self.nobody)
        assert (grant.role, grant.unit, grant.granted_by) == (
            Role.LIAISON,
            self.units["a"],
            self.secadmin,
        )
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.GRANT
        assert event.actor_id == self.secadmin.pk
        assert event.changes == {"after": {"user": "nobody", "role": "liaison", "unit": "甲镇"}}

    def test_it_lists_the_grants(self):
        response = self.client_for(self.secadmin).get(GRANTS_URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert "liaison_a" in body
        assert "甲镇" in body

    def test_it_refuses_a_second_三员_role_for_a_三员(self):
        response = self.grant_on_page(self.sysadmin, Role.AUDITOR)
        self.assert_refused(response, "三员（系统、安全、审计管理员）不能与其他任何角色兼任")
        assert set(RoleGrant.objects.filter(user=self.sysadmin).values_list("role", flat=True)) == {
            Role.SYSADMIN
        }

    def test_it_refuses_a_三员_role_for_a_business_user(self):
        response = self.grant_on_page(self.clerk, Role.SYSADMIN)
        self.assert_refused(response, "三员（系统、安全、审计管理员）不能与其他任何角色兼任")
        assert not RoleGrant.objects.filter(user=self.clerk, role=Role.SYSADMIN).exists()

    def test_it_refuses_a_business_role_for_a_三员(self):
        response = self.grant_on_page(self.auditor, Role.LEADER, self.units["root"])
        self.assert_refused(response, "该用户是三员账户，不能再授予业务角色")
        assert RoleGrant.objects.filter(user=self.auditor).count() == 1

    def test_it_refuses_a_三员_role_with_a_unit(self):
        response = self.grant_on_page(self.nobody, Role.AUDITOR, self.units["a"])
        self.assert_refused(response, "三员角色不限定单位范围")
        assert not RoleGrant.objects.filter(user=self.nobody).exists()

    def test_it_refuses_a_business_role_without_a_unit(self):
        response = self.grant_on_page(self.nobody, Role.LIAISON)
        self.assert_refused(response, "业务角色须选择授权范围（单位）")
        assert not RoleGrant.objects.filter(user=self.nobody).exists()

    def test_it_grants_a_三员_role_to_an_account_without_roles(self):
        response = self.grant_on_page(self.nobody, Role.AUDITOR)
        assert response.status_code == 302
        assert RoleGrant.objects.get(user=self.nobody).unit is None

    def test_it_refuses_a_grant_to_oneself(self):
        start = last_seq()
        response = self.grant_on_page(self.secadmin, Role.SECADMIN)
        self.assert_refused(response, "不能给自己授权")
        assert RoleGrant.objects.filter(user=self.secadmin).count() == 1
        assert events(seq__gt=start) == []

    def test_it_refuses_a_grant_to_oneself_in_the_service(self):
        with pytest.raises(ValidationError) as info:
            grant_add(acting_user=self.secadmin, user=self.secadmin, role=Role.SECADMIN)
        assert "不能给自己授权" in info.value.messages

    def test_it_refuses_a_duplicate_grant(self):
        response = self.grant_on_page(self.liaison_a, Role.LIAISON, self.units["a"])
        self.assert_refused(response, "该授权已存在")
        assert RoleGrant.objects.filter(user=self.liaison_a).count() == 1

    def test_it_revokes_a_grant_and_audits_it(self):
        grant = RoleGrant.objects.get(user=self.liaison_a)
        start = last_seq()
        response = self.client_for(self.secadmin).post(f"{GRANTS_URL}{grant.pk}/remove/")
        assert response.status_code == 302
        assert not RoleGrant.objects.filter(pk=grant.pk).exists()
        [event] = events(seq__gt=start)
        assert event.action == AuditAction.REVOKE
        assert event.actor_id == self.secadmin.pk
        assert event.changes == {"before": {"user": "liaison_a", "role": "liaison", "unit": "甲镇"}}


class GrantTakesEffectTests(PersonaTestCase):
    def test_it_changes_the_navigation_at_the_next_page_load_after_a_grant(self):
        user_client = self.client_for(self.nobody)
        before = user_client.get(DASHBOARD_URL)
        assert "单位树" not in nav_labels(before)
        assert user_client.get("/orgs/").status_code == 404
        self.client_for(self.secadmin).post(
            GRANTS_URL,
            {"user": self.nobody.username, "role": Role.LIAISON, "unit": self.units["a"].code},
        )
        after = user_client.get(DASHBOARD_URL)
        assert nav_labels(after) == [
            "首页",
            "工作日历",
            "单位树",
            "单位名册",
            "干部名册",
            "预警中心",
        ]
        assert user_client.get("/orgs/").status_code == 200

    def test_it_changes_the_clerks_navigation_at_the_next_page_load_after_a_revocation(self):
        clerk_client = self.client_for(self.clerk)
        assert nav_labels(clerk_client.get(DASHBOARD_URL)) == [
            "首页",
            "工作日历",
            "单位树",
            "单位名册",
            "干部名册",
            "新增干部",
            "Excel 导入",
            "LRMX 导入",
            "预警中心",
            "干部库",
            "培养项目",
            "选拔任用",
            "个人有关事项",
            "重点部门和关键岗位",
        ]
        grant = RoleGrant.objects.get(user=self.clerk)
        self.client_for(self.secadmin).post(f"{GRANTS_URL}{grant.pk}/remove/")
        response = clerk_client.get(DASHBOARD_URL)
        assert nav_labels(response) == ["首页", "工作日历"]
        assert "尚未被授予任何角色" in response.content.decode()
        assert clerk_client.get("/orgs/list/").status_code == 404
        data = {"user": self.clerk.username, "role": Role.CADRE_CLERK, "unit": self.units["a"].code}
        self.client_for(self.secadmin).post(GRANTS_URL, data)
        assert nav_labels(clerk_client.get(DASHBOARD_URL)) == [
            "首页",
            "工作日历",
            "单位树",
            "单位名册",
            "干部名册",
            "新增干部",
            "Excel 导入",
            "LRMX 导入",
            "预警中心",
            "干部库",
            "培养项目",
            "选拔任用",
            "个人有关事项",
            "重点部门和关键岗位",
        ]
        assert clerk_client.get(f"/orgs/{self.units['b'].pk}/").status_code == 404
        assert clerk_client.get(f"/orgs/{self.units['a'].pk}/").status_code == 200


class GrantAccessTests(PersonaTestCase):
    def test_it_gives_every_non_secadmin_persona_404_on_the_grant_pages(self):
        grant = RoleGrant.objects.get(user=self.liaison_a)
        start = last_seq()
        others = ("sysadmin", "auditor", "clerk", "org_clerk", "liaison_a", "outsider_b")
        for name in (*others, "leader", "nobody"):
            client = self.client_for(getattr(self, name))
            assert client.get(GRANTS_URL).status_code == 404, name
            response = client.post(
                GRANTS_URL, {"user": self.nobody.username, "role": Role.LEADER, "unit": ""}
            )
            assert response.status_code == 404, name
            assert client.post(f"{GRANTS_URL}{grant.pk}/remove/").status_code == 404, name
        assert RoleGrant.objects.filter(pk=grant.pk).exists()
        assert not RoleGrant.objects.filter(user=self.nobody).exists()
        assert events(seq__gt=start) == []
