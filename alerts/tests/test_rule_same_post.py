"""同一职位任职年限 (交流规定 第五条): hand-computed careers on chosen days."""

from __future__ import annotations

import datetime as dt

from alerts.choices import AlertStatus, Severity
from alerts.models import Alert
from alerts.services import alert_dismiss
from alerts.tests.base import RuleTestCase

D = dt.date


class SamePostTests(RuleTestCase):
    def test_it_warns_at_five_years_and_demands_exchange_at_ten(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2014, 3, 10))
        (before,) = self.findings("same_post", D(2019, 3, 10))
        assert before.severity == Severity.WARNING
        assert "2014.03 至今 5年 ≥ 5年，应考虑交流" in before.message
        assert self.findings("same_post", D(2019, 3, 9)) == []
        (after,) = self.findings("same_post", D(2024, 11, 27))
        assert after.severity == Severity.DANGER
        assert after.message == (
            "任现职（甲镇党委书记）2014.03 至今 10年8个月 ≥ 10年，必须交流"
            "（《党政领导干部交流工作规定》第五条）"
        )

    def test_it_counts_a_post_taken_on_29_february_to_28_february(self) -> None:
        ls = self.person("李四")
        self.post(ls, D(2016, 2, 29))
        assert [f.severity for f in self.findings("same_post", D(2026, 2, 27))] == [
            Severity.WARNING
        ]
        assert [f.severity for f in self.findings("same_post", D(2026, 2, 28))] == [Severity.DANGER]

    def test_it_ignores_ended_and_non_leading_posts_and_follows_a_reappointment(self) -> None:
        ww = self.person("王五")
        self.post(ww, D(2010, 1, 1), end=D(2015, 1, 1), title="镇长")
        self.post(ww, D(2015, 1, 1), title="科员", is_leading=False, is_head=False)
        assert self.findings("same_post", D(2025, 6, 1)) == []
        assert len(self.findings("same_post", D(2025, 6, 1), leading_only=False)) == 1
        zl = self.person("赵六")
        # Re-elected: the old appointment ends, the same post starts again 10 days later.
        self.post(zl, D(2013, 5, 1), end=D(2018, 4, 20), title="镇长")
        self.post(zl, D(2018, 4, 30), title="镇长")
        (found,) = self.findings("same_post", D(2023, 6, 1))
        assert "2013.05 至今 10年1个月" in found.message
        # A gap of more than a month is a new tenure.
        sq = self.person("孙七")
        self.post(sq, D(2012, 1, 1), end=D(2017, 1, 1), title="人大主席")
        self.post(sq, D(2017, 3, 1), title="人大主席")
        since = {
            f.facts["post"]: f.facts["since"] for f in self.findings("same_post", D(2023, 6, 1))
        }
        assert since == {"甲镇镇长": D(2013, 5, 1), "甲镇人大主席": D(2017, 3, 1)}

    def test_it_keeps_a_dismissal_until_the_threshold_changes(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2016, 1, 5))
        (alert,) = self.stored("same_post", D(2022, 1, 5))
        alert_dismiss(acting_user=self.clerk, alert=alert, reason="已列入今年交流计划")
        (same,) = self.stored("same_post", D(2023, 7, 5))  # months grew, basis did not
        assert same.status == AlertStatus.DISMISSED
        assert "7年6个月" in same.message
        (crossed,) = self.stored("same_post", D(2026, 1, 5))  # the 10-year threshold
        assert crossed.pk == alert.pk
        assert crossed.status == AlertStatus.OPEN
        assert crossed.severity == Severity.DANGER

    def test_it_resolves_the_alert_when_the_post_ends(self) -> None:
        zs = self.person("张三")
        position = self.post(zs, D(2015, 1, 5))
        self.stored("same_post", D(2021, 1, 5))
        from cadres import services

        services.position_end(acting_user=self.clerk, position=position, end_date=D(2021, 2, 1))
        assert self.stored("same_post", D(2021, 3, 1)) == []
        alert = Alert.objects.get(rule__code="same_post")
        assert alert.is_active is False
        assert alert.resolved_at is not None
