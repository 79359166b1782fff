"""/api/v1/alerts: listing, handling, computing and the rule catalogue through the API."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from alerts.choices import AlertStatus
from alerts.models import Alert, AlertRule
from alerts.tests.base import RuleTestCase
from core.permissions import Role
from zugong.testing import make_user

D = dt.date


class AlertApiTests(RuleTestCase):
    def setUp(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2012, 3, 1))
        ww = self.person("王五", unit=self.units["b"])
        self.post(ww, D(2012, 3, 1), unit=self.units["b"])
        self.zs = zs
        self.stored("same_post", timezone.localdate())
        self.alert = Alert.objects.get(cadre=zs)

    def call(self, client: Client, method: str, path: str, data: object = None) -> object:
        body = json.dumps(data) if data is not None else ""
        return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")

    def test_it_lists_alerts_in_scope_with_their_source(self) -> None:
        items = self.client_for(self.liaison_a).get("/api/v1/alerts").json()["items"]
        assert [i["cadre_name"] for i in items] == ["张三"]
        assert items[0]["source"] == "《党政领导干部交流工作规定》第五条"
        assert items[0]["facts"]["since"] == "2012-03-01"
        assert self.client_for(self.clerk).get("/api/v1/alerts?unit=TB00").json()["count"] == 1

    def test_it_handles_an_alert_and_hides_other_scopes(self) -> None:
        url = f"/alerts/{self.alert.pk}/status"
        response = self.call(self.client_for(self.outsider_b), "post", url, {"status": "dismissed"})
        assert response.status_code == 404
        response = self.call(self.client_for(self.clerk), "post", url, {"status": "dismissed"})
        assert response.status_code == 422
        assert "排除预警须填写理由" in json.dumps(response.json(), ensure_ascii=False)
        response = self.call(
            self.client_for(self.clerk), "post", url, {"status": "dismissed", "note": "已交流"}
        )
        assert response.status_code == 200
        assert Alert.objects.get(pk=self.alert.pk).status == AlertStatus.DISMISSED

    def test_it_gives_one_cadres_alerts_fresh_on_request(self) -> None:
        Alert.objects.all().delete()
        url = f"/api/v1/cadres/{self.zs.pk}/alerts"
        assert self.client_for(self.clerk).get(url).json() == []
        fresh = self.client_for(self.clerk).get(url + "?fresh=true").json()
        assert "same_post" in [a["rule"] for a in fresh]
        assert all(a["cadre_id"] == self.zs.pk for a in fresh)
        assert self.client_for(self.outsider_b).get(url).status_code == 404

    def test_it_computes_for_the_scope(self) -> None:
        Alert.objects.all().delete()
        # A clerk scoped to 甲镇 (the 单位联络员 only reads alerts: 404, see test_views).
        clerk_a = make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])
        response = self.call(self.client_for(clerk_a), "post", "/alerts/compute", {})
        assert response.json()["created"] >= 1
        assert set(Alert.objects.values_list("cadre__unit_path", flat=True)) == {
            self.units["a"].path
        }
        response = self.call(self.client_for(clerk_a), "post", "/alerts/compute", {"unit": "TB00"})
        assert response.status_code == 404

    def test_it_lets_only_the_system_administrator_patch_a_rule(self) -> None:
        rule = AlertRule.objects.get(code="same_post")
        rules = self.client_for(self.clerk).get("/api/v1/alert-rules").json()
        same_post = next(r for r in rules if r["code"] == "same_post")
        assert same_post["params"] == {"consider_years": 5, "must_years": 10, "leading_only": True}
        path = f"/alert-rules/{rule.pk}"
        assert (
            self.call(
                self.client_for(self.clerk),
                "patch",
                path,
                {"enabled": False, "version": rule.version},
            ).status_code
            == 404
        )
        response = self.call(
            self.client_for(self.sysadmin),
            "patch",
            path,
            {"params": {"must_years": 8}, "version": rule.version},
        )
        assert response.status_code == 200
        assert response.json()["params"]["must_years"] == 8
        bad = self.call(
            self.client_for(self.sysadmin),
            "patch",
            path,
            {"params": {"nope": 1}, "version": rule.version + 1},
        )
        assert bad.status_code == 422

    def test_a_rule_patch_without_its_version_is_refused(self) -> None:
        """The rule form carries the version; the API requires it too (issue 12, item 13)."""
        rule = AlertRule.objects.get(code="same_post")
        admin = self.client_for(self.sysadmin)
        path = f"/alert-rules/{rule.pk}"
        response = self.call(admin, "patch", path, {"enabled": False})
        assert response.status_code == 422
        assert response.json()["errors"] == {"version": ["必填"]}
        stale = self.call(admin, "patch", path, {"enabled": False, "version": rule.version - 1})
        assert stale.status_code in (409, 422)
        assert AlertRule.objects.get(pk=rule.pk).enabled
        fresh = self.call(admin, "patch", path, {"enabled": False, "version": rule.version})
        assert fresh.status_code == 200
        assert not AlertRule.objects.get(pk=rule.pk).enabled
