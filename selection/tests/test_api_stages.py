"""/api/v1/selection: stage records, candidates, checklist, decision, notice and attachments —
a whole case walked through the API, the services' refusals in Chinese, the pages' scope."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cadres import services as cadres
from cadres.choices import AssessmentGrade
from cadres.models import Position
from selection import services
from selection.choices import CandidateStatus, Stage
from selection.models import (
    Attachment,
    Candidate,
    DecisionMeeting,
    InspectionChecklist,
    PublicNotice,
    SelectionCase,
    StageRecord,
)
from selection.tests.base import NOTICE_START, SelectionTestCase
from zugong.testing import tiny_pdf

API = "/api/v1/selection"
APPOINTED_ON = dt.date(2026, 3, 9)  # the Monday after the notice (2026-03-02 … 03-06)
CHECKED_ON = "2026-01-28"
ALL_CHECKS = {
    "file_review": True,
    "file_review_date": CHECKED_ON,
    "personal_matters": True,
    "personal_matters_date": CHECKED_ON,
    "discipline_opinion": True,
    "discipline_opinion_date": CHECKED_ON,
    "no_disqualification": True,
    "no_disqualification_date": CHECKED_ON,
    "note": "政治素质好，实绩突出",
}
PDF = tiny_pdf()


class StageApiTestCase(SelectionTestCase):
    def call(self, user: User, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        body = json.dumps(self.with_version(path, data)) if data is not None else ""
        return getattr(self.client_for(user), method)(
            f"{API}{path}", body, content_type="application/json"
        )

    @staticmethod
    def with_version(path: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the case's current version, as the page's form sends it (the API
        requires it on every write, issue 12 item 13), unless the test gives its own."""
        if "version" in data:
            return data
        match = re.match(r"/(cases|candidates)/(\d+)/", path)
        if match is None:
            return data
        pk = int(match.group(2))
        case = (
            SelectionCase.objects.filter(pk=pk).first()
            if match.group(1) == "cases"
            else SelectionCase.objects.filter(candidates__pk=pk).first()
        )
        return {**data, "version": case.version} if case else data

    def ok(self, method: str, path: str, data: dict[str, Any], status: int = 200) -> Any:
        """The clerk's request, which must succeed; its JSON."""
        response = self.call(self.clerk, method, path, data)
        assert response.status_code == status, response.content.decode()
        return response.json()

    def refused(self, method: str, path: str, data: dict[str, Any]) -> dict[str, list[str]]:
        """The clerk's request, which must be refused with 422; its errors by field."""
        response = self.call(self.clerk, method, path, data)
        assert response.status_code == 422, response.content.decode()
        errors: dict[str, list[str]] = response.json()["errors"]
        return errors

    def advance_api(self, case: SelectionCase, stage: str, on: dt.date | None = None) -> Any:
        data: dict[str, Any] = {"to_stage": stage}
        if on is not None:
            data["on"] = on.isoformat()
        return self.call(self.clerk, "post", f"/cases/{case.pk}/advance", data)

    def at_inspection(self) -> tuple[SelectionCase, Candidate]:
        """A case at 考察 with 张三 as its 考察对象 (set up through the services)."""
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        self.to_candidates(case)
        self.advance(case, Stage.INSPECTION, on=dt.date(2026, 1, 26))
        return self.fresh(case), Candidate.objects.get(pk=candidate.pk)

    def at_decision(self) -> tuple[SelectionCase, Candidate]:
        case, candidate = self.at_inspection()
        self.check_all(candidate)
        self.advance(case, Stage.DECISION, on=dt.date(2026, 2, 24))
        return self.fresh(case), Candidate.objects.get(pk=candidate.pk)


class WholeCaseApiTests(StageApiTestCase):
    def test_it_walks_a_case_from_proposal_to_appointment_through_the_api(self) -> None:
        case = self.case()  # 动议 (the API has no create; the set-up is base.py's)
        cadre = self.person("张三")
        old = Position.objects.get(cadre=cadre, end_date__isnull=True)
        seq = self.newest_seq()
        path = f"/cases/{case.pk}"

        self.ok("put", f"{path}/stages/proposal", {"date": "2026-01-05", "outcome": "班子研判"})
        assert self.advance_api(case, Stage.RECOMMENDATION, dt.date(2026, 1, 12)).status_code == 200
        added = self.ok(
            "post",
            f"{path}/candidates",
            {"cadre_id": cadre.pk, "recommendation_votes": 31},
            status=201,
        )
        assert (added["status_label"], added["positions_to_end"]) == ("推荐人选", [old.full_title])
        self.ok("put", f"{path}/stages/recommendation", {"date": "2026-01-12", "outcome": "31 票"})
        assert self.advance_api(case, Stage.CANDIDATES, dt.date(2026, 1, 19)).status_code == 200
        assert self.advance_api(case, Stage.INSPECTION, dt.date(2026, 1, 26)).status_code == 200
        checklist = self.ok("put", f"/candidates/{added['id']}/checklist", ALL_CHECKS)
        assert checklist["personal_matters_date"] == CHECKED_ON
        assert self.advance_api(case, Stage.DECISION, dt.date(2026, 2, 24)).status_code == 200
        decision = self.ok(
            "post",
            f"{path}/decision",
            {
                "date": "2026-02-24",
                "members_due": 9,
                "members_present": 8,
                "votes": [{"candidate_id": added["id"], "votes_for": 7, "votes_against": 1}],
            },
        )
        assert decision["votes"] == [
            {
                "candidate_id": added["id"],
                "cadre_name": "张三",
                "votes_for": 7,
                "votes_against": 1,
                "votes_abstain": 0,
            }
        ]
        assert self.advance_api(case, Stage.PUBLIC_NOTICE, NOTICE_START).status_code == 200
        notice = self.ok("put", f"{path}/notice", {"start_date": NOTICE_START.isoformat()})
        assert (notice["working_days"], notice["end_date"]) == (5, "2026-03-06")
        appointed = self.advance_api(case, Stage.APPOINTMENT, APPOINTED_ON)
        assert appointed.status_code == 200, appointed.content.decode()

        new = Position.objects.get(cadre=cadre, end_date__isnull=True)
        assert (new.unit_name, new.title, new.rank_level, new.start_date) == (
            "甲镇",
            "镇长",
            "141",
            APPOINTED_ON,
        )
        assert new.probation_end == dt.date(2027, 3, 9)
        old.refresh_from_db()
        assert (old.end_date, old.end_reason) == (APPOINTED_ON, "任甲镇镇长")
        assert Candidate.objects.get(pk=added["id"]).status == CandidateStatus.APPOINTED

        record = self.client_for(self.leader).get(f"{API}{path}").json()
        stages = {s["stage"]: (s["date"], s["outcome"]) for s in record["stages"]}
        assert stages["proposal"] == ("2026-01-05", "班子研判")
        assert stages["recommendation"] == ("2026-01-12", "31 票")
        assert stages["appointment"] == ("2026-03-09", "")
        assert record["candidates"][0]["majority"] is True
        assert record["candidates"][0]["appointed"] == new.full_title

        events = [e for e in self.events_after(seq) if e.object_type == "selection.SelectionCase"]
        sections = [e.changes.get("section") for e in events]
        assert sections == [
            "分析研判和动议",
            "环节",
            "人选",
            "民主推荐",
            "环节",
            "环节",
            "考察",
            "环节",
            "讨论决定",
            "环节",
            "任前公示",
            "环节",
        ]
        assert all(e.actor_username == "clerk" for e in events)
        assert self.advance_api(case, Stage.CLOSED).json()["stage"] == "closed"


class CandidateApiTests(StageApiTestCase):
    def test_it_refuses_a_basic_competent_candidate_with_the_pages_message(self) -> None:
        last_year = timezone.localdate().year - 1
        case = self.case()
        weak = self.person("王五", grades={last_year: AssessmentGrade.BASIC})
        self.advance(case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        added = self.call(self.clerk, "post", f"/cases/{case.pk}/candidates", {"cadre_id": weak.pk})
        assert added.status_code == 201  # 推荐 is allowed; 列为考察对象 is not
        self.to_candidates(case)

        expected = [
            f"王五 {last_year} 年度考核为“基本称职”，"
            "近3年年度考核有基本称职以下等次的，不得列为考察对象"
        ]
        assert self.refused(
            "post", f"/cases/{case.pk}/advance", {"to_stage": "inspection", "on": "2026-01-26"}
        ) == {"__all__": expected}
        page = self.client_for(self.clerk).post(
            reverse("selection:case_advance", args=[case.pk]),
            {"to_stage": "inspection", "on": "2026-01-26"},
        )
        assert [str(m) for m in get_messages(page.wsgi_request)] == expected
        assert self.fresh(case).stage == Stage.CANDIDATES
        assert Candidate.objects.get(pk=added.json()["id"]).status == CandidateStatus.NOMINATED

    def test_it_adds_a_candidate_and_refuses_bad_ones_in_chinese(self) -> None:
        case = self.case()
        zhang = self.person("张三")
        path = f"/cases/{case.pk}/candidates"
        assert self.refused("post", path, {"cadre_id": zhang.pk}) == {
            "__all__": ["提出人选只能在“民主推荐、确定考察对象”环节办理，当前为“分析研判和动议”"]
        }
        self.advance(case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        assert self.refused("post", path, {"cadre_id": zhang.pk, "exceptional": True}) == {
            "exceptional_reason": ["破格提拔须说明破格情形和理由"]
        }
        other = self.case(title="副镇长")
        assert self.refused(
            "post", path, {"cadre_id": zhang.pk, "post_id": other.posts.get().pk}
        ) == {"post_id": ["拟任职务不属于本事项"]}
        b_cadre = cadres.cadre_create(
            acting_user=self.clerk,
            unit=self.units["b"],
            name="赵乙",
            sex="1",
            birth_date=dt.date(1985, 5, 1),
        )
        assert self.refused("post", path, {"cadre_id": b_cadre.pk}) == {
            "cadre": ["赵乙不在“甲镇”及其下属单位"]
        }

        seq = self.newest_seq()
        body = self.ok(
            "post",
            path,
            {"cadre_id": zhang.pk, "recommendation_votes": 28, "end_current": False},
            status=201,
        )
        assert (body["cadre_name"], body["post"], body["positions_to_end"]) == (
            "张三",
            "甲镇镇长",
            [],
        )
        (event,) = self.events_after(seq)
        assert (event.changes["section"], event.changes["after"]["recommendation_votes"]) == (
            "人选",
            28,
        )
        assert self.refused("post", path, {"cadre_id": zhang.pk}) == {
            "cadre": ["张三已是该职务的人选"]
        }
        assert self.fresh(case).version == case.version + 2  # advanced once, one candidate

    def test_it_withdraws_a_candidate_only_with_a_reason(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        path = f"/candidates/{candidate.pk}/withdraw"
        assert self.refused("post", path, {"reason": "  "}) == {
            "reason": ["请填写不再考虑该人选的原因"]
        }
        seq = self.newest_seq()
        body = self.ok("post", path, {"reason": "本人因家庭原因请求不再参加"})
        assert (body["status"], body["status_label"]) == ("withdrawn", "不再考虑")
        (event,) = self.events_after(seq)
        assert event.changes["after"] == {
            "status": "不再考虑",
            "reason": "本人因家庭原因请求不再参加",
        }
        assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.WITHDRAWN


class ChecklistApiTests(StageApiTestCase):
    def test_it_sets_the_checklist_and_names_each_missing_date(self) -> None:
        case, candidate = self.at_inspection()
        path = f"/candidates/{candidate.pk}/checklist"
        assert self.refused(
            "put", path, {"file_review": True, "discipline_opinion": True, "note": "x"}
        ) == {
            "file_review_date": ["请填写“干部人事档案审核”的时间"],
            "discipline_opinion_date": ["请填写“征求纪检监察机关意见”的时间"],
        }
        assert not InspectionChecklist.objects.filter(candidate=candidate, file_review=True)
        seq = self.newest_seq()
        body = self.ok("put", path, ALL_CHECKS)
        assert (body["candidate_id"], body["no_disqualification"], body["note"]) == (
            candidate.pk,
            True,
            "政治素质好，实绩突出",
        )
        (event,) = self.events_after(seq)
        assert event.changes["after"]["个人有关事项查核"] is True
        # A PUT replaces the whole record: what is left out is cleared.
        cleared = self.ok("put", path, {"file_review": True, "file_review_date": CHECKED_ON})
        assert (cleared["personal_matters"], cleared["note"]) == (False, "")
        refused = self.advance_api(case, Stage.DECISION, dt.date(2026, 2, 24))
        assert refused.json()["errors"]["__all__"][0] == "张三尚未完成“个人有关事项查核”"

    def test_it_refuses_a_checklist_outside_the_inspection_stage(self) -> None:
        case = self.case()
        candidate = self.nominate(case, self.person("张三"))
        assert self.refused("put", f"/candidates/{candidate.pk}/checklist", ALL_CHECKS) == {
            "__all__": ["考察记录只能在“考察”环节办理，当前为“民主推荐”"]
        }
        assert not InspectionChecklist.objects.exists()


class DecisionApiTests(StageApiTestCase):
    def decision(self, candidate: Candidate, **change: Any) -> dict[str, Any]:
        return {
            "date": "2026-02-24",
            "members_due": 9,
            "members_present": 8,
            "votes": [{"candidate_id": candidate.pk, "votes_for": 7, "votes_against": 1}],
            **change,
        }

    def test_it_refuses_a_decision_without_a_majority_of_the_members_due(self) -> None:
        case, candidate = self.at_decision()
        path = f"/cases/{case.pk}/decision"
        minority = [{"candidate_id": candidate.pk, "votes_for": 4, "votes_against": 4}]
        self.ok("post", path, self.decision(candidate, votes=minority))
        assert self.refused(
            "post", f"/cases/{case.pk}/advance", {"to_stage": "public_notice", "on": "2026-03-02"}
        ) == {
            "__all__": [
                "张三同意 4 票，未超过应到会成员 9 人的半数，不能形成任用决定；"
                "请先将未获通过的人选退出，再进入任前公示"
            ]
        }
        assert self.fresh(case).stage == Stage.DECISION
        record = self.client_for(self.leader).get(f"{API}/cases/{case.pk}").json()
        assert (record["candidates"][0]["votes"], record["candidates"][0]["majority"]) == (
            [4, 4, 0],
            False,
        )
        self.ok("post", path, self.decision(candidate))  # the meeting is recorded again
        assert self.advance_api(case, Stage.PUBLIC_NOTICE, NOTICE_START).status_code == 200
        assert DecisionMeeting.objects.get(case=case).votes.get().votes_for == 7

    def test_it_refuses_impossible_meetings_and_votes_in_chinese(self) -> None:
        case, candidate = self.at_decision()
        path = f"/cases/{case.pk}/decision"
        assert self.refused("post", path, self.decision(candidate, members_present=10)) == {
            "members_present": ["实到会成员不能多于应到会成员"]
        }
        assert self.refused(
            "post", path, self.decision(candidate, members_due=0, members_present=0)
        ) == {"members_due": ["应到会成员须至少 1 人"]}
        too_many = [{"candidate_id": candidate.pk, "votes_for": 8, "votes_against": 1}]
        assert self.refused("post", path, self.decision(candidate, votes=too_many)) == {
            "votes": ["张三的票数合计超过实到会成员 8 人"]
        }
        stranger = [{"candidate_id": 987_654_321, "votes_for": 5}]
        assert self.refused("post", path, self.decision(candidate, votes=stranger)) == {
            "votes": ["表决对象须是本事项的考察对象"]
        }
        twice = [{"candidate_id": candidate.pk, "votes_for": 5}] * 2
        assert self.refused("post", path, self.decision(candidate, votes=twice)) == {
            "votes": ["同一人选只能表决一次"]
        }
        negative = [{"candidate_id": candidate.pk, "votes_for": -1}]
        assert self.refused("post", path, self.decision(candidate, votes=negative)) == {
            "votes.0.votes_for": ["不能小于 0"]
        }
        assert not DecisionMeeting.objects.exists()


class NoticeApiTests(StageApiTestCase):
    def test_it_sets_the_notice_over_working_days_and_refuses_a_short_one(self) -> None:
        case, candidate = self.at_decision()
        services.decision_record(
            acting_user=self.clerk,
            case=case,
            date=dt.date(2026, 2, 24),
            members_due=9,
            members_present=9,
            votes={candidate.pk: (9, 0, 0)},
        )
        path = f"/cases/{case.pk}/notice"
        start = NOTICE_START.isoformat()
        assert self.refused("put", path, {"start_date": start, "working_days": 3}) == {
            "working_days": ["公示期不少于 5 个工作日"]
        }
        (unknown,) = self.refused("put", path, {"start_date": "2099-01-05"})["start_date"]
        assert unknown.startswith("未配置 2099 年的节假日安排")
        assert not PublicNotice.objects.exists()
        seq = self.newest_seq()
        body = self.ok("put", path, {"start_date": start, "working_days": 7, "objections": "无"})
        assert (body["end_date"], body["objections"]) == ("2026-03-10", "无")
        (event,) = self.events_after(seq)
        assert event.changes["after"]["end_date"] == "2026-03-10"


class StageRecordApiTests(StageApiTestCase):
    def test_it_records_a_reached_stage_and_refuses_others(self) -> None:
        case = self.case()
        path = f"/cases/{case.pk}/stages"
        assert self.refused("put", f"{path}/decision", {"date": "2026-01-05"}) == {
            "stage": ["尚未进入“讨论决定”环节"]
        }
        assert self.refused("put", f"{path}/bogus", {"date": "2026-01-05"}) == {
            "stage": ["环节无效"]
        }
        seq = self.newest_seq()
        body = self.ok(
            "put", f"{path}/proposal", {"date": "2026-01-06", "outcome": "研判", "note": "备注"}
        )
        assert body == {
            "stage": "proposal",
            "label": "分析研判和动议",
            "date": "2026-01-06",
            "outcome": "研判",
            "note": "备注",
        }
        record = StageRecord.objects.get(case=case, stage=Stage.PROPOSAL)
        assert (record.date, record.outcome) == (dt.date(2026, 1, 6), "研判")
        (event,) = self.events_after(seq)
        assert event.changes["section"] == "分析研判和动议"
        assert self.fresh(case).version == case.version + 1

    def test_it_refuses_a_stale_case_version(self) -> None:
        case = self.case()
        path = f"/cases/{case.pk}/stages/proposal"
        stale = {"date": "2026-01-06", "outcome": "研判", "version": case.version - 1}
        errors = self.refused("put", path, stale)
        assert "该选拔任用事项已被他人修改，请刷新后重试" in str(errors)
        assert not StageRecord.objects.filter(case=case, outcome="研判").exists()
        self.ok("put", path, {**stale, "version": case.version})
        assert StageRecord.objects.get(case=case, stage=Stage.PROPOSAL).outcome == "研判"


class AttachmentApiTests(StageApiTestCase):
    def test_it_lists_attachment_metadata_without_content_in_fixed_queries(self) -> None:
        case = self.case()
        services.attachment_add(
            acting_user=self.clerk, case=case, stage="proposal", name="动议材料.pdf", data=PDF
        )
        path = f"{API}/cases/{case.pk}/attachments"
        client = self.client_for(self.leader)
        client.get(path)
        with CaptureQueriesContext(connection) as few:
            client.get(path)
        for i in range(4):
            services.attachment_add(
                acting_user=self.clerk, case=case, stage="proposal", name=f"材料{i}.pdf", data=PDF
            )
        with CaptureQueriesContext(connection) as more:
            body = client.get(path).json()
        assert len(more) == len(few)
        first = body[0]
        item = Attachment.objects.get(pk=first["id"])
        assert (first["name"], first["size"], first["sha256"]) == (
            "动议材料.pdf",
            len(PDF),
            item.sha256,
        )
        assert (first["stage_label"], first["uploaded_by"]) == ("分析研判和动议", "clerk")
        assert first["download_url"] == reverse("selection:attachment_download", args=[item.pk])
        assert "data" not in first
        assert len(body) == 5
        for user in (self.clerk_b, self.outsider_b):
            assert self.client_for(user).get(path).status_code == 404


class ScopeTests(StageApiTestCase):
    def test_it_answers_the_leader_and_other_units_with_the_missing_object_404(self) -> None:
        case, candidate = self.at_inspection()
        writes = [
            ("put", f"/cases/{case.pk}/stages/proposal", {"date": "2026-01-05"}),
            ("post", f"/cases/{case.pk}/candidates", {"cadre_id": candidate.cadre_id}),
            ("post", f"/candidates/{candidate.pk}/withdraw", {"reason": "探测"}),
            ("put", f"/candidates/{candidate.pk}/checklist", ALL_CHECKS),
            (
                "post",
                f"/cases/{case.pk}/decision",
                {"date": "2026-02-24", "members_due": 9, "members_present": 9, "votes": []},
            ),
            ("put", f"/cases/{case.pk}/notice", {"start_date": NOTICE_START.isoformat()}),
        ]
        seq = self.newest_seq()
        for user in (self.leader, self.clerk_b, self.outsider_b):
            for method, path, data in writes:
                with self.subTest(user=user.username, path=path):
                    response = self.call(user, method, path, data)
                    assert response.status_code == 404
                    assert response.json() == {"detail": "对象不存在"}
        for user in (self.clerk_b, self.outsider_b):
            response = self.call(user, "get", f"/cases/{case.pk}/attachments")
            assert response.status_code == 404
        assert self.events_after(seq) == []
        fresh = self.fresh(case)
        assert (fresh.version, fresh.stage) == (case.version, Stage.INSPECTION)
        assert Candidate.objects.get(pk=candidate.pk).status == CandidateStatus.INSPECTED
        assert not InspectionChecklist.objects.exists()

    def test_it_takes_only_cadres_in_the_users_scope(self) -> None:
        case = self.case()
        self.advance(case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        # 乙镇's clerk may change 乙镇 only: 甲镇's case is missing to him, whoever he names.
        b_case = services.case_create(
            acting_user=self.clerk_b,
            unit=self.units["b"],
            title="乙镇镇长选拔任用",
            posts=[{"unit": self.units["b"], "title": "镇长", "rank_level": "141"}],
            opened_on=dt.date(2026, 1, 5),
        )
        services.case_advance(self.clerk_b, b_case, Stage.RECOMMENDATION, on=dt.date(2026, 1, 12))
        a_cadre = self.person("张三")
        response = self.call(
            self.clerk_b, "post", f"/cases/{b_case.pk}/candidates", {"cadre_id": a_cadre.pk}
        )
        missing = self.call(
            self.clerk_b, "post", f"/cases/{b_case.pk}/candidates", {"cadre_id": 987_654_321}
        )
        assert response.status_code == missing.status_code == 404
        assert response.json() == missing.json()
        assert not Candidate.objects.exists()
        assert SelectionCase.objects.get(pk=b_case.pk).stage == Stage.RECOMMENDATION
