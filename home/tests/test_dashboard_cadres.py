"""The dashboard's 干部队伍 figures: the user's cadre scope only, hand-computed, with charts."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cadres import services
from cadres.models import Cadre
from core.permissions import Role
from home.tests.test_dashboard import chart_data
from orgs.models import Unit
from zugong.testing import PersonaTestCase, make_user


def born_aged(years: int) -> dt.date:
    """Born in this month ``years`` years ago: exactly ``years`` old, counted by month."""
    today = timezone.localdate()
    return dt.date(today.year - years, today.month, 1)


def card(body: str, label: str) -> tuple[str, str]:
    """The figure and the line under it on the card titled ``label``."""
    match = re.search(
        rf'<div class="text-muted small">{re.escape(label)}</div><div class="zg-figure">([^<]*)'
        r'</div><div class="small text-muted">([^<]*)</div>',
        body,
    )
    assert match, f"no card {label!r}"
    return match.group(1).strip(), match.group(2).strip()


class DashboardCadreTests(PersonaTestCase):
    head: Cadre
    deputy: Cadre

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        cls.head = cls.cadre("甲镇书记", "1", 30, u["a"])
        cls.deputy = cls.cadre("甲镇副镇长", "2", 39, u["a"])
        cls.cadre("甲镇科员", "2", 40, u["a_village"])
        cls.cadre("乙镇干部", "1", 52, u["b"])
        gone = cls.cadre("退休干部", "2", 35, u["a"])
        services.cadre_set_status(
            acting_user=cls.clerk, cadre=gone, status="retired", on=timezone.localdate()
        )
        for cadre, level in ((cls.head, "141"), (cls.deputy, "142")):
            cadre.refresh_from_db()
            services.position_start(
                acting_user=cls.clerk,
                cadre=cadre,
                unit=u["a"],
                title="党委书记" if level == "141" else "副镇长",
                rank_level=level,
                is_leading=True,
                start_date=dt.date(2020, 1, 1),
            )

    @classmethod
    def cadre(cls, name: str, sex: str, age: int, unit: Unit) -> Cadre:
        return services.cadre_create(
            acting_user=cls.clerk, unit=unit, name=name, sex=sex, birth_date=born_aged(age)
        )

    def page(self, user: User) -> str:
        response = self.client_for(user).get(reverse("home:dashboard"))
        assert response.status_code == 200
        return response.content.decode()

    def test_it_shows_the_clerk_the_active_cadres_of_the_whole_tree(self) -> None:
        body = self.page(self.clerk)
        assert card(body, "在职干部") == ("4", "其中担任领导职务 2 人")  # the retired one is out
        assert card(body, "平均年龄")[0] == "40.3"  # (30 + 39 + 40 + 52) / 4 = 40.25
        assert card(body, "女干部") == ("2", "占 50.0%")
        assert card(body, "40 岁以下") == ("2", "占 50.0%")  # 30 and 39; 40 is not under 40
        ranks = {row["name"]: row["value"] for row in chart_data(body, "chart-rank")}
        assert ranks == {"乡科级正职": 1, "乡科级副职": 1}
        bands = {row["name"]: row["value"] for row in chart_data(body, "chart-age")}
        assert bands == {
            "35岁及以下": 1,
            "36–40岁": 2,
            "41–45岁": 0,
            "46–50岁": 0,
            "51–55岁": 1,
            "56岁及以上": 0,
        }
        root = self.units["root"].pk
        assert f'href="{reverse("analysis:structure", args=[root])}"' in body

    def test_it_shows_a_liaison_only_their_township(self) -> None:
        body = self.page(self.liaison_a)
        assert card(body, "在职干部") == ("3", "其中担任领导职务 2 人")
        assert card(body, "平均年龄")[0] == "36.3"  # (30 + 39 + 40) / 3
        assert f'href="{reverse("analysis:team", args=[self.units["a"].pk])}"' in body
        assert f'href="{reverse("analysis:team", args=[self.units["b"].pk])}"' not in body

    def test_it_follows_a_change_of_the_data(self) -> None:
        self.page(self.clerk)  # the figures are remembered until the data changes
        self.cadre("新干部", "2", 25, self.units["b"])
        assert card(self.page(self.clerk), "在职干部")[0] == "5"

    def test_it_leaves_the_section_out_without_the_cadre_right(self) -> None:
        body = self.page(self.org_clerk)
        assert "单位总数" in body
        assert 'id="cadre-figures"' not in body
        assert "chart-rank" not in body

    def test_it_explains_an_empty_scope(self) -> None:
        village = make_user("liaison_bv", Role.LIAISON, self.units["b_village"])
        body = self.page(village)
        assert card(body, "在职干部")[0] == "0"
        assert "暂无干部，可从 Excel 或任免审批表(LRMX)导入。" in body
        assert "chart-rank" not in body


class DashboardAlertTests(PersonaTestCase):
    def test_it_shows_the_scopes_alerts_by_level_with_links_to_the_centre(self) -> None:
        import datetime as dt

        from alerts.engine import compute
        from alerts.registry import Scope
        from cadres import services
        from core.idnumber import build_id_number

        cadre = services.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="预警甲",
            id_number=build_id_number("130101", dt.date(1970, 5, 5), 11),
        )
        services.position_start(
            acting_user=self.clerk,
            cadre=cadre,
            unit=self.units["a"],
            title="党委书记",
            rank_level="141",
            is_leading=True,
            is_head=True,
            start_date=dt.date(2010, 1, 1),
        )
        compute(
            Scope(path=self.units["root"].path, today=dt.date(2026, 11, 27)), codes=["same_post"]
        )
        page = self.client_for(self.clerk).get("/").content.decode()
        assert "预警 1 条" in page
        assert "?severity=danger" in page
        assert "预警 " not in self.client_for(self.org_clerk).get("/").content.decode()
