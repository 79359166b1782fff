"""退休时间 on the roster (page and export) and on the cadre page: the month the cadre reaches
the statutory retirement age (cadres/retirement.py), computed from the row the page loads.

Birth months are fixed, so the months are the same on any day the suite runs (docs/testing.md).
"""

from __future__ import annotations

import datetime as dt
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres import services
from cadres.tests.test_pages import make_cadre
from zugong.testing import PersonaTestCase

WOMAN = dt.date(1970, 6, 1)


def roster_row(body: str, name: str) -> str:
    """The roster table's row of the cadre named ``name``."""
    rows = [row for row in body.split("<tr>") if f">{name}</a>" in row]
    assert len(rows) == 1, name
    return rows[0]


def cells(row: str) -> list[str]:
    return re.findall(r'<td class="text-nowrap">([^<]*)</td>', row)


class RetirementShownTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        # A man born 1978-03 (ID 433101197803152136): 60 + the full 36 months → 2041.03.
        cls.zwd = make_cadre(cls.clerk, u["a"])
        # Women born 1970-06: 55 + 2 months (2025.08); with a 高级职称 or at 县处级, 60 on the
        # men's schedule, 60 + 17 months (2031.11) (组通字〔2015〕14号, the rule's default).
        cls.plain = make_cadre(
            cls.clerk, u["a"], name="赵敏", id_number=None, sex="2", birth_date=WOMAN
        )
        cls.titled = make_cadre(
            cls.clerk,
            u["a"],
            name="王芳",
            id_number=None,
            sex="2",
            birth_date=WOMAN,
            professional_title="高级经济师",
        )
        cls.senior = make_cadre(
            cls.clerk, u["a"], name="孙丽", id_number=None, sex="2", birth_date=WOMAN
        )
        services.position_start(
            acting_user=cls.clerk,
            cadre=cls.senior,
            unit=u["a"],
            title="副县长",
            rank_level="132",
            is_leading=True,
            start_date=dt.date(2020, 1, 1),
        )

    def test_it_shows_the_retirement_month_on_the_roster(self) -> None:
        body = self.client_for(self.clerk).get(reverse("cadres:roster")).content.decode()
        assert "<th>退休时间</th>" in body
        expected = {"张卫东": "2041.03", "赵敏": "2025.08", "王芳": "2031.11", "孙丽": "2031.11"}
        for name, month in expected.items():
            # The column right after 出生年月（年龄）.
            row = cells(roster_row(body, name))
            assert row[2] == month, (name, row)

    def test_the_column_costs_no_query(self) -> None:
        client = self.client_for(self.clerk)
        client.get(reverse("cadres:roster"))  # the session's first page has its own queries

        def add(n: int) -> None:
            for i in range(n):
                make_cadre(
                    self.clerk,
                    self.units["a_village"],
                    name=f"钱{n}{i}",
                    id_number=None,
                    sex="2",
                    birth_date=WOMAN,
                    professional_title="副高",
                )

        add(1)  # each measurement after a change: the remembered total is counted again
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("cadres:roster"))
        add(5)
        with CaptureQueriesContext(connection) as more:
            body = client.get(reverse("cadres:roster")).content.decode()
        assert cells(roster_row(body, "钱54"))[2] == "2031.11"
        assert len(more) == len(few)

    def test_it_exports_the_column_when_chosen(self) -> None:
        response = self.client_for(self.clerk).get(
            reverse("cadres:roster"), {"export": "xlsx", "columns": ["name", "retirement"]}
        )
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
        assert rows[0] == ("姓名", "退休时间")
        assert dict(rows[1:]) == {
            "张卫东": "2041.03",
            "赵敏": "2025.08",
            "王芳": "2031.11",
            "孙丽": "2031.11",
        }

    def test_the_cadre_page_shows_the_month_and_the_age(self) -> None:
        client = self.client_for(self.clerk)
        for cadre, text in (
            (self.zwd, "2041.03（63周岁）"),
            (self.plain, "2025.08（55岁2个月）"),
            (self.titled, "2031.11（61岁5个月）"),
        ):
            body = client.get(reverse("cadres:detail", args=[cadre.pk])).content.decode()
            found = re.search(r'<dd class="col-sm-4" id="retirement">(.*?)</dd>', body)
            assert found is not None, cadre.name
            assert '<dt class="col-sm-2">退休时间</dt>' in body
            assert text in found.group(1), (cadre.name, found.group(1))
        # The reason, as the 到龄退休 alert words it, on hover.
        body = client.get(reverse("cadres:detail", args=[self.titled.pk])).content.decode()
        assert "具有高级职称（高级经济师）" in body
