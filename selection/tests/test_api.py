"""/api/v1/selection/cases: same scoping and services as the pages; 404 outside the scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from selection.choices import Stage
from selection.tests.base import SelectionTestCase


class CaseApiTests(SelectionTestCase):
    def post(self, user: Any, path: str, data: dict[str, Any]) -> Any:
        return self.client_for(user).post(
            f"/api/v1{path}", json.dumps(data), content_type="application/json"
        )

    def test_it_lists_cases_in_scope_with_a_fixed_number_of_queries(self) -> None:
        client = self.client_for(self.clerk)
        self.case()
        client.get("/api/v1/selection/cases")
        with CaptureQueriesContext(connection) as one:
            client.get("/api/v1/selection/cases")
        self.case(title="副镇长")
        with CaptureQueriesContext(connection) as two:
            body = client.get("/api/v1/selection/cases").json()
        assert len(two) == len(one)
        assert [c["title"] for c in body["items"]] == ["甲镇副镇长选拔任用", "甲镇镇长选拔任用"]
        assert body["items"][0]["stage_label"] == "分析研判和动议"
        assert self.client_for(self.clerk_b).get("/api/v1/selection/cases").json()["items"] == []

    def test_it_returns_the_record_and_hides_it_from_outsiders(self) -> None:
        case = self.case()
        self.nominate(case, self.person("张三"))
        body = self.client_for(self.leader).get(f"/api/v1/selection/cases/{case.pk}").json()
        assert [s["date"] for s in body["stages"][:2]] == ["2026-01-05", "2026-01-12"]
        assert body["candidates"][0]["name"] == "张三"
        assert body["candidates"][0]["recommendation_votes"] == 31
        for user in (self.clerk_b, self.outsider_b):
            response = self.client_for(user).get(f"/api/v1/selection/cases/{case.pk}")
            assert response.status_code == 404
            assert response.json() == {"detail": "对象不存在"}

    def test_it_advances_refuses_in_chinese_and_404s_outsiders(self) -> None:
        case = self.case()
        path = f"/selection/cases/{case.pk}/advance"
        refused = self.post(
            self.clerk, path, {"to_stage": Stage.CANDIDATES, "version": case.version}
        )
        assert refused.status_code == 422
        assert refused.json()["errors"] == {
            "__all__": ["当前为“分析研判和动议”环节，不能转到“确定考察对象”（不能跳过环节）"]
        }
        for user in (self.clerk_b, self.outsider_b, self.leader):
            response = self.post(
                user, path, {"to_stage": Stage.RECOMMENDATION, "version": case.version}
            )
            assert response.status_code == 404
        done = self.post(
            self.clerk,
            path,
            {"to_stage": Stage.RECOMMENDATION, "on": "2026-01-12", "version": case.version},
        ).json()
        assert (done["stage"], done["version"]) == ("recommendation", case.version + 1)
        back = self.post(
            self.clerk, path, {"to_stage": Stage.PROPOSAL, "version": case.version + 1}
        )
        assert back.json()["errors"] == {"reason": ["退回到之前的环节须说明理由"]}
        assert self.fresh(case).records.get(stage=Stage.RECOMMENDATION).date == dt.date(2026, 1, 12)
