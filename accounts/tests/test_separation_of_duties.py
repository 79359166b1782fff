"""三员分立: the three administrators see no personnel or unit data, only their own page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.services import system_user_create
from core.permissions import Role
from zugong.testing import PersonaTestCase

from .utils import DASHBOARD_URL, nav_labels

THREE = ("sysadmin", "secadmin", "auditor")
OWN_NAV = {
    "sysadmin": ["首页", "工作日历", "用户管理", "预警规则", "政治素质指标"],
    "secadmin": ["首页", "工作日历", "角色授权", "账户交接"],
    "auditor": ["首页", "工作日历", "审计日志", "审计链校验"],
}


class SeparationOfDutiesTests(PersonaTestCase):
    def test_it_hides_every_unit_page_from_the_three_administrators(self):
        a = self.units["a"].pk
        for name in THREE:
            client = self.client_for(getattr(self, name))
            for url in ("/orgs/", "/orgs/list/", f"/orgs/{a}/", "/orgs/list/?export=xlsx"):
                assert client.get(url).status_code == 404, (name, url)

    def test_it_returns_no_unit_through_the_api_to_the_three_administrators(self):
        a = self.units["a"].pk
        for name in THREE:
            client = self.client_for(getattr(self, name))
            listing = client.get("/api/v1/units")
            assert listing.status_code == 200, name
            assert listing.json()["items"] == [], name
            assert listing.json()["count"] == 0, name
            assert client.get(f"/api/v1/units/{a}").status_code == 404, name

    def test_it_shows_the_units_to_a_business_role_for_comparison(self):
        client = self.client_for(self.clerk)
        assert client.get(f"/orgs/{self.units['a'].pk}/").status_code == 200
        assert client.get("/api/v1/units").json()["count"] == 6

    def test_it_shows_each_administrator_only_their_own_navigation(self):
        for name, expected in OWN_NAV.items():
            response = self.client_for(getattr(self, name)).get(DASHBOARD_URL)
            assert response.status_code == 200
            assert nav_labels(response) == expected, name

    def test_it_keeps_the_three_administrators_out_of_each_others_pages(self):
        pages = {
            "sysadmin": "/accounts/users/",
            "secadmin": "/accounts/grants/",
            "auditor": "/audit/",
        }
        for name in THREE:
            client = self.client_for(getattr(self, name))
            for owner, url in pages.items():
                expected = 200 if owner == name else 404
                assert client.get(url).status_code == expected, (name, url)

    def test_it_refuses_to_create_an_account_holding_two_administrator_roles(self):
        with pytest.raises(ValidationError) as info:
            system_user_create(
                username="superman",
                full_name="超人",
                password=None,
                roles=[(Role.SYSADMIN, None), (Role.AUDITOR, None)],
            )
        assert "三员（系统、安全、审计管理员）不能与其他任何角色兼任" in info.value.messages
