"""班子结构 and 结构分析 (analysis/team.py): hand-computed figures on a chosen day, the pages,
scoping (404 outside), the audited export, a fixed number of queries, the API."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alerts.choices import Severity, Subject
from alerts.engine import compute, sync
from alerts.models import Alert, AlertRule
from alerts.registry import Finding, Scope
from analysis import team
from audit.choices import AuditAction
from audit.models import AuditEvent
from audit.selectors import export_subjects
from cadres import services
from cadres.choices import EducationKind
from cadres.models import Cadre, Position
from orgs.models import Unit
from orgs.services import quota_set
from zugong.testing import PersonaTestCase

DAY = dt.date(2026, 6, 15)  # the day the figures are computed for
TODAY = timezone.localdate()
TEAM_A = ["张书记", "李镇长", "王副书记", "赵委员", "钱副镇长"]  # in post order
MEMBER_LINK = re.compile(r'<td class="text-nowrap"><a href="/cadres/\d+/">([^<]+)</a>')


def years_ago(years: int, days: int = 0) -> dt.date:
    """A start date ``years`` whole years (plus ``days``) before the real today."""
    return TODAY - dt.timedelta(days=366 * years + days)


class TeamTestCase(PersonaTestCase):
    """The persona tree with teams in 甲镇 (A), 乙镇 (B), 乙村, the 组织部 and the 县委 itself.

    Ages on DAY (2026.06, counted by month): 张 36, 李 35, 王 39, 赵 55, 钱 56 in 甲镇; 陈 46
    and 刘 61 (also 县委书记) in 乙镇; 吴 31 in 乙村; 黄 40 (not under 40) in the 组织部."""

    zhang: Cadre
    li: Cadre
    wang: Cadre
    zhao: Cadre
    qian: Cadre
    chen: Cadre
    liu: Cadre
    wu: Cadre
    huang: Cadre

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        cls.zhang = cls.member(
            "张书记", "1", dt.date(1990, 6, 10), edu="11", expertise="农村经济、基层党建"
        )
        cls.li = cls.member(
            "李镇长",
            "2",
            dt.date(1990, 7, 5),
            ethnicity="03",
            political_status="13",
            edu="21",
            expertise="农村经济 招商引资",
        )
        cls.wang = cls.member(
            "王副书记",
            "1",
            dt.date(1986, 7, 20),
            political_status="02",
            edu="31",
            expertise="基层党建，农村经济",
        )
        cls.zhao = cls.member("赵委员", "2", dt.date(1970, 7, 1))
        cls.qian = cls.member(
            "钱副镇长", "1", dt.date(1970, 6, 30), edu="21", expertise="招商引资/农村经济/农村经济"
        )
        cls.post(cls.zhang, u["a"], "党委书记", "141", head=True, order=1, start=years_ago(6))
        cls.post(cls.li, u["a"], "镇长", "141", head=True, order=2, start=years_ago(1))
        cls.post(cls.wang, u["a"], "党委副书记", "142", order=3, start=years_ago(2))
        cls.post(cls.zhao, u["a"], "党委委员", "142", order=4, start=years_ago(3))
        cls.post(cls.qian, u["a"], "副镇长", "142", order=5, start=years_ago(2))
        cls.post(cls.qian, u["a"], "武装部部长", "142", order=6, start=years_ago(2))
        # Not on 甲镇's team: a non-leading post, and a leading post that has ended.
        sun = cls.member("孙主任", "1", dt.date(1980, 1, 1))
        cls.post(sun, u["a"], "党政办主任", "", leading=False, start=years_ago(2))
        zhou = cls.member("周原书记", "1", dt.date(1960, 1, 1))
        old = cls.post(zhou, u["a"], "党委书记", "141", head=True, start=years_ago(9))
        services.position_end(acting_user=cls.clerk, position=old, end_date=years_ago(6, 10))
        quota_set(acting_user=cls.clerk, unit=u["a"], rank_level="141", title="党委书记", quota=1)
        quota_set(acting_user=cls.clerk, unit=u["a"], rank_level="141", title="镇长", quota=1)
        quota_set(acting_user=cls.clerk, unit=u["a"], rank_level="142", quota=3)
        # The rest of the county.
        cls.chen = cls.member(
            "陈书记", "2", dt.date(1980, 1, 15), unit=u["b"], edu="11", expertise="基层党建"
        )
        cls.liu = cls.member("刘书记", "1", dt.date(1965, 3, 10), unit=u["root"], edu="21")
        cls.wu = cls.member("吴支书", "1", dt.date(1995, 2, 1), unit=u["b_village"])
        cls.huang = cls.member(
            "黄副部长",
            "2",
            dt.date(1986, 6, 1),
            unit=u["dept"],
            political_status="12",
            edu="21",
            expertise="组织人事、基层党建",
        )
        cls.post(cls.chen, u["b"], "党委书记", "141", head=True, start=years_ago(1))
        cls.post(cls.liu, u["root"], "县委书记", "131", head=True, start=years_ago(1))
        cls.post(cls.liu, u["b"], "党委第一书记", "141", start=years_ago(1))
        cls.post(cls.wu, u["b_village"], "党支部书记", "", start=years_ago(1))
        cls.post(cls.huang, u["dept"], "副部长", "142", start=years_ago(1))
        quota_set(acting_user=cls.clerk, unit=u["root"], rank_level="131", quota=1)
        quota_set(acting_user=cls.clerk, unit=u["b"], rank_level="141", quota=1)

    @classmethod
    def member(
        cls,
        name: str,
        sex: str,
        birth: dt.date,
        *,
        unit: Unit | None = None,
        edu: str = "",
        **fields: Any,
    ) -> Cadre:
        values = {"ethnicity": "01", "political_status": "01", **fields}
        cadre = services.cadre_create(
            acting_user=cls.clerk,
            unit=unit or cls.units["a"],
            name=name,
            sex=sex,
            birth_date=birth,
            **values,
        )
        if edu:
            services.education_add(
                acting_user=cls.clerk,
                cadre=cadre,
                kind=EducationKind.FULL_TIME,
                education_level=edu,
                school="某大学",
            )
        return cadre

    @classmethod
    def post(
        cls,
        cadre: Cadre,
        unit: Unit,
        title: str,
        level: str,
        *,
        start: dt.date,
        head: bool = False,
        leading: bool = True,
        order: int = 0,
    ) -> Position:
        cadre.refresh_from_db()
        return services.position_start(
            acting_user=cls.clerk,
            cadre=cadre,
            unit=unit,
            title=title,
            rank_level=level,
            is_leading=leading,
            is_head=head,
            order=order,
            start_date=start,
        )

    def slices(self, items: list[team.Slice]) -> dict[str, int]:
        return {s["name"]: s["value"] for s in items}


class TeamSelectorTests(TeamTestCase):
    def test_it_lists_the_team_in_post_order_with_one_row_per_cadre(self) -> None:
        found = team.team_of(user=self.clerk, unit=self.units["a"], today=DAY)
        members = found["members"]
        assert [m["name"] for m in members] == TEAM_A
        assert members[-1]["title"] == "副镇长、武装部部长"
        assert [m["age"] for m in members] == [36, 35, 39, 55, 56]
        assert [m["is_head"] for m in members] == [True, True, False, False, False]
        li = members[1]
        assert (li["sex"], li["ethnicity"], li["party"], li["education"]) == (
            "女",
            "回族",
            "群众",
            "大学",
        )
        assert li["rank_level_name"] == "乡科级正职"
        assert li["url"] == reverse("cadres:detail", args=[self.li.pk])

    def test_it_orders_posts_without_a_rank_by_the_order_in_the_unit(self) -> None:
        a = self.units["a"]
        second = self.member("甲二", "1", dt.date(1980, 1, 1), sort_order=2)
        first = self.member("甲一", "1", dt.date(1981, 1, 1), sort_order=1)
        guest = self.member("乙兼", "1", dt.date(1982, 1, 1), unit=self.units["b"], sort_order=1)
        for cadre in (guest, second, first):  # appointed in this order, on the same day
            self.post(cadre, a, "党委委员", "142", start=years_ago(1))
        names = [m["name"] for m in team.team_of(user=self.clerk, unit=a, today=DAY)["members"]]
        assert names == [*TEAM_A, "甲一", "甲二", "乙兼"]

    def test_it_computes_the_team_figures_by_hand(self) -> None:
        figures = team.team_of(user=self.clerk, unit=self.units["a"], today=DAY)["figures"]
        assert figures["count"] == 5
        assert figures["average_age"] == 44.2  # (36 + 35 + 39 + 55 + 56) / 5
        assert (figures["women"], figures["women_percent"]) == (2, 40.0)
        assert (figures["under_40"], figures["under_40_percent"]) == (3, 60.0)  # 36, 35, 39
        assert (figures["minority"], figures["non_cpc"]) == (1, 1)
        # Band edges: 35 | 36 (李, 张), 39 and 40 share a band, 55 | 56 (赵, 钱).
        assert self.slices(figures["age_bands"]) == {
            "35岁及以下": 1,
            "36–40岁": 2,
            "41–45岁": 0,
            "46–50岁": 0,
            "51–55岁": 1,
            "56岁及以上": 1,
        }
        assert self.slices(figures["sex"]) == {"男": 3, "女": 2}
        assert self.slices(figures["ethnicity"]) == {"汉族": 4, "少数民族": 1}
        assert self.slices(figures["party"]) == {"中共党员": 4, "非中共党员": 1}  # 预备党员 is CPC
        assert self.slices(figures["education"]) == {
            "研究生": 1,
            "大学": 2,
            "大专及以下": 1,
            "未填": 1,
        }
        # A word counts once per cadre (钱 repeats 农村经济); ties in character order.
        assert figures["expertise"] == [
            {"name": "农村经济", "value": 4},
            {"name": "基层党建", "value": 2},
            {"name": "招商引资", "value": 2},
        ]

    def test_it_compares_quota_and_holders_per_level_and_title(self) -> None:
        rows = team.team_of(user=self.clerk, unit=self.units["a"], today=DAY)["quotas"]
        shown = [
            (r["rank_level_name"], r["title"], r["quota"], r["actual"], r["state"]) for r in rows
        ]
        assert shown == [
            ("乡科级正职", "", 2, 2, "相符"),
            ("乡科级正职", "党委书记", 1, 1, "相符"),
            ("乡科级正职", "镇长", 1, 1, "相符"),
            # 钱 holds two 乡科级副职 posts: one holder, so 3 of 3.
            ("乡科级副职", "", 3, 3, "相符"),
        ]
        b_rows = team.team_of(user=self.clerk, unit=self.units["b"], today=DAY)["quotas"]
        assert [(r["quota"], r["actual"], r["state"]) for r in b_rows] == [(1, 2, "超配 1")]

    def test_it_ages_a_birthday_month_as_the_forms_do(self) -> None:
        # 李 (born 1990.07) is 35 in June and 36 from July: the band moves on the month.
        july = team.team_of(user=self.clerk, unit=self.units["a"], today=dt.date(2026, 7, 1))
        assert july["members"][1]["age"] == 36
        assert self.slices(july["figures"]["age_bands"])["35岁及以下"] == 0

    def test_it_shows_a_liaison_only_the_members_in_scope(self) -> None:
        # 刘 sits on 乙镇's team, but his record belongs to the 县委: outside 乙镇's liaison.
        found = team.team_of(user=self.outsider_b, unit=self.units["b"], today=DAY)
        assert [m["name"] for m in found["members"]] == ["陈书记"]
        assert found["figures"]["count"] == 1

    def test_it_aggregates_a_subtree_counting_each_cadre_once(self) -> None:
        found = team.structure_of_subtree(user=self.clerk, unit=self.units["root"], today=DAY)
        figures = found["figures"]
        # 张 李 王 赵 钱 陈 刘 吴 黄 — 刘 holds two leading posts and counts once.
        assert figures["count"] == 9
        assert figures["average_age"] == 44.3  # (221 + 46 + 61 + 31 + 40) / 9 = 44.33
        assert (figures["women"], figures["women_percent"]) == (4, 44.4)
        assert (figures["under_40"], figures["under_40_percent"]) == (4, 44.4)  # 40 is not
        assert self.slices(figures["age_bands"]) == {
            "35岁及以下": 2,
            "36–40岁": 3,
            "41–45岁": 0,
            "46–50岁": 1,
            "51–55岁": 1,
            "56岁及以上": 2,
        }
        assert self.slices(figures["education"]) == {
            "研究生": 2,
            "大学": 4,
            "大专及以下": 1,
            "未填": 2,
        }
        assert self.slices(figures["party"]) == {"中共党员": 7, "非中共党员": 2}
        assert figures["expertise"][:2] == [
            {"name": "农村经济", "value": 4},
            {"name": "基层党建", "value": 4},
        ]

    def test_it_gives_one_row_for_the_own_team_and_one_per_child_subtree(self) -> None:
        found = team.structure_of_subtree(user=self.clerk, unit=self.units["root"], today=DAY)
        rows = {
            r["name"]: (
                r["count"],
                r["women"],
                r["under_40"],
                r["average_age"],
                r["quota"],
                r["actual"],
            )
            for r in found["children"]
        }
        assert rows == {
            "测试县委": (1, 0, 0, 61.0, 1, 1),
            "测试县委组织部": (1, 1, 0, 40.0, 0, 1),
            "甲镇": (5, 2, 3, 44.2, 5, 5),
            # 陈, 刘 (also counted in the 县委's own row) and 乙村's 吴.
            "乙镇": (3, 1, 1, 46.0, 1, 3),
        }
        assert [r["is_self"] for r in found["children"]] == [True, False, False, False]
        levels = [(r["rank_level_name"], r["quota"], r["actual"]) for r in found["quotas"]]
        assert levels == [
            ("县处级正职", 1, 1),
            ("乡科级正职", 3, 4),
            ("乡科级副职", 3, 4),
            ("未定层次", None, 1),
        ]

    def test_it_leaves_out_teams_of_deactivated_units(self) -> None:
        from orgs.services import unit_deactivate

        unit_deactivate(acting_user=self.clerk, unit=self.units["b_village"])
        found = team.structure_of_subtree(user=self.clerk, unit=self.units["b"], today=DAY)
        assert found["figures"]["count"] == 2
        assert [r["name"] for r in found["children"]] == ["乙镇"]


class TeamPageTests(TeamTestCase):
    def url(self, key: str = "a", page: str = "analysis:team") -> str:
        return reverse(page, args=[self.units[key].pk])

    def test_it_shows_the_team_to_the_clerk_and_the_leader(self) -> None:
        for user in (self.clerk, self.leader, self.liaison_a):
            response = self.client_for(user).get(self.url())
            assert response.status_code == 200, user
            body = response.content.decode()
            names = MEMBER_LINK.findall(body)
            assert names == TEAM_A, user
            for chart in ("chart-age", "chart-sex", "chart-education", "chart-quota"):
                assert f'id="{chart}"' in body, chart

    def test_it_hides_a_team_outside_the_scope(self) -> None:
        client = self.client_for(self.outsider_b)
        assert client.get(self.url("a")).status_code == 404
        assert client.get(self.url("a", "analysis:structure")).status_code == 404
        assert client.get(self.url("root", "analysis:structure")).status_code == 404
        assert client.get(reverse("analysis:team", args=[999999])).status_code == 404
        assert self.client_for(self.org_clerk).get(self.url("a")).status_code == 404

    def test_it_sorts_the_members(self) -> None:
        body = self.client_for(self.clerk).get(self.url(), {"sort": "-age"}).content.decode()
        names = MEMBER_LINK.findall(body)
        assert names == ["钱副镇长", "赵委员", "王副书记", "张书记", "李镇长"]

    def test_it_switches_unit_with_the_picker(self) -> None:
        response = self.client_for(self.clerk).get(self.url(), {"unit": "TB00"})
        assert response["Location"] == self.url("b")
        response = self.client_for(self.clerk).get(self.url(), {"unit": "乙镇"})
        assert response["Location"] == self.url("b")
        response = self.client_for(self.liaison_a).get(self.url(), {"unit": "TB00"}, follow=True)
        assert response.status_code == 200
        assert "找不到“TB00”，或该单位不在您的授权范围内" in response.content.decode()

    def test_it_badges_members_with_alerts_and_lists_unit_alerts(self) -> None:
        compute(Scope(path=self.units["root"].path, today=TODAY), codes=["same_post"])
        zhang_alerts = Alert.objects.filter(subject=Subject.CADRE, subject_id=self.zhang.pk)
        assert zhang_alerts.filter(is_active=True).count() == 1  # 6 years in the same post
        rule = AlertRule.objects.create(
            code="team_test_rule",
            name="测试班子规则",
            regulation="测试",
            subject=Subject.UNIT,
            severity=Severity.WARNING,
        )
        a = self.units["a"]
        sync(
            rule,
            Scope(path=a.path, today=TODAY),
            [
                Finding(
                    subject=Subject.UNIT,
                    subject_id=a.pk,
                    unit_id=a.pk,
                    unit_path=a.path,
                    message="甲镇领导班子测试预警",
                )
            ],
        )
        body = self.client_for(self.clerk).get(self.url()).content.decode()
        zhang = reverse("cadres:detail", args=[self.zhang.pk])
        badge = rf'<a class="badge[^"]*text-bg-danger[^"]*" href="{zhang}"[^>]*>1</a>'
        assert re.search(badge, body)
        assert body.count("text-bg-danger text-decoration-none") == 1  # only 张 has alerts
        assert "测试班子规则" in body
        assert "甲镇领导班子测试预警" in body

    def test_its_query_count_does_not_grow_with_the_team(self) -> None:
        client = self.client_for(self.clerk)
        client.get(self.url())  # code tables into the per-process cache
        with CaptureQueriesContext(connection) as five:
            assert client.get(self.url()).status_code == 200
        for i in range(4):
            extra = self.member(f"新成员{i}", "1", dt.date(1980 + i, 1, 1), edu="21")
            self.post(extra, self.units["a"], "党委委员", "142", start=years_ago(1))
        with CaptureQueriesContext(connection) as nine:
            body = client.get(self.url()).content.decode()
        assert "新成员3" in body
        assert len(nine) == len(five), [q["sql"] for q in nine.captured_queries]

    def test_it_exports_the_members_and_audits_the_export(self) -> None:
        response = self.client_for(self.clerk).get(self.url(), {"export": "xlsx"})
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.getvalue()))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        assert rows[0][:3] == ("序号", "姓名", "职务")
        assert [r[1] for r in rows[1:]] == TEAM_A
        assert rows[5][2] == "副镇长、武装部部长"
        event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("seq")
        assert event.sensitive is True
        assert event.actor_username == "clerk"
        assert event.object_repr == "甲镇领导班子成员（5 人）"
        assert export_subjects(event) == sorted(
            [self.zhang.pk, self.li.pk, self.wang.pk, self.zhao.pk, self.qian.pk]
        )

    def test_it_refuses_the_export_without_the_export_right(self) -> None:
        before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
        client = self.client_for(self.leader)
        assert 'id="team-export"' not in client.get(self.url()).content.decode()
        assert client.get(self.url(), {"export": "xlsx"}).status_code == 404
        assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before

    def test_it_shows_the_structure_of_a_subtree(self) -> None:
        response = self.client_for(self.clerk).get(self.url("root", "analysis:structure"))
        assert response.status_code == 200
        body = response.content.decode()
        block = re.search(
            r'<script id="chart-children" type="application/json">(.*?)</script>', body
        )
        assert block
        data = json.loads(block.group(1))
        assert data["names"] == ["测试县委", "测试县委组织部", "甲镇", "乙镇"]
        # Women: none of 1, 1 of 1, 2 of 5 (甲镇), 1 of 3 (乙镇). Ages move with the real day.
        assert data["series"][0] == {"name": "女干部占比", "data": [0.0, 100.0, 40.0, 33.3]}
        assert data["series"][1]["name"] == "40岁以下占比"
        liaison = self.client_for(self.liaison_a)
        assert liaison.get(self.url("a", "analysis:structure")).status_code == 200
        assert liaison.get(self.url("root", "analysis:structure")).status_code == 404

    def test_it_explains_an_empty_team(self) -> None:
        body = self.client_for(self.clerk).get(self.url("a_village")).content.decode()
        assert "该单位暂无在任的领导班子成员" in body


class TeamApiTests(TeamTestCase):
    def test_it_returns_the_team_as_json(self) -> None:
        response = self.client_for(self.clerk).get(f"/api/v1/units/{self.units['a'].pk}/team")
        assert response.status_code == 200
        data = response.json()
        assert data["unit"]["name"] == "甲镇"
        assert [m["name"] for m in data["members"]] == TEAM_A
        assert data["members"][4]["title"] == "副镇长、武装部部长"
        assert data["figures"]["count"] == 5
        assert data["figures"]["women"] == 2
        assert [q["state"] for q in data["quotas"]] == ["相符", "相符", "相符", "相符"]

    def test_it_returns_the_structure_as_json(self) -> None:
        root = self.units["root"].pk
        response = self.client_for(self.leader).get(f"/api/v1/units/{root}/structure")
        assert response.status_code == 200
        data = response.json()
        assert data["figures"]["count"] == 9
        assert [c["count"] for c in data["children"]] == [1, 1, 5, 3]

    def test_it_answers_404_outside_the_scope(self) -> None:
        client = self.client_for(self.outsider_b)
        assert client.get(f"/api/v1/units/{self.units['a'].pk}/team").status_code == 404
        assert client.get(f"/api/v1/units/{self.units['root'].pk}/structure").status_code == 404
        assert client.get("/api/v1/units/999999/team").status_code == 404


class UnitPageLinkTests(PersonaTestCase):
    def test_it_links_the_unit_page_to_its_team_for_those_who_may_see_its_cadres(self) -> None:
        from django.urls import reverse

        unit = self.units["a"]
        page = self.client_for(self.clerk).get(reverse("orgs:detail", args=[unit.pk]))
        assert reverse("analysis:team", args=[unit.pk]) in page.content.decode()
        assert reverse("analysis:structure", args=[unit.pk]) in page.content.decode()
        # The 组织科 clerk sees units but not cadres: no link to a page they cannot open.
        page = self.client_for(self.org_clerk).get(reverse("orgs:detail", args=[unit.pk]))
        assert page.status_code == 200
        assert reverse("analysis:team", args=[unit.pk]) not in page.content.decode()
