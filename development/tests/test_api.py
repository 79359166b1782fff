"""/api/v1/pools: same scoping and services as the pages; 404 outside the scope."""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadres.choices import AssessmentGrade
from development import services
from development.choices import EvidenceTag
from development.models import PoolEntry
from development.tests.base import PoolTestCase

THIS_YEAR = dt.date.today().year
# 29 or 30 on any day the suite runs: under the young pool's 35 (the default 1992 is not).
BORN = dt.date(THIS_YEAR - 30, 3, 1)
GOOD = {
    THIS_YEAR - 3: AssessmentGrade.EXCELLENT,
    THIS_YEAR - 2: AssessmentGrade.COMPETENT,
    THIS_YEAR - 1: AssessmentGrade.COMPETENT,
}


class PoolApiTests(PoolTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.young = cls.pool()
        cls.town = cls.pool("甲镇年轻干部库", unit="a")
        cls.zs = cls.person("张三", birth=BORN, grades=GOOD)
        cls.ls = cls.person("李四", birth=BORN, grades=GOOD)
        cls.entry = cls.enter(cls.town, cls.zs)
        services.pool_evidence_add(
            acting_user=cls.clerk, entry=cls.entry, tag=EvidenceTag.PROVEN, text="考核优秀"
        )

    def post(self, user, path: str, data: dict):
        return self.client_for(user).post(
            f"/api/v1{path}", json.dumps(data), content_type="application/json"
        )

    def test_it_lists_pools_in_scope(self) -> None:
        body = self.client_for(self.clerk).get("/api/v1/pools").json()
        assert [p["name"] for p in body["items"]] == ["全县优秀年轻干部库", "甲镇年轻干部库"]
        town = body["items"][1]
        assert (town["member_count"], town["kind_label"], town["unit_name"]) == (
            1,
            "优秀年轻干部库",
            "甲镇",
        )
        assert town["criteria_text"][0] == "35岁及以下"
        mine = self.client_for(self.clerk_a).get("/api/v1/pools").json()["items"]
        assert [p["name"] for p in mine] == ["甲镇年轻干部库"]
        assert self.client_for(self.clerk_b).get("/api/v1/pools").json()["items"] == []

    def test_it_lists_members_and_candidates(self) -> None:
        client = self.client_for(self.leader)
        members = client.get(f"/api/v1/pools/{self.town.pk}/members").json()["items"]
        assert [(m["cadre_name"], m["status"]) for m in members] == [("张三", "in")]
        assert members[0]["evidence"][0]["tag_label"] == "管用"
        assert client.get(f"/api/v1/pools/{self.town.pk}/members?status=out").json()["items"] == []
        candidates = client.get(f"/api/v1/pools/{self.town.pk}/candidates").json()
        assert (candidates["count"], candidates["page"], candidates["pages"]) == (1, 1, 1)
        (only,) = candidates["items"]
        assert only["name"] == "李四"
        assert only["reasons"][1:3] == ["乡科级副职", "大学"]

    def test_it_enters_and_exits_through_the_services(self) -> None:
        created = self.post(
            self.clerk,
            f"/pools/{self.town.pk}/entries",
            {"cadre_id": self.ls.pk, "reason": "组织推荐"},
        )
        assert created.status_code == 201
        entry_id = created.json()["id"]
        again = self.post(
            self.clerk, f"/pools/{self.town.pk}/entries", {"cadre_id": self.ls.pk, "reason": "再"}
        )
        assert again.status_code == 422
        assert again.json()["errors"]["cadre"][0].startswith("李四已在“甲镇年轻干部库”中")
        blank = self.post(
            self.clerk, f"/pools/{self.town.pk}/entries/{entry_id}/exit", {"reason": " "}
        )
        assert blank.status_code == 422
        assert blank.json()["errors"] == {"exit_reason": ["请填写出库理由"]}
        done = self.post(
            self.clerk, f"/pools/{self.town.pk}/entries/{entry_id}/exit", {"reason": "已提拔"}
        )
        assert done.status_code == 200
        assert (done.json()["status"], done.json()["exit_reason"]) == ("out", "已提拔")
        wrong_pool = self.post(
            self.clerk, f"/pools/{self.young.pk}/entries/{self.entry.pk}/exit", {"reason": "x"}
        )
        assert wrong_pool.status_code == 404

    def test_it_answers_404_outside_the_scope_and_to_readers_who_write(self) -> None:
        for user in (self.outsider_b, self.clerk_b):
            client = self.client_for(user)
            for path in (
                f"/api/v1/pools/{self.town.pk}/members",
                f"/api/v1/pools/{self.town.pk}/candidates",
            ):
                with self.subTest(user=user.username, path=path):
                    assert client.get(path).status_code == 404
            for path, data in (
                (f"/pools/{self.town.pk}/entries", {"cadre_id": self.ls.pk, "reason": "x"}),
                (f"/pools/{self.town.pk}/entries/{self.entry.pk}/exit", {"reason": "x"}),
            ):
                with self.subTest(user=user.username, path=path):
                    response = self.post(user, path, data)
                    assert response.status_code == 404
                    assert response.json() == {"detail": "对象不存在"}
        b_pool = self.pool("乙镇库", unit="b", user=self.clerk_b)
        response = self.post(
            self.clerk_b, f"/pools/{b_pool.pk}/entries", {"cadre_id": self.ls.pk, "reason": "x"}
        )
        assert response.status_code == 404  # 甲镇's cadre, into 乙镇's own pool
        response = self.post(
            self.leader, f"/pools/{self.town.pk}/entries", {"cadre_id": self.ls.pk, "reason": "x"}
        )
        assert response.status_code == 404
        assert PoolEntry.objects.count() == 1

    def test_it_keeps_api_list_query_counts_flat(self) -> None:
        client = self.client_for(self.clerk)
        paths = ["/api/v1/pools", f"/api/v1/pools/{self.town.pk}/members"]

        def counts() -> list[int]:
            found = []
            for path in paths:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(path).status_code == 200
                found.append(len(queries))
            return found

        counts()
        small = counts()
        for i in range(6):
            entry = self.enter(self.town, self.person(f"新人{i}", birth=BORN, grades=GOOD))
            services.pool_evidence_add(
                acting_user=self.clerk, entry=entry, tag=EvidenceTag.DONE, text="事迹"
            )
            self.pool(f"库{i}", unit="a")
        assert counts() == small
