"""One cadre's 个人有关事项报告 page (submission, items by the 14 categories, findings) and the
report year page's targeted checks and check list — for the clerk, the leader and outsiders."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.choices import AuditAction
from audit.models import AuditEvent
from cadres.models import Cadre
from supervision import services
from supervision.choices import CheckKind, FindingKind, ReportCategory
from supervision.models import CheckedReport, CheckFinding, PersonalReport, ReportItem, ReportYear
from supervision.tests.base import SupervisionTestCase

SUBMITTED = dt.date(2026, 1, 10)


class ReportPageBase(SupervisionTestCase):
    cadre: Cadre
    other: Cadre
    report_year: ReportYear
    report: PersonalReport

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cadre = cls.person("王强")  # 甲镇
        cls.other = cls.person("李明", unit="b")
        cls.report_year = services.report_year_create(
            acting_user=cls.clerk, unit=cls.units["root"], year=2025
        )
        cls.report = cls.report_year.reports.get(cadre=cls.cadre)

    def url(self, name: str, pk: int | None = None) -> str:
        return reverse(f"supervision:{name}", args=[self.report.pk if pk is None else pk])

    def fresh(self) -> PersonalReport:
        return PersonalReport.objects.get(pk=self.report.pk)


class ReportDetailTests(ReportPageBase):
    def test_it_finds_a_report_by_name_or_pinyin_initials(self) -> None:
        year = reverse("supervision:report_year_detail", args=[self.report_year.pk])
        client = self.client_for(self.clerk)
        for q in ("王强", "wq"):
            page = client.get(year, {"q": q}).content.decode()
            assert f'href="{self.url("report_detail")}">王强</a>' in page, q
            assert ">李明</a>" not in page, q
        assert ">李明</a>" in client.get(year, {"q": "lm", "state": "no"}).content.decode()

    def test_it_links_each_row_of_the_year_to_the_cadres_report(self) -> None:
        year = reverse("supervision:report_year_detail", args=[self.report_year.pk])
        page = self.client_for(self.leader).get(year).content.decode()
        assert f'href="{self.url("report_detail")}">王强</a>' in page
        # The leader reads the year; the targeted-check form is the clerk's.
        targeted = reverse("supervision:targeted_check_add", args=[self.report_year.pk])
        assert f'action="{targeted}"' not in page
        assert f'action="{targeted}"' in self.client_for(self.clerk).get(year).content.decode()

    def test_it_shows_the_status_and_all_fourteen_categories(self) -> None:
        services.report_item_add(
            acting_user=self.clerk, report=self.report, category="housing", content="住房一套 120㎡"
        )
        page = self.client_for(self.leader).get(self.url("report_detail")).content.decode()
        assert "王强 · 2025年度个人有关事项报告" in page
        assert "未报告</span>" in page
        assert "家事（8 项）" in page
        assert "家产（6 项）" in page
        for category in ReportCategory:
            assert category.label in page
        assert "住房一套 120㎡" in page
        assert page.count(">无</span>") == 13
        # The leader reads; no form and no delete button.
        assert "添加报告事项" not in page
        assert "登记已报告" not in page
        assert "删除</button>" not in page

    def test_it_takes_back_a_submission_recorded_by_mistake(self) -> None:
        services.report_submit(acting_user=self.clerk, report=self.report, submitted_on=SUBMITTED)
        client = self.client_for(self.clerk)
        assert "撤销登记" in client.get(self.url("report_detail")).content.decode()
        refused = client.post(self.url("report_unsubmit"), {"reason": " "})
        assert "请填写撤销登记的原因" in refused.content.decode()
        assert self.fresh().submitted_on == SUBMITTED
        seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        response = client.post(self.url("report_unsubmit"), {"reason": "误点登记"}, follow=True)
        self.assertContains(response, "已撤销王强的报告登记")
        assert self.fresh().submitted_on is None
        (event,) = AuditEvent.objects.filter(seq__gt=seq, action=AuditAction.UPDATE)
        assert event.changes["before"] == {"submitted_on": SUBMITTED.isoformat()}
        assert event.changes["reason"] == "误点登记"
        # The leader reads only; an outsider gets the missing page.
        assert self.client_for(self.leader).post(self.url("report_unsubmit")).status_code == 404

    def test_it_keeps_the_date_of_a_report_on_the_check_list(self) -> None:
        services.report_submit(acting_user=self.clerk, report=self.report, submitted_on=SUBMITTED)
        services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=self.cadre,
            reason="凡提必查",
        )
        page = self.client_for(self.clerk).get(self.url("report_detail")).content.decode()
        assert "撤销登记" not in page
        with pytest.raises(ValidationError) as exc:
            services.report_unsubmit(acting_user=self.clerk, report=self.fresh(), reason="误点")
        assert exc.value.messages == ["该报告已列入查核名单，不能撤销登记"]
        assert self.fresh().submitted_on == SUBMITTED

    def test_it_leaves_a_sensitive_trace_of_each_reading(self) -> None:
        item = services.report_item_add(
            acting_user=self.clerk, report=self.report, category="housing", content="住房一套"
        )
        before = AuditEvent.objects.count()
        self.client_for(self.leader).get(self.url("report_detail"))
        (event,) = AuditEvent.objects.order_by("-seq")[: AuditEvent.objects.count() - before]
        assert (event.action, event.sensitive, event.actor_id) == (
            AuditAction.VIEW,
            True,
            self.leader.pk,
        )
        assert event.object_repr == "王强 2025年度个人有关事项报告"
        assert event.changes["items"] == [item.pk]

    def test_it_records_the_submission_with_field_errors_in_chinese(self) -> None:
        client = self.client_for(self.clerk)
        page = client.get(self.url("report_detail")).content.decode()
        assert "登记已报告" in page
        early = client.post(self.url("report_submit"), {"submitted_on": "2025-12-01"})
        assert early.status_code == 200
        assert "2025年度的报告应在 2025 年结束后提交" in early.content.decode()
        empty = client.post(self.url("report_submit"), {"submitted_on": ""})
        assert "这个字段是必填项。" in empty.content.decode()
        assert self.fresh().submitted_on is None
        seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = client.post(self.url("report_submit"), {"submitted_on": "2026-02-03"})
        assert response.status_code == 302
        assert self.fresh().submitted_on == dt.date(2026, 2, 3)
        event = AuditEvent.objects.get(seq__gt=seq)
        assert event.changes["after"] == {"submitted_on": "2026-02-03", "late": True}
        page = client.get(self.url("report_detail")).content.decode()
        assert "已登记王强的报告于 2026.02.03 提交" in page
        assert "报告日期 2026.02.03" in page
        assert "逾期</span>" in page
        assert "登记已报告" not in page
        again = client.post(self.url("report_submit"), {"submitted_on": "2026-01-05"})
        assert "该报告已于 2026.02.03 提交" in again.content.decode()
        assert self.fresh().submitted_on == dt.date(2026, 2, 3)

    def test_it_adds_and_deletes_an_item_from_one_form(self) -> None:
        client = self.client_for(self.clerk)
        bad = client.post(self.url("report_item_add"), {"category": "", "content": " "})
        assert bad.status_code == 200
        assert bad.content.decode().count("这个字段是必填项。") == 2
        unknown = client.post(self.url("report_item_add"), {"category": "car", "content": "车"})
        assert "选择一个有效的选项" in unknown.content.decode()
        assert not ReportItem.objects.exists()
        response = client.post(
            self.url("report_item_add"), {"category": "securities", "content": "股票 1000 股"}
        )
        assert response["Location"] == self.url("report_detail") + "#items"
        item = ReportItem.objects.get()
        assert (item.report_id, item.category) == (self.report.pk, "securities")
        page = client.get(self.url("report_detail")).content.decode()
        assert "已添加报告事项：本人、配偶、共同生活的子女投资或者以其他方式持有股票" in page
        assert "股票 1000 股" in page
        assert 'data-confirm="确定删除该报告事项？' in page
        delete = self.url("report_item_delete", item.pk)
        for user in (self.leader, self.clerk_b, self.outsider_b):
            assert self.client_for(user).post(delete).status_code == 404
        assert ReportItem.objects.exists()
        assert client.get(delete).status_code == 405
        assert client.post(delete).status_code == 302
        assert not ReportItem.objects.exists()
        assert AuditEvent.objects.filter(
            action=AuditAction.DELETE, changes__section="报告事项"
        ).exists()

    def test_it_refuses_the_leader_and_outsiders_every_write(self) -> None:
        posts = [
            (self.url("report_submit"), {"submitted_on": "2026-01-10"}),
            (self.url("report_item_add"), {"category": "housing", "content": "住房"}),
            (
                self.url("finding_add"),
                {
                    "kind": "omission",
                    "subkind": "om_other",
                    "description": "探测",
                    "consequence": "探测",
                },
            ),
        ]
        for user in (self.leader, self.clerk_b, self.outsider_b, self.liaison_a):
            client = self.client_for(user)
            for url, data in posts:
                with self.subTest(user=user.username, url=url):
                    assert client.post(url, data).status_code == 404
        for user in (self.clerk_b, self.outsider_b, self.liaison_a):
            response = self.client_for(user).get(self.url("report_detail"))
            assert response.status_code == 404
            assert "王强" not in response.content.decode()
        assert self.fresh().submitted_on is None
        assert not ReportItem.objects.exists()
        assert not CheckFinding.objects.exists()


class TargetedCheckAndFindingTests(ReportPageBase):
    def year_url(self, name: str = "report_year_detail") -> str:
        return reverse(f"supervision:{name}", args=[self.report_year.pk])

    def test_it_adds_a_targeted_check_from_the_year_page(self) -> None:
        client = self.client_for(self.clerk)
        page = client.get(self.year_url()).content.decode()
        assert "列入重点抽查" in page
        assert f'<option value="{self.report.pk}">王强（甲镇）</option>' in page
        assert "尚无查核名单" in page
        url = self.year_url("targeted_check_add")
        empty = client.post(url, {"report": self.report.pk, "reason": ""})
        assert empty.status_code == 200
        assert "这个字段是必填项。" in empty.content.decode()
        response = client.post(url, {"report": self.report.pk, "reason": "拟提拔人选（凡提必查）"})
        assert response["Location"] == self.year_url() + "#checks"
        check = CheckedReport.objects.get()
        assert (check.report_id, check.kind, check.reason) == (
            self.report.pk,
            CheckKind.TARGETED,
            "拟提拔人选（凡提必查）",
        )
        page = client.get(self.year_url()).content.decode()
        assert "已将王强的报告列入重点抽查名单" in page
        assert "重点抽查</span> 拟提拔人选（凡提必查）" in page
        assert "未录入问题" in page
        again = client.post(url, {"report": self.report.pk, "reason": "再次"})
        assert "王强的2025年度报告已在重点抽查名单中" in again.content.decode()
        assert CheckedReport.objects.count() == 1

    def test_it_offers_a_clerk_only_the_reports_of_their_scope(self) -> None:
        page = self.client_for(self.clerk_a).get(self.year_url())
        # clerk_a cannot open the root's year: it is outside 甲镇.
        assert page.status_code == 404
        a_year = services.report_year_create(
            acting_user=self.clerk_a, unit=self.units["a"], year=2024, rank_levels=["132"]
        )
        url = reverse("supervision:targeted_check_add", args=[a_year.pk])
        assert self.client_for(self.clerk_b).post(url, {"reason": "x"}).status_code == 404
        assert self.client_for(self.leader).post(url, {"reason": "x"}).status_code == 404
        other = self.report_year.reports.get(cadre=self.other)
        refused = self.client_for(self.clerk_a).post(url, {"report": other.pk, "reason": "探测"})
        assert "选择一个有效的选项" in refused.content.decode()
        assert not CheckedReport.objects.exists()

    def test_it_records_a_finding_on_a_checked_report_only(self) -> None:
        client = self.client_for(self.clerk)
        data = {
            "kind": FindingKind.OMISSION,
            "subkind": "om_housing_area",
            "description": "少报车位一个",
            "consequence": "批评教育",
        }
        page = client.get(self.url("report_detail")).content.decode()
        form = f'action="{self.url("finding_add")}"'
        assert "该报告不在查核名单中" in page
        assert form not in page
        refused = client.post(self.url("finding_add"), data)
        assert refused.status_code == 200
        assert "该报告不在抽查或重点抽查名单中，请先列入查核名单" in refused.content.decode()
        services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=self.cadre,
            reason="凡提必查",
        )
        page = client.get(self.url("report_detail")).content.decode()
        assert form in page
        assert "事由：凡提必查" in page
        assert '<optgroup label="漏报">' in page
        mismatch = client.post(self.url("finding_add"), {**data, "subkind": "co_marriage"})
        assert "所选情形不属于“漏报”" in mismatch.content.decode()
        missing = client.post(self.url("finding_add"), {**data, "description": ""})
        assert "这个字段是必填项。" in missing.content.decode()
        assert not CheckFinding.objects.exists()
        response = client.post(self.url("finding_add"), data)
        assert response["Location"] == self.url("report_detail") + "#findings"
        finding = CheckFinding.objects.get()
        assert (finding.kind, finding.subkind, finding.recorded_by) == (
            "omission",
            "om_housing_area",
            self.clerk,
        )
        page = client.get(self.url("report_detail")).content.decode()
        assert "已录入查核结果：漏报" in page
        assert "少报房产面积，或未报告车库、车位、储藏间等" in page
        assert "少报车位一个" in page
        year = client.get(self.year_url()).content.decode()
        assert "漏报</span> 少报房产面积，或未报告车库、车位、储藏间等；批评教育" in year
        # The leader reads the findings but gets no form.
        leader = self.client_for(self.leader).get(self.url("report_detail")).content.decode()
        assert "少报车位一个" in leader
        assert form not in leader

    def test_it_lists_random_and_targeted_checks_of_one_report_in_one_row(self) -> None:
        services.report_submit(acting_user=self.clerk, report=self.report, submitted_on=SUBMITTED)
        services.spot_check_draw(
            acting_user=self.clerk, report_year=self.report_year, percentage=100, seed=3
        )
        services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=self.cadre,
            reason="凡提必查",
        )
        page = self.client_for(self.leader).get(self.year_url()).content.decode()
        assert page.count('data-testid="check-row"') == 1
        assert "随机抽查</span>" in page
        assert "重点抽查</span> 凡提必查" in page
        assert f'href="{self.url("report_detail")}">王强</a>（甲镇，报告编号' in page


class ReportExportTests(ReportPageBase):
    def export(self, user: Any, state: str = "") -> Any:
        url = reverse("supervision:report_year_export", args=[self.report_year.pk])
        return self.client_for(user).get(url, {"state": state} if state else {})

    def rows(self, response: Any) -> list[tuple[Any, ...]]:
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        return list(book.active.iter_rows(values_only=True))

    def test_it_exports_the_list_to_chase_with_checks_and_findings(self) -> None:
        services.report_submit(
            acting_user=self.clerk,
            report=self.report_year.reports.get(cadre=self.other),
            submitted_on=dt.date(2026, 2, 3),
        )
        services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=self.cadre,
            reason="凡提必查",
        )
        services.finding_add(
            acting_user=self.clerk,
            report=self.report,
            kind="omission",
            subkind="om_other",
            description="漏报车位",
            consequence="批评教育",
        )
        before = AuditEvent.objects.count()
        response = self.export(self.clerk, "no")
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        rows = list(
            load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)
        )
        assert rows[0] == (
            "姓名",
            "单位",
            "现任职务",
            "报告日期",
            "报告情况",
            "查核方式",
            "查核结果",
        )
        names = [r[0] for r in rows[1:]]
        assert "王强" in names
        assert "李明" not in names
        wang = next(r for r in rows[1:] if r[0] == "王强")
        assert wang[4] == "未报告"
        assert wang[5] == "重点抽查（凡提必查）"
        assert wang[6] == "漏报：其他漏报情形，批评教育"
        (event,) = AuditEvent.objects.order_by("-seq")[: AuditEvent.objects.count() - before]
        assert (event.action, event.sensitive) == (AuditAction.EXPORT, True)
        assert "未报告名单" in event.object_repr
        everyone = self.export(self.clerk)
        data = b"".join(everyone.streaming_content)
        rows = list(
            load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)
        )
        li = next(r for r in rows[1:] if r[0] == "李明")
        assert (li[3], li[4]) == ("2026.02.03", "逾期报告")

    def test_it_needs_the_cadre_export_right(self) -> None:
        assert self.export(self.leader).status_code == 404
        page = self.client_for(self.leader).get(
            reverse("supervision:report_year_detail", args=[self.report_year.pk])
        )
        assert "导出 Excel" not in page.content.decode()


class ReportQueryCountTests(ReportPageBase):
    def count(self, url: str) -> int:
        client = self.client_for(self.clerk)
        client.get(url)  # the first request also reads per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def test_it_reads_a_report_in_the_same_queries_for_more_items_and_findings(self) -> None:
        url = reverse("supervision:report_detail", args=[self.report.pk])
        services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=self.cadre,
            reason="凡提必查",
        )
        few = self.count(url)
        for category in ("housing", "salary", "passport", "housing"):
            services.report_item_add(
                acting_user=self.clerk, report=self.report, category=category, content="一项"
            )
        for _ in range(3):
            services.finding_add(
                acting_user=self.clerk,
                report=self.report,
                kind="omission",
                subkind="om_other",
                description="漏报",
                consequence="批评教育",
            )
        assert self.count(url) == few

    def test_it_reads_the_year_in_the_same_queries_for_a_longer_check_list(self) -> None:
        url = reverse("supervision:report_year_detail", args=[self.report_year.pk])
        services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=self.cadre,
            reason="凡提必查",
        )
        few = self.count(url)
        for i in range(5):
            cadre = self.person(f"多{i}")
            services.reports_generate(acting_user=self.clerk, report_year=self.report_year)
            services.targeted_check_add(
                acting_user=self.clerk, report_year=self.report_year, cadre=cadre, reason="凡提必查"
            )
            report = self.report_year.reports.get(cadre=cadre)
            services.finding_add(
                acting_user=self.clerk,
                report=report,
                kind="concealment",
                subkind="co_housing",
                description="未报告房产",
                consequence="诫勉",
            )
        assert self.count(url) == few
