"""Supervision pages: the profile with its one-form add, report years with the spot check,
key units and posts — and the outsider's 404."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from supervision import services
from supervision.choices import Polarity
from supervision.models import ConductEntry, KeyPost, ReportYear, SpotCheck
from supervision.tests.base import SupervisionTestCase


class PageTests(SupervisionTestCase):
    def test_it_shows_the_profile_and_adds_an_entry_from_one_form(self) -> None:
        cadre = self.person("王强")
        url = reverse("supervision:cadre_profile", args=[cadre.pk])
        client = self.client_for(self.clerk_a)
        assert "记入正面清单或负面清单" in client.get(url).content.decode()
        data = {
            "polarity": Polarity.NEGATIVE,
            "date": "2025-06-01",
            "indicator": self.indicator("政治自律").pk,
            "source": "信访核查",
            "evidence": "违规收受礼品",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        page = client.get(url).content.decode()
        assert "违规收受礼品" in page
        assert "负面清单 1" in page
        entry = ConductEntry.objects.get()
        assert entry.indicator.name == "政治自律"
        bad = client.post(url, {**data, "source": "", "evidence": ""})
        assert bad.status_code == 200
        assert bad.content.decode().count("这个字段是必填项。") == 2
        assert ConductEntry.objects.count() == 1
        delete = reverse("supervision:conduct_delete", args=[entry.pk])
        assert self.client_for(self.clerk_b).post(delete).status_code == 404
        assert self.client_for(self.leader).post(delete).status_code == 404
        assert client.post(delete).status_code == 302
        assert not ConductEntry.objects.exists()

    def test_it_lets_a_leader_read_but_not_add_and_outsiders_get_404(self) -> None:
        cadre = self.person("王强")
        services.conduct_add(
            acting_user=self.clerk,
            cadre=cadre,
            polarity=Polarity.POSITIVE,
            date=dt.date(2025, 3, 1),
            indicator=self.indicator(),
            source="考察谈话",
            evidence="抗洪抢险冲在一线",
        )
        url = reverse("supervision:cadre_profile", args=[cadre.pk])
        page = self.client_for(self.leader).get(url).content.decode()
        assert "抗洪抢险冲在一线" in page
        assert "记入正面清单或负面清单" not in page
        self.client_for(self.leader).post(url, {"polarity": "negative"})
        assert ConductEntry.objects.count() == 1
        missing = reverse("supervision:cadre_profile", args=[987654])
        for user in (self.clerk_b, self.outsider_b, self.liaison_a):
            with self.subTest(user=user.username):
                response = self.client_for(user).get(url)
                assert response.status_code == 404
                assert "王强" not in response.content.decode()
                other = self.client_for(user).get(missing)
                assert other.status_code == 404

    def test_it_shows_the_year_the_seed_and_the_drawn_cadres(self) -> None:
        people = [self.person(f"干部{i:02d}") for i in range(12)]
        report_year = services.report_year_create(
            acting_user=self.clerk, unit=self.units["root"], year=2025
        )
        for report in report_year.reports.all()[:10]:
            services.report_submit(
                acting_user=self.clerk, report=report, submitted_on=dt.date(2026, 1, 10)
            )
        listing = self.client_for(self.leader).get(reverse("supervision:report_year_list"))
        assert "2025年度" in listing.content.decode()
        url = reverse("supervision:report_year_detail", args=[report_year.pk])
        missing = self.client_for(self.clerk).get(url + "?state=no").content.decode()
        assert missing.count("未报告</span>") == 2
        draw = reverse("supervision:spot_check_draw", args=[report_year.pk])
        assert self.client_for(self.leader).post(draw, {"percentage": 10}).status_code == 404
        assert self.client_for(self.clerk_a).post(draw, {"percentage": 10}).status_code == 404
        response = self.client_for(self.clerk).post(draw, {"percentage": 10, "seed": 99})
        assert response.status_code == 302
        check = SpotCheck.objects.get()
        assert check.seed == 99
        assert len(check.drawn_ids) == 1
        page = self.client_for(self.leader).get(url).content.decode()
        assert "<code>99</code>" in page
        assert "结果与记录一致" in page
        drawn = {p.name for p in people if p.personal_reports.filter(pk__in=check.drawn_ids)}
        assert len(drawn) == 1
        assert drawn.pop() in page
        assert self.client_for(self.clerk_b).get(url).status_code == 404

    def test_it_lists_key_units_and_posts_in_scope(self) -> None:
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["a"], reason="resources")
        services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="财政所所长")
        url = reverse("supervision:key_list")
        page = self.client_for(self.leader).get(url).content.decode()
        assert "财政所所长" in page
        assert "资源富集" in page
        other = self.client_for(self.clerk_b).get(url).content.decode()
        assert "财政所所长" not in other
        assert "甲镇" not in other
        assert self.client_for(self.liaison_a).get(url).status_code == 404


class QueryCountTests(SupervisionTestCase):
    def test_it_reads_a_year_page_in_the_same_queries_for_more_reports(self) -> None:
        report_year = services.report_year_create(
            acting_user=self.clerk, unit=self.units["root"], year=2025
        )
        url = reverse("supervision:report_year_detail", args=[report_year.pk])
        client = self.client_for(self.leader)

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            return len(ctx.captured_queries)

        self.person("一号")
        services.reports_generate(acting_user=self.clerk, report_year=report_year)
        count()  # the first request also reads per-process caches
        few = count()
        for i in range(6):
            self.person(f"多{i}")
        services.reports_generate(acting_user=self.clerk, report_year=report_year)
        assert count() == few


class CreatePageTests(SupervisionTestCase):
    def test_it_opens_a_report_year_from_the_form(self) -> None:
        self.person("副处甲", rank_level="132")
        self.person("科级乙", rank_level="141")
        url = reverse("supervision:report_year_create")
        client = self.client_for(self.clerk)
        page = client.get(url).content.decode()
        assert "县处级副职" in page
        response = client.post(url, {"unit": "T000", "year": 2025, "rank_levels": ["132", "131"]})
        assert response.status_code == 302
        report_year = ReportYear.objects.get()
        assert response["Location"] == reverse(
            "supervision:report_year_detail", args=[report_year.pk]
        )
        assert report_year.due_date == dt.date(2026, 1, 31)
        assert report_year.reports.count() == 1
        again = client.post(url, {"unit": "T000", "year": 2025, "rank_levels": ["132"]})
        assert "“测试县委”已开展 2025 年度报告" in again.content.decode()
        outside = self.client_for(self.clerk_a).post(
            url, {"unit": "T000", "year": 2024, "rank_levels": ["132"]}
        )
        assert "找不到该单位，或您无权在其中开展报告工作" in outside.content.decode()
        assert ReportYear.objects.count() == 1
        assert self.client_for(self.leader).get(url).status_code == 404

    def test_it_sets_a_key_post_from_the_form(self) -> None:
        url = reverse("supervision:key_post_create")
        data = {"unit": "TA00", "title": "财政所所长", "match": "exact", "rotation_years": 5}
        assert self.client_for(self.clerk_b).post(url, data).status_code == 200
        assert not KeyPost.objects.exists()
        response = self.client_for(self.clerk_a).post(url, data)
        assert response.status_code == 302
        assert KeyPost.objects.get().unit == self.units["a"]
        bad = self.client_for(self.clerk_a).post(url, {**data, "rotation_years": 0})
        assert bad.status_code == 200
        assert KeyPost.objects.count() == 1
