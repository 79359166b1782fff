"""/api/v1/programmes and /api/v1/assignments: same scoping and services as the pages."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import connection
from django.test.client import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cadres.models import Cadre
from development.choices import AssignmentStatus, ProgrammeKind
from development.models import Assignment, Programme
from development.tests.test_programme_services import NOTE, ProgrammeTestCase


class ProgrammeApiTests(ProgrammeTestCase):
    def setUp(self) -> None:
        self.secondment = self.programme()
        self.town = self.programme("甲镇墩苗", unit="a", kind=ProgrammeKind.YOUNG_GRASSROOTS)
        self.zs = self.person("张三")

    def post(self, user: User, path: str, data: dict[str, Any]) -> Any:
        """POST ``data``; an assignment step gets the assignment's current version, as its page
        form sends it (the API requires it, issue 12 item 13), unless the test gives one."""
        match = re.match(r"/assignments/(\d+)/", path)
        if match and "version" not in data:
            current = Assignment.objects.filter(pk=int(match.group(1))).first()
            data = {**data, "version": current.version if current else 1}
        client: Client = self.client_for(user)
        return client.post(f"/api/v1{path}", json.dumps(data), content_type="application/json")

    def test_it_lists_programmes_in_scope(self) -> None:
        body = self.client_for(self.clerk).get("/api/v1/programmes").json()
        assert [p["name"] for p in body["items"]] == ["2024年挂职锻炼", "甲镇墩苗"]
        assert body["items"][0]["kind_label"] == "挂职锻炼"
        outsider = self.client_for(self.clerk_b).get("/api/v1/programmes").json()
        assert outsider["items"] == []

    def test_it_creates_a_programme_and_refuses_bad_ones(self) -> None:
        data = {
            "unit_id": self.units["a"].pk,
            "kind": "specialist_empowerment",
            "name": "专业干部赋能",
            "start_date": "2025-01-01",
        }
        response = self.post(self.clerk_a, "/programmes", data)
        assert response.status_code == 201
        assert response.json()["kind_label"] == "专业干部赋能"
        again = self.post(self.clerk_a, "/programmes", data)
        assert again.status_code == 422
        assert again.json()["errors"] == {"name": ["“甲镇”已有名为“专业干部赋能”的培养项目"]}
        outside = self.post(self.clerk_a, "/programmes", {**data, "unit_id": self.units["b"].pk})
        assert outside.status_code == 404
        assert self.post(self.leader, "/programmes", data).status_code == 404
        assert Programme.objects.filter(name="专业干部赋能").count() == 1

    def test_it_runs_an_assignment_through_the_api_and_writes_the_resume_note(self) -> None:
        created = self.post(
            self.clerk,
            f"/programmes/{self.secondment.pk}/assignments",
            {
                "cadre_id": self.zs.pk,
                "host_name": "临江县石桥镇",
                "post_title": "党委副书记",
                "start_date": "2024-03-01",
                "end_date": "2025-03-01",
            },
        )
        assert created.status_code == 201, created.json()
        pk = created.json()["id"]
        assert created.json()["status_label"] == "计划中"
        early = self.post(self.clerk, f"/assignments/{pk}/end", {"ended_on": "2025-03-20"})
        assert early.status_code == 422
        assert early.json()["errors"] == {"__all__": ["培养安排当前为“计划中”，不能改为“已结束”"]}
        assert self.post(self.clerk, f"/assignments/{pk}/start", {}).status_code == 200
        evaluated = self.post(
            self.clerk,
            f"/assignments/{pk}/evaluate",
            {"stage": "mid", "text": "进入角色快", "evaluated_on": "2024-09-01"},
        )
        assert evaluated.json()["mid_evaluation"] == "进入角色快"
        ended = self.post(self.clerk, f"/assignments/{pk}/end", {"ended_on": "2025-03-20"})
        assert ended.status_code == 200
        assert (ended.json()["status"], ended.json()["resume_note"]) == ("ended", NOTE)
        assert NOTE in Cadre.objects.get(pk=self.zs.pk).resume
        listed = self.client_for(self.leader).get(
            f"/api/v1/programmes/{self.secondment.pk}/assignments", {"status": "ended"}
        )
        assert [a["id"] for a in listed.json()["items"]] == [pk]

    def test_it_answers_outsiders_with_the_missing_object_404(self) -> None:
        assignment = self.assign(self.secondment, self.zs)
        for user in (self.clerk_b, self.outsider_b, self.clerk_a):
            client = self.client_for(user)
            response = client.get(f"/api/v1/assignments/{assignment.pk}")
            assert response.status_code == 404, user.username
            assert response.json() == {"detail": "对象不存在"}
            started = self.post(user, f"/assignments/{assignment.pk}/start", {})
            assert started.status_code == 404
        foreign = self.post(
            self.clerk_a,
            f"/programmes/{self.town.pk}/assignments",
            {
                "cadre_id": self.person("乙镇人", unit="b").pk,
                "host_name": "某村",
                "post_title": "支部副书记",
                "start_date": "2024-03-01",
                "end_date": "2025-03-01",
            },
        )
        assert foreign.status_code == 404
        assert self.post(self.leader, f"/assignments/{assignment.pk}/start", {}).status_code == 404
        assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.PLANNED

    def test_it_keeps_the_assignment_list_query_count_flat(self) -> None:
        client = self.client_for(self.clerk)
        path = f"/api/v1/programmes/{self.secondment.pk}/assignments"

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            return len(queries)

        self.assign(self.secondment, self.zs)
        count()
        small = count()
        for i in range(5):
            self.assign(self.secondment, self.person(f"新人{i}", unit="a_village"))
        assert count() == small
