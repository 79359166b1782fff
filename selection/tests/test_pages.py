"""selection pages: list, create, the case page and its stage forms; outsiders get 404."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import Position
from selection import services
from selection.choices import CandidateStatus, Stage
from selection.models import Candidate, SelectionCase
from selection.tests.base import SelectionTestCase


class PageTests(SelectionTestCase):
    def detail(self, case: SelectionCase) -> str:
        return reverse("selection:case_detail", args=[case.pk])

    def test_it_lists_cases_in_scope_with_a_fixed_number_of_queries(self) -> None:
        client = self.client_for(self.clerk)
        self.case(title="镇长")
        client.get(reverse("selection:case_list"))  # warm the session and grant caches
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("selection:case_list"))
        for title in ("党委副书记", "副镇长"):
            self.case(title=title)
        with CaptureQueriesContext(connection) as three:
            response = client.get(reverse("selection:case_list"))
        assert response.status_code == 200
        assert len(three) == len(one)
        self.assertContains(response, "甲镇党委副书记选拔任用")
        # A 乙镇 liaison holds no selection right at all: the page does not exist for him.
        outsider = self.client_for(self.outsider_b).get(reverse("selection:case_list"))
        assert outsider.status_code == 404

    def test_it_lists_candidates_and_the_notice_and_searches_titles(self) -> None:
        case = self.case()
        self.nominate(case, self.person("张三"))
        self.case(title="副镇长")
        client = self.client_for(self.clerk)
        page = client.get(reverse("selection:case_list")).content.decode()
        assert "张三" in page
        assert "公示中" not in page
        found = client.get(reverse("selection:case_list"), {"q": "副镇长"}).content.decode()
        assert "甲镇副镇长选拔任用" in found
        assert "甲镇镇长选拔任用" not in found

    def test_it_creates_a_case_from_the_form(self) -> None:
        response = self.client_for(self.clerk).post(
            reverse("selection:case_create"),
            {
                "unit": "TA00",
                "title": "甲镇镇长选拔任用",
                "opened_on": "2026-01-05",
                "post_unit": "TA00",
                "post_title": "镇长",
                "rank_level": "141",
                "is_head": "on",
                "probation_applies": "on",
            },
        )
        case = SelectionCase.objects.get()
        self.assertRedirects(response, self.detail(case))
        post = case.posts.get()
        assert (post.title, post.rank_level, post.is_head, post.probation_applies) == (
            "镇长",
            "141",
            True,
            True,
        )

    def test_it_refuses_a_unit_outside_scope_on_create(self) -> None:
        response = self.client_for(self.outsider_b).get(reverse("selection:case_create"))
        assert response.status_code == 404
        response = self.client_for(self.leader).post(reverse("selection:case_create"), {})
        assert response.status_code == 404

    def test_it_shows_the_stepper_and_hides_the_case_from_an_outsider(self) -> None:
        case = self.case()
        response = self.client_for(self.clerk).get(self.detail(case))
        self.assertContains(response, "分析研判和动议")
        self.assertContains(response, "转入“民主推荐”")
        leader = self.client_for(self.leader).get(self.detail(case))
        assert leader.status_code == 200
        self.assertNotContains(leader, "转入“民主推荐”")
        assert self.client_for(self.outsider_b).get(self.detail(case)).status_code == 404
        assert self.client_for(self.clerk_b).get(self.detail(case)).status_code == 404
        listing = self.client_for(self.clerk_b).get(reverse("selection:case_list"))
        self.assertNotContains(listing, case.title)

    def test_it_advances_and_shows_a_refusal_message(self) -> None:
        case = self.case()
        client = self.client_for(self.clerk)
        url = reverse("selection:case_advance", args=[case.pk])
        response = client.post(url, {"to_stage": Stage.CANDIDATES}, follow=True)
        self.assertContains(response, "不能跳过环节")
        response = client.post(
            url, {"to_stage": Stage.RECOMMENDATION, "on": "2026-01-12"}, follow=True
        )
        self.assertContains(response, "已转到“民主推荐”环节")
        assert self.fresh(case).stage == Stage.RECOMMENDATION
        for user in (self.outsider_b, self.clerk_b):
            outsider = self.client_for(user).post(url, {"to_stage": Stage.CANDIDATES})
            assert outsider.status_code == 404
        assert self.fresh(case).stage == Stage.RECOMMENDATION

    def test_it_adds_a_candidate_and_records_the_checks_and_votes(self) -> None:
        case = self.case()
        cadre = self.person("张三")
        self.advance(case, Stage.RECOMMENDATION)
        client = self.client_for(self.clerk)
        client.post(
            reverse("selection:candidate_add", args=[case.pk]),
            {"cadre": cadre.pk, "recommendation_votes": "30", "end_current": "on"},
        )
        candidate = Candidate.objects.get()
        assert [p.title for p in candidate.positions_to_end.all()] == ["副镇长"]
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION)
        data = {"note": "考察情况良好"}
        for item in (
            "file_review",
            "personal_matters",
            "discipline_opinion",
            "no_disqualification",
        ):
            data[f"c{candidate.pk}-{item}"] = "on"
            data[f"c{candidate.pk}-{item}_date"] = "2026-01-28"
        client.post(reverse("selection:checklist_set", args=[candidate.pk]), data)
        self.advance(case, Stage.DECISION)
        response = client.post(
            reverse("selection:decision_record", args=[case.pk]),
            {
                "date": "2026-02-24",
                "members_due": "9",
                "members_present": "8",
                f"for_{candidate.pk}": "7",
                f"against_{candidate.pk}": "1",
            },
            follow=True,
        )
        self.assertContains(response, "7/1/0")
        self.assertContains(response, "超过半数")
        response = client.post(
            reverse("selection:notice_set", args=[case.pk]),
            {"start_date": "2026-09-29", "working_days": "5"},
            follow=True,
        )
        # Over 国庆: 9.29, 9.30, 10.8, 10.9 and the 调休 Saturday 10.10.
        self.assertContains(response, "至 <strong>2026.10.10</strong> 结束")
        # The saved notice fills the form, ready for 公示反映情况 to be added.
        self.assertContains(response, 'name="start_date" value="2026-09-29"')
        response = client.post(
            reverse("selection:notice_set", args=[case.pk]),
            {"start_date": "2026-09-29", "working_days": "4"},
            follow=True,
        )
        self.assertContains(response, "公示期不少于 5 个工作日")
        assert Position.objects.filter(cadre=cadre, end_date__isnull=True).count() == 1
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.INSPECTED

    def test_it_keeps_an_outsider_away_from_candidate_forms(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        client = self.client_for(self.clerk_b)
        for name in ("candidate_withdraw", "checklist_set"):
            response = client.post(
                reverse(f"selection:{name}", args=[candidate.pk]), {"reason": "x"}
            )
            assert response.status_code == 404
        for name in ("candidate_add", "decision_record", "notice_set"):
            response = client.post(reverse(f"selection:{name}", args=[case.pk]), {})
            assert response.status_code == 404
        response = client.post(
            reverse("selection:stage_record", args=[case.pk, Stage.PROPOSAL]), {}
        )
        assert response.status_code == 404
        assert Candidate.objects.get().status == CandidateStatus.NOMINATED

    def test_it_records_a_stage_outcome(self) -> None:
        case = self.case()
        response = self.client_for(self.clerk).post(
            reverse("selection:stage_record", args=[case.pk, Stage.PROPOSAL]),
            {
                "stage-proposal-date": "2026-01-05",
                "stage-proposal-outcome": "经分析研判，启动选拔",
            },
            follow=True,
        )
        self.assertContains(response, "经分析研判，启动选拔")
        services.case_advance(self.clerk, case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))

    def test_it_refuses_a_form_drawn_before_someone_elses_change(self) -> None:
        case = self.case()
        client = self.client_for(self.clerk)
        page = client.get(reverse("selection:case_detail", args=[case.pk])).content.decode()
        assert f'name="version" value="{case.version}"' in page
        # Another clerk records the stage in the meantime: the page's version is now stale.
        services.stage_record_set(
            acting_user=self.clerk, case=case, stage=Stage.PROPOSAL, date=dt.date(2026, 1, 5)
        )
        response = client.post(
            reverse("selection:stage_record", args=[case.pk, Stage.PROPOSAL]),
            {
                "version": str(case.version),
                "stage-proposal-date": "2026-01-06",
                "stage-proposal-outcome": "覆盖他人的记录",
            },
            follow=True,
        )
        self.assertContains(response, "该选拔任用事项已被他人修改，请刷新后重试")
        self.assertNotContains(response, "覆盖他人的记录")
