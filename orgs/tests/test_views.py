"""Unit pages: tree, list (filters, sort, paging, export), detail, forms, read-only leader."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.choices import AuditAction
from audit.models import AuditEvent
from core.permissions import Role
from orgs import services
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit
from orgs.views import SORT_COLUMNS
from zugong.testing import PersonaTestCase, make_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(response) -> str:
    return response.content.decode()


def xlsx_rows(response) -> list[tuple]:
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(book.active.iter_rows(values_only=True))


def listed(response) -> list[str]:
    return [u.name for u in response.context["page"].object_list]


class UnitPageTestCase(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.c = self.client_for(self.clerk)

    def add_units(self, count: int, parent_key: str = "dept", prefix: str = "科室") -> None:
        for i in range(count):
            services.unit_create(
                acting_user=self.clerk,
                parent=self.units[parent_key],
                name=f"{prefix}{i:02d}",
                code=f"X{parent_key}{i:03d}",
                kind=UnitKind.OTHER,
                level=UnitLevel.BELOW,
            )


class TreePageTests(UnitPageTestCase):
    def test_it_shows_the_roots_in_scope(self):
        body = text(self.c.get(reverse("orgs:tree")))
        assert "测试县委" in body
        assert reverse("orgs:children", args=[self.units["root"].pk]) in body

    def test_it_starts_a_liaison_at_their_township(self):
        response = self.client_for(self.liaison_a).get(reverse("orgs:tree"))
        assert [u.name for u in response.context["roots"]] == ["甲镇"]
        body = text(response)
        assert reverse("orgs:children", args=[self.units["a"].pk]) in body
        assert "乙镇" not in body
        assert reverse("orgs:children", args=[self.units["root"].pk]) not in body

    def test_it_hides_the_tree_from_users_without_orgs_view(self):
        # The security administrator holds no business grant (三员 read no unit data).
        response = self.client_for(self.secadmin).get(reverse("orgs:tree"))
        assert response.status_code == 404

    def test_it_finds_units_from_the_search_box(self):
        body = text(self.c.get(reverse("orgs:tree"), {"q": "yc"}))
        assert "“yc”的查找结果" in body
        assert "乙村" in body

    def test_it_loads_children_for_htmx(self):
        url = reverse("orgs:children", args=[self.units["root"].pk])
        response = self.c.get(url, headers={"HX-Request": "true"})
        body = text(response)
        assert "<html" not in body
        for name in ("测试县委组织部", "甲镇", "乙镇"):
            assert name in body
        assert "甲村" not in body
        assert "1 个下级" in body
        assert reverse("orgs:children", args=[self.units["a"].pk]) in body

    def test_it_explains_a_leaf(self):
        url = reverse("orgs:children", args=[self.units["a_village"].pk])
        assert "（无下级单位）" in text(self.c.get(url, headers={"HX-Request": "true"}))


class ListPageTests(UnitPageTestCase):
    def test_it_filters_by_name(self):
        assert listed(self.c.get(reverse("orgs:list"), {"q": "甲"})) == ["甲镇", "甲村"]

    def test_it_filters_by_pinyin_initials(self):
        response = self.c.get(reverse("orgs:list"), {"q": "jz"})
        assert listed(response) == ["甲镇"]
        assert "甲镇" in text(response)

    def test_it_filters_by_code(self):
        assert listed(self.c.get(reverse("orgs:list"), {"q": "tb01"})) == ["乙村"]

    def test_it_filters_by_kind_and_level(self):
        assert listed(self.c.get(reverse("orgs:list"), {"kind": UnitKind.VILLAGE})) == [
            "甲村",
            "乙村",
        ]
        assert listed(self.c.get(reverse("orgs:list"), {"level": UnitLevel.COUNTY})) == ["测试县委"]

    def test_it_hides_deactivated_units_unless_asked(self):
        services.unit_deactivate(acting_user=self.clerk, unit=self.units["b_village"])
        assert "乙村" not in listed(self.c.get(reverse("orgs:list")))
        response = self.c.get(reverse("orgs:list"), {"inactive": "1"})
        assert "乙村" in listed(response)
        assert "乙村（已撤销）" in text(response)

    def test_it_explains_an_empty_result(self):
        body = text(self.c.get(reverse("orgs:list"), {"q": "不存在的单位"}))
        assert "没有符合条件的单位" in body
        assert "共 0 条" in body

    def test_it_sorts_by_each_column(self):
        for key, field in SORT_COLUMNS.items():
            ascending = listed(self.c.get(reverse("orgs:list"), {"sort": key}))
            descending = listed(self.c.get(reverse("orgs:list"), {"sort": f"-{key}"}))
            expected = list(Unit.objects.order_by(field, "pk").values_list("name", flat=True))
            expected_desc = list(
                Unit.objects.order_by(f"-{field}", "pk").values_list("name", flat=True)
            )
            assert ascending == expected, key
            assert descending == expected_desc, key
            assert ascending != descending, key

    def test_it_marks_the_sorted_column_and_ignores_unknown_keys(self):
        body = text(self.c.get(reverse("orgs:list"), {"sort": "-name"}))
        assert "bi-sort-down" in body
        response = self.c.get(reverse("orgs:list"), {"sort": "password"})
        assert response.status_code == 200
        assert listed(response) == list(
            Unit.objects.order_by("path").values_list("name", flat=True)
        )

    def test_it_pages_with_a_total_count(self):
        self.add_units(25)
        first = self.c.get(reverse("orgs:list"))
        assert len(listed(first)) == 20
        assert "共 31 条，第 1/2 页" in text(first)
        second = self.c.get(reverse("orgs:list"), {"page": 2})
        assert len(listed(second)) == 11
        assert "第 2/2 页" in text(second)
        assert set(listed(first)).isdisjoint(listed(second))

    def test_it_offers_a_page_size_choice(self):
        self.add_units(25)
        response = self.c.get(reverse("orgs:list"), {"size": 50})
        assert len(listed(response)) == 31
        assert '<option value="50" selected>' in text(response)
        # A size that is not offered falls back to the default instead of failing.
        assert len(listed(self.c.get(reverse("orgs:list"), {"size": 7}))) == 20
        assert len(listed(self.c.get(reverse("orgs:list"), {"page": "x"}))) == 20

    def test_it_keeps_filters_in_sort_and_page_links(self):
        body = text(self.c.get(reverse("orgs:list"), {"q": "甲", "sort": "code"}))
        assert '<a href="?q=%E7%94%B2&sort=-code">' in body
        assert 'href="?q=%E7%94%B2&amp;sort=code&export=xlsx"' in body


class ExportTests(UnitPageTestCase):
    def test_it_exports_the_scope_to_xlsx(self):
        response = self.c.get(reverse("orgs:list"), {"export": "xlsx"})
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        rows = xlsx_rows(response)
        assert rows[0][:3] == ("单位名称", "简称", "单位代码")
        assert {r[0] for r in rows[1:]} == set(Unit.objects.values_list("name", flat=True))
        village = next(r for r in rows if r[0] == "甲村")
        assert village[2:6] == ("TA01", "村", "不定级", "甲镇")

    def test_it_limits_rows_to_the_exporters_scope(self):
        clerk_a = make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        rows = xlsx_rows(self.client_for(clerk_a).get(reverse("orgs:list"), {"export": "xlsx"}))
        assert sorted(r[0] for r in rows[1:]) == sorted(["甲镇", "甲村"])

    def test_it_applies_the_filters(self):
        rows = xlsx_rows(self.c.get(reverse("orgs:list"), {"export": "xlsx", "q": "乙"}))
        assert [r[0] for r in rows[1:]] == ["乙镇", "乙村"]

    def test_it_writes_a_sensitive_audit_event(self):
        before = AuditEvent.objects.count()
        xlsx_rows(self.c.get(reverse("orgs:list"), {"export": "xlsx"}))
        assert AuditEvent.objects.count() == before + 1
        event = AuditEvent.objects.order_by("-seq").first()
        assert event.action == AuditAction.EXPORT
        assert event.sensitive
        assert event.actor_username == "clerk"
        assert "6 条" in event.object_repr

    def test_it_refuses_users_without_the_export_right(self):
        before = AuditEvent.objects.count()
        for user in (self.leader, self.liaison_a):
            response = self.client_for(user).get(reverse("orgs:list"), {"export": "xlsx"})
            assert response.status_code == 404
        assert AuditEvent.objects.count() == before


class DetailPageTests(UnitPageTestCase):
    def test_it_shows_the_unit_with_breadcrumbs_children_and_quotas(self):
        services.quota_set(acting_user=self.clerk, unit=self.units["a"], rank_level="141", quota=2)
        body = text(self.c.get(reverse("orgs:detail", args=[self.units["a"].pk])))
        assert '<h1 class="h4 mb-1">甲镇</h1>' in body
        assert "TA00" in body
        assert reverse("orgs:detail", args=[self.units["root"].pk]) in body
        assert "甲村" in body
        assert "乡科级正职" in body
        assert reverse("orgs:edit", args=[self.units["a"].pk]) in body

    def test_it_shows_a_liaison_no_breadcrumb_above_their_scope(self):
        response = self.client_for(self.liaison_a).get(
            reverse("orgs:detail", args=[self.units["a_village"].pk])
        )
        assert [u.name for u in response.context["ancestors"]] == ["甲镇"]
        assert "测试县委" not in text(response)
        assert reverse("orgs:edit", args=[self.units["a_village"].pk]) not in text(response)

    def test_it_returns_404_for_a_missing_unit(self):
        assert self.c.get(reverse("orgs:detail", args=[999_999])).status_code == 404


class FormTests(UnitPageTestCase):
    def form_data(self, **overrides) -> dict:
        data = {
            "name": "县审计局",
            "short_name": "审计局",
            "code": "T300",
            "kind": UnitKind.GOV_DEPT,
            "level": UnitLevel.TOWNSHIP,
            "order": "3",
            "region_code": "130101",
        }
        data.update(overrides)
        return data

    def test_it_creates_a_unit(self):
        root = self.units["root"]
        response = self.c.post(reverse("orgs:create", args=[root.pk]), self.form_data())
        unit = Unit.objects.get(code="T300")
        assert response.status_code == 302
        assert response["Location"] == reverse("orgs:detail", args=[unit.pk])
        assert (unit.parent_id, unit.short_name, unit.order) == (root.pk, "审计局", 3)
        follow = self.c.get(response["Location"])
        assert "已新增单位“县审计局”" in text(follow)

    def test_it_shows_a_duplicate_code_next_to_the_field(self):
        url = reverse("orgs:create", args=[self.units["root"].pk])
        response = self.c.post(url, self.form_data(code="TA00"))
        assert response.status_code == 200
        assert response.context["form"].errors["code"] == ["单位代码 TA00 已被“甲镇”使用"]
        assert '<div class="invalid-feedback d-block">单位代码 TA00 已被“甲镇”使用</div>' in text(
            response
        )
        assert 'aria-invalid="true" aria-describedby="id_code_error" id="id_code"' in text(response)

    def test_it_shows_a_bad_region_code_next_to_the_field(self):
        url = reverse("orgs:create", args=[self.units["root"].pk])
        response = self.c.post(url, self.form_data(region_code="1301"))
        assert response.context["form"].errors["region_code"] == ["行政区划代码应为 6 位数字"]
        assert "行政区划代码应为 6 位数字" in text(response)
        assert not Unit.objects.filter(code="T300").exists()

    def test_it_shows_a_bad_unit_code_and_missing_name(self):
        url = reverse("orgs:create", args=[self.units["root"].pk])
        response = self.c.post(url, self.form_data(code="代码", name=""))
        errors = response.context["form"].errors
        assert errors["code"] == ["单位代码只能包含字母、数字和 _ . -"]
        assert errors["name"] == ["这个字段是必填项。"]

    def test_it_edits_a_unit(self):
        a = self.units["a"]
        url = reverse("orgs:edit", args=[a.pk])
        assert 'value="甲镇"' in text(self.c.get(url))
        response = self.c.post(url, self.form_data(name="甲镇党委", code="TA00", version="1"))
        assert response.status_code == 302
        a.refresh_from_db()
        assert (a.name, a.version) == ("甲镇党委", 2)

    def test_it_refuses_a_stale_edit_naming_who_changed_it(self):
        a = self.units["a"]
        services.unit_update(acting_user=self.org_clerk, unit=a, name="甲镇（改）")
        response = self.c.post(
            reverse("orgs:edit", args=[a.pk]), self.form_data(code="TA00", version="1")
        )
        assert response.status_code == 200
        [error] = response.context["form"].non_field_errors()
        assert "org_clerk" in error
        assert error in text(response)
        a.refresh_from_db()
        assert a.name == "甲镇（改）"

    def test_it_moves_by_target_code(self):
        village = self.units["a_village"]
        response = self.c.post(
            reverse("orgs:move", args=[village.pk]), {"new_parent": " TB00 ", "version": "1"}
        )
        assert response.status_code == 302
        village.refresh_from_db()
        assert village.parent_id == self.units["b"].pk
        assert village.path.startswith(self.units["b"].path)
        assert "已将“甲村”移至“乙镇”之下" in text(self.c.get(response["Location"]))

    def test_it_shows_move_errors_on_the_target_field(self):
        a = self.units["a"]
        url = reverse("orgs:move", args=[a.pk])
        unknown = self.c.post(url, {"new_parent": "NOPE"})
        assert unknown.context["form"].errors["new_parent"] == ["找不到该单位，或您无权在其下调整"]
        own = self.c.post(url, {"new_parent": "TA01"})
        assert own.context["form"].errors["new_parent"] == ["不能移动到本单位或其下级单位之下"]
        assert "不能移动到本单位或其下级单位之下" in text(own)
        a.refresh_from_db()
        assert a.parent_id == self.units["root"].pk

    def test_it_offers_move_targets_by_pinyin(self):
        body = text(self.c.get(reverse("orgs:search"), {"q": "yz"}))
        assert '<option value="TB00">乙镇（测试县委）</option>' in body

    def test_it_deactivates_and_restores(self):
        village = self.units["a_village"]
        url = reverse("orgs:deactivate", args=[village.pk])
        assert self.c.get(url).status_code == 405
        body = text(self.c.post(url, follow=True))
        assert "已撤销“甲村”" in body
        village.refresh_from_db()
        assert not village.is_active
        body = text(self.c.post(url, {"restore": "1"}, follow=True))
        assert "已恢复“甲村”" in body
        village.refresh_from_db()
        assert village.is_active

    def test_it_explains_why_a_unit_cannot_be_deactivated(self):
        url = reverse("orgs:deactivate", args=[self.units["a"].pk])
        body = text(self.c.post(url, follow=True))
        assert "该单位下还有未撤销的下级单位，请先处理下级单位" in body
        assert Unit.objects.get(pk=self.units["a"].pk).is_active

    def test_it_sets_a_quota(self):
        url = reverse("orgs:quota", args=[self.units["a"].pk])
        body = text(self.c.post(url, {"rank_level": "142", "quota": "3"}, follow=True))
        assert "职数已保存" in body
        assert "乡科级副职" in body
        assert PostQuota.objects.get(unit=self.units["a"]).quota == 3
        body = text(self.c.post(url, {"rank_level": "142", "quota": "120"}, follow=True))
        assert "alert-danger" in body
        assert PostQuota.objects.get(unit=self.units["a"]).quota == 3


class ReadOnlyLeaderTests(UnitPageTestCase):
    def test_it_shows_the_leader_every_page(self):
        leader = self.client_for(self.leader)
        a = self.units["a"]
        for url in (
            reverse("orgs:tree"),
            reverse("orgs:list"),
            reverse("orgs:detail", args=[a.pk]),
            reverse("orgs:children", args=[a.pk]),
        ):
            assert leader.get(url).status_code == 200, url
        body = text(leader.get(reverse("orgs:detail", args=[a.pk])))
        assert reverse("orgs:edit", args=[a.pk]) not in body
        assert "设置职数" not in body

    def test_it_gives_the_leader_404_on_every_change(self):
        leader = self.client_for(self.leader)
        a = self.units["a"]
        before = AuditEvent.objects.count()
        for url in (
            reverse("orgs:create", args=[a.pk]),
            reverse("orgs:edit", args=[a.pk]),
            reverse("orgs:move", args=[a.pk]),
        ):
            assert leader.get(url).status_code == 404, url
        for url, data in (
            (reverse("orgs:create", args=[a.pk]), {"name": "x", "code": "X1"}),
            (reverse("orgs:edit", args=[a.pk]), {"name": "x"}),
            (reverse("orgs:move", args=[a.pk]), {"new_parent": "TB00"}),
            (reverse("orgs:deactivate", args=[self.units["a_village"].pk]), {}),
            (reverse("orgs:quota", args=[a.pk]), {"rank_level": "141", "quota": "1"}),
        ):
            assert leader.post(url, data).status_code == 404, url
        assert AuditEvent.objects.count() == before
        assert Unit.objects.get(pk=self.units["a_village"].pk).is_active
        assert not PostQuota.objects.exists()


class QueryCountTests(UnitPageTestCase):
    def count_queries(self, url: str, **params) -> int:
        self.c.get(url, params)  # the first request of a session also writes the session
        with CaptureQueriesContext(connection) as ctx:
            response = self.c.get(url, params)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def test_it_lists_in_a_constant_number_of_queries(self):
        url = reverse("orgs:list")
        before = self.count_queries(url, size=100)
        self.add_units(30, parent_key="a", prefix="甲镇科室")
        after = self.count_queries(url, size=100)
        assert len(listed(self.c.get(url, {"size": 100}))) == 36
        assert after == before
        assert after <= 8

    def test_it_shows_detail_in_a_constant_number_of_queries(self):
        a = self.units["a"]
        url = reverse("orgs:detail", args=[a.pk])
        services.quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=1)
        before = self.count_queries(url)
        self.add_units(30, parent_key="a", prefix="甲镇科室")
        for code in ("142", "131"):
            services.quota_set(acting_user=self.clerk, unit=a, rank_level=code, quota=2)
        after = self.count_queries(url)
        assert "甲镇科室29" in text(self.c.get(url))
        assert after == before
        assert after <= 12

    def test_it_loads_tree_children_in_a_constant_number_of_queries(self):
        url = reverse("orgs:children", args=[self.units["a"].pk])
        before = self.count_queries(url)
        self.add_units(30, parent_key="a", prefix="甲镇科室")
        assert self.count_queries(url) == before
