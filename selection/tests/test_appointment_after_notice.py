"""任前公示 → 任职: both the appointment date and today must fall after the 公示's last day.

Each half of the check in ``selection.services._appoint`` is tested on its own, through the
service and through the case page's 转入“任职” form, whose date field the clerk types in (so
a back-dated appointment arrives from the page too). The 公示 starts Monday 2026-11-16 and runs
5 working days to Friday 2026-11-20; the next working day is Monday 2026-11-23.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cadres.models import Position
from selection import services
from selection.choices import CandidateStatus, Stage
from selection.models import Candidate, SelectionCase
from selection.tests.base import SelectionTestCase
from zugong.testing import travel_to

NOTICE_START = dt.date(2026, 11, 16)  # Monday
NOTICE_END = dt.date(2026, 11, 20)  # Friday: the 5th working day
AFTER = dt.date(2026, 11, 23)  # Monday: the first working day after the 公示
REFUSED = "公示期至 2026.11.20 结束，公示期满后方可任职"


class AppointmentAfterNoticeTestCase(SelectionTestCase):
    """A 甲镇镇长 case at 任前公示 (2026-11-16 to 2026-11-20), one approved candidate."""

    def walk_to_notice(self) -> SelectionCase:
        case = self.case()
        self.walk_to_decision(case)
        with travel_to(NOTICE_START):
            self.advance(case, Stage.PUBLIC_NOTICE, on=NOTICE_START, today=NOTICE_START)
            notice = services.notice_set(
                acting_user=self.clerk, case=self.fresh(case), start_date=NOTICE_START
            )
        assert notice.end_date == NOTICE_END
        return self.fresh(case)

    def assert_not_appointed(self, case: SelectionCase) -> None:
        assert self.fresh(case).stage == Stage.PUBLIC_NOTICE
        assert not Position.objects.filter(title="镇长").exists()
        assert Candidate.objects.get(case=case).status == CandidateStatus.APPROVED
        # The old post is still held.
        assert Position.objects.get(cadre__name="张三", end_date__isnull=True).title == "副镇长"

    def assert_appointed(self, case: SelectionCase, on: dt.date) -> None:
        assert self.fresh(case).stage == Stage.APPOINTMENT
        new = Position.objects.get(cadre__name="张三", end_date__isnull=True)
        assert (new.title, new.start_date) == ("镇长", on)
        assert Candidate.objects.get(case=case).status == CandidateStatus.APPOINTED


class ServiceTests(AppointmentAfterNoticeTestCase):
    """``services.case_advance`` with the clock and ``today`` on the same day."""

    def appoint(self, case: SelectionCase, *, on: dt.date, today: dt.date) -> SelectionCase:
        with travel_to(today):
            return services.case_advance(self.clerk, case, Stage.APPOINTMENT, on=on, today=today)

    def test_it_refuses_an_appointment_date_on_or_before_the_notice_end(self) -> None:
        """Today is after the 公示; the appointment date is its last day, or back-dated."""
        case = self.walk_to_notice()
        for on in (NOTICE_END, dt.date(2026, 11, 18), dt.date(2026, 11, 13)):
            with self.subTest(on=on):
                with pytest.raises(ValidationError) as exc:
                    self.appoint(case, on=on, today=AFTER)
                assert exc.value.messages == [REFUSED]
                self.assert_not_appointed(case)

    def test_it_refuses_while_today_is_not_after_the_notice_end(self) -> None:
        """The appointment date is after the 公示, but today is its last day.

        Without this half the move is still refused, by ``cadres.services``' rule that a 任职时间
        is not in the future, but with the wrong reason: the 公示 message is what is checked."""
        case = self.walk_to_notice()
        for today in (NOTICE_END, dt.date(2026, 11, 19)):
            with self.subTest(today=today):
                with pytest.raises(ValidationError) as exc:
                    self.appoint(case, on=AFTER, today=today)
                assert exc.value.messages == [REFUSED]
                self.assert_not_appointed(case)

    def test_it_appoints_when_both_are_after_the_notice_end(self) -> None:
        case = self.walk_to_notice()
        case = self.appoint(case, on=AFTER, today=AFTER)
        assert case.stage == Stage.APPOINTMENT
        self.assert_appointed(case, AFTER)


class PageTests(AppointmentAfterNoticeTestCase):
    """The case page's 转入“任职” form (``selection:case_advance``); today is the clock."""

    def signed_in(self, user: User) -> Client:
        """``user`` signed in on the travelled day, his password changed that day (a password
        set on the run's pinned day may be more than 90 days old by November)."""
        User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
        return self.client_for(self.refresh_user(user))

    def post_appointment(self, case: SelectionCase, *, on: dt.date, today: dt.date) -> list[str]:
        """Draw the case page on ``today``, post its 任职 form with date ``on``; the messages."""
        with travel_to(today):
            client = self.signed_in(self.clerk)
            detail = reverse("selection:case_detail", args=[case.pk])
            page = client.get(detail)
            assert page.status_code == 200
            # The form is there, its date field filled with today for the clerk to change.
            self.assertContains(page, 'id="advance-on-appointment" name="on"')
            self.assertContains(page, f'value="{today:%Y-%m-%d}"')
            response = client.post(
                reverse("selection:case_advance", args=[case.pk]),
                {
                    "to_stage": Stage.APPOINTMENT,
                    "on": on.isoformat(),
                    "version": self.fresh(case).version,
                },
                follow=True,
            )
        self.assertRedirects(response, detail)
        return [str(m) for m in response.context["messages"]]

    def test_it_refuses_an_appointment_date_on_or_before_the_notice_end(self) -> None:
        case = self.walk_to_notice()
        for on in (NOTICE_END, dt.date(2026, 11, 18)):
            with self.subTest(on=on):
                assert self.post_appointment(case, on=on, today=AFTER) == [REFUSED]
                self.assert_not_appointed(case)

    def test_it_refuses_while_today_is_not_after_the_notice_end(self) -> None:
        case = self.walk_to_notice()
        assert self.post_appointment(case, on=AFTER, today=NOTICE_END) == [REFUSED]
        self.assert_not_appointed(case)

    def test_it_appoints_when_both_are_after_the_notice_end(self) -> None:
        case = self.walk_to_notice()
        assert self.post_appointment(case, on=AFTER, today=AFTER) == ["已转到“任职”环节"]
        self.assert_appointed(case, AFTER)
