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
