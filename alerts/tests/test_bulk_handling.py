"""The alert centre for a clerk with many alerts (issue 14, item 9): 知悉 / 排除 several with
one note, 知悉 asks for its note, the subject shows the cadre's unit, and "new since your last
visit" lasts for the sign-in instead of resetting after 30 minutes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alerts.choices import AlertStatus
from alerts.models import Alert
from alerts.services import alert_acknowledge
from alerts.tests.base import RuleTestCase
from audit.models import AuditEvent

D = dt.date


class BulkHandlingTests(RuleTestCase):
    def setUp(self) -> None:
        self.people = []
        for name, unit in (("甲一", "a"), ("甲二", "a"), ("乙一", "b")):
            cadre = self.person(name, unit=self.units[unit])
            self.post(cadre, D(2012, 3, 1), unit=self.units[unit])
            self.people.append(cadre)
        self.stored("same_post", timezone.localdate())
        self.alerts = {a.cadre.name: a for a in Alert.objects.select_related("cadre")}

    def handle_many(self, user, names, do="acknowledge", note="已列入交流计划"):
        ids = [self.alerts[n].pk for n in names]
        return self.client_for(user).post(
            reverse("alerts:handle_many"), {"ids": ids, "do": do, "note": note}, follow=True
        )

    def status(self, name: str) -> str:
        return Alert.objects.get(pk=self.alerts[name].pk).status

    def test_it_acknowledges_the_ticked_alerts_with_one_note_each_audited(self):
        handled = AuditEvent.objects.filter(object_type="alerts.Alert")
        before = handled.count()
        page = self.handle_many(self.clerk, ["甲一", "甲二"])
        assert "2 条预警已标记为“已知悉”" in page.content.decode()
        for name in ("甲一", "甲二"):
            alert = Alert.objects.get(pk=self.alerts[name].pk)
            assert (alert.status, alert.handled_note) == (
                AlertStatus.ACKNOWLEDGED,
                "已列入交流计划",
            )
        assert self.status("乙一") == AlertStatus.OPEN
        events = AuditEvent.objects.filter(object_type="alerts.Alert").order_by("-seq")[:2]
        assert handled.count() == before + 2
        assert {e.object_id for e in events} == {str(self.alerts[n].pk) for n in ("甲一", "甲二")}

    def test_it_dismisses_with_the_reason_and_refuses_without_one(self):
        page = self.handle_many(self.clerk, ["甲一", "乙一"], do="dismiss", note="")
        assert self.status("甲一") == self.status("乙一") == AlertStatus.OPEN
        assert "操作无效" in page.content.decode() or "须填写" in page.content.decode()
        self.handle_many(self.clerk, ["甲一", "乙一"], do="dismiss", note="已调整分工，不适用")
        assert self.status("甲一") == self.status("乙一") == AlertStatus.DISMISSED

    def test_an_alert_out_of_sight_is_left_alone_like_a_missing_one(self):
        clerk_a = self.make_clerk_a()
        page = self.handle_many(clerk_a, ["甲一", "乙一"])
        assert "1 条预警已标记" in page.content.decode()
        assert self.status("乙一") == AlertStatus.OPEN
        nothing = self.handle_many(clerk_a, ["乙一"])
        assert "请先勾选预警" in nothing.content.decode()

    def test_read_only_roles_cannot_handle_in_bulk(self):
        for user in (self.leader, self.liaison_a):
            response = self.client_for(user).post(
                reverse("alerts:handle_many"),
                {"ids": [self.alerts["甲一"].pk], "do": "acknowledge", "note": "x"},
            )
            assert response.status_code == 404
        assert self.status("甲一") == AlertStatus.OPEN

    def test_acknowledging_needs_a_note(self):
        with pytest.raises(ValidationError):
            alert_acknowledge(acting_user=self.clerk, alert=self.alerts["甲一"], note=" ")
        assert self.status("甲一") == AlertStatus.OPEN
        url = reverse("alerts:handle", args=[self.alerts["甲一"].pk])
        page = self.client_for(self.clerk).post(url, {"do": "acknowledge"}, follow=True)
        assert "知悉预警须填写处理情况" in page.content.decode()
        assert self.status("甲一") == AlertStatus.OPEN

    def test_the_subject_column_shows_the_cadres_unit(self):
        html = self.client_for(self.clerk).get(reverse("alerts:list")).content.decode()
        cell = html[html.index(">甲一</a>") :].split("</td>")[0]
        assert '<div class="text-muted zg-subject-unit">甲镇</div>' in cell
        cell = html[html.index(">乙一</a>") :].split("</td>")[0]
        assert '<div class="text-muted zg-subject-unit">乙镇</div>' in cell

    def make_clerk_a(self):
        from core.permissions import Role
        from zugong.testing import make_user

        return make_user("clerk_a", Role.CADRE_CLERK, self.units["a"])


class NewSinceLastVisitTests(RuleTestCase):
    def setUp(self) -> None:
        cadre = self.person("甲一")
        self.post(cadre, D(2012, 3, 1))
        self.stored("same_post", timezone.localdate())

    def test_the_mark_lasts_for_the_sign_in_and_moves_at_the_next(self):
        start = timezone.now()
        client = self.client_for(self.clerk)
        assert "首次查看" in client.get(reverse("alerts:list")).content.decode()
        # Forty minutes of work in one sign-in (never idle for 30): still the first visit.
        for minutes in (20, 40):
            with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
                page = client.get(reverse("alerts:list")).content.decode()
                assert "首次查看" in page, minutes
        # Signing in again five minutes later keeps the marks.
        with time_machine.travel(start + dt.timedelta(minutes=45), tick=False):
            page = self.client_for(self.clerk).get(reverse("alerts:list")).content.decode()
            assert "首次查看" in page
        # The next sign-in after a break: new since the last visit of the one before.
        with time_machine.travel(start + dt.timedelta(minutes=90), tick=False):
            again = self.client_for(self.clerk).get(reverse("alerts:list")).content.decode()
            last = timezone.localtime(start + dt.timedelta(minutes=45))  # the last view
            assert f"上次查看：{last:%Y-%m-%d %H:%M}" in again
