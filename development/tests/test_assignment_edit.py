"""Correcting an assignment (service, page, PATCH) and exporting a programme's assignments."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres.models import Cadre
from development import services
from development.choices import AssignmentStatus, EvaluationGrade, EvaluationStage, ProgrammeKind
from development.models import Assignment, Programme
from development.tests.test_programme_services import NOTE, ProgrammeTestCase

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
MISSING = 987_654


def url(name: str, *args: int) -> str:
    return reverse(f"development:{name}", args=list(args))


def comparable(response: Any) -> tuple[int, str]:
    """Status and body without the per-render CSRF token."""
    return response.status_code, CSRF_INPUT.sub("csrf", response.content.decode())


class AssignmentEditTestCase(ProgrammeTestCase):
    """A 2024 county 挂职 programme with 张三 (甲镇) planned at 临江县石桥镇."""

    def setUp(self) -> None:
        self.secondment = self.programme()
        self.zs = self.person("张三")
        self.planned = self.assign(self.secondment, self.zs)

    def stored(self, assignment: Assignment | None = None) -> Assignment:
        return Assignment.objects.get(pk=(assignment or self.planned).pk)

    def update(self, assignment: Assignment | None = None, **fields: Any) -> Assignment:
        return services.assignment_update(
            acting_user=self.clerk, assignment=assignment or self.planned, **fields
        )


class AssignmentUpdateServiceTests(AssignmentEditTestCase):
    def test_it_corrects_a_planned_assignment_and_audits_before_and_after(self) -> None:
        seq = self.newest_seq()
        updated = self.update(
            version=1,
            host_unit=self.units["b"],
            post_title=" 党委委员 ",
            mentor_name="李国强",
            start_date=dt.date(2024, 4, 1),
            end_date=dt.date(2025, 4, 1),
        )
        stored = self.stored()
        assert (stored.host_unit, stored.host_name, stored.post_title, stored.mentor_name) == (
            self.units["b"],
            "",  # naming a tree unit clears the typed name
            "党委委员",
            "李国强",
        )
        assert (stored.start_date, stored.end_date) == (dt.date(2024, 4, 1), dt.date(2025, 4, 1))
        assert (updated.version, stored.version, stored.status) == (2, 2, AssignmentStatus.PLANNED)
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type, event.object_id, event.object_repr) == (
            AuditAction.UPDATE,
            "development.Assignment",
            str(self.planned.pk),
            "张三 · 2024年挂职锻炼",
        )
        assert event.changes == {
            "programme": "2024年挂职锻炼",
            "cadre": "张三",
            "before": {
                "end_date": "2025-03-01",
                "host": "临江县石桥镇",
                "mentor_name": "王建国",
                "post_title": "党委副书记",
                "start_date": "2024-03-01",
            },
            "after": {
                "end_date": "2025-04-01",
                "host": "乙镇",
                "mentor_name": "李国强",
                "post_title": "党委委员",
                "start_date": "2024-04-01",
            },
        }

    def test_it_switches_a_tree_host_back_to_a_typed_name(self) -> None:
        self.update(host_unit=self.units["b"])
        self.update(host_name="临江县白沙镇")
        stored = self.stored()
        assert (stored.host_unit, stored.host_name) == (None, "临江县白沙镇")

    def test_it_lets_a_running_assignment_correct_its_start_but_not_into_the_future(
        self,
    ) -> None:
        today = dt.date.today()
        open_ended = self.programme("常年挂职", start=dt.date(2024, 1, 1), end=None)
        running = self.assign(
            open_ended,
            self.zs,
            start_date=today - dt.timedelta(days=30),
            end_date=today + dt.timedelta(days=300),
        )
        active = services.assignment_start(acting_user=self.clerk, assignment=running)
        future = today + dt.timedelta(days=3)
        with pytest.raises(ValidationError) as exc:
            self.update(active, start_date=future)
        assert exc.value.message_dict == {
            "start_date": ["已到岗的培养安排，开始日期即到岗日期，不能晚于今天"]
        }
        # A planned one may still move into the future.
        later = self.assign(
            open_ended,
            self.person("李四"),
            start_date=today + dt.timedelta(days=10),
            end_date=today + dt.timedelta(days=300),
        )
        assert self.update(later, start_date=future).start_date == future
        corrected = self.update(
            active, start_date=today - dt.timedelta(days=28), mentor_name="李国强"
        )
        stored = self.stored(running)
        assert (stored.status, stored.start_date, stored.mentor_name) == (
            AssignmentStatus.ACTIVE,
            today - dt.timedelta(days=28),
            "李国强",
        )
        assert corrected.version == 3

    def test_it_refuses_bad_values_with_the_messages_of_planning(self) -> None:
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"post_title": " "}, {"post_title": ["请填写挂任职务"]}),
            ({"post_title": "职" * 101}, {"post_title": ["挂任职务不能超过 100 个字"]}),
            ({"mentor_name": "王" * 41}, {"mentor_name": ["导师姓名不能超过 40 个字"]}),
            ({"host_name": ""}, {"host": ["请选择接收单位或填写接收单位名称"]}),
            (
                {"host_unit": self.units["b"], "host_name": "某镇"},
                {"host": ["接收单位只能选择系统中的单位或填写名称，不能同时填写"]},
            ),
            ({"host_unit": self.units["a"]}, {"host": ["接收单位不能是干部本单位"]}),
            ({"start_date": None}, {"start_date": ["请填写开始日期"]}),
            ({"end_date": dt.date(2024, 3, 1)}, {"end_date": ["计划结束日期应晚于开始日期"]}),
            (
                {"start_date": dt.date(2023, 12, 1)},
                {"start_date": ["开始日期不能早于培养项目开始日期（2024.01.01）"]},
            ),
            (
                {"end_date": dt.date(2026, 1, 1)},
                {"end_date": ["计划结束日期不能晚于培养项目结束日期（2025.12.31）"]},
            ),
        ]
        seq = self.newest_seq()
        for change, expected in cases:
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                self.update(**change)
            assert exc.value.message_dict == expected
        assert self.events_after(seq) == []
        stored = self.stored()
        assert (stored.version, stored.host_name, stored.post_title) == (
            1,
            "临江县石桥镇",
            "党委副书记",
        )

    def test_it_refuses_dates_overlapping_another_live_assignment_of_the_cadre(self) -> None:
        later = self.assign(
            self.secondment, self.zs, start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 9, 1)
        )
        # Moving within its own period is no clash with itself.
        self.update(end_date=dt.date(2025, 2, 1))
        with pytest.raises(ValidationError) as exc:
            self.update(later, start_date=dt.date(2025, 1, 1))
        assert exc.value.message_dict == {
            "cadre": [
                "张三在“2024年挂职锻炼”中已有2024.03.01至2025.02.01的培养安排（计划中），"
                "时间不能重叠"
            ]
        }
        assert self.stored(later).start_date == dt.date(2025, 3, 1)
        # A cancelled assignment holds no place any more.
        services.assignment_cancel(acting_user=self.clerk, assignment=self.planned, reason="暂缓")
        moved = self.update(later, start_date=dt.date(2025, 1, 1))
        assert moved.start_date == dt.date(2025, 1, 1)

    def test_it_refuses_ended_and_cancelled_assignments(self) -> None:
        ended = self.run_through(self.planned, dt.date(2025, 3, 20))
        with pytest.raises(ValidationError) as exc:
            self.update(ended, post_title="党委书记")
        assert exc.value.messages == [
            "培养安排已于2025.03.20结束，不能再修改，简历中的其间说明已按原内容写入"
        ]
        assert self.stored(ended).resume_note == NOTE
        other = self.assign(self.programme("专业干部赋能", kind=ProgrammeKind.OTHER), self.zs)
        services.assignment_cancel(acting_user=self.clerk, assignment=other, reason="工作需要")
        seq = self.newest_seq()
        with pytest.raises(ValidationError) as exc:
            self.update(other, mentor_name="李国强")
        assert exc.value.messages == ["培养安排已取消，不能再修改"]
        assert self.events_after(seq) == []
        assert self.stored(other).mentor_name == "王建国"

    def test_it_refuses_a_stale_version_naming_who_changed_it(self) -> None:
        self.update(version=1, mentor_name="李国强")
        with pytest.raises(ValidationError) as exc:
            self.update(version=1, mentor_name="赵敏")
        assert exc.value.messages[0].startswith("该培养安排已被clerk于")
        assert exc.value.messages[0].endswith("修改，请刷新后重试")
        assert self.stored().mentor_name == "李国强"

    def test_it_refuses_actors_outside_the_scope_and_fields_it_does_not_edit(self) -> None:
        for user in (self.clerk_a, self.clerk_b, self.leader, self.outsider_b):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                services.assignment_update(
                    acting_user=user, assignment=self.planned, mentor_name="越权"
                )
        with pytest.raises(ValueError, match="status"):
            self.update(status=AssignmentStatus.ENDED)
        assert self.stored().mentor_name == "王建国"


class AssignmentEditPageTests(AssignmentEditTestCase):
    def test_it_shows_the_form_filled_with_the_stored_values(self) -> None:
        self.update(host_unit=self.units["b"])
        detail = self.client_for(self.clerk).get(url("assignment_detail", self.planned.pk))
        assert url("assignment_edit", self.planned.pk) in detail.content.decode()
        body = self.client_for(self.clerk).get(url("assignment_edit", self.planned.pk))
        html = body.content.decode()
        assert body.status_code == 200
        for value in (
            'name="host_unit" value="TB00"',
            'name="post_title" value="党委副书记"',
            'name="mentor_name" value="王建国"',
            'name="start_date" value="2024-03-01"',
            'name="end_date" value="2025-03-01"',
            'name="version" value="2"',
        ):
            assert value in html, value
        assert "张三" in html

    def test_it_saves_and_returns_to_the_assignment_with_a_message(self) -> None:
        client = self.client_for(self.clerk)
        data = {
            "host_unit": "",
            "host_name": "临江县白沙镇",
            "post_title": "党委委员",
            "mentor_name": "李国强",
            "start_date": "2024-04-01",
            "end_date": "2025-04-01",
            "version": 1,
        }
        response = client.post(url("assignment_edit", self.planned.pk), data)
        assert response.status_code == 302
        assert response["Location"] == url("assignment_detail", self.planned.pk)
        page = client.get(response["Location"]).content.decode()
        assert "已保存对培养安排的修改" in page
        assert "临江县白沙镇" in page
        assert "挂任职务：党委副书记 → 党委委员" in page  # the 变更记录
        stored = self.stored()
        assert (stored.host_name, stored.post_title, stored.start_date, stored.version) == (
            "临江县白沙镇",
            "党委委员",
            dt.date(2024, 4, 1),
            2,
        )

    def test_it_shows_errors_next_to_their_fields_and_saves_nothing(self) -> None:
        client = self.client_for(self.clerk)
        data = {
            "host_unit": "TB00",
            "host_name": "某镇",
            "post_title": "党委委员",
            "mentor_name": "",
            "start_date": "2024-04-01",
            "end_date": "2024-03-01",
            "version": 1,
        }
        response = client.post(url("assignment_edit", self.planned.pk), data)
        html = response.content.decode()
        assert response.status_code == 200
        feedback = re.findall(r'<div class="invalid-feedback d-block">([^<]*)</div>', html)
        assert feedback == [
            "接收单位只能选择系统中的单位或填写名称，不能同时填写",
            "计划结束日期应晚于开始日期",
        ]
        # Each under its own box: the host under the unit picker, the date under the end.
        assert html.index('name="host_unit"') < html.index("不能同时填写")
        assert html.index("不能同时填写") < html.index('name="host_name"')
        assert html.index('name="end_date"') < html.index("计划结束日期应晚于开始日期")
        assert 'name="post_title" value="党委委员"' in html  # what was typed stays
        data.update(host_name="", host_unit="NOPE99", end_date="2025-04-01")
        response = client.post(url("assignment_edit", self.planned.pk), data)
        assert "找不到该单位；系统外的单位请填写接收单位名称" in response.content.decode()
        stored = self.stored()
        assert (stored.version, stored.post_title, stored.host_unit) == (1, "党委副书记", None)

    def test_it_shows_a_stale_save_at_the_top(self) -> None:
        self.update(mentor_name="李国强")
        response = self.client_for(self.clerk).post(
            url("assignment_edit", self.planned.pk),
            {
                "host_name": "临江县石桥镇",
                "post_title": "党委书记",
                "start_date": "2024-03-01",
                "end_date": "2025-03-01",
                "version": 1,
            },
        )
        html = response.content.decode()
        assert 'class="alert alert-danger"' in html
        assert "修改，请刷新后重试" in html
        assert self.stored().post_title == "党委副书记"

    def test_it_sends_ended_assignments_back_with_the_reason(self) -> None:
        self.run_through(self.planned, dt.date(2025, 3, 20))
        client = self.client_for(self.clerk)
        detail = client.get(url("assignment_detail", self.planned.pk)).content.decode()
        assert url("assignment_edit", self.planned.pk) not in detail
        response = client.get(url("assignment_edit", self.planned.pk), follow=True)
        assert response.redirect_chain == [(url("assignment_detail", self.planned.pk), 302)]
        assert "培养安排已结束，不能再修改" in response.content.decode()
        posted = client.post(
            url("assignment_edit", self.planned.pk),
            {"host_name": "某镇", "post_title": "改", "start_date": "2024-03-01"},
        )
        assert posted.status_code == 302
        assert self.stored().post_title == "党委副书记"

    def test_it_lets_the_leader_read_but_not_edit(self) -> None:
        leader = self.client_for(self.leader)
        detail = leader.get(url("assignment_detail", self.planned.pk)).content.decode()
        assert "张三" in detail
        assert url("assignment_edit", self.planned.pk) not in detail
        assert leader.get(url("assignment_edit", self.planned.pk)).status_code == 404
        posted = leader.post(
            url("assignment_edit", self.planned.pk),
            {
                "host_name": "某镇",
                "post_title": "越权",
                "start_date": "2024-03-01",
                "end_date": "2025-03-01",
            },
        )
        assert posted.status_code == 404
        assert self.stored().post_title == "党委副书记"

    def test_it_gives_outsiders_the_missing_object_404(self) -> None:
        for user in (self.clerk_b, self.outsider_b, self.nobody):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                theirs = client.get(url("assignment_edit", self.planned.pk))
                missing = client.get(url("assignment_edit", MISSING))
                assert theirs.status_code == 404
                assert comparable(theirs) == comparable(missing)
                posted = client.post(url("assignment_edit", self.planned.pk), {"post_title": "x"})
                assert posted.status_code == 404
        assert self.stored().version == 1


class AssignmentPatchApiTests(AssignmentEditTestCase):
    def patch(self, user: User, pk: int, data: dict[str, Any]) -> Any:
        return self.client_for(user).patch(
            f"/api/v1/assignments/{pk}", json.dumps(data), content_type="application/json"
        )

    def test_it_patches_the_fields_given_and_leaves_the_rest(self) -> None:
        response = self.patch(
            self.clerk,
            self.planned.pk,
            {"version": 1, "host_unit_id": self.units["b"].pk, "end_date": "2025-06-01"},
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["host_unit_id"], body["host"], body["end_date"], body["version"]) == (
            self.units["b"].pk,
            "乙镇",
            "2025-06-01",
            2,
        )
        stored = self.stored()
        assert (stored.post_title, stored.mentor_name, stored.host_name) == (
            "党委副书记",
            "王建国",
            "",
        )
        event = AuditEvent.objects.order_by("-seq").first()
        assert event is not None
        assert event.changes["after"] == {"end_date": "2025-06-01", "host": "乙镇"}
        back = self.patch(
            self.clerk, self.planned.pk, {"version": 2, "host_unit_id": None, "host_name": "某镇"}
        )
        assert (back.json()["host_unit_id"], back.json()["host"]) == (None, "某镇")

    def test_it_refuses_a_stale_version(self) -> None:
        # The project answers every stale write with 422 and the message naming who changed
        # it (zugong/api.py maps ValidationError to 422); the assignment PATCH does the same.
        assert self.patch(self.clerk, self.planned.pk, {"version": 1, "mentor_name": "李国强"})
        stale = self.patch(self.clerk, self.planned.pk, {"version": 1, "mentor_name": "赵敏"})
        assert stale.status_code == 422
        [message] = stale.json()["errors"]["__all__"]
        assert message.startswith("该培养安排已被clerk于")
        assert message.endswith("请刷新后重试")
        assert self.stored().mentor_name == "李国强"

    def test_it_answers_bad_values_with_422_and_chinese_messages(self) -> None:
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"mentor_name": "赵敏"}, {"version": ["必填"]}),
            ({"version": 1, "post_title": "职" * 101}, {"post_title": ["不能超过 100 个字符"]}),
            ({"version": 1, "post_title": ""}, {"post_title": ["请填写挂任职务"]}),
            (
                {"version": 1, "start_date": "2025-04-01"},
                {"end_date": ["计划结束日期应晚于开始日期"]},
            ),
            (
                {"version": 1, "host_unit_id": self.units["a"].pk, "host_name": ""},
                {"host": ["接收单位不能是干部本单位"]},
            ),
        ]
        for data, errors in cases:
            with self.subTest(data=data):
                response = self.patch(self.clerk, self.planned.pk, data)
                assert response.status_code == 422
                assert response.json()["errors"] == errors
        ended = self.run_through(self.planned, dt.date(2025, 3, 20))
        response = self.patch(self.clerk, ended.pk, {"version": ended.version, "mentor_name": "x"})
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "__all__": ["培养安排已于2025.03.20结束，不能再修改，简历中的其间说明已按原内容写入"]
        }
        assert self.stored().mentor_name == "王建国"

    def test_it_answers_outsiders_and_readers_with_the_missing_object_404(self) -> None:
        for user in (self.clerk_b, self.outsider_b, self.clerk_a, self.leader):
            with self.subTest(user=user.username):
                theirs = self.patch(user, self.planned.pk, {"version": 1, "mentor_name": "越权"})
                missing = self.patch(user, MISSING, {"version": 1, "mentor_name": "越权"})
                assert theirs.status_code == missing.status_code == 404
                assert theirs.json() == missing.json() == {"detail": "对象不存在"}
        # A host unit outside the clerk's view is named like a missing one.
        b_clerk_programme = self.programme("乙镇墩苗", unit="b", user=self.clerk_b)
        own = self.assign(b_clerk_programme, self.person("王五", unit="b"))
        far = self.patch(self.clerk_b, own.pk, {"version": 1, "host_unit_id": self.units["a"].pk})
        assert far.status_code == 404
        assert self.stored().version == 1
        assert self.stored(own).host_unit is None


class ProgrammeExportTests(AssignmentEditTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ww = self.person("王五", unit="b")
        self.finished = self.assign(
            self.secondment,
            self.ww,
            host_name="",
            host_unit=self.units["a"],
            post_title="副镇长",
            mentor_name="",
            start_date=dt.date(2024, 2, 1),
        )
        services.assignment_start(acting_user=self.clerk, assignment=self.finished)
        services.assignment_evaluate(
            acting_user=self.clerk,
            assignment=self.finished,
            stage=EvaluationStage.MID,
            text="进入角色快",
            evaluated_on=dt.date(2024, 8, 1),
        )
        services.assignment_end(
            acting_user=self.clerk, assignment=self.finished, ended_on=dt.date(2025, 1, 20)
        )
        services.assignment_evaluate(
            acting_user=self.clerk,
            assignment=self.finished,
            stage=EvaluationStage.FINAL,
            text="圆满完成任务",
            evaluated_on=dt.date(2025, 1, 25),
            grade=EvaluationGrade.EXCELLENT,
        )

    def workbook_rows(self, response: Any) -> list[tuple[Any, ...]]:
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        assert sheet is not None
        return list(sheet.iter_rows(values_only=True))

    def test_it_exports_one_row_per_assignment_with_the_header(self) -> None:
        response = self.client_for(self.clerk).get(url("programme_export", self.secondment.pk))
        assert "attachment" in response["Content-Disposition"]
        rows = self.workbook_rows(response)
        assert rows == [
            (
                "姓名",
                "本单位",
                "现任职务",
                "接收单位",
                "挂任职务",
                "导师",
                "开始",
                "计划结束",
                "实际结束",
                "状态",
                "中期评价",
                "期满评价（等次）",
            ),
            (
                "张三",
                "甲镇",
                "甲镇副镇长",
                "临江县石桥镇",
                "党委副书记",
                "王建国",
                "2024.03.01",
                "2025.03.01",
                None,
                "计划中",
                None,
                None,
            ),
            (
                "王五",
                "乙镇",
                "乙镇副镇长",
                "甲镇",
                "副镇长",
                None,
                "2024.02.01",
                "2025.03.01",
                "2025.01.20",
                "已结束",
                "进入角色快",
                "圆满完成任务（优秀）",
            ),
        ]

    def test_it_exports_what_the_status_filter_shows(self) -> None:
        client = self.client_for(self.clerk)
        page = client.get(url("programme_detail", self.secondment.pk), {"status": "ended"})
        link = f"{url('programme_export', self.secondment.pk)}?status=ended"
        assert f'href="{link}"' in page.content.decode()
        rows = self.workbook_rows(client.get(link))
        assert [r[0] for r in rows[1:]] == ["王五"]
        unfiltered = client.get(url("programme_detail", self.secondment.pk)).content.decode()
        assert f'href="{url("programme_export", self.secondment.pk)}"' in unfiltered
        ignored = client.get(url("programme_export", self.secondment.pk), {"status": "bogus"})
        assert [r[0] for r in self.workbook_rows(ignored)[1:]] == ["张三", "王五"]

    def test_it_audits_the_export_as_a_sensitive_read(self) -> None:
        seq = self.newest_seq()
        client = self.client_for(self.clerk)
        self.workbook_rows(
            client.get(url("programme_export", self.secondment.pk), {"status": "planned"})
        )
        (event,) = self.events_after(seq)
        assert (event.action, event.sensitive, event.object_type, event.object_id) == (
            AuditAction.EXPORT,
            True,
            "development.Programme",
            str(self.secondment.pk),
        )
        assert event.object_repr == "2024年挂职锻炼计划中培养安排（1 人）"
        assert event.changes["filters"] == {"status": "planned"}
        assert event.changes["subjects"]["count"] == 1  # the cadres: audit.ExportSubject
        assert event.actor_username == "clerk"

    def test_it_exports_only_the_cadres_the_user_may_export(self) -> None:
        town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        self.assign(town, self.zs, start_date=dt.date(2024, 6, 1))
        rows = self.workbook_rows(
            self.client_for(self.clerk_a).get(url("programme_export", town.pk))
        )
        assert [r[0] for r in rows[1:]] == ["张三"]

    def test_it_gives_outsiders_and_readers_without_the_export_right_the_404(self) -> None:
        seq = self.newest_seq()
        for user in (self.clerk_b, self.clerk_a, self.outsider_b, self.nobody, self.leader):
            client = self.client_for(user)
            with self.subTest(user=user.username):
                theirs = client.get(url("programme_export", self.secondment.pk))
                missing = client.get(url("programme_export", MISSING))
                assert theirs.status_code == missing.status_code == 404
                assert comparable(theirs) == comparable(missing)
        assert self.events_after(seq) == []
        page = self.client_for(self.leader).get(url("programme_detail", self.secondment.pk))
        assert "张三" in page.content.decode()
        assert "导出 Excel" not in page.content.decode()

    def test_it_keeps_the_export_query_count_flat(self) -> None:
        client = self.client_for(self.clerk)
        path = url("programme_export", self.secondment.pk)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.workbook_rows(client.get(path))
            return len(queries)

        count()
        small = count()
        for i in range(6):
            self.assign(
                self.secondment,
                self.person(f"新人{i}", unit="a_village"),
                host_name="",
                host_unit=self.units["b"],
            )
        assert count() == small
        assert Programme.objects.get(pk=self.secondment.pk).assignments.count() == 8
        assert Cadre.objects.filter(name__startswith="新人").count() == 6
