"""The alert centre and the rule catalogue: scoping, handling, export, the compute command."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alerts.choices import AlertStatus
from alerts.models import Alert, AlertRule, AlertVisit
from alerts.tests.base import RuleTestCase
from audit.models import AuditEvent

D = dt.date


class AlertCentreTests(RuleTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()

    def setUp(self) -> None:
        self.a_person = self.person("甲镇书记", unit=self.units["a"])
        self.post(self.a_person, D(2012, 3, 1))
        self.b_person = self.person("乙镇书记", unit=self.units["b"])
        self.post(self.b_person, D(2011, 5, 1), unit=self.units["b"])
        self.stored("same_post", timezone.localdate())
        self.a_alert = Alert.objects.get(cadre=self.a_person)

    def test_it_lists_only_alerts_in_the_users_scope(self) -> None:
        page = self.client_for(self.clerk).get(reverse("alerts:list"))
        assert page.status_code == 200
        text = page.content.decode()
        assert "甲镇书记" in text
        assert "乙镇书记" in text
        assert "必须交流" in text
        text = self.client_for(self.liaison_a).get(reverse("alerts:list")).content.decode()
        assert "甲镇书记" in text
        assert "乙镇书记" not in text
        assert self.client_for(self.nobody).get(reverse("alerts:list")).status_code == 404
        assert self.client_for(self.sysadmin).get(reverse("alerts:list")).status_code == 404

    def test_it_filters_by_unit_rule_severity_and_name(self) -> None:
        client = self.client_for(self.clerk)
        text = client.get(reverse("alerts:list"), {"unit": "TB00"}).content.decode()
        assert "乙镇书记" in text
        assert "甲镇书记" not in text
        text = client.get(reverse("alerts:list"), {"q": "甲镇"}).content.decode()
        assert "甲镇书记" in text
        assert "乙镇书记" not in text
        text = client.get(reverse("alerts:list"), {"severity": "info"}).content.decode()
        assert "没有符合条件的预警" in text
        rule = AlertRule.objects.get(code="same_post")
        assert "甲镇书记" in client.get(reverse("alerts:list"), {"rule": rule.pk}).content.decode()

    def test_it_dismisses_with_a_reason_and_refuses_without_one(self) -> None:
        client = self.client_for(self.clerk)
        url = reverse("alerts:handle", args=[self.a_alert.pk])
        response = client.post(url, {"do": "dismiss", "note": ""}, follow=True)
        assert "排除预警须填写理由" in response.content.decode()
        assert Alert.objects.get(pk=self.a_alert.pk).status == AlertStatus.OPEN
        client.post(url, {"do": "dismiss", "note": "已列入交流计划"})
        alert = Alert.objects.get(pk=self.a_alert.pk)
        assert alert.status == AlertStatus.DISMISSED
        assert alert.handled_note == "已列入交流计划"
        assert AuditEvent.objects.filter(
            object_type="alerts.Alert", object_id=str(alert.pk)
        ).exists()
        # Dismissed alerts leave the default list and come back with 全部.
        assert "甲镇书记" not in client.get(reverse("alerts:list")).content.decode()
        assert "甲镇书记" in client.get(reverse("alerts:list"), {"status": "all"}).content.decode()

    def test_it_refuses_handling_to_the_leader_and_outsiders(self) -> None:
        url = reverse("alerts:handle", args=[self.a_alert.pk])
        assert self.client_for(self.leader).post(url, {"do": "acknowledge"}).status_code == 404
        assert self.client_for(self.outsider_b).post(url, {"do": "acknowledge"}).status_code == 404
        assert Alert.objects.get(pk=self.a_alert.pk).status == AlertStatus.OPEN
        assert (
            reverse("alerts:handle", args=[self.a_alert.pk])
            not in self.client_for(self.leader).get(reverse("alerts:list")).content.decode()
        )

    def test_it_marks_alerts_new_since_the_last_visit(self) -> None:
        client = self.client_for(self.clerk)
        client.get(reverse("alerts:list"))
        visit = AlertVisit.objects.get(user=self.clerk)
        AlertVisit.objects.filter(pk=visit.pk).update(
            seen_at=timezone.now() - dt.timedelta(hours=2),
        )
        Alert.objects.filter(pk=self.a_alert.pk).update(first_seen_at=timezone.now())
        Alert.objects.exclude(pk=self.a_alert.pk).update(
            first_seen_at=timezone.now() - dt.timedelta(days=3)
        )
        # The next sign-in (a new session) compares with the visit before it.
        client = self.client_for(self.clerk)
        text = client.get(reverse("alerts:list"), {"new": "on"}).content.decode()
        assert "此后新增" in text
        assert "甲镇书记" in text
        assert "乙镇书记" not in text

    def test_it_exports_the_list_and_audits_the_export(self) -> None:
        from openpyxl import load_workbook

        response = self.client_for(self.liaison_a).get(reverse("alerts:list"), {"export": "xlsx"})
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
        names = [r[2] for r in rows[1:]]
        assert names == ["甲镇书记"]
        assert AuditEvent.objects.filter(object_type="alerts.Alert", sensitive=True).exists()

    def test_it_recomputes_from_the_page(self) -> None:
        Alert.objects.all().delete()
        response = self.client_for(self.clerk).post(reverse("alerts:compute"), follow=True)
        assert "已重新计算" in response.content.decode()
        assert Alert.objects.filter(rule__code="same_post", is_active=True).count() == 2

    def test_it_lets_only_the_system_administrator_change_thresholds(self) -> None:
        rule = AlertRule.objects.get(code="same_post")
        url = reverse("alerts:rule_edit", args=[rule.pk])
        assert self.client_for(self.clerk).get(url).status_code == 404
        text = self.client_for(self.clerk).get(reverse("alerts:rules")).content.decode()
        assert "《党政领导干部交流工作规定》第五条" in text
        assert reverse("alerts:rule_edit", args=[rule.pk]) not in text
        admin = self.client_for(self.sysadmin)
        assert admin.get(url).status_code == 200
        response = admin.post(
            url,
            {
                "enabled": "on",
                "p_consider_years": "6",
                "p_must_years": "12",
                "p_leading_only": "on",
                "version": rule.version,
            },
        )
        assert response.status_code == 302
        rule.refresh_from_db()
        assert rule.params == {"consider_years": 6, "must_years": 12, "leading_only": True}
        assert AuditEvent.objects.filter(object_type="alerts.AlertRule").exists()
        response = admin.post(
            url, {"p_consider_years": "abc", "p_must_years": "12", "version": rule.version}
        )
        assert response.status_code == 200
        assert "输入一个数字" in response.content.decode() or "数字" in response.content.decode()


class ComputeCommandTests(RuleTestCase):
    def test_it_computes_as_a_named_user_and_reports_counts(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2012, 3, 1))
        out = io.StringIO()
        call_command("compute_alerts", "--user", "clerk", "--date", "2024-01-01", stdout=out)
        assert "same_post: 成立 1，新增 1" in out.getvalue()
        assert Alert.objects.filter(rule__code="same_post", is_active=True).count() == 1
        assert AuditEvent.objects.filter(object_type="alerts.run", actor_username="clerk").exists()

    def test_it_refuses_an_unknown_user_rule_or_unit(self) -> None:
        import pytest
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="不存在"):
            call_command("compute_alerts", "--user", "ghost")
        with pytest.raises(CommandError, match="未知的规则代码"):
            call_command("compute_alerts", "--user", "clerk", "--rule", "nope")
        with pytest.raises(CommandError, match="不在该账户的范围内"):
            call_command("compute_alerts", "--user", "liaison_a", "--unit", "TB00")


class CadrePageAlertTests(RuleTestCase):
    def test_it_shows_badges_on_the_roster_and_the_alerts_on_the_cadre_page(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2012, 3, 1))
        ls = self.person("李四")
        # Two years in post, whatever the day: under the 5 years at which same_post starts.
        self.post(ls, timezone.localdate() - dt.timedelta(days=730))
        self.stored("same_post", timezone.localdate())
        client = self.client_for(self.clerk)
        roster = client.get(reverse("cadres:roster")).content.decode()
        assert roster.count("预警 1") == 1
        page = client.get(reverse("cadres:detail", args=[zs.pk])).content.decode()
        assert "预警 1 条" in page
        assert "必须交流" in page
        other = client.get(reverse("cadres:detail", args=[ls.pk])).content.decode()
        # No alert: a quiet line, not a red "预警 0 条" panel (issue 14, item 13).
        assert "无预警" in other
        assert "预警 0 条" not in other
        assert "bg-danger-subtle" not in other

    def test_it_recomputes_one_cadres_alerts_from_the_page(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2012, 3, 1))
        url = reverse("alerts:compute_cadre", args=[zs.pk])
        response = self.client_for(self.clerk).post(url, follow=True)
        assert "已重新计算该干部的预警" in response.content.decode()
        assert Alert.objects.get(rule__code="same_post").cadre_id == zs.pk
        assert self.client_for(self.outsider_b).post(url).status_code == 404


class ReadOnlyRolesCannotComputeTests(RuleTestCase):
    """Recomputing stores alerts: it needs alerts.handle, so 领导 and 单位联络员 (who only read
    alerts) get the not-found answer on every compute path, and nothing is stored."""

    def setUp(self) -> None:
        self.zs = self.person("张三")
        self.post(self.zs, D(2012, 3, 1))
        Alert.objects.all().delete()

    def test_leader_and_liaison_get_404_from_every_compute_path(self) -> None:
        import json

        for user in (self.leader, self.liaison_a):
            client = self.client_for(user)
            assert client.post(reverse("alerts:compute")).status_code == 404, user
            url = reverse("alerts:compute_cadre", args=[self.zs.pk])
            assert client.post(url).status_code == 404, user
            response = client.post(
                "/api/v1/alerts/compute", json.dumps({}), content_type="application/json"
            )
            assert response.status_code == 404, user
            fresh = client.get(f"/api/v1/cadres/{self.zs.pk}/alerts?fresh=true")
            assert fresh.status_code == 404, user
            # Reading stays open to them.
            assert client.get(reverse("alerts:list")).status_code == 200
            assert client.get(f"/api/v1/cadres/{self.zs.pk}/alerts").status_code == 200
        assert not Alert.objects.exists()
        assert not AuditEvent.objects.filter(object_type="alerts.run").exists()

    def test_the_pages_offer_recompute_only_to_who_may_handle(self) -> None:
        compute = reverse("alerts:compute")
        cadre_compute = reverse("alerts:compute_cadre", args=[self.zs.pk])
        leader = self.client_for(self.leader)
        assert compute not in leader.get(reverse("alerts:list")).content.decode()
        detail = leader.get(reverse("cadres:detail", args=[self.zs.pk])).content.decode()
        assert cadre_compute not in detail
        clerk = self.client_for(self.clerk)
        assert compute in clerk.get(reverse("alerts:list")).content.decode()
        detail = clerk.get(reverse("cadres:detail", args=[self.zs.pk])).content.decode()
        assert cadre_compute in detail

    def test_the_command_refuses_a_read_only_account(self) -> None:
        import pytest
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="没有处理预警的授权"):
            call_command("compute_alerts", "--user", "leader")
