"""Programme and assignment services: the life of an assignment, the 简历 note, every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.choices import AuditAction
from cadres import resume
from cadres import services as cadres
from cadres.choices import CadreStatus
from cadres.models import Cadre
from development import services
from development.choices import AssignmentStatus, EvaluationGrade, EvaluationStage, ProgrammeKind
from development.models import Assignment, Programme
from development.tests.base import PoolTestCase

NOTE = "（其间：2024.03--2025.03 在临江县石桥镇挂职任党委副书记）"


class ProgrammeTestCase(PoolTestCase):
    """Pool personas plus helpers that build programmes and assignments through the services."""

    @classmethod
    def programme(
        cls,
        name: str = "2024年挂职锻炼",
        *,
        kind: str = ProgrammeKind.SECONDMENT,
        unit: str = "root",
        start: dt.date = dt.date(2024, 1, 1),
        end: dt.date | None = dt.date(2025, 12, 31),
        user: Any = None,
    ) -> Programme:
        return services.programme_create(
            acting_user=user or cls.clerk,
            unit=cls.units[unit],
            kind=kind,
            name=name,
            start_date=start,
            end_date=end,
            goals="在基层一线墩实干部",
        )

    def assign(self, programme: Programme, cadre: Cadre, **fields: Any) -> Assignment:
        values: dict[str, Any] = {
            "host_name": "临江县石桥镇",
            "post_title": "党委副书记",
            "mentor_name": "王建国",
            "start_date": dt.date(2024, 3, 1),
            "end_date": dt.date(2025, 3, 1),
        }
        values.update(fields)
        return services.assignment_create(
            acting_user=self.clerk, programme=programme, cadre=cadre, **values
        )

    def run_through(self, assignment: Assignment, ended_on: dt.date) -> Assignment:
        services.assignment_start(acting_user=self.clerk, assignment=assignment)
        return services.assignment_end(
            acting_user=self.clerk, assignment=assignment, ended_on=ended_on
        )


class ProgrammeServiceTests(ProgrammeTestCase):
    def test_it_creates_a_programme_and_audits_it(self) -> None:
        seq = self.newest_seq()
        programme = self.programme()
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type, event.object_id) == (
            AuditAction.CREATE,
            "development.Programme",
            str(programme.pk),
        )
        assert event.changes["after"]["kind"] == "挂职锻炼"
        assert event.changes["after"]["unit"] == "测试县委（T000）"

    def test_it_refuses_bad_programmes_in_chinese(self) -> None:
        self.programme("已有项目")
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"name": " "}, {"name": ["请填写培养项目名称"]}),
            ({"name": "项" * 61}, {"name": ["培养项目名称不能超过 60 个字"]}),
            ({"kind": "elite"}, {"kind": ["请选择培养项目类别"]}),
            ({"end_date": dt.date(2023, 1, 1)}, {"end_date": ["结束日期不能早于开始日期"]}),
            ({"name": "已有项目"}, {"name": ["“测试县委”已有名为“已有项目”的培养项目"]}),
        ]
        for change, expected in cases:
            fields: dict[str, Any] = {
                "kind": ProgrammeKind.HEAD_UPLIFT,
                "name": "一把手提质",
                "start_date": dt.date(2024, 1, 1),
                **change,
            }
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                services.programme_create(acting_user=self.clerk, unit=self.units["root"], **fields)
            assert exc.value.message_dict == expected
        assert Programme.objects.count() == 1

    def test_it_names_an_other_programme_freely_and_updates_it_with_an_audited_diff(self) -> None:
        programme = self.programme("机关干部到信访窗口跟班学习", kind=ProgrammeKind.OTHER)
        seq = self.newest_seq()
        updated = services.programme_update(
            acting_user=self.clerk, programme=programme, version=1, goals="提升群众工作能力"
        )
        assert updated.version == 2
        (event,) = self.events_after(seq)
        assert event.changes == {
            "before": {"goals": "在基层一线墩实干部"},
            "after": {"goals": "提升群众工作能力"},
        }
        with pytest.raises(ValidationError) as exc:
            services.programme_update(
                acting_user=self.clerk, programme=programme, version=1, is_active=False
            )
        assert "该培养项目已被clerk于" in exc.value.messages[0]

    def test_it_refuses_programme_dates_that_would_leave_an_assignment_outside(self) -> None:
        programme = self.programme()
        self.assign(programme, self.person("张三"))
        with pytest.raises(ValidationError) as exc:
            services.programme_update(
                acting_user=self.clerk, programme=programme, end_date=dt.date(2024, 12, 31)
            )
        assert exc.value.message_dict == {
            "end_date": ["已有培养安排晚于该结束日期，请先调整培养安排"]
        }
        with pytest.raises(ValidationError) as exc:
            services.programme_update(
                acting_user=self.clerk, programme=programme, start_date=dt.date(2024, 6, 1)
            )
        assert exc.value.message_dict == {
            "start_date": ["已有培养安排早于该开始日期，请先调整培养安排"]
        }

    def test_it_scopes_programmes_to_the_actors_units(self) -> None:
        with pytest.raises(PermissionDenied):
            self.programme(user=self.clerk_a)  # root lies above 甲镇's clerk
        with pytest.raises(PermissionDenied):
            self.programme(user=self.leader)  # leaders only view programmes
        own = self.programme("甲镇墩苗", unit="a", user=self.clerk_a)
        with pytest.raises(PermissionDenied):
            services.programme_update(acting_user=self.clerk_b, programme=own, goals="x")
        assert Programme.objects.get(pk=own.pk).goals == "在基层一线墩实干部"


class AssignmentLifeTests(ProgrammeTestCase):
    def test_it_walks_an_assignment_from_plan_to_end_and_writes_the_resume_note(self) -> None:
        cadre = self.person("张三")
        programme = self.programme()
        seq = self.newest_seq()
        assignment = self.assign(programme, cadre)
        assert assignment.status == AssignmentStatus.PLANNED
        assignment = services.assignment_start(acting_user=self.clerk, assignment=assignment)
        assert assignment.status == AssignmentStatus.ACTIVE
        assignment = services.assignment_evaluate(
            acting_user=self.clerk,
            assignment=assignment,
            stage=EvaluationStage.MID,
            text="进入角色快，群众基础好",
            evaluated_on=dt.date(2024, 9, 10),
        )
        assignment = services.assignment_evaluate(
            acting_user=self.clerk,
            assignment=assignment,
            stage=EvaluationStage.FINAL,
            text="圆满完成挂职任务",
            evaluated_on=dt.date(2025, 3, 1),
            grade=EvaluationGrade.EXCELLENT,
        )
        assignment = services.assignment_end(
            acting_user=self.clerk, assignment=assignment, ended_on=dt.date(2025, 3, 20)
        )

        stored = Assignment.objects.get(pk=assignment.pk)
        assert stored.status == AssignmentStatus.ENDED
        assert stored.ended_on == dt.date(2025, 3, 20)
        assert (stored.mid_evaluated_on, stored.final_grade) == (
            dt.date(2024, 9, 10),
            EvaluationGrade.EXCELLENT,
        )
        assert stored.resume_note == NOTE
        assert stored.version == 5

        person = Cadre.objects.get(pk=cadre.pk)
        assert person.resume_extra == NOTE
        assert person.resume.splitlines() == [
            "2010.09--2014.07  测试大学行政管理专业学习",
            "2021.03--         甲镇副镇长",
            resume.TEXT_INDENT + NOTE,
        ]
        generated = cadres.generated_resume(person, person.positions.all(), person.educations.all())
        assert generated == person.resume

        events = self.events_after(seq)
        assert [(e.object_type, e.action) for e in events] == [
            ("development.Assignment", AuditAction.CREATE),
            ("development.Assignment", AuditAction.UPDATE),
            ("development.Assignment", AuditAction.UPDATE),
            ("development.Assignment", AuditAction.UPDATE),
            ("cadres.Cadre", AuditAction.UPDATE),
            ("development.Assignment", AuditAction.UPDATE),
        ]
        assert events[1].changes["after"]["status"] == "进行中"
        assert events[3].changes["after"]["final_grade"] == "优秀"
        assert events[4].changes["after"]["resume_extra"] == NOTE
        assert events[5].changes["after"]["status"] == "已结束"
        assert events[5].changes["after"]["resume_note"] == NOTE

    def test_it_parses_the_note_it_writes_as_a_note_of_the_post_held(self) -> None:
        cadre = self.person("张三")
        self.run_through(self.assign(self.programme(), cadre), dt.date(2025, 3, 20))
        segments = resume.parse(Cadre.objects.get(pk=cadre.pk).resume)
        assert [(s.text, s.is_note) for s in segments] == [
            ("测试大学行政管理专业学习", False),
            ("甲镇副镇长", False),
            (NOTE, True),
        ]

    def test_it_names_a_host_from_the_unit_tree_for_a_grassroots_assignment(self) -> None:
        cadre = self.person("李四", unit="b")
        programme = self.programme("年轻干部墩苗", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        assignment = self.assign(
            programme,
            cadre,
            host_name="",
            host_unit=self.units["a_village"],
            post_title="党支部副书记",
            start_date=dt.date(2024, 4, 1),
        )
        ended = self.run_through(assignment, dt.date(2025, 2, 28))
        expected = "（其间：2024.04--2025.02 在甲村挂职任党支部副书记）"
        assert ended.resume_note == expected
        assert expected in Cadre.objects.get(pk=cadre.pk).resume

    def test_it_leaves_the_resume_alone_for_programmes_without_a_posting(self) -> None:
        cadre = self.person("张三")
        programme = self.programme("一把手提质", kind=ProgrammeKind.HEAD_UPLIFT)
        before = Cadre.objects.get(pk=cadre.pk)
        ended = self.run_through(self.assign(programme, cadre), dt.date(2025, 3, 1))
        after = Cadre.objects.get(pk=cadre.pk)
        assert ended.resume_note == ""
        assert (after.resume, after.resume_extra, after.version) == (
            before.resume,
            before.resume_extra,
            before.version,
        )

    def test_it_appends_the_note_to_a_resume_kept_by_hand(self) -> None:
        cadre = self.person("张三")
        cadres.cadre_update(
            acting_user=self.clerk,
            cadre=cadre,
            resume_manual=True,
            resume="2021.03--         甲镇副镇长",
            resume_extra="2022.01--  甲镇党委委员",
        )
        self.run_through(self.assign(self.programme(), cadre), dt.date(2025, 3, 20))
        person = Cadre.objects.get(pk=cadre.pk)
        assert person.resume == "2021.03--         甲镇副镇长\n" + resume.TEXT_INDENT + NOTE
        assert person.resume_extra == "2022.01--  甲镇党委委员\n" + NOTE

    def test_it_cancels_a_planned_assignment_with_a_reason_and_no_resume_note(self) -> None:
        cadre = self.person("张三")
        assignment = self.assign(self.programme(), cadre)
        with pytest.raises(ValidationError) as exc:
            services.assignment_cancel(acting_user=self.clerk, assignment=assignment, reason=" ")
        assert exc.value.message_dict == {"cancel_reason": ["请填写取消原因"]}
        cancelled = services.assignment_cancel(
            acting_user=self.clerk, assignment=assignment, reason="工作需要，暂缓派出"
        )
        assert cancelled.status == AssignmentStatus.CANCELLED
        assert Cadre.objects.get(pk=cadre.pk).resume_extra == ""
        # A cancelled assignment no longer blocks a new one over the same months.
        again = self.assign(Programme.objects.get(pk=assignment.programme_id), cadre)
        assert again.status == AssignmentStatus.PLANNED


class AssignmentRefusalTests(ProgrammeTestCase):
    def test_it_refuses_bad_assignments_in_chinese(self) -> None:
        cadre = self.person("张三")
        programme = self.programme()
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"host_name": ""}, {"host": ["请选择接收单位或填写接收单位名称"]}),
            (
                {"host_unit": self.units["b"]},
                {"host": ["接收单位只能选择系统中的单位或填写名称，不能同时填写"]},
            ),
            ({"post_title": " "}, {"post_title": ["请填写挂任职务"]}),
            ({"mentor_name": "王" * 41}, {"mentor_name": ["导师姓名不能超过 40 个字"]}),
            (
                {"end_date": dt.date(2024, 3, 1)},
                {"end_date": ["计划结束日期应晚于开始日期"]},
            ),
            (
                {"start_date": dt.date(2023, 12, 1)},
                {"start_date": ["开始日期不能早于培养项目开始日期（2024.01.01）"]},
            ),
            (
                {"end_date": dt.date(2026, 3, 1)},
                {"end_date": ["计划结束日期不能晚于培养项目结束日期（2025.12.31）"]},
            ),
            (
                {"host_name": "", "host_unit": self.units["a"]},
                {"host": ["接收单位不能是干部本单位"]},
            ),
        ]
        for change, expected in cases:
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                self.assign(programme, cadre, **change)
            assert exc.value.message_dict == expected
        assert not Assignment.objects.exists()

    def test_it_refuses_an_overlapping_assignment_in_the_same_programme(self) -> None:
        cadre = self.person("张三")
        programme = self.programme()
        self.assign(programme, cadre)
        with pytest.raises(ValidationError) as exc:
            self.assign(
                programme, cadre, start_date=dt.date(2024, 12, 1), end_date=dt.date(2025, 6, 1)
            )
        assert exc.value.message_dict == {
            "cadre": [
                "张三在“2024年挂职锻炼”中已有2024.03.01至2025.03.01的培养安排（计划中），"
                "时间不能重叠"
            ]
        }
        # Back to back is not an overlap, nor is the same period in another programme.
        self.assign(programme, cadre, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 9, 1))
        other = self.programme("专业干部赋能", kind=ProgrammeKind.SPECIALIST_EMPOWERMENT)
        self.assign(other, cadre)
        assert Assignment.objects.filter(cadre=cadre).count() == 3

    def test_it_refuses_inactive_programmes_retired_cadres_and_cadres_outside(self) -> None:
        programme = self.programme()
        retired = self.person("退休者")
        cadres.cadre_set_status(
            acting_user=self.clerk,
            cadre=retired,
            status=CadreStatus.RETIRED,
            on=dt.date(2024, 1, 1),
        )
        with pytest.raises(ValidationError) as exc:
            self.assign(programme, Cadre.objects.get(pk=retired.pk))
        assert exc.value.message_dict == {"cadre": ["退休者已退休，不能参加培养项目"]}

        town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        with pytest.raises(ValidationError) as exc:
            self.assign(town, self.person("乙镇人", unit="b"))
        assert exc.value.message_dict == {"cadre": ["乙镇人不在“甲镇”及其下属单位，不能参加本项目"]}

        services.programme_update(acting_user=self.clerk, programme=programme, is_active=False)
        programme.refresh_from_db()
        with pytest.raises(ValidationError) as exc:
            self.assign(programme, self.person("张三"))
        assert exc.value.messages == ["“2024年挂职锻炼”已停用，不能新增培养安排"]

    def test_it_refuses_steps_out_of_order(self) -> None:
        cadre = self.person("张三")
        assignment = self.assign(self.programme(), cadre)
        with pytest.raises(ValidationError) as exc:
            services.assignment_end(
                acting_user=self.clerk, assignment=assignment, ended_on=dt.date(2025, 3, 1)
            )
        assert exc.value.messages == ["培养安排当前为“计划中”，不能改为“已结束”"]
        with pytest.raises(ValidationError) as exc:
            services.assignment_evaluate(
                acting_user=self.clerk,
                assignment=assignment,
                stage=EvaluationStage.MID,
                text="好",
                evaluated_on=dt.date(2024, 9, 1),
            )
        assert exc.value.messages == ["培养安排当前为“计划中”，不能填写中期评价"]
        ended = self.run_through(assignment, dt.date(2025, 3, 1))
        with pytest.raises(ValidationError) as exc:
            services.assignment_start(acting_user=self.clerk, assignment=ended)
        assert exc.value.messages == ["培养安排当前为“已结束”，不能改为“进行中”"]
        with pytest.raises(ValidationError) as exc:
            services.assignment_cancel(acting_user=self.clerk, assignment=ended, reason="误录")
        assert exc.value.messages == ["培养安排当前为“已结束”，不能改为“已取消”"]
        with pytest.raises(ValidationError) as exc:
            services.assignment_evaluate(
                acting_user=self.clerk,
                assignment=ended,
                stage=EvaluationStage.MID,
                text="补录",
                evaluated_on=dt.date(2024, 9, 1),
            )
        assert exc.value.messages == ["培养安排当前为“已结束”，不能填写中期评价"]
        # The final evaluation may come after the end.
        late = services.assignment_evaluate(
            acting_user=self.clerk,
            assignment=ended,
            stage=EvaluationStage.FINAL,
            text="考核合格",
            evaluated_on=dt.date(2025, 4, 1),
            grade=EvaluationGrade.QUALIFIED,
        )
        assert late.get_final_grade_display() == "合格"

    def test_it_refuses_bad_evaluations_and_dates(self) -> None:
        cadre = self.person("张三")
        assignment = self.assign(self.programme(), cadre)
        future = dt.date.today() + dt.timedelta(days=30)
        with pytest.raises(ValidationError) as exc:
            services.assignment_start(
                acting_user=self.clerk, assignment=assignment, started_on=future
            )
        assert exc.value.message_dict == {"start_date": ["到岗日期不能晚于今天"]}
        active = services.assignment_start(
            acting_user=self.clerk, assignment=assignment, started_on=dt.date(2024, 3, 4)
        )
        assert active.start_date == dt.date(2024, 3, 4)
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"stage": "x"}, {"stage": ["请选择中期评价或期满评价"]}),
            ({"text": ""}, {"text": ["请填写评价内容"]}),
            ({"grade": "excellent"}, {"grade": ["中期评价不评定等次"]}),
            (
                {"stage": EvaluationStage.FINAL},
                {"grade": ["期满评价请选择等次：优秀、合格或不合格"]},
            ),
            ({"evaluated_on": future}, {"evaluated_on": ["评价日期不能晚于今天"]}),
            ({"evaluated_on": dt.date(2024, 3, 1)}, {"evaluated_on": ["评价日期不能早于开始日期"]}),
        ]
        for change, expected in cases:
            fields: dict[str, Any] = {
                "stage": EvaluationStage.MID,
                "text": "表现良好",
                "evaluated_on": dt.date(2024, 9, 1),
                **change,
            }
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                services.assignment_evaluate(acting_user=self.clerk, assignment=active, **fields)
            assert exc.value.message_dict == expected
        for ended_on, expected in [
            (future, {"ended_on": ["结束日期不能晚于今天"]}),
            (dt.date(2024, 3, 1), {"ended_on": ["结束日期不能早于开始日期"]}),
        ]:
            with pytest.raises(ValidationError) as exc:
                services.assignment_end(
                    acting_user=self.clerk, assignment=active, ended_on=ended_on
                )
            assert exc.value.message_dict == expected
        stored = Assignment.objects.get(pk=assignment.pk)
        assert (stored.status, stored.mid_evaluation, stored.ended_on) == (
            AssignmentStatus.ACTIVE,
            "",
            None,
        )
        assert Cadre.objects.get(pk=cadre.pk).resume_extra == ""

    def test_it_writes_no_audit_and_no_resume_line_when_an_end_is_refused(self) -> None:
        cadre = self.person("张三")
        assignment = self.assign(self.programme(), cadre)
        services.assignment_start(acting_user=self.clerk, assignment=assignment)
        seq = self.newest_seq()
        with pytest.raises(ValidationError):
            services.assignment_end(
                acting_user=self.clerk, assignment=assignment, ended_on=dt.date(2024, 1, 1)
            )
        assert self.events_after(seq) == []
        with pytest.raises(ValidationError):
            services.assignment_end(
                acting_user=self.clerk,
                assignment=assignment,
                ended_on=dt.date(2025, 3, 1),
                version=1,
            )
        assert self.events_after(seq) == []
        assert Cadre.objects.get(pk=cadre.pk).resume_extra == ""


class AssignmentScopeTests(ProgrammeTestCase):
    def test_it_refuses_cadres_and_programmes_outside_the_actors_scope_like_missing_ones(
        self,
    ) -> None:
        town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        mine = self.person("甲镇人")
        theirs = self.person("乙镇人", unit="b")
        with pytest.raises(PermissionDenied) as exc:
            services.assignment_create(
                acting_user=self.clerk_a,
                programme=self.programme(),
                cadre=mine,
                host_name="某镇",
                post_title="副镇长",
                start_date=dt.date(2024, 3, 1),
                end_date=dt.date(2025, 3, 1),
            )
        assert exc.value.args == ("培养项目不存在或无权操作",)
        with pytest.raises(PermissionDenied) as exc:
            services.assignment_create(
                acting_user=self.clerk_a,
                programme=town,
                cadre=theirs,
                host_name="某村",
                post_title="支部副书记",
                start_date=dt.date(2024, 3, 1),
                end_date=dt.date(2025, 3, 1),
            )
        assert exc.value.args == ("干部不存在或无权操作",)
        assignment = services.assignment_create(
            acting_user=self.clerk_a,
            programme=town,
            cadre=mine,
            host_unit=self.units["a_village"],
            post_title="党支部副书记",
            start_date=dt.date(2024, 3, 1),
            end_date=dt.date(2025, 3, 1),
        )
        for user in (self.clerk_b, self.outsider_b, self.leader, self.liaison_a):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                services.assignment_start(acting_user=user, assignment=assignment)
        assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.PLANNED
        ended = self.run_through(assignment, dt.date(2025, 3, 1))
        assert ended.status == AssignmentStatus.ENDED
