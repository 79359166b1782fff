"""The dashboard: real figures for the user's scope; 三员 see their own figures only."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from orgs import services
from zugong.testing import PersonaTestCase

NO_GRANT = "您的账户尚未被授予任何角色。请联系安全管理员授权；授权后刷新页面即可使用。"


def figure(body: str, label: str) -> int:
    """The number shown under ``label`` on a figure card."""
    match = re.search(
        rf'<div class="text-muted small">{re.escape(label)}</div><div class="zg-figure"[^>]*>'
        r"\s*(\d+)\s*</div>",
        body,
    )
    assert match, f"no figure {label!r}"
    return int(match.group(1))


def chart_data(body: str, element_id: str) -> list[dict]:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', body, re.S
    )
    assert match, f"no chart data {element_id!r}"
    return json.loads(match.group(1))


class DashboardTests(PersonaTestCase):
    def page(self, user) -> str:
        response = self.client_for(user).get(reverse("home:dashboard"))
        assert response.status_code == 200
        return response.content.decode()

    def test_it_shows_the_clerk_the_figures_of_the_whole_tree(self):
        services.quota_set(acting_user=self.clerk, unit=self.units["a"], rank_level="141", quota=2)
        services.quota_set(acting_user=self.clerk, unit=self.units["b"], rank_level="142", quota=3)
        body = self.page(self.clerk)
        assert figure(body, "单位总数") == 6
        assert figure(body, "乡镇（街道）") == 2
        assert figure(body, "村（社区）") == 2
        assert figure(body, "核定领导职数") == 5

    def test_it_shows_a_liaison_only_their_township(self):
        services.quota_set(acting_user=self.clerk, unit=self.units["b"], rank_level="142", quota=3)
        body = self.page(self.liaison_a)
        assert figure(body, "单位总数") == 2
        assert figure(body, "乡镇（街道）") == 1
        assert figure(body, "村（社区）") == 1
        assert figure(body, "核定领导职数") == 0
        kinds = {row["name"]: row["value"] for row in chart_data(body, "chart-kind")}
        assert kinds == {"乡镇": 1, "村": 1}

    def test_it_counts_what_changes(self):
        services.unit_deactivate(acting_user=self.clerk, unit=self.units["b_village"])
        body = self.page(self.clerk)
        assert figure(body, "单位总数") == 5
        assert figure(body, "村（社区）") == 1

    def test_it_embeds_chart_data_blocks(self):
        body = self.page(self.clerk)
        kinds = {row["name"]: row["value"] for row in chart_data(body, "chart-kind")}
        assert kinds == {"党委": 1, "党委工作部门": 1, "乡镇": 2, "村": 2}
        levels = {row["name"]: row["value"] for row in chart_data(body, "chart-level")}
        assert levels == {"县处级": 1, "乡科级": 3, "不定级": 2}
        assert 'data-chart="chart-kind"' in body
        assert 'data-chart="chart-level"' in body
        assert "/static/vendor/echarts/echarts.min.js" in body

    def test_it_shows_the_system_administrator_accounts_only(self):
        body = self.page(self.sysadmin)
        assert figure(body, "用户总数") == 9
        assert figure(body, "正常") == 9
        assert figure(body, "待修改密码") == 0
        assert "单位总数" not in body
        assert "chart-kind" not in body
        assert "近 24 小时审计事件" not in body

    def test_it_shows_the_security_administrator_grants_only(self):
        body = self.page(self.secadmin)
        grants = {row["name"]: row["value"] for row in chart_data(body, "chart-grants")}
        assert grants["单位联络员"] == 2
        assert grants["干部科"] == 1
        assert "单位总数" not in body
        assert "用户总数" not in body

    def test_it_shows_the_auditor_the_audit_activity_only(self):
        body = self.page(self.auditor)
        assert figure(body, "近 24 小时审计事件") > 0
        assert figure(body, "登录失败") == 0
        assert "单位总数" not in body
        assert "用户总数" not in body
        assert "测试县委" not in body

    def test_it_explains_what_to_do_without_a_grant(self):
        body = self.page(self.nobody)
        assert NO_GRANT in body
        assert "单位总数" not in body

    def test_it_does_not_explain_to_users_with_a_grant(self):
        assert NO_GRANT not in self.page(self.leader)
        assert NO_GRANT not in self.page(self.auditor)

    def test_it_sends_anonymous_users_to_the_login_page(self):
        response = self.client.get(reverse("home:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
