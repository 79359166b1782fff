"""/api/v1/supervision: report years, reports and items, checks and findings, key units and
the indicator catalogue — the pages' scope, the services' refusals, sensitive reads audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.client import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from audit.choices import AuditAction
from supervision import services
from supervision.choices import CheckKind
from supervision.models import (
    CheckedReport,
    CheckFinding,
    Indicator,
    KeyUnit,
    PersonalReport,
    ReportItem,
    ReportYear,
)
from supervision.tests.base import SupervisionTestCase

API = "/api/v1/supervision"
YEAR = 2025
ON_TIME, LATE = dt.date(2026, 1, 20), dt.date(2026, 2, 10)
MISSING = 987_654_321
FINDING = {
    "kind": "omission",
    "subkind": "om_housing_area",
    "description": "少报房产面积 12 平方米",
    "consequence": "批评教育",
}


def send(client: Client, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(path, body, content_type="application/json")


class ReportApiTestCase(SupervisionTestCase):
    """Two cadres of 甲镇 who must report on 2025: 王强 handed his in, 李明 has not."""

    def setUp(self) -> None:
        self.wang = self.person("王强")
        self.li = self.person("李明")
        self.report_year = services.report_year_create(
            acting_user=self.clerk, unit=self.units["a"], year=YEAR
        )
        self.wang_report = self.report_of(self.wang.pk)
        self.li_report = self.report_of(self.li.pk)
        services.report_submit(
            acting_user=self.clerk, report=self.wang_report, submitted_on=ON_TIME
        )

    def report_of(self, cadre_id: int) -> PersonalReport:
        return PersonalReport.objects.select_related("cadre", "report_year").get(
            report_year=self.report_year, cadre_id=cadre_id
        )

    def call(self, user: User, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
        return send(self.client_for(user), method, f"{API}{path}", data)

    def get_json(self, user: User, path: str, **params: Any) -> Any:
        response = self.client_for(user).get(f"{API}{path}", params)
        assert response.status_code == 200, response.content
        return response.json()

    def query_count(self, client: Client, path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    def assert_flat(self, path: str, grow: Callable[[], None]) -> None:
        """The number of queries ``path`` takes does not grow with the rows ``grow`` adds."""
        client = self.client_for(self.clerk)
        self.query_count(client, path)  # warm the session and the per-request caches
        before = self.query_count(client, path)
        grow()
        assert self.query_count(client, path) == before

    def check(self, report: PersonalReport, reason: str = "拟提拔人选“凡提必查”") -> CheckedReport:
        return services.targeted_check_add(
            acting_user=self.clerk, report_year=self.report_year, cadre=report.cadre, reason=reason
        )


class ReportYearApiTests(ReportApiTestCase):
    def test_it_lists_the_years_in_scope_with_their_counts(self) -> None:
        services.report_year_create(acting_user=self.clerk, unit=self.units["b"], year=YEAR)
        body = self.get_json(self.clerk_a, "/report-years")
        assert [(y["unit_name"], y["year"]) for y in body["items"]] == [("甲镇", YEAR)]
        (row,) = body["items"]
        assert (row["total"], row["submitted"], row["missing"]) == (2, 1, 1)
        assert row["due_date"] == "2026-01-31"
        others = self.get_json(self.clerk_b, "/report-years")["items"]
        assert [y["unit_name"] for y in others] == ["乙镇"]
        assert self.get_json(self.outsider_b, "/report-years")["items"] == []

    def test_it_gives_a_year_with_late_checked_and_found_counts(self) -> None:
        services.report_submit(acting_user=self.clerk, report=self.li_report, submitted_on=LATE)
        self.check(self.wang_report)
        self.check(self.li_report)
        services.finding_add(acting_user=self.clerk, report=self.li_report, **FINDING)
        body = self.get_json(self.leader, f"/report-years/{self.report_year.pk}")
        assert (body["total"], body["submitted"], body["missing"], body["late"]) == (2, 2, 0, 1)
        assert (body["random_checks"], body["targeted_checks"], body["findings"]) == (0, 2, 1)
        assert body["spot_check_drawn"] is False
        for user in (self.clerk_b, self.outsider_b):
            response = self.client_for(user).get(f"{API}/report-years/{self.report_year.pk}")
            assert response.status_code == 404
            assert response.json() == {"detail": "对象不存在"}

    def test_it_keeps_the_year_list_query_count_flat(self) -> None:
        def more_years() -> None:
            for year in (2022, 2023, 2024):
                services.report_year_create(acting_user=self.clerk, unit=self.units["a"], year=year)

        self.assert_flat(f"{API}/report-years", more_years)
        assert ReportYear.objects.count() == 4


class ReportListApiTests(ReportApiTestCase):
    def test_it_filters_reports_by_state_and_by_name_or_initials(self) -> None:
        path = f"/report-years/{self.report_year.pk}/reports"
        every = self.get_json(self.leader, path)
        assert every["count"] == 2
        assert {r["cadre_name"]: r["submitted_on"] for r in every["items"]} == {
            "王强": "2026-01-20",
            "李明": None,
        }
        done = self.get_json(self.leader, path, submitted="true")["items"]
        assert [(r["cadre_name"], r["late"]) for r in done] == [("王强", False)]
        missing = self.get_json(self.leader, path, submitted="false")["items"]
        assert [r["cadre_name"] for r in missing] == ["李明"]
        assert [r["cadre_name"] for r in self.get_json(self.leader, path, q="李")["items"]] == [
            "李明"
        ]
        assert [r["cadre_name"] for r in self.get_json(self.leader, path, q="wq")["items"]] == [
            "王强"
        ]
        assert self.client_for(self.clerk_b).get(f"{API}{path}").status_code == 404

    def test_it_pages_reports_with_a_flat_query_count(self) -> None:
        path = f"{API}/report-years/{self.report_year.pk}/reports"

        def more_reports() -> None:
            for i in range(6):
                self.person(f"新任{i}", unit="a_village")
            services.reports_generate(acting_user=self.clerk, report_year=self.report_year)

        self.assert_flat(path, more_reports)
        assert self.get_json(self.clerk, path.removeprefix(API))["count"] == 8


class ReportDetailApiTests(ReportApiTestCase):
    def test_it_adds_items_and_shows_them_as_an_audited_sensitive_read(self) -> None:
        seq = self.newest_seq()
        created = self.call(
            self.clerk_a,
            "post",
            f"/reports/{self.wang_report.pk}/items",
            {"category": "housing", "content": "临江县城关镇住房一套，96 平方米"},
        )
        assert created.status_code == 201, created.content
        assert (created.json()["category_label"], created.json()["group_label"]) == (
            "本人、配偶、共同生活的子女为所有权人或者共有人的房产情况",
            "家产",
        )
        (event,) = self.events_after(seq)
        assert (event.action, event.object_id, event.changes["section"]) == (
            AuditAction.CREATE,
            str(self.wang_report.pk),
            "报告事项",
        )
        self.check(self.wang_report)
        services.finding_add(acting_user=self.clerk, report=self.wang_report, **FINDING)

        seq = self.newest_seq()
        body = self.get_json(self.leader, f"/reports/{self.wang_report.pk}")
        assert (body["report"]["cadre_name"], body["report"]["late"]) == ("王强", False)
        assert [i["content"] for i in body["items"]] == ["临江县城关镇住房一套，96 平方米"]
        assert [c["kind_label"] for c in body["checks"]] == ["重点抽查（凡提必查）"]
        assert [(f["kind_label"], f["consequence"]) for f in body["findings"]] == [
            ("漏报", "批评教育")
        ]
        (read,) = self.events_after(seq)
        assert (read.action, read.sensitive, read.actor_username) == (
            AuditAction.VIEW,
            True,
            "leader",
        )
        assert read.object_repr == f"王强 {YEAR}年度个人有关事项报告"
        assert read.changes["items"] == [body["items"][0]["id"]]

    def test_it_refuses_bad_items_and_hides_reports_from_outsiders(self) -> None:
        path = f"/reports/{self.wang_report.pk}/items"
        blank = self.call(self.clerk, "post", path, {"category": "housing", "content": "  "})
        assert blank.status_code == 422
        assert blank.json()["errors"] == {"content": ["请填写报告内容"]}
        unknown = self.call(self.clerk, "post", path, {"category": "car", "content": "轿车"})
        assert unknown.status_code == 422
        assert list(unknown.json()["errors"]) == ["category"]
        seq = self.newest_seq()
        for user in (self.clerk_b, self.outsider_b):
            for method, url, data in (
                ("get", f"/reports/{self.wang_report.pk}", None),
                ("post", path, {"category": "housing", "content": "探测"}),
            ):
                response = self.call(user, method, url, data)
                assert response.status_code == 404, (user.username, url)
                assert response.json() == {"detail": "对象不存在"}
        assert self.events_after(seq) == []
        assert not ReportItem.objects.exists()

    def test_it_records_a_submission_and_refuses_a_bad_date(self) -> None:
        path = f"/reports/{self.li_report.pk}/submit"
        early = self.call(self.clerk, "post", path, {"submitted_on": "2025-12-30"})
        assert early.status_code == 422
        assert early.json()["errors"] == {"submitted_on": ["2025年度的报告应在 2025 年结束后提交"]}
        seq = self.newest_seq()
        done = self.call(self.clerk, "post", path, {"submitted_on": LATE.isoformat()})
        assert done.status_code == 200, done.content
        assert (done.json()["submitted_on"], done.json()["late"]) == ("2026-02-10", True)
        (event,) = self.events_after(seq)
        assert event.changes["after"] == {"submitted_on": "2026-02-10", "late": True}
        again = self.call(self.clerk, "post", path, {"submitted_on": "2026-02-11"})
        assert again.status_code == 422
        assert again.json()["errors"] == {"__all__": ["该报告已于 2026.02.10 提交"]}
        assert self.report_of(self.li.pk).submitted_on == LATE

    def test_it_takes_back_a_submission_with_a_reason(self) -> None:
        path = f"/reports/{self.wang_report.pk}/unsubmit"
        assert self.call(self.leader, "post", path, {"reason": "误点"}).status_code == 404
        blank = self.call(self.clerk, "post", path, {"reason": ""})
        assert blank.status_code == 422
        assert blank.json()["errors"] == {"reason": ["请填写撤销登记的原因"]}
        seq = self.newest_seq()
        done = self.call(self.clerk, "post", path, {"reason": "误点登记"})
        assert done.status_code == 200, done.content
        assert done.json()["submitted_on"] is None
        (event,) = self.events_after(seq)
        assert event.changes["before"] == {"submitted_on": ON_TIME.isoformat()}
        again = self.call(self.clerk, "post", path, {"reason": "误点登记"})
        assert again.json()["errors"] == {"__all__": ["该报告尚未登记提交"]}

    def test_it_deletes_an_item_keeping_its_content_in_the_audit(self) -> None:
        item = services.report_item_add(
            acting_user=self.clerk, report=self.wang_report, category="salary", content="年薪 15 万"
        )
        path = f"/reports/items/{item.pk}"
        for user in (self.clerk_b, self.outsider_b, self.leader):
            response = self.call(user, "delete", path)
            assert response.status_code == 404, user.username
        assert ReportItem.objects.filter(pk=item.pk).exists()
        seq = self.newest_seq()
        response = self.call(self.clerk_a, "delete", path)
        assert response.status_code == 204
        assert not ReportItem.objects.filter(pk=item.pk).exists()
        (event,) = self.events_after(seq)
        assert (event.action, event.changes["before"]["content"]) == (
            AuditAction.DELETE,
            "年薪 15 万",
        )
        assert self.call(self.clerk_a, "delete", path).status_code == 404


class CheckApiTests(ReportApiTestCase):
    def test_it_puts_a_report_on_the_targeted_list_and_refuses_without_a_reason(self) -> None:
        path = f"/report-years/{self.report_year.pk}/checks"
        blank = self.call(self.clerk, "post", path, {"cadre_id": self.li.pk, "reason": " "})
        assert blank.status_code == 422
        assert blank.json()["errors"] == {"reason": ["请填写查核事由，如：拟提拔人选“凡提必查”"]}
        seq = self.newest_seq()
        created = self.call(
            self.clerk_a, "post", path, {"cadre_id": self.li.pk, "reason": "拟提拔为镇长人选"}
        )
        assert created.status_code == 201, created.content
        assert (created.json()["cadre_name"], created.json()["kind"]) == ("李明", "targeted")
        (event,) = self.events_after(seq)
        assert event.changes["after"] == {"reason": "拟提拔为镇长人选", "report_opened": False}
        again = self.call(self.clerk, "post", path, {"cadre_id": self.li.pk, "reason": "再次"})
        assert again.json()["errors"] == {"__all__": [f"李明的{YEAR}年度报告已在重点抽查名单中"]}
        b_cadre = self.person("赵乙", unit="b")
        outside = self.call(self.clerk, "post", path, {"cadre_id": b_cadre.pk, "reason": "事由"})
        assert outside.status_code == 422
        assert outside.json()["errors"] == {"cadre": ["赵乙不在“甲镇”及其下属单位"]}
        # 乙镇's clerk names his own cadre against 甲镇's year: the year is out of his scope.
        foreign = self.call(self.clerk_b, "post", path, {"cadre_id": b_cadre.pk, "reason": "事由"})
        assert foreign.status_code == 404
        assert CheckedReport.objects.count() == 1

    def test_it_records_findings_only_on_checked_reports(self) -> None:
        path = f"/reports/{self.wang_report.pk}/findings"
        unchecked = self.call(self.clerk, "post", path, FINDING)
        assert unchecked.status_code == 422
        assert unchecked.json()["errors"] == {
            "__all__": ["该报告不在抽查或重点抽查名单中，请先列入查核名单"]
        }
        self.check(self.wang_report)
        mismatch = self.call(self.clerk, "post", path, {**FINDING, "subkind": "co_housing"})
        assert mismatch.status_code == 422
        assert mismatch.json()["errors"] == {"subkind": ["所选情形不属于“漏报”"]}
        seq = self.newest_seq()
        created = self.call(self.clerk_a, "post", path, FINDING)
        assert created.status_code == 201, created.content
        assert created.json()["subkind_label"] == "少报房产面积，或未报告车库、车位、储藏间等"
        (event,) = self.events_after(seq)
        assert event.changes["section"] == "查核结果"
        assert CheckFinding.objects.filter(report=self.wang_report).count() == 1

    def test_it_lists_checks_with_findings_and_audits_only_a_read_of_findings(self) -> None:
        path = f"/report-years/{self.report_year.pk}/checks"
        self.check(self.li_report, reason="拟提拔为镇长人选")
        seq = self.newest_seq()
        (row,) = self.get_json(self.leader, path)
        assert (row["cadre_name"], row["kinds"], row["findings"]) == ("李明", ["targeted"], [])
        assert [c["reason"] for c in row["checks"]] == ["拟提拔为镇长人选"]
        assert self.events_after(seq) == []  # the check list alone is shown on the page too

        services.finding_add(acting_user=self.clerk, report=self.li_report, **FINDING)
        seq = self.newest_seq()
        (row,) = self.get_json(self.leader, path)
        assert [f["description"] for f in row["findings"]] == ["少报房产面积 12 平方米"]
        (read,) = self.events_after(seq)
        assert (read.action, read.sensitive, read.changes["reports"]) == (
            AuditAction.VIEW,
            True,
            [self.li_report.pk],
        )
        assert self.get_json(self.leader, path, kind=CheckKind.RANDOM) == []
        for user in (self.clerk_b, self.outsider_b):
            assert self.client_for(user).get(f"{API}{path}").status_code == 404

    def test_it_keeps_the_check_list_query_count_flat(self) -> None:
        path = f"{API}/report-years/{self.report_year.pk}/checks"
        self.check(self.wang_report)
        services.finding_add(acting_user=self.clerk, report=self.wang_report, **FINDING)

        def more_checks() -> None:
            self.check(self.li_report)
            services.finding_add(acting_user=self.clerk, report=self.li_report, **FINDING)
            services.finding_add(
                acting_user=self.clerk,
                report=self.li_report,
                **{**FINDING, "consequence": "诫勉"},
            )

        self.assert_flat(path, more_checks)
        assert len(self.get_json(self.clerk, path.removeprefix(API))) == 2


class LeaderWriteTests(ReportApiTestCase):
    def test_it_refuses_every_write_to_the_read_only_leader_like_a_missing_object(self) -> None:
        self.check(self.wang_report)
        item = services.report_item_add(
            acting_user=self.clerk, report=self.wang_report, category="salary", content="年薪"
        )
        key_unit = services.key_unit_mark(
            acting_user=self.clerk, unit=self.units["a"], reason="power"
        )
        seq = self.newest_seq()
        writes = [
            ("post", f"/reports/{self.li_report.pk}/submit", {"submitted_on": "2026-01-20"}),
            ("post", f"/reports/{self.li_report.pk}/items", {"category": "salary", "content": "x"}),
            ("delete", f"/reports/items/{item.pk}", None),
            (
                "post",
                f"/report-years/{self.report_year.pk}/checks",
                {"cadre_id": self.li.pk, "reason": "事由"},
            ),
            ("post", f"/reports/{self.wang_report.pk}/findings", FINDING),
            ("post", "/key-units", {"unit_id": self.units["b"].pk, "reason": "power"}),
            ("delete", f"/key-units/{key_unit.pk}", None),
        ]
        for method, path, data in writes:
            with self.subTest(path=path):
                response = self.call(self.leader, method, path, data)
                assert response.status_code == 404
                assert response.json() == {"detail": "对象不存在"}
        assert self.events_after(seq) == []
        assert self.report_of(self.li.pk).submitted_on is None
        assert ReportItem.objects.count() == 1
        assert KeyUnit.objects.count() == 1
        assert not CheckFinding.objects.exists()


class KeyUnitApiTests(ReportApiTestCase):
    def test_it_marks_lists_and_unmarks_key_units_in_scope(self) -> None:
        payload = {"unit_id": self.units["a"].pk, "reason": "both", "note": "资金密集"}
        seq = self.newest_seq()
        created = self.call(self.clerk_a, "post", "/key-units", payload)
        assert created.status_code == 201, created.content
        assert (created.json()["unit_name"], created.json()["reason_label"]) == (
            "甲镇",
            "权力集中、资源富集",
        )
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type) == (AuditAction.CREATE, "supervision.KeyUnit")
        again = self.call(self.clerk, "post", "/key-units", payload)
        assert again.status_code == 422
        assert again.json()["errors"] == {"unit": ["“甲镇”已是重点部门"]}
        foreign = self.call(self.clerk_b, "post", "/key-units", payload)
        missing = self.call(self.clerk_b, "post", "/key-units", {**payload, "unit_id": MISSING})
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json()

        assert [k["unit_name"] for k in self.get_json(self.leader, "/key-units")] == ["甲镇"]
        assert self.get_json(self.clerk_b, "/key-units") == []
        pk = created.json()["id"]
        assert self.call(self.clerk_b, "delete", f"/key-units/{pk}").status_code == 404
        seq = self.newest_seq()
        assert self.call(self.clerk_a, "delete", f"/key-units/{pk}").status_code == 204
        assert not KeyUnit.objects.exists()
        (event,) = self.events_after(seq)
        assert (event.action, event.changes["before"]["reason"]) == (
            AuditAction.DELETE,
            "权力集中、资源富集",
        )

    def test_it_keeps_the_key_unit_list_query_count_flat(self) -> None:
        services.key_unit_mark(acting_user=self.clerk, unit=self.units["a"], reason="power")

        def more() -> None:
            for key in ("b", "a_village", "b_village"):
                services.key_unit_mark(acting_user=self.clerk, unit=self.units[key], reason="power")

        self.assert_flat(f"{API}/key-units", more)
        assert len(self.get_json(self.clerk, "/key-units")) == 4


class IndicatorApiTests(SupervisionTestCase):
    def test_it_lists_the_catalogue_with_traits_to_supervision_readers_only(self) -> None:
        first = Indicator.objects.get(name="政治忠诚")
        trait = first.traits.filter(polarity="positive").first()
        assert trait is not None
        services.conduct_add(
            acting_user=self.clerk,
            cadre=self.person("王强"),
            polarity="positive",
            date=dt.date(2025, 6, 1),
            indicator=first,
            trait=trait,
            source="考察谈话",
            evidence="关键时刻站得出来",
        )
        body = self.client_for(self.leader).get(f"{API}/indicators").json()
        assert body[0]["entries"] == 1
        assert [t["entries"] for t in body[0]["traits"] if t["id"] == trait.pk] == [1]
        others = self.client_for(self.clerk_b).get(f"{API}/indicators").json()
        assert others[0]["entries"] == 0  # 乙镇's clerk counts 乙镇's entries only
        assert [i["name"] for i in body] == [
            "政治忠诚",
            "政治定力",
            "政治担当",
            "政治能力",
            "政治自律",
        ]
        assert [t["text"] for t in body[0]["traits"]] == list(
            first.traits.order_by("order", "id").values_list("text", flat=True)
        )
        assert {t["polarity_label"] for t in body[0]["traits"]} == {"正面清单", "负面清单"}
        Indicator.objects.filter(name="政治自律").update(is_active=False)
        active = self.client_for(self.clerk_b).get(f"{API}/indicators").json()
        assert "政治自律" not in [i["name"] for i in active]
        every = self.client_for(self.clerk_b).get(f"{API}/indicators?include_inactive=true")
        assert [i["is_active"] for i in every.json()][-1] is False
        keeper = self.client_for(self.sysadmin).get(f"{API}/indicators")  # keeps the catalogue
        assert len(keeper.json()) == 4
        refused = self.client_for(self.outsider_b).get(f"{API}/indicators")  # 联络员: no 监督
        assert refused.status_code == 404
        assert refused.json() == {"detail": "对象不存在"}

    def test_it_lists_the_catalogue_in_a_fixed_number_of_queries(self) -> None:
        client = self.client_for(self.clerk)
        path = f"{API}/indicators"
        client.get(path)
        with CaptureQueriesContext(connection) as few:
            client.get(path)
        first = Indicator.objects.create(name="新增指标", order=9)
        for i in range(4):
            first.traits.create(text=f"行为{i}")
        with CaptureQueriesContext(connection) as more:
            body = client.get(path).json()
        assert len(more) == len(few)
        (added,) = [i for i in body if i["name"] == "新增指标"]
        assert [t["polarity_label"] for t in added["traits"]] == ["均可"] * 4
