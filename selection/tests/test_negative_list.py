"""A candidate's 负面清单 (干部监督) is shown where the case is weighed: case page and 纪实."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from selection.selectors import case_record
from selection.tests.base import SelectionTestCase
from supervision import services as supervision
from supervision.models import Indicator


class NegativeListTests(SelectionTestCase):
    def test_it_shows_a_candidates_negative_entries_in_the_case(self) -> None:
        case = self.case()
        zs = self.person("张三")
        ls = self.person("李四")
        self.nominate(case, zs)
        self.nominate(case, ls)
        supervision.conduct_add(
            acting_user=self.clerk,
            cadre=zs,
            polarity="negative",
            date=dt.date(2025, 7, 20),
            indicator=Indicator.objects.get(name="政治担当"),
            source="巡察反馈",
            evidence="防汛期间擅离岗位",
        )
        supervision.conduct_add(
            acting_user=self.clerk,
            cadre=ls,
            polarity="positive",
            date=dt.date(2025, 8, 1),
            indicator=Indicator.objects.get(name="政治担当"),
            source="考察谈话",
            evidence="抗洪抢险冲在一线",
        )
        record = case_record(self.fresh(case))
        by_name = {c["name"]: c["negative_entries"] for c in record["candidates"]}
        assert by_name == {
            "张三": ["2025.07.20 政治担当：防汛期间擅离岗位（巡察反馈）"],
            "李四": [],
        }
        page = (
            self.client_for(self.clerk)
            .get(reverse("selection:case_detail", args=[case.pk]))
            .content.decode()
        )
        assert "负面清单 1 条" in page
        assert "防汛期间擅离岗位" in page
        assert "抗洪抢险冲在一线" not in page


class PersonalMattersCheckTests(SelectionTestCase):
    def test_it_files_every_inspection_candidate_for_a_targeted_check(self) -> None:
        from supervision.models import CheckedReport

        year = supervision.report_year_create(
            acting_user=self.clerk, unit=self.units["root"], year=2025, rank_levels=["141"]
        )
        case = self.case()
        zs = self.person("张三")
        self.nominate(case, zs)
        self.to_candidates(case)
        self.advance(case, "inspection", on=dt.date(2026, 1, 26))
        (checked,) = CheckedReport.objects.filter(report__cadre=zs)
        assert checked.kind == "targeted"
        assert checked.reason == "凡提必查：甲镇镇长选拔任用"
        assert checked.report.report_year == year
        # A second case for the same cadre does not file him twice.
        other = self.case(title="党委副书记", rank_level="141")
        self.nominate(other, zs)
        self.to_candidates(other)
        self.advance(other, "inspection", on=dt.date(2026, 1, 27))
        assert CheckedReport.objects.filter(report__cadre=zs).count() == 1

    def test_it_leaves_the_check_to_the_clerk_when_no_report_year_is_open(self) -> None:
        from supervision.models import CheckedReport

        case = self.case()
        zs = self.person("张三")
        self.nominate(case, zs)
        self.to_candidates(case)
        self.advance(case, "inspection", on=dt.date(2026, 1, 26))
        assert not CheckedReport.objects.exists()


class MeetingPacketLinkTests(SelectionTestCase):
    def test_it_links_the_candidates_approval_forms_as_one_meeting_packet(self) -> None:
        case = self.case()
        zs = self.person("张三")
        ls = self.person("李四")
        self.nominate(case, zs)
        self.nominate(case, ls)
        page = self.client_for(self.clerk).get(reverse("selection:case_detail", args=[case.pk]))
        text = page.content.decode()
        assert f"{reverse('cadres:batch')}?ids={zs.pk}&amp;ids={ls.pk}&amp;" in text
        packet = self.client_for(self.clerk).get(reverse("cadres:batch"), {"ids": [zs.pk, ls.pk]})
        assert packet.status_code == 200
        assert "张三" in packet.content.decode()
