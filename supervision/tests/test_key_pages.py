"""The key list page: marking and unmarking 重点部门 from one form, editing and deleting 关键岗位,
search and paging — for the clerk, the read-only leader and outsiders."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.choices import AuditAction
from audit.models import AuditEvent
from supervision import services
from supervision.models import KeyPost, KeyUnit
from supervision.tests.base import SupervisionTestCase

LIST_URL = reverse("supervision:key_list")
MARK_URL = reverse("supervision:key_unit_mark")


class KeyUnitPageTests(SupervisionTestCase):
    def test_it_marks_a_unit_from_the_list_page_form(self) -> None:
        client = self.client_for(self.clerk_a)
        page = client.get(LIST_URL).content.decode()
        assert f'action="{MARK_URL}"' in page
        assert "暂无重点部门" in page
        empty = client.post(MARK_URL, {"unit": "", "reason": ""})
        assert empty.status_code == 200
        assert empty.content.decode().count("这个字段是必填项。") == 2
        outside = client.post(MARK_URL, {"unit": "TB00", "reason": "power"})
        unknown = client.post(MARK_URL, {"unit": "ZZ99", "reason": "power"})
        for refused in (outside, unknown):  # another's unit and no unit answer alike
            assert "找不到该单位，或您无权将其标记为重点部门" in refused.content.decode()
        assert not KeyUnit.objects.exists()
        response = client.post(MARK_URL, {"unit": "TA00", "reason": "both", "note": "财政资金集中"})
        assert response.status_code == 302
        key_unit = KeyUnit.objects.get()
        assert (key_unit.unit, key_unit.reason, key_unit.marked_by) == (
            self.units["a"],
            "both",
            self.clerk_a,
        )
        page = client.get(LIST_URL).content.decode()
        assert "已将“甲镇”标记为重点部门" in page
        assert "权力集中、资源富集" in page
        assert "财政资金集中" in page
        again = client.post(MARK_URL, {"unit": "TA00", "reason": "power"})
        assert "“甲镇”已是重点部门" in again.content.decode()

    def test_it_unmarks_a_unit_after_confirmation(self) -> None:
        key_unit = services.key_unit_mark(
            acting_user=self.clerk, unit=self.units["a"], reason="power"
        )
        url = reverse("supervision:key_unit_unmark", args=[key_unit.pk])
        page = self.client_for(self.clerk).get(LIST_URL).content.decode()
        assert 'data-confirm="确定取消“甲镇”的重点部门标记？"' in page
        for user in (self.leader, self.clerk_b, self.outsider_b):
            assert self.client_for(user).post(url).status_code == 404
        assert KeyUnit.objects.exists()
        client = self.client_for(self.clerk)
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 302
        assert not KeyUnit.objects.exists()
        assert AuditEvent.objects.filter(
            action=AuditAction.DELETE, object_type="supervision.KeyUnit"
        ).exists()
        assert "已取消“甲镇”的重点部门标记" in client.get(LIST_URL).content.decode()

    def test_it_gives_the_leader_the_list_without_forms_or_buttons(self) -> None:
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["a"], reason="power")
        services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="财政所所长")
        page = self.client_for(self.leader).get(LIST_URL).content.decode()
        assert "财政所所长" in page
        assert "权力集中" in page
        assert f'action="{MARK_URL}"' not in page
        assert "取消标记" not in page
        assert "修改</a>" not in page
        assert (
            self.client_for(self.leader)
            .post(MARK_URL, {"unit": "TA00", "reason": "power"})
            .status_code
            == 404
        )


class KeyPostPageTests(SupervisionTestCase):
    def setUp(self) -> None:
        self.post = services.key_post_add(
            acting_user=self.clerk, unit=self.units["a"], title="财政所所长"
        )
        self.edit = reverse("supervision:key_post_edit", args=[self.post.pk])
        self.delete = reverse("supervision:key_post_delete", args=[self.post.pk])

    def test_it_edits_a_key_post_with_errors_by_field(self) -> None:
        client = self.client_for(self.clerk_a)
        assert f'href="{self.edit}"' in client.get(LIST_URL).content.decode()
        form = client.get(self.edit).content.decode()
        assert "修改关键岗位：甲镇 财政所所长" in form
        assert 'value="财政所所长"' in form
        bad = client.post(self.edit, {"title": "", "match": "exact", "rotation_years": 0})
        assert bad.status_code == 200
        text = bad.content.decode()
        assert "这个字段是必填项。" in text
        assert "确保该值大于或等于1。" in text
        services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="国土所所长")
        clash = client.post(
            self.edit, {"title": "国土所所长", "match": "exact", "rotation_years": 5}
        )
        assert "“甲镇”已有关键岗位“国土所所长”" in clash.content.decode()
        data = {"title": "所长", "match": "keyword", "rotation_years": 3, "note": "各所所长"}
        response = client.post(self.edit, data)
        assert response.status_code == 302
        post = KeyPost.objects.get(pk=self.post.pk)
        assert (post.title, post.match, post.rotation_years, post.note) == (
            "所长",
            "keyword",
            3,
            "各所所长",
        )
        assert "已保存关键岗位“所长”" in client.get(LIST_URL).content.decode()

    def test_it_deletes_a_key_post_after_confirmation(self) -> None:
        page = self.client_for(self.clerk).get(LIST_URL).content.decode()
        assert 'data-confirm="确定删除关键岗位“甲镇 财政所所长”？"' in page
        client = self.client_for(self.clerk)
        assert client.get(self.delete).status_code == 405
        assert client.post(self.delete).status_code == 302
        assert not KeyPost.objects.exists()
        assert "已删除关键岗位“甲镇 财政所所长”" in client.get(LIST_URL).content.decode()

    def test_it_refuses_the_leader_and_outsiders(self) -> None:
        data = {"title": "探测", "match": "exact", "rotation_years": 5}
        for user in (self.leader, self.clerk_b, self.outsider_b, self.liaison_a):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                assert client.get(self.edit).status_code == 404
                assert client.post(self.edit, data).status_code == 404
                assert client.post(self.delete).status_code == 404
        assert KeyPost.objects.get(pk=self.post.pk).title == "财政所所长"
        assert "财政所所长" not in self.client_for(self.clerk_b).get(LIST_URL).content.decode()


class KeyListTests(SupervisionTestCase):
    def test_it_searches_and_pages_the_key_posts(self) -> None:
        for i in range(23):
            services.key_post_add(
                acting_user=self.clerk, unit=self.units["a"], title=f"岗位{i:02d}"
            )
        services.key_post_add(acting_user=self.clerk, unit=self.units["b"], title="乙镇财政所所长")
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["b"], reason="resources")
        client = self.client_for(self.clerk)
        first = client.get(LIST_URL).content.decode()
        assert first.count('data-testid="key-post"') == 20
        assert "共 24 条，第 1/2 页" in first
        second = client.get(LIST_URL + "?page=2").content.decode()
        assert second.count('data-testid="key-post"') == 4
        found = client.get(LIST_URL + "?q=乙镇").content.decode()
        assert found.count('data-testid="key-post"') == 1
        assert found.count('data-testid="key-unit"') == 1
        assert "乙镇财政所所长" in found
        nothing = client.get(LIST_URL + "?q=不存在").content.decode()
        assert "没有符合“不存在”的关键岗位" in nothing
        assert "没有符合“不存在”的重点部门" in nothing

    def test_it_reads_the_list_in_the_same_queries_for_more_rows(self) -> None:
        client = self.client_for(self.clerk)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(LIST_URL).status_code == 200
            return len(ctx.captured_queries)

        services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="岗位")
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["a"], reason="power")
        count()  # the first request also reads per-process caches
        few = count()
        for i in range(6):
            services.key_post_add(acting_user=self.clerk, unit=self.units["b"], title=f"岗位{i}")
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["b"], reason="power")
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["dept"], reason="power")
        assert count() == few
