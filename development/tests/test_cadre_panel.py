"""The cadre page's 培养锻炼 panel: the cadre's assignments and the pools they are in now, for
users who may see them, in one query whatever their number."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cadres import extensions
from cadres.models import Cadre
from development import services
from development.choices import PoolKind, ProgrammeKind
from development.extensions import development_panel
from development.tests.test_programme_services import ProgrammeTestCase

PANEL = 'id="cadre-development"'


def queries_without_panel(client: Client, url: str) -> CaptureQueriesContext:
    """The queries of ``url`` with every cadre-page panel but this one registered."""
    others = [p for p in extensions._panels if p is not development_panel]
    with (
        mock.patch.object(extensions, "_panels", others),
        CaptureQueriesContext(connection) as queries,
    ):
        client.get(url)
    return queries


class CadrePanelTests(ProgrammeTestCase):
    def setUp(self) -> None:
        self.zs = self.person("张三")

    def page(self, user: User, cadre: Cadre | None = None) -> str:
        response = self.client_for(user).get(reverse("cadres:detail", args=[(cadre or self.zs).pk]))
        assert response.status_code == 200
        return response.content.decode()

    def test_it_shows_the_assignments_and_the_pools_the_cadre_is_in(self) -> None:
        secondment = self.programme()
        ended = self.run_through(self.assign(secondment, self.zs), dt.date(2025, 2, 20))
        town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        planned = self.assign(
            town,
            self.zs,
            host_name="",
            host_unit=self.units["a_village"],
            post_title="村党支部第一书记",
            mentor_name="",
            start_date=dt.date(2025, 4, 1),
            end_date=dt.date(2025, 10, 1),
        )
        young = self.pool(criteria={})
        entry = self.enter(young, self.zs)
        left = self.pool("专业化干部库", criteria={}, kind=PoolKind.SPECIALIST)
        services.pool_entry_exit(
            acting_user=self.clerk, entry=self.enter(left, self.zs), reason="已提拔"
        )

        body = self.page(self.clerk)
        assert PANEL in body
        assert "培养安排 2 项 · 在库 1 个" in body
        assert reverse("development:assignment_detail", args=[ended.pk]) in body
        assert reverse("development:assignment_detail", args=[planned.pk]) in body
        assert '2024年挂职锻炼</a> <span class="text-muted">挂职锻炼</span>' in body
        assert "临江县石桥镇" in body
        assert "党委副书记" in body
        assert "王建国" in body
        assert "2024.03.01—2025.02.20" in body
        assert "已结束" in body
        assert '甲镇墩苗</a> <span class="text-muted">年轻干部墩苗</span>' in body
        assert "甲村" in body
        assert "村党支部第一书记" in body
        assert "2025.04.01—2025.10.01（计划）" in body
        assert "计划中" in body
        # The newest assignment comes first.
        assert body.index("甲镇墩苗") < body.index("2024年挂职锻炼")
        assert reverse("development:entry_detail", args=[entry.pk]) in body
        entered = timezone.localtime(entry.entered_at)
        assert f"全县优秀年轻干部库（{entered:%Y.%m.%d} 入库）" in body
        # A pool the cadre has left is history, not a pool they are in.
        assert "专业化干部库" not in body

    def test_it_shows_no_panel_for_a_cadre_with_neither(self) -> None:
        other = self.person("李四")
        self.assign(self.programme(), other)
        body = self.page(self.clerk)
        assert PANEL not in body
        assert "培养锻炼" not in body

    def test_it_shows_only_what_the_viewer_may_see(self) -> None:
        self.assign(self.programme(), self.zs)
        self.enter(self.pool(criteria={}), self.zs)
        # The leader reads everything.
        leader = self.page(self.leader)
        assert "2024年挂职锻炼" in leader
        assert "全县优秀年轻干部库" in leader
        # A liaison of 甲镇 sees the cadre but holds neither programmes.view nor pools.view.
        assert PANEL not in self.page(self.liaison_a)
        # A clerk of 甲镇 sees the cadre, yet the county's programme and pool are outside
        # their scope (their pages give 404): the panel does not name them.
        assert PANEL not in self.page(self.clerk_a)
        town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        self.assign(town, self.zs, start_date=dt.date(2025, 4, 1), end_date=dt.date(2025, 9, 1))
        clerk_a = self.page(self.clerk_a)
        assert "培养安排 1 项" in clerk_a
        assert "甲镇墩苗" in clerk_a
        assert "2024年挂职锻炼" not in clerk_a
        assert "全县优秀年轻干部库" not in clerk_a

    def test_it_costs_one_query_whatever_the_number_of_assignments_and_pools(self) -> None:
        client = self.client_for(self.clerk)
        url = reverse("cadres:detail", args=[self.zs.pk])
        client.get(url)  # warm the caches (code names, indicators) the page reads once
        without_panel = queries_without_panel(client, url)
        with CaptureQueriesContext(connection) as empty:
            client.get(url)
        secondment = self.programme()
        for i in range(4):
            start = dt.date(2024, 2 + 2 * i, 1)
            self.assign(secondment, self.zs, start_date=start, end_date=start.replace(day=20))
        for i in range(3):
            self.enter(self.pool(f"干部库{i}", criteria={}), self.zs)
        with CaptureQueriesContext(connection) as full:
            body = client.get(url).content.decode()
        assert "培养安排 4 项 · 在库 3 个" in body
        assert len(empty) == len(without_panel) + 1
        assert len(full) == len(empty)
        # The bench holds the cadre page to 16 queries (bench/cadres.py cadre_page_queries):
        # 12 for the page, up to 4 to record the 查看 event (in a test its atomic block is a
        # savepoint pair around the head and the insert).
        assert len(full) <= 17, [q["sql"][:80] for q in full.captured_queries]

    def test_it_costs_no_query_for_a_viewer_without_either_right(self) -> None:
        client = self.client_for(self.liaison_a)
        url = reverse("cadres:detail", args=[self.zs.pk])
        client.get(url)
        without_panel = queries_without_panel(client, url)
        with CaptureQueriesContext(connection) as with_panel:
            client.get(url)
        assert len(with_panel) == len(without_panel)
