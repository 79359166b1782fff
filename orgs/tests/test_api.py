"""/api/v1/units: scoped reads, audited writes, optimistic locking, CSRF, OpenAPI and docs."""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_create
from audit.choices import AuditAction
from audit.models import AuditEvent
from orgs import services
from orgs.choices import UnitKind, UnitLevel
from orgs.models import PostQuota, Unit
from zugong.testing import PersonaTestCase

API = "/api/v1"


class ApiTestCase(PersonaTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.c = self.client_for(self.clerk)

    def post(self, url: str, data: dict, client: Client | None = None):
        return (client or self.c).post(url, json.dumps(data), content_type="application/json")

    def patch(self, url: str, data: dict, client: Client | None = None):
        return (client or self.c).patch(url, json.dumps(data), content_type="application/json")

    def put(self, url: str, data: dict, client: Client | None = None):
        return (client or self.c).put(url, json.dumps(data), content_type="application/json")

    def last_event(self) -> AuditEvent:
        return AuditEvent.objects.order_by("-seq").first()


class UnitReadApiTests(ApiTestCase):
    def test_it_lists_units_in_scope(self):
        body = self.c.get(f"{API}/units").json()
        assert body["count"] == 6
        assert [u["name"] for u in body["items"]][:2] == ["测试县委", "测试县委组织部"]
        village = next(u for u in body["items"] if u["code"] == "TA01")
        assert village["kind_label"] == "村"
        assert village["level_label"] == "不定级"
        assert village["parent_id"] == self.units["a"].pk
        assert village["depth"] == 2

    def test_it_lists_only_the_liaisons_township(self):
        body = self.client_for(self.liaison_a).get(f"{API}/units").json()
        assert body["count"] == 2
        assert {u["name"] for u in body["items"]} == {"甲镇", "甲村"}

    def test_it_filters_the_list(self):
        assert [u["name"] for u in self.c.get(f"{API}/units?q=jz").json()["items"]] == ["甲镇"]
        kind = self.c.get(f"{API}/units", {"kind": UnitKind.VILLAGE}).json()
        assert [u["code"] for u in kind["items"]] == ["TA01", "TB01"]
        parent = self.c.get(f"{API}/units", {"parent": self.units["b"].pk}).json()
        assert [u["code"] for u in parent["items"]] == ["TB01"]
        assert self.c.get(f"{API}/units", {"kind": "planet"}).status_code == 422

    def test_it_paginates(self):
        for i in range(55):
            services.unit_create(
                acting_user=self.clerk,
                parent=self.units["dept"],
                name=f"科室{i:02d}",
                code=f"K{i:03d}",
                kind=UnitKind.OTHER,
                level=UnitLevel.BELOW,
            )
        first = self.c.get(f"{API}/units").json()
        second = self.c.get(f"{API}/units?page=2").json()
        assert first["count"] == second["count"] == 61
        assert len(first["items"]) == 50
        assert len(second["items"]) == 11
        assert {u["id"] for u in first["items"]}.isdisjoint(u["id"] for u in second["items"])

    def test_it_lists_in_a_constant_number_of_queries(self):
        def count() -> int:
            self.c.get(f"{API}/units")
            with CaptureQueriesContext(connection) as ctx:
                assert self.c.get(f"{API}/units").status_code == 200
            return len(ctx.captured_queries)

        before = count()
        for i in range(30):
            services.unit_create(
                acting_user=self.clerk,
                parent=self.units["a"],
                name=f"甲镇科室{i:02d}",
                code=f"K{i:03d}",
                kind=UnitKind.OTHER,
                level=UnitLevel.BELOW,
            )
        assert count() == before
        assert before <= 6

    def test_it_shows_one_unit(self):
        body = self.c.get(f"{API}/units/{self.units['a'].pk}").json()
        assert (body["name"], body["code"], body["version"]) == ("甲镇", "TA00", 1)

    def test_it_returns_404_in_chinese_for_a_missing_unit(self):
        response = self.c.get(f"{API}/units/999999")
        assert response.status_code == 404
        assert response.json() == {"detail": "对象不存在"}

    def test_it_lists_children(self):
        body = self.c.get(f"{API}/units/{self.units['root'].pk}/children").json()
        assert {u["name"] for u in body} == {"测试县委组织部", "甲镇", "乙镇"}

    def test_it_requires_authentication(self):
        assert Client().get(f"{API}/units").status_code == 401

    def test_it_accepts_a_bearer_token(self):
        _, raw = api_token_create(acting_user=self.liaison_a, name="对接")
        response = Client().get(f"{API}/units", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200
        assert response.json()["count"] == 2
        bad = Client().get(f"{API}/units", headers={"Authorization": "Bearer zg_nope"})
        assert bad.status_code == 401


class UnitWriteApiTests(ApiTestCase):
    def test_it_creates_a_unit(self):
        before = AuditEvent.objects.count()
        response = self.post(
            f"{API}/units",
            {
                "parent_id": self.units["a"].pk,
                "name": "甲镇社会事务办",
                "code": "TA10",
                "kind": UnitKind.OTHER,
                "level": UnitLevel.BELOW,
            },
        )
        assert response.status_code == 201
        body = response.json()
        unit = Unit.objects.get(pk=body["id"])
        assert (unit.name, unit.parent_id, unit.depth) == ("甲镇社会事务办", self.units["a"].pk, 2)
        assert AuditEvent.objects.count() == before + 1
        event = self.last_event()
        assert (event.action, event.channel) == (AuditAction.CREATE, "api")

    def test_it_refuses_a_duplicate_code_with_a_chinese_422(self):
        response = self.post(
            f"{API}/units",
            {
                "parent_id": self.units["a"].pk,
                "name": "重复",
                "code": "TB00",
                "kind": UnitKind.OTHER,
                "level": UnitLevel.BELOW,
            },
        )
        assert response.status_code == 422
        assert response.json() == {
            "detail": "数据校验失败",
            "errors": {"code": ["单位代码 TB00 已被“乙镇”使用"]},
        }

    def test_it_refuses_a_bad_region_code(self):
        response = self.post(
            f"{API}/units",
            {
                "parent_id": self.units["a"].pk,
                "name": "甲镇某办",
                "code": "TA11",
                "kind": UnitKind.OTHER,
                "level": UnitLevel.BELOW,
                "region_code": "1301",
            },
        )
        assert response.status_code == 422
        assert not Unit.objects.filter(code="TA11").exists()

    def test_it_patches_with_a_version(self):
        url = f"{API}/units/{self.units['a'].pk}"
        response = self.patch(url, {"version": 1, "short_name": "甲"})
        assert response.status_code == 200
        assert (response.json()["short_name"], response.json()["version"]) == ("甲", 2)
        assert Unit.objects.get(pk=self.units["a"].pk).name == "甲镇"

    def test_it_refuses_a_stale_patch_naming_who_changed_it(self):
        url = f"{API}/units/{self.units['a'].pk}"
        assert (
            self.patch(url, {"version": 1, "order": 4}, self.client_for(self.org_clerk)).status_code
            == 200
        )
        response = self.patch(url, {"version": 1, "name": "覆盖"})
        assert response.status_code == 422
        body = response.json()
        assert body["detail"] == "数据校验失败"
        [message] = body["errors"]["__all__"]
        assert "org_clerk" in message
        assert "请刷新后重试" in message
        assert Unit.objects.get(pk=self.units["a"].pk).name == "甲镇"

    def test_it_requires_the_version_on_patch(self):
        response = self.patch(f"{API}/units/{self.units['a'].pk}", {"name": "无版本"})
        assert response.status_code == 422

    def test_it_moves_a_unit_with_its_subtree(self):
        a, dept = self.units["a"], self.units["dept"]
        response = self.post(f"{API}/units/{a.pk}/move", {"new_parent_id": dept.pk, "version": 1})
        assert response.status_code == 200
        assert (response.json()["parent_id"], response.json()["depth"]) == (dept.pk, 2)
        assert Unit.objects.get(pk=self.units["a_village"].pk).depth == 3
        assert self.last_event().action == AuditAction.MOVE

    def test_it_refuses_a_move_into_the_subtree(self):
        a = self.units["a"]
        response = self.post(
            f"{API}/units/{a.pk}/move", {"new_parent_id": self.units["a_village"].pk, "version": 1}
        )
        assert response.status_code == 422
        assert response.json()["errors"] == {"parent": ["不能移动到本单位或其下级单位之下"]}

    def test_it_deactivates_and_restores(self):
        village = self.units["a_village"]
        response = self.post(f"{API}/units/{village.pk}/deactivate", {})
        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert self.c.get(f"{API}/units").json()["count"] == 5
        assert self.c.get(f"{API}/units?include_inactive=true").json()["count"] == 6
        response = self.post(f"{API}/units/{village.pk}/restore", {})
        assert response.json()["is_active"] is True
        refused = self.post(f"{API}/units/{self.units['a'].pk}/deactivate", {})
        assert refused.status_code == 422
        assert "下级单位" in refused.json()["errors"]["__all__"][0]

    def test_it_reads_and_sets_quotas(self):
        url = f"{API}/units/{self.units['a'].pk}/quotas"
        assert self.c.get(url).json() == []
        response = self.put(url, {"rank_level": "141", "quota": 2, "title": "书记"})
        assert response.status_code == 200
        assert response.json() == {"rank_level": "141", "title": "书记", "quota": 2, "note": ""}
        assert self.c.get(url).json() == [response.json()]
        assert self.put(url, {"rank_level": "141", "quota": 0, "title": "书记"}).status_code == 200
        assert self.c.get(url).json() == []
        bad = self.put(url, {"rank_level": "999", "quota": 1})
        assert bad.status_code == 422
        assert bad.json()["errors"] == {"rank_level": ["领导职务层次代码无效"]}
        assert self.put(url, {"rank_level": "141", "quota": 100}).status_code == 422

    def test_it_refuses_writes_to_read_only_users_as_404(self):
        a = self.units["a"]
        before = AuditEvent.objects.count()
        for user in (self.leader, self.liaison_a):
            client = self.client_for(user)
            responses = [
                self.patch(f"{API}/units/{a.pk}", {"version": 1, "name": "x"}, client),
                self.post(f"{API}/units/{a.pk}/move", {"new_parent_id": 1, "version": 1}, client),
                self.post(f"{API}/units/{a.pk}/deactivate", {}, client),
                self.put(f"{API}/units/{a.pk}/quotas", {"rank_level": "141", "quota": 1}, client),
                self.post(
                    f"{API}/units",
                    {
                        "parent_id": a.pk,
                        "name": "x",
                        "code": "X1",
                        "kind": UnitKind.OTHER,
                        "level": UnitLevel.BELOW,
                    },
                    client,
                ),
            ]
            assert [r.status_code for r in responses] == [404] * 5
        assert AuditEvent.objects.count() == before
        assert not PostQuota.objects.exists()


class CsrfTests(ApiTestCase):
    def test_it_refuses_a_session_post_without_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.clerk)
        payload = {
            "parent_id": self.units["a"].pk,
            "name": "跨站",
            "code": "TA66",
            "kind": UnitKind.OTHER,
            "level": UnitLevel.BELOW,
        }
        refused = self.post(f"{API}/units", payload, client)
        assert refused.status_code == 403
        assert not Unit.objects.filter(code="TA66").exists()

        client.get("/")  # a page sets the CSRF cookie, as the browser would have it
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
        accepted = client.post(
            f"{API}/units",
            json.dumps(payload),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert accepted.status_code == 201

    def test_it_does_not_need_csrf_with_a_bearer_token(self):
        _, raw = api_token_create(acting_user=self.clerk, name="脚本")
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            f"{API}/units/{self.units['a_village'].pk}/deactivate",
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert response.status_code == 200
        assert not Unit.objects.get(pk=self.units["a_village"].pk).is_active


class OpenApiTests(ApiTestCase):
    def test_it_publishes_valid_openapi_json(self):
        response = self.c.get(f"{API}/openapi.json")
        assert response.status_code == 200
        schema = json.loads(response.content)
        assert schema["openapi"].startswith("3.")
        assert schema["info"]["title"] == "组工 Zugong API"
        paths = schema["paths"]
        for path, methods in {
            "/api/v1/units": {"get", "post"},
            "/api/v1/units/{unit_id}": {"get", "patch"},
            "/api/v1/units/{unit_id}/children": {"get"},
            "/api/v1/units/{unit_id}/move": {"post"},
            "/api/v1/units/{unit_id}/deactivate": {"post"},
            "/api/v1/units/{unit_id}/restore": {"post"},
            "/api/v1/units/{unit_id}/quotas": {"get", "put"},
        }.items():
            assert methods <= set(paths[path]), path
        assert paths["/api/v1/units"]["get"]["summary"] == "单位列表（按授权范围）"

    def test_it_renders_docs_from_local_static_files_only(self):
        response = self.c.get(f"{API}/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assert "swagger-ui" in html
        assert not re.search(r"https?://", html)
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert any(a.endswith(".js") for a in assets)
        for asset in assets:
            assert asset.startswith(settings.STATIC_URL), asset
            assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset


class SchemaErrorTests(ApiTestCase):
    def test_it_explains_malformed_input_field_by_field_in_chinese(self):
        before = Unit.objects.count()
        response = self.post(
            f"{API}/units",
            {
                "parent_id": self.units["a"].pk,
                "name": "名" * 101,
                "code": "有 空格",
                "kind": "planet",
                "level": UnitLevel.BELOW,
                "order": -1,
            },
        )
        assert response.status_code == 422
        body = response.json()
        assert body["detail"] == "数据校验失败"
        assert body["errors"]["name"] == ["不能超过 100 个字符"]
        assert body["errors"]["code"] == ["格式不正确"]
        assert body["errors"]["kind"][0].startswith("取值无效，可选：")
        assert body["errors"]["order"] == ["不能小于 0"]
        assert Unit.objects.count() == before

    def test_it_names_a_missing_field_and_a_bad_query_number(self):
        missing = self.post(f"{API}/units", {"parent_id": self.units["a"].pk, "name": "甲"})
        assert missing.json()["errors"]["code"] == ["必填"]
        page = self.c.get(f"{API}/units", {"page": "abc"})
        assert (page.status_code, page.json()["errors"]) == (422, {"page": ["应为整数"]})

    def test_it_refuses_a_body_that_is_not_json(self):
        response = self.c.post(f"{API}/units", "{not json", content_type="application/json")
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "请求内容不是有效的 JSON"},
        )


class OpenApiSignInTests(ApiTestCase):
    """The docs and the schema are for signed-in users only (issue 12, item 14)."""

    def test_anonymous_users_are_sent_to_login_for_the_docs(self):
        response = Client().get(f"{API}/docs")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert "next=/api/v1/docs" in response["Location"]

    def test_anonymous_users_get_a_401_for_the_schema(self):
        response = Client().get(f"{API}/openapi.json")
        assert response.status_code == 401
        assert response.json() == {"detail": "请先登录，或在 Authorization 头中提供有效的接口令牌"}
        assert b"/api/v1/units" not in response.content

    def test_a_wrong_bearer_token_is_anonymous(self):
        response = Client().get(
            f"{API}/openapi.json", headers={"Authorization": "Bearer zg_not-a-token"}
        )
        assert response.status_code == 401

    def test_signed_in_users_get_both(self):
        for user in (self.clerk, self.liaison_a, self.auditor):
            c = self.client_for(user)
            assert c.get(f"{API}/docs").status_code == 200
            schema = c.get(f"{API}/openapi.json")
            assert schema.status_code == 200
            assert "/api/v1/units" in schema.json()["paths"]

    def test_a_bearer_token_gets_the_schema(self):
        _, raw = api_token_create(acting_user=self.clerk, name="脚本")
        response = Client().get(f"{API}/openapi.json", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 200
        assert "/api/v1/units" in response.json()["paths"]
