"""selection.services: a full case from 动议 to 任职, and every hard check refusing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import User
from cadres import services as cadres
from cadres.choices import AssessmentGrade
from cadres.models import Cadre, Position
from selection import selectors, services
from selection.choices import STAGE_ORDER, STAGE_TRANSITIONS, CandidateStatus, Stage
from selection.models import Candidate, SelectionCase
from selection.tests.base import NOTICE_START, TODAY, SelectionTestCase


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return list(exc.value.messages)


class FullCaseTests(SelectionTestCase):
    def walk_to_notice(self, case: SelectionCase, votes_for: int = 7) -> Candidate:
        candidate = self.walk_to_decision(case, votes_for)
        self.advance(case, Stage.PUBLIC_NOTICE, on=NOTICE_START)
        services.notice_set(acting_user=self.clerk, case=self.fresh(case), start_date=NOTICE_START)
        return Candidate.objects.get(pk=candidate.pk)

    def test_it_walks_a_case_from_proposal_to_appointment(self) -> None:
        seq = self.newest_seq()
        case = self.case()
        candidate = self.walk_to_notice(case)
        old = Position.objects.get(cadre=candidate.cadre, end_date__isnull=True)
        case = self.advance(case, Stage.APPOINTMENT, on=TODAY)
        assert case.stage == Stage.APPOINTMENT

        new = Position.objects.get(cadre=candidate.cadre, end_date__isnull=True)
        assert (new.unit_name, new.title, new.rank_level, new.start_date) == (
            "甲镇",
            "镇长",
            "141",
            TODAY,
        )
        assert new.probation_end == dt.date(2027, 3, 9)  # 提拔: 试用期一年
        old.refresh_from_db()
        assert old.end_date == TODAY
        assert old.end_reason == "任甲镇镇长"
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.APPOINTED
        assert candidate.appointed_position == new

        events = self.events_after(seq)
        types = {e.object_type for e in events}
        assert {"selection.SelectionCase", "cadres.Cadre"} <= types
        stages = [
            e.changes["after"]["stage"]
            for e in events
            if e.object_type == "selection.SelectionCase" and e.changes.get("section") == "环节"
        ]
        assert stages == [Stage(s).label for s in STAGE_ORDER[1:7]]
        sections = {e.changes.get("section") for e in events if e.object_type == "cadres.Cadre"}
        assert "任职" in sections

        case = self.advance(case, Stage.CLOSED)
        assert case.stage == Stage.CLOSED

    def test_it_assembles_the_full_record(self) -> None:
        case = self.case()
        self.walk_to_notice(case)
        self.advance(case, Stage.APPOINTMENT, on=TODAY)
        record = selectors.case_record(self.fresh(case))
        assert [s["label"] for s in record["stages"]] == [
            "分析研判和动议",
            "民主推荐",
            "确定考察对象",
            "考察",
            "讨论决定",
            "任前公示",
            "任职",
        ]
        assert [s["date"] for s in record["stages"]] == [
            dt.date(2026, 1, 5),
            dt.date(2026, 1, 12),
            dt.date(2026, 1, 19),
            dt.date(2026, 1, 26),
            dt.date(2026, 2, 24),
            NOTICE_START,
            TODAY,
        ]
        (entry,) = record["candidates"]
        assert entry["votes"] == (7, 1, 0)
        assert entry["majority"] is True
        assert entry["recommendation_votes"] == 31
        assert all(done for _, done, _ in entry["checks"])
        assert entry["positions_to_end"] == ["甲镇副镇长"]
        assert entry["appointed"] == "甲镇镇长"
        assert record["meeting"] == {
            "date": dt.date(2026, 2, 24),
            "members_due": 9,
            "members_present": 8,
            "note": "",
        }
        assert record["notice"] is not None
        assert record["notice"]["end_date"] == dt.date(2026, 3, 6)

    def test_it_refuses_appointment_before_the_notice_ends(self) -> None:
        case = self.case()
        self.walk_to_notice(case)
        friday = dt.date(2026, 3, 6)  # the notice's last day
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.APPOINTMENT, on=friday, today=friday)
        assert messages_of(exc) == ["公示期至 2026.03.06 结束，公示期满后方可任职"]
        assert self.fresh(case).stage == Stage.PUBLIC_NOTICE
        assert not Position.objects.filter(title="镇长").exists()

    def test_it_refuses_appointment_without_a_notice(self) -> None:
        case = self.case()
        candidate = self.walk_to_notice(case)
        candidate.case.notice.delete()
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.APPOINTMENT, on=TODAY)
        assert messages_of(exc) == ["尚未进行任前公示"]

    def test_it_refuses_a_notice_shorter_than_five_working_days(self) -> None:
        case = self.case()
        self.walk_to_notice(case)
        with pytest.raises(ValidationError) as exc:
            services.notice_set(
                acting_user=self.clerk,
                case=self.fresh(case),
                start_date=NOTICE_START,
                working_days=4,
            )
        assert messages_of(exc) == ["公示期不少于 5 个工作日"]

    def test_it_computes_the_notice_end_over_holidays(self) -> None:
        case = self.case()
        self.walk_to_notice(case)
        notice = services.notice_set(
            acting_user=self.clerk, case=self.fresh(case), start_date=dt.date(2026, 9, 29)
        )
        # 9.29, 9.30, (国庆 10.1–10.7), 10.8, 10.9 and the 调休 Saturday 10.10.
        assert notice.end_date == dt.date(2026, 10, 10)

    def test_it_refuses_a_decision_without_more_than_half_of_members_due(self) -> None:
        case = self.case()
        cadre = self.person("张三")
        candidate = self.nominate(case, cadre)
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION)
        self.check_all(Candidate.objects.get(pk=candidate.pk))
        self.advance(case, Stage.DECISION)
        # 10 due, 5 for: exactly half is not more than half.
        services.decision_record(
            acting_user=self.clerk,
            case=self.fresh(case),
            date=dt.date(2026, 2, 24),
            members_due=10,
            members_present=6,
            votes={candidate.pk: (5, 1, 0)},
        )
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.PUBLIC_NOTICE)
        assert messages_of(exc) == [
            "张三同意 5 票，未超过应到会成员 10 人的半数，不能形成任用决定；"
            "请先将未获通过的人选退出，再进入任前公示"
        ]
        services.decision_record(
            acting_user=self.clerk,
            case=self.fresh(case),
            date=dt.date(2026, 2, 24),
            members_due=10,
            members_present=7,
            votes={candidate.pk: (6, 1, 0)},
        )
        assert self.advance(case, Stage.PUBLIC_NOTICE).stage == Stage.PUBLIC_NOTICE

    def test_it_refuses_votes_beyond_the_members_present(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION)
        self.check_all(Candidate.objects.get(pk=candidate.pk))
        self.advance(case, Stage.DECISION)
        with pytest.raises(ValidationError) as exc:
            services.decision_record(
                acting_user=self.clerk,
                case=self.fresh(case),
                date=dt.date(2026, 2, 24),
                members_due=9,
                members_present=5,
                votes={candidate.pk: (5, 1, 0)},
            )
        assert messages_of(exc) == ["张三的票数合计超过实到会成员 5 人"]

    def test_it_refuses_a_decision_before_the_checklist_is_complete(self) -> None:
        case = self.case()
        self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.DECISION)
        assert messages_of(exc) == [
            "张三尚未完成“干部人事档案审核”",
            "张三尚未完成“个人有关事项查核”",
            "张三尚未完成“征求纪检监察机关意见”",
            "张三尚未完成“经核实无不得列为考察对象的情形”",
        ]


class CandidateCheckTests(SelectionTestCase):
    def to_inspection(self, case: SelectionCase) -> SelectionCase:
        self.to_candidates(case)
        return self.advance(case, Stage.INSPECTION)

    def test_it_refuses_a_candidate_with_basic_competent_in_the_last_three_years(self) -> None:
        case = self.case()
        self.nominate(case, self.person("李四", grades={2024: AssessmentGrade.BASIC}))
        self.to_candidates(case)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.INSPECTION)
        assert messages_of(exc) == [
            "李四 2024 年度考核为“基本称职”，近3年年度考核有基本称职以下等次的，不得列为考察对象"
        ]
        assert self.fresh(case).stage == Stage.CANDIDATES
        assert Candidate.objects.get().status == CandidateStatus.NOMINATED

    def test_it_refuses_incompetent_too_and_ignores_older_years(self) -> None:
        case = self.case()
        self.nominate(case, self.person("王五", grades={2025: AssessmentGrade.INCOMPETENT}))
        self.to_candidates(case)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.INSPECTION)
        assert "王五 2025 年度考核为“不称职”" in messages_of(exc)[0]

        other = self.case(title="党委副书记")
        self.nominate(other, self.person("赵六", grades={2022: AssessmentGrade.BASIC}))
        assert self.to_inspection(other).stage == Stage.INSPECTION

    def test_it_refuses_exceptional_promotion_during_probation(self) -> None:
        case = self.case(rank_level="132")
        cadre = self.person("钱七", since=dt.date(2024, 1, 2), probation_end=dt.date(2026, 6, 1))
        self.nominate(case, cadre, exceptional=True)
        self.to_candidates(case)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.INSPECTION)
        assert messages_of(exc) == ["钱七担任“甲镇副镇长”的试用期至 2026.06.01 未满，不得破格提拔"]

    def test_it_allows_exceptional_promotion_once_probation_is_confirmed(self) -> None:
        case = self.case(rank_level="132")
        cadre = self.person("钱七", since=dt.date(2024, 1, 2), probation_end=dt.date(2026, 6, 1))
        position = Position.objects.get(cadre=cadre)
        cadres.position_update(acting_user=self.clerk, position=position, probation_confirmed=True)
        self.nominate(case, cadre, exceptional=True)
        assert self.to_inspection(case).stage == Stage.INSPECTION

    def test_it_refuses_exceptional_promotion_within_a_year_of_a_promotion(self) -> None:
        case = self.case(rank_level="132")
        cadre = self.person("孙八", since=dt.date(2020, 3, 1))
        old = Position.objects.get(cadre=cadre)
        cadres.position_end(acting_user=self.clerk, position=old, end_date=dt.date(2025, 9, 30))
        cadres.position_start(
            acting_user=self.clerk,
            cadre=cadre,
            unit=self.units["a"],
            title="党委副书记",
            rank_level="141",
            is_leading=True,
            start_date=dt.date(2025, 10, 1),
        )
        self.nominate(case, cadre, exceptional=True)
        self.to_candidates(case)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.INSPECTION)
        assert messages_of(exc) == [
            "孙八于 2025.10.01 提拔任“甲镇党委副书记”，提拔任职不满一年，不得破格提拔"
        ]

    def test_it_does_not_count_a_lateral_move_as_a_promotion(self) -> None:
        case = self.case(rank_level="132")
        cadre = self.person("周九", rank_level="141", since=dt.date(2020, 3, 1))
        old = Position.objects.get(cadre=cadre)
        cadres.position_end(acting_user=self.clerk, position=old, end_date=dt.date(2025, 9, 30))
        cadres.position_start(
            acting_user=self.clerk,
            cadre=cadre,
            unit=self.units["a"],
            title="镇长",
            rank_level="141",
            is_leading=True,
            start_date=dt.date(2025, 10, 1),
        )
        self.nominate(case, cadre, exceptional=True)
        assert self.to_inspection(case).stage == Stage.INSPECTION

    def test_it_refuses_exceptional_promotion_over_two_levels(self) -> None:
        # 142 → 131 passes over 141 and 132: 越两级.
        case = self.case(rank_level="131")
        self.nominate(case, self.person("吴十", since=dt.date(2018, 3, 1)), exceptional=True)
        self.to_candidates(case)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.INSPECTION)
        assert messages_of(exc) == ["吴十拟任职务超过现任职务层次两级以上，不得越两级提拔"]

    def test_it_allows_skipping_one_level_as_an_exception(self) -> None:
        # 142 → 132 passes over 141 only: 越级, which the 条例 allows as 破格.
        case = self.case(rank_level="132")
        self.nominate(case, self.person("郑一", since=dt.date(2018, 3, 1)), exceptional=True)
        assert self.to_inspection(case).stage == Stage.INSPECTION

    def test_it_requires_a_reason_for_an_exceptional_candidate(self) -> None:
        case = self.case()
        self.advance(case, Stage.RECOMMENDATION)
        with pytest.raises(ValidationError) as exc:
            services.candidate_add(
                acting_user=self.clerk,
                case=self.fresh(case),
                cadre=self.person("郑一"),
                post=case.posts.get(),
                exceptional=True,
            )
        assert messages_of(exc) == ["破格提拔须说明破格情形和理由"]

    def test_it_lets_a_refused_candidate_be_withdrawn_and_goes_on(self) -> None:
        case = self.case()
        bad = self.nominate(case, self.person("李四", grades={2024: AssessmentGrade.BASIC}))
        self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        services.candidate_withdraw(acting_user=self.clerk, candidate=bad, reason="考核不符合条件")
        assert self.advance(case, Stage.INSPECTION).stage == Stage.INSPECTION
        statuses = dict(Candidate.objects.values_list("cadre__name", "status"))
        assert statuses == {"李四": CandidateStatus.WITHDRAWN, "张三": CandidateStatus.INSPECTED}


class TransitionTests(SelectionTestCase):
    def test_it_has_no_skipping_in_its_table(self) -> None:
        for index, stage in enumerate(STAGE_ORDER):
            forward = {s for s in STAGE_TRANSITIONS[stage] if STAGE_ORDER.index(s) > index}
            assert forward == set(STAGE_ORDER[index + 1 : index + 2])

    def test_it_refuses_to_skip_a_stage(self) -> None:
        case = self.case()
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.CANDIDATES)
        assert messages_of(exc) == [
            "当前为“分析研判和动议”环节，不能转到“确定考察对象”（不能跳过环节）"
        ]
        assert self.fresh(case).stage == Stage.PROPOSAL

    def test_it_goes_back_only_with_a_reason(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.CANDIDATES)
        assert messages_of(exc) == ["退回到之前的环节须说明理由"]
        back = self.advance(case, Stage.RECOMMENDATION, reason="需补充民主推荐")
        assert back.stage == Stage.RECOMMENDATION
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.NOMINATED
        record = back.records.get(stage=Stage.RECOMMENDATION)
        assert "退回：需补充民主推荐" in record.note

    def test_it_cannot_go_back_after_appointment(self) -> None:
        assert Stage.PUBLIC_NOTICE not in STAGE_TRANSITIONS[Stage.APPOINTMENT]
        assert STAGE_TRANSITIONS[Stage.CLOSED] == frozenset()

    def test_it_refuses_inspection_without_candidates(self) -> None:
        case = self.case()
        self.advance(case, Stage.RECOMMENDATION)
        with pytest.raises(ValidationError) as exc:
            self.advance(case, Stage.CANDIDATES)
        assert messages_of(exc) == ["民主推荐尚未产生人选"]

    def test_it_refuses_a_stale_version(self) -> None:
        case = self.case()
        with pytest.raises(ValidationError) as exc:
            services.case_advance(
                self.clerk, case, Stage.RECOMMENDATION, today=TODAY, version=case.version + 1
            )
        assert messages_of(exc) == ["该选拔任用事项已被他人修改，请刷新后重试"]

    def test_it_refuses_a_stale_version_on_every_stage_write(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        stale = self.fresh(case).version - 1
        writes = {
            "stage_record_set": lambda: services.stage_record_set(
                acting_user=self.clerk,
                case=self.fresh(case),
                stage=Stage.PROPOSAL,
                date=dt.date(2026, 1, 5),
                version=stale,
            ),
            "candidate_add": lambda: services.candidate_add(
                acting_user=self.clerk,
                case=self.fresh(case),
                cadre=self.person("李四"),
                post=case.posts.get(),
                version=stale,
            ),
            "candidate_withdraw": lambda: services.candidate_withdraw(
                acting_user=self.clerk, candidate=candidate, reason="另有任用", version=stale
            ),
            "checklist_set": lambda: services.checklist_set(
                acting_user=self.clerk, candidate=candidate, version=stale, note="x"
            ),
            "decision_record": lambda: services.decision_record(
                acting_user=self.clerk,
                case=self.fresh(case),
                date=dt.date(2026, 2, 24),
                members_due=9,
                members_present=8,
                votes={candidate.pk: (7, 1, 0)},
                version=stale,
            ),
            "notice_set": lambda: services.notice_set(
                acting_user=self.clerk,
                case=self.fresh(case),
                start_date=NOTICE_START,
                version=stale,
            ),
        }
        for name, write in writes.items():
            with pytest.raises(ValidationError) as exc:
                write()
            assert messages_of(exc) == ["该选拔任用事项已被他人修改，请刷新后重试"], name
        assert Candidate.objects.get().status == CandidateStatus.NOMINATED


class CandidateRuleTests(SelectionTestCase):
    def test_it_refuses_a_cadre_who_is_no_longer_serving(self) -> None:
        case = self.case()
        self.advance(case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        retired = self.person("王五")
        cadres.cadre_set_status(
            acting_user=self.clerk, cadre=retired, status="retired", on=dt.date(2026, 1, 31)
        )
        with pytest.raises(ValidationError) as exc:
            services.candidate_add(
                acting_user=self.clerk,
                case=self.fresh(case),
                cadre=Cadre.objects.get(pk=retired.pk),
                post=case.posts.get(),
            )
        assert exc.value.message_dict == {"cadre": ["王五已退休"]}
        assert not Candidate.objects.exists()

    def test_it_refuses_a_cadre_outside_the_case_unit(self) -> None:
        case = self.case()
        self.advance(case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        county_cadre = cadres.cadre_create(
            acting_user=self.clerk,
            unit=self.units["root"],
            name="赵六",
            sex="1",
            birth_date=dt.date(1980, 1, 1),
        )
        with pytest.raises(ValidationError) as exc:
            services.candidate_add(
                acting_user=self.clerk,
                case=self.fresh(case),
                cadre=county_cadre,
                post=case.posts.get(),
            )
        assert exc.value.message_dict == {"cadre": ["赵六不在“甲镇”及其下属单位"]}

    def test_it_refuses_to_withdraw_a_candidate_twice(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        services.candidate_withdraw(acting_user=self.clerk, candidate=candidate, reason="另有任用")
        seq = self.newest_seq()
        with pytest.raises(ValidationError) as exc:
            services.candidate_withdraw(acting_user=self.clerk, candidate=candidate, reason="重复")
        assert messages_of(exc) == ["张三已不再考虑"]
        assert self.events_after(seq) == []


class ScopeTests(SelectionTestCase):
    def test_it_refuses_an_outsider_on_every_write(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        for outsider in (self.outsider_b, self.clerk_b):
            self.refuse_writes(outsider, case, candidate)
        assert self.fresh(case).stage == Stage.RECOMMENDATION

    def refuse_writes(self, outsider: User, case: SelectionCase, candidate: Candidate) -> None:
        writes = [
            lambda: services.case_advance(outsider, case, Stage.CANDIDATES, today=TODAY),
            lambda: services.case_create(
                acting_user=outsider,
                unit=self.units["a"],
                title="越权事项",
                posts=[{"unit": self.units["a"], "title": "镇长"}],
            ),
            lambda: services.candidate_withdraw(
                acting_user=outsider, candidate=candidate, reason="x"
            ),
            lambda: services.stage_record_set(
                acting_user=outsider,
                case=case,
                stage=Stage.PROPOSAL,
                date=TODAY,
                outcome="x",
            ),
            lambda: services.notice_set(acting_user=outsider, case=case, start_date=NOTICE_START),
        ]
        for write in writes:
            with pytest.raises(PermissionDenied):
                write()

    def test_it_hides_a_case_from_an_outsider(self) -> None:
        case = self.case()
        own = services.case_create(
            acting_user=self.clerk_b,
            unit=self.units["b"],
            title="乙镇镇长选拔任用",
            posts=[{"unit": self.units["b"], "title": "镇长", "rank_level": "141"}],
        )
        for outsider in (self.outsider_b, self.clerk_b):
            assert case not in list(selectors.case_list(user=outsider))
            with pytest.raises(Http404):
                selectors.case_get(user=outsider, pk=case.pk)
        assert list(selectors.case_list(user=self.clerk_b)) == [own]
        with pytest.raises(PermissionDenied):
            services.candidate_add(
                acting_user=self.clerk_b,
                case=own,
                cadre=self.person("张三"),
                post=own.posts.get(),
            )
        assert selectors.case_get(user=self.leader, pk=case.pk) == case
        assert set(selectors.case_list(user=self.clerk)) == {case, own}
