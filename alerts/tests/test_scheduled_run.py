"""The daily alert run that does not depend on anyone remembering cron (issue 14, item 14):
``compute_alerts --scheduled`` (deploy/zugong-alerts.timer), recorded every time, and a
warning in the alert centre when it has not run for more than two days."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.services import last_scheduled_run
from alerts.tests.base import RuleTestCase
from audit.models import AuditEvent

D = dt.date


class ScheduledRunTests(RuleTestCase):
    def setUp(self) -> None:
        cadre = self.person("甲一")
        self.post(cadre, D(2012, 3, 1))

    def runs(self):
        return AuditEvent.objects.filter(object_type="alerts.run").order_by("seq")

    def test_it_computes_every_unit_as_the_system_and_records_each_run(self):
        out = io.StringIO()
        call_command("compute_alerts", scheduled=True, stdout=out)
        assert "测试县委：成立" in out.getvalue()
        assert Alert.objects.filter(rule__code="same_post", is_active=True).count() == 1
        (run,) = self.runs()
        assert run.actor is None
        assert run.channel == "schedule"
        assert run.changes["scheduled"] is True
        assert run.changes["created"] >= 1
        # Nothing changed the second time, and the run is still on record.
        call_command("compute_alerts", scheduled=True, stdout=io.StringIO())
        assert self.runs().count() == 2
        assert self.runs().last().changes["created"] == 0
        assert last_scheduled_run() == self.runs().last().occurred_at

    def test_without_a_user_or_schedule_it_says_what_to_give(self):
        with pytest.raises(CommandError, match="--scheduled"):
            call_command("compute_alerts", stdout=io.StringIO())

    def test_the_alert_centre_warns_when_the_daily_run_is_missing(self):
        page = self.client_for(self.clerk).get(reverse("alerts:list")).content.decode()
        assert "预警的每日定时计算从未运行" in page
        call_command("compute_alerts", scheduled=True, stdout=io.StringIO())
        page = self.client_for(self.clerk).get(reverse("alerts:list")).content.decode()
        assert "定时计算" not in page
        with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
            self.clerk.password_changed_at = timezone.now()
            self.clerk.save(update_fields=["password_changed_at"])
            page = self.client_for(self.clerk).get(reverse("alerts:list")).content.decode()
            assert "已超过两天未运行" in page
