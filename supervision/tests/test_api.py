"""/api/v1/supervision/...: the same scoping and refusals as the pages."""

from __future__ import annotations

import datetime as dt
import json

from supervision import services
from supervision.models import ConductEntry
from supervision.tests.base import SupervisionTestCase

API = "/api/v1/supervision"


class ApiTests(SupervisionTestCase):
    def post_json(self, user, path, data):
        return self.client_for(user).post(path, json.dumps(data), content_type="application/json")

    def test_it_adds_an_entry_and_reads_the_profile(self) -> None:
        cadre = self.person("王强")
        payload = {
            "polarity": "negative",
            "date": "2025-04-01",
            "indicator_id": self.indicator("政治定力").pk,
            "source": "巡察反馈",
            "evidence": "对错误言论不抵制",
        }
        created = self.post_json(self.clerk_a, f"{API}/cadres/{cadre.pk}/conduct", payload)
        assert created.status_code == 201, created.content
        assert created.json()["polarity_label"] == "负面清单"
        profile = self.client_for(self.leader).get(f"{API}/cadres/{cadre.pk}/profile").json()
        assert profile["negative"] == 1
        lines = {i["indicator_name"]: i["negative"] for i in profile["indicators"]}
        assert lines["政治定力"] == 1
        assert profile["years"] == [{"year": 2025, "positive": 0, "negative": 1}]
        refused = self.post_json(
            self.clerk_a, f"{API}/cadres/{cadre.pk}/conduct", {**payload, "source": " "}
        )
        assert refused.status_code == 422
        assert refused.json()["errors"] == {"source": ["请填写来源"]}

    def test_it_gives_outsiders_the_missing_object_404(self) -> None:
        cadre = self.person("王强")
        payload = {
            "polarity": "positive",
            "date": "2025-04-01",
            "indicator_id": self.indicator().pk,
            "source": "考察",
            "evidence": "好",
        }
        for user in (self.clerk_b, self.outsider_b, self.leader):
            with self.subTest(user=user.username):
                response = self.post_json(user, f"{API}/cadres/{cadre.pk}/conduct", payload)
                assert response.status_code == 404
        assert not ConductEntry.objects.exists()
        for user in (self.clerk_b, self.outsider_b):
            response = self.client_for(user).get(f"{API}/cadres/{cadre.pk}/profile")
            assert response.status_code == 404
            assert response.json() == {"detail": "对象不存在"}

    def test_it_returns_the_spot_check_for_an_auditor_to_repeat(self) -> None:
        for i in range(8):
            self.person(f"干部{i}")
        report_year = services.report_year_create(
            acting_user=self.clerk, unit=self.units["root"], year=2025
        )
        for report in report_year.reports.all():
            services.report_submit(
                acting_user=self.clerk, report=report, submitted_on=dt.date(2026, 1, 5)
            )
        url = f"{API}/report-years/{report_year.pk}/spot-check"
        assert self.client_for(self.clerk).get(url).status_code == 404  # not drawn yet
        check = services.spot_check_draw(
            acting_user=self.clerk, report_year=report_year, percentage=25, seed=31
        )
        body = self.client_for(self.leader).get(url).json()
        assert body["seed"] == 31
        assert body["drawn_ids"] == check.drawn_ids
        assert len(body["drawn_cadres"]) == 2
        assert body["reproduces"] is True
        assert self.client_for(self.clerk_b).get(url).status_code == 404

    def test_it_lists_key_posts_in_scope(self) -> None:
        services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="财政所所长")
        assert [
            p["title"] for p in self.client_for(self.leader).get(f"{API}/key-posts").json()
        ] == ["财政所所长"]
        assert self.client_for(self.clerk_b).get(f"{API}/key-posts").json() == []
