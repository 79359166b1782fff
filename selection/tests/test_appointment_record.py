"""任前公示 → 任职 (``selection.services._appoint``): what the appointment writes, and the 公示
it still checks at that moment.

Found by `make mutation` (docs/testing.md, "Mutation testing"): the one walk of a case to 任职
checked a 提拔 with 试用期 only, so the 领导职务/正职 flags of the new post, the 试用期 of a
lateral move, of a post off the GB/T 12407 ladder, of a non-leading post and of a post without
试用期, a cadre's first ranked post, and a stored 公示 shorter than five working days went
untested.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cadres import services as cadres
from cadres.choices import AssessmentGrade
from cadres.models import Cadre, Position
from selection import services
from selection.choices import CandidateStatus, Stage
from selection.models import Candidate, PublicNotice, SelectionCase
from selection.tests.base import NOTICE_START, TODAY, SelectionTestCase

PROBATION_END = dt.date(2027, 3, 9)  # 试用期一年 from TODAY


class AppointmentRecordTests(SelectionTestCase):
    def walk_to_notice(self, post: dict[str, Any], cadre: Cadre) -> tuple[SelectionCase, Candidate]:
        """A case of 甲镇 for ``post`` with ``cadre`` as its one candidate, at 任前公示 (5
        working days from 2026-03-02, ended 2026-03-06)."""
        case = services.case_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            title="甲镇领导班子选拔任用",
            posts=[{"unit": self.units["a"], **post}],
            opened_on=dt.date(2026, 1, 5),
        )
        candidate = self.nominate(case, cadre)
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION, on=dt.date(2026, 1, 26))
        self.check_all(Candidate.objects.get(pk=candidate.pk))
        self.advance(case, Stage.DECISION, on=dt.date(2026, 2, 24))
        services.decision_record(
            acting_user=self.clerk,
            case=self.fresh(case),
            date=dt.date(2026, 2, 24),
            members_due=9,
            members_present=8,
            votes={candidate.pk: (7, 1, 0)},
        )
        self.advance(case, Stage.PUBLIC_NOTICE, on=NOTICE_START)
        services.notice_set(acting_user=self.clerk, case=self.fresh(case), start_date=NOTICE_START)
        return self.fresh(case), Candidate.objects.get(pk=candidate.pk)

    def appoint(self, post: dict[str, Any], cadre: Cadre | None = None) -> Position:
        """Walk ``post`` to 任职 on TODAY; the position it opened."""
        case, candidate = self.walk_to_notice(post, cadre or self.person("张三"))
        assert self.advance(case, Stage.APPOINTMENT, on=TODAY).stage == Stage.APPOINTMENT
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.APPOINTED
        position = candidate.appointed_position
        assert position is not None
        assert position == Position.objects.get(cadre=candidate.cadre, end_date__isnull=True)
        return position

    def test_a_promotion_to_a_head_post_opens_it_as_decided_and_ends_the_old_post(self) -> None:
        cadre = self.person("张三")
        old = Position.objects.get(cadre=cadre, end_date__isnull=True)
        new = self.appoint({"title": "镇长", "rank_level": "141", "is_head": True}, cadre)
        assert (new.unit_id, new.unit_name, new.title, new.rank_level) == (
            self.units["a"].pk,
            "甲镇",
            "镇长",
            "141",
        )
        assert (new.is_leading, new.is_head) == (True, True)
        assert (new.start_date, new.probation_end) == (TODAY, PROBATION_END)
        old.refresh_from_db()
        assert (old.end_date, old.end_reason) == (TODAY, "任甲镇镇长")

    def test_a_deputy_post_is_opened_as_a_deputy_post(self) -> None:
        new = self.appoint({"title": "镇长", "rank_level": "141"})
        assert (new.is_leading, new.is_head) == (True, False)

    def test_a_move_at_the_same_level_opens_no_probation(self) -> None:
        # 张三 is 副镇长 (142); 党委委员 at 142 is no 提拔.
        new = self.appoint({"title": "党委委员", "rank_level": "142"})
        assert (new.rank_level, new.probation_end) == ("142", None)

    def test_a_post_off_the_ladder_opens_no_probation(self) -> None:
        new = self.appoint({"title": "镇长助理", "rank_level": ""})
        assert (new.rank_level, new.probation_end) == ("", None)

    def test_a_post_without_probation_opens_none_even_on_promotion(self) -> None:
        new = self.appoint({"title": "镇长", "rank_level": "141", "probation_applies": False})
        assert new.probation_end is None

    def test_a_non_leading_post_opens_no_probation_even_when_marked(self) -> None:
        post = {"title": "四级主任科员", "rank_level": "", "is_leading": False}
        new = self.appoint({**post, "probation_applies": True})
        assert (new.is_leading, new.probation_end) == (False, None)

    def test_a_first_ranked_post_is_a_promotion_with_probation(self) -> None:
        created = cadres.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="李四",
            sex="1",
            birth_date=dt.date(1990, 5, 1),
        )
        for year in (2023, 2024):
            cadres.assessment_set(
                acting_user=self.clerk,
                cadre=created,
                year=year,
                grade=AssessmentGrade.COMPETENT,
            )
        cadre = Cadre.objects.get(pk=created.pk)
        new = self.appoint({"title": "副镇长", "rank_level": "142"}, cadre)
        assert new.probation_end == PROBATION_END

    def test_it_refuses_to_appoint_after_a_notice_stored_shorter_than_five_working_days(
        self,
    ) -> None:
        # notice_set refuses fewer than 5 working days; a notice stored otherwise (an import,
        # an older record) is still refused when the case moves to 任职.
        case, _ = self.walk_to_notice({"title": "镇长", "rank_level": "141"}, self.person("张三"))
        PublicNotice.objects.filter(case=case).update(working_days=4)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.APPOINTMENT, on=TODAY)
        assert exc.value.messages == ["公示期不少于 5 个工作日"]
        assert self.fresh(case).stage == Stage.PUBLIC_NOTICE
        assert not Position.objects.filter(title="镇长").exists()
