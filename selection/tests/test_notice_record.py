"""任前公示 (``selection.services.notice_set``): what it stores and audits, and when it refuses.

Found by `make mutation` (docs/testing.md, "Mutation testing"): the notice's audit event, its
异议 text, the field a too-short notice is refused on and the refusal outside 讨论决定/任前公示
were not checked by any test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audit.choices import AuditAction
from selection import services
from selection.choices import Stage
from selection.models import PublicNotice, SelectionCase
from selection.tests.base import NOTICE_START, SelectionTestCase

NOTICE_END = dt.date(2026, 3, 6)  # Friday: the 5th working day from Monday 2026-03-02


class NoticeSetTests(SelectionTestCase):
    def at_decision(self) -> SelectionCase:
        case = self.case()
        self.walk_to_decision(case)
        return self.fresh(case)

    def test_it_stores_the_notice_and_audits_it_on_the_case(self) -> None:
        case = self.at_decision()
        seq = self.newest_seq()
        notice = services.notice_set(
            acting_user=self.clerk, case=case, start_date=NOTICE_START, objections="  无异议 "
        )
        stored = PublicNotice.objects.get(case=case)
        assert stored == notice
        assert (stored.start_date, stored.working_days, stored.end_date, stored.objections) == (
            NOTICE_START,
            5,
            NOTICE_END,
            "无异议",
        )
        assert self.fresh(case).version == case.version + 1
        (event,) = self.events_after(seq)
        assert (event.actor, event.action) == (self.clerk, AuditAction.UPDATE)
        assert (event.object_type, event.object_id) == ("selection.SelectionCase", str(case.pk))
        assert event.changes == {
            "section": "任前公示",
            "after": {
                "start_date": "2026-03-02",
                "working_days": 5,
                "end_date": "2026-03-06",
                "objections": "无异议",
            },
        }

    def test_a_notice_given_no_objections_stores_none(self) -> None:
        notice = services.notice_set(
            acting_user=self.clerk, case=self.at_decision(), start_date=NOTICE_START
        )
        assert notice.objections == ""

    def test_it_refuses_a_short_notice_on_its_working_days_field(self) -> None:
        with pytest.raises(ValidationError) as exc:
            services.notice_set(
                acting_user=self.clerk,
                case=self.at_decision(),
                start_date=NOTICE_START,
                working_days=4,
            )
        assert exc.value.message_dict == {"working_days": ["公示期不少于 5 个工作日"]}

    def test_it_refuses_a_notice_before_the_decision(self) -> None:
        case = self.case()
        self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION, on=dt.date(2026, 1, 26))
        with pytest.raises(ValidationError) as exc:
            services.notice_set(
                acting_user=self.clerk, case=self.fresh(case), start_date=NOTICE_START
            )
        assert exc.value.messages == ["任前公示只能在“讨论决定、任前公示”环节办理，当前为“考察”"]
        assert not PublicNotice.objects.filter(case=case).exists()
