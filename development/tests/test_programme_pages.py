"""Programme pages: the clerk runs an assignment through its life, others read or get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cadres.models import Cadre
from development.choices import AssignmentStatus, ProgrammeKind
from development.models import Assignment, Programme
from development.tests.test_programme_services import NOTE, ProgrammeTestCase


def url(name: str, *args: int) -> str:
    return reverse(f"development:{name}", args=list(args))


class ProgrammePageTests(ProgrammeTestCase):
    def setUp(self) -> None:
        self.secondment = self.programme()
        self.town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        self.zs = self.person("张三")
        self.ww = self.person("王五", unit="b")
        self.zs_assignment = self.assign(self.secondment, self.zs)
        self.ww_assignment = self.assign(self.secondment, self.ww, post_title="副乡长")

    def body(self, user: User, path: str, **params: Any) -> str:
        response = self.client_for(user).get(path, params)
        assert response.status_code == 200, (path, response.status_code)
        return response.content.decode()

    def test_it_lists_programmes_in_scope_with_their_live_counts(self) -> None:
        body = self.body(self.clerk, url("programme_list"))
        assert "2024年挂职锻炼" in body
        assert "甲镇墩苗" in body
        assert "新建培养项目" in body
        leader = self.body(self.leader, url("programme_list"))
        assert "2024年挂职锻炼" in leader
        assert "新建培养项目" not in leader
        outsider = self.body(self.clerk_b, url("programme_list"))
        assert "甲镇墩苗" not in outsider
        assert "2024年挂职锻炼" not in outsider

    def test_it_shows_a_programme_with_the_assignments_the_user_may_see(self) -> None:
        body = self.body(self.clerk, url("programme_detail", self.secondment.pk))
        assert "张三" in body
        assert "王五" in body
        assert "临江县石桥镇" in body
        assert "计划中" in body
        assert "添加培养安排" in body
        leader = self.body(self.leader, url("programme_detail", self.secondment.pk))
        assert "张三" in leader
        assert "添加培养安排" not in leader
        for user in (self.clerk_a, self.outsider_b, self.nobody):
            response = self.client_for(user).get(url("programme_detail", self.secondment.pk))
            assert response.status_code == 404, user.username
        town = self.body(self.clerk_a, url("programme_detail", self.town.pk))
        assert "甲镇墩苗" in town

    def test_it_creates_and_edits_a_programme_through_the_forms(self) -> None:
        client = self.client_for(self.clerk)
        response = client.post(
            url("programme_create"),
            {
                "unit": self.units["root"].code,
                "kind": ProgrammeKind.HEAD_UPLIFT,
                "name": "一把手提质工程",
                "start_date": "2025-01-01",
                "end_date": "2024-01-01",
                "goals": "",
            },
        )
        assert "结束日期不能早于开始日期" in response.content.decode()
        response = client.post(
            url("programme_create"),
            {
                "unit": self.units["root"].code,
                "kind": ProgrammeKind.HEAD_UPLIFT,
                "name": "一把手提质工程",
                "start_date": "2025-01-01",
                "goals": "提升乡镇党委书记抓班子带队伍能力",
                "is_active": "on",
            },
        )
        programme = Programme.objects.get(name="一把手提质工程")
        assert response.status_code == 302
        assert response["Location"] == url("programme_detail", programme.pk)
        response = client.post(
            url("programme_edit", programme.pk),
            {
                "kind": ProgrammeKind.HEAD_UPLIFT,
                "name": "一把手提质工程",
                "start_date": "2025-01-01",
                "goals": "新目标",
                "version": programme.version,
            },
        )
        assert response.status_code == 302
        programme.refresh_from_db()
        assert (programme.goals, programme.is_active) == ("新目标", False)
        stranger = self.client_for(self.clerk_b).post(
            url("programme_create"),
            {
                "unit": self.units["root"].code,
                "kind": ProgrammeKind.HEAD_UPLIFT,
                "name": "越权",
                "start_date": "2025-01-01",
            },
        )
        assert "找不到该单位，或您无权在其中建立培养项目" in stranger.content.decode()
        for user in (self.leader, self.outsider_b):
            assert self.client_for(user).get(url("programme_create")).status_code == 404

    def test_it_plans_an_assignment_after_finding_the_cadre(self) -> None:
        client = self.client_for(self.clerk_a)
        found = self.body(self.clerk_a, url("assignment_add", self.town.pk), q="张三")
        assert f"?cadre={self.zs.pk}" in found
        form = self.body(self.clerk_a, url("assignment_add", self.town.pk), cadre=self.zs.pk)
        assert "挂任职务" in form
        data = {
            "cadre": self.zs.pk,
            "host_unit": self.units["a_village"].code,
            "host_name": "",
            "post_title": "党支部副书记",
            "mentor_name": "李老支书",
            "start_date": "2024-03-01",
            "end_date": "2024-02-01",
        }
        refused = client.post(url("assignment_add", self.town.pk), data)
        assert "计划结束日期应晚于开始日期" in refused.content.decode()
        data["end_date"] = "2025-03-01"
        response = client.post(url("assignment_add", self.town.pk), data)
        assignment = Assignment.objects.get(programme=self.town)
        assert response["Location"] == url("assignment_detail", assignment.pk)
        assert assignment.host_unit == self.units["a_village"]
        # Someone else's cadre cannot be chosen even by a guessed id.
        other = client.get(url("assignment_add", self.town.pk), {"cadre": self.ww.pk})
        assert other.status_code == 404
        assert client.post(url("assignment_add", self.secondment.pk), data).status_code == 404

    def test_it_runs_an_assignment_through_start_evaluation_and_end(self) -> None:
        client = self.client_for(self.clerk)
        pk = self.zs_assignment.pk
        page = self.body(self.clerk, url("assignment_detail", pk))
        assert "确认到岗" in page
        assert "确认结束" not in page
        assert client.post(url("assignment_start", pk), {}).status_code == 302
        response = client.post(
            url("assignment_evaluate", pk),
            {"stage": "final", "text": "圆满", "evaluated_on": "2025-03-01", "grade": ""},
        )
        assert "期满评价请选择等次：优秀、合格或不合格" in response.content.decode()
        response = client.post(
            url("assignment_evaluate", pk),
            {"stage": "final", "text": "圆满", "evaluated_on": "2025-03-01", "grade": "excellent"},
        )
        assert response.status_code == 302
        response = client.post(url("assignment_end", pk), {"ended_on": "2025-03-20"})
        assert response.status_code == 302
        stored = Assignment.objects.get(pk=pk)
        assert (stored.status, stored.final_grade) == (AssignmentStatus.ENDED, "excellent")
        assert NOTE in Cadre.objects.get(pk=self.zs.pk).resume
        page = self.body(self.clerk, url("assignment_detail", pk))
        assert NOTE in page
        assert "优秀" in page
        assert "确认到岗" not in page
        again = client.post(url("assignment_cancel", pk), {"cancel_reason": "误录"}, follow=True)
        assert "培养安排当前为“已结束”，不能改为“已取消”" in again.content.decode()
        assert Assignment.objects.get(pk=pk).cancel_reason == ""

    def test_it_fills_the_date_boxes_with_the_stored_dates(self) -> None:
        # A browser date box takes only ISO values: "2024/01/01" would show an empty box and
        # the edit would drop the dates.
        edit = self.body(self.clerk, url("programme_edit", self.secondment.pk))
        assert 'name="start_date" value="2024-01-01"' in edit
        assert 'name="end_date" value="2025-12-31"' in edit
        add = self.body(self.clerk, url("assignment_add", self.secondment.pk), cadre=self.zs.pk)
        assert 'name="start_date" value="2024-01-01"' in add

    def test_it_names_the_host_in_chinese_in_the_history(self) -> None:
        body = self.body(self.clerk, url("assignment_detail", self.zs_assignment.pk))
        assert "接收单位：临江县石桥镇" in body
        assert "host：" not in body

    def test_it_offers_host_units_as_the_clerk_types(self) -> None:
        form = self.body(self.clerk, url("assignment_add", self.secondment.pk), cadre=self.zs.pk)
        assert 'name="host_unit"' in form
        # The picker sends the box's own name and value, as htmx does for the input.
        options = self.client_for(self.clerk).get(
            reverse("cadres:unit_options"), {"for": "view", "host_unit": "乙镇"}
        )
        assert 'value="TB00"' in options.content.decode()

    def test_it_hides_assignments_and_their_steps_from_outsiders(self) -> None:
        pk = self.zs_assignment.pk
        for user in (self.clerk_b, self.outsider_b, self.nobody):
            client = self.client_for(user)
            assert client.get(url("assignment_detail", pk)).status_code == 404, user.username
            for step in ("assignment_start", "assignment_end", "assignment_cancel"):
                assert client.post(url(step, pk), {"ended_on": "2025-01-01"}).status_code == 404
        leader = self.body(self.leader, url("assignment_detail", pk))
        assert "张三" in leader
        assert "确认到岗" not in leader
        assert self.client_for(self.leader).post(url("assignment_start", pk)).status_code == 404
        assert Assignment.objects.get(pk=pk).status == AssignmentStatus.PLANNED

    def test_it_keeps_list_page_query_counts_flat(self) -> None:
        client = self.client_for(self.clerk)
        pages = [url("programme_list"), url("programme_detail", self.secondment.pk)]

        def counts() -> list[int]:
            found = []
            for path in pages:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path).status_code == 200
                found.append(len(queries))
            return found

        counts()
        small = counts()
        for i in range(6):
            self.programme(f"项目{i}", start=dt.date(2024, 1, 1))
            cadre = self.person(f"新人{i}", unit="a_village")
            self.assign(self.secondment, cadre, host_name="", host_unit=self.units["b"])
        assert counts() == small
