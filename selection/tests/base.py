"""Shared set-up for selection tests: cadres and cases built through the real services."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from audit.models import AuditEvent
from cadres import services as cadres
from cadres.choices import AssessmentGrade
from cadres.models import Cadre, Position
from core.permissions import Role
from selection import services
from selection.choices import Stage
from selection.models import Candidate, SelectionCase
from zugong.testing import PersonaTestCase, make_user

# A fixed "today" for every date rule (a Monday in a year the calendar knows).
TODAY = dt.date(2026, 3, 9)
NOTICE_START = dt.date(2026, 3, 2)  # Monday; 5 working days end on Friday 2026-03-06


class SelectionTestCase(PersonaTestCase):
    """The persona tree plus a 干部科 clerk of 乙镇 (``clerk_b``: selection rights, but only in
    乙镇); helpers for a cadre of 甲镇 and a case for 甲镇镇长."""

    clerk_b: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk_b = make_user("clerk_b", Role.CADRE_CLERK, cls.units["b"])

    @classmethod
    def person(
        cls,
        name: str,
        *,
        rank_level: str = "142",
        since: dt.date = dt.date(2021, 3, 1),
        grades: dict[int, str] | None = None,
        probation_end: dt.date | None = None,
    ) -> Cadre:
        """A cadre of 甲镇 holding one open post of ``rank_level`` since ``since``."""
        cadre = cadres.cadre_create(
            acting_user=cls.clerk,
            unit=cls.units["a"],
            name=name,
            sex="1",
            birth_date=dt.date(1985, 5, 1),
        )
        cadres.position_start(
            acting_user=cls.clerk,
            cadre=cadre,
            unit=cls.units["a"],
            title="副镇长" if rank_level == "142" else "党委副书记",
            rank_level=rank_level,
            is_leading=True,
            start_date=since,
            probation_end=probation_end,
        )
        default = {2023: AssessmentGrade.COMPETENT, 2024: AssessmentGrade.EXCELLENT}
        for year, grade in (grades if grades is not None else default).items():
            cadres.assessment_set(acting_user=cls.clerk, cadre=cadre, year=year, grade=grade)
        return Cadre.objects.get(pk=cadre.pk)

    def case(self, *, rank_level: str = "141", title: str = "镇长") -> SelectionCase:
        return services.case_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            title=f"甲镇{title}选拔任用",
            posts=[{"unit": self.units["a"], "title": title, "rank_level": rank_level}],
            opened_on=dt.date(2026, 1, 5),
        )

    def advance(self, case: SelectionCase, stage: str, **kwargs: object) -> SelectionCase:
        kwargs.setdefault("today", TODAY)
        return services.case_advance(self.clerk, case, stage, **kwargs)  # type: ignore[arg-type]

    def nominate(
        self, case: SelectionCase, cadre: Cadre, *, exceptional: bool = False, ends: bool = True
    ) -> Candidate:
        """Put ``cadre`` forward (ending his open posts on appointment when ``ends``)."""
        if self.fresh(case).stage == Stage.PROPOSAL:
            self.advance(case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        open_posts = Position.objects.filter(cadre=cadre, end_date__isnull=True)
        return services.candidate_add(
            acting_user=self.clerk,
            case=SelectionCase.objects.get(pk=case.pk),
            cadre=cadre,
            post=case.posts.get(),
            exceptional=exceptional,
            exceptional_reason="重大专项工作急需" if exceptional else "",
            recommendation_votes=31,
            positions_to_end=list(open_posts) if ends else [],
        )

    def to_candidates(self, case: SelectionCase) -> SelectionCase:
        return self.advance(case, Stage.CANDIDATES, on=dt.date(2026, 1, 19))

    def check_all(self, candidate: Candidate) -> None:
        day = dt.date(2026, 1, 28)
        services.checklist_set(
            acting_user=self.clerk,
            candidate=candidate,
            file_review=True,
            file_review_date=day,
            personal_matters=True,
            personal_matters_date=day,
            discipline_opinion=True,
            discipline_opinion_date=day,
            no_disqualification=True,
            no_disqualification_date=day,
            note="政治素质好，实绩突出",
        )

    def walk_to_decision(self, case: SelectionCase, votes_for: int = 7) -> Candidate:
        """张三 nominated, inspected and voted for at 讨论决定 (2026-02-24): ready for 公示."""
        candidate = self.nominate(case, self.person("张三"))
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
            votes={candidate.pk: (votes_for, 1, 0)},
        )
        return Candidate.objects.get(pk=candidate.pk)

    def fresh(self, case: SelectionCase) -> SelectionCase:
        return SelectionCase.objects.get(pk=case.pk)

    def newest_seq(self) -> int:
        return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def events_after(self, seq: int) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
