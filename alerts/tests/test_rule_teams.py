"""班子与单位: 职数, 班子结构, 任职回避 — hand-computed teams and families on chosen days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from alerts.choices import Severity, Subject
from alerts.registry import RULES, Finding, Scope, effective_params
from alerts.tests.base import RuleTestCase
from cadres import services
from cadres.models import Cadre
from core.idnumber import build_id_number
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.services import quota_set, unit_create
from zugong.testing import travel_to

D = dt.date
TODAY = D(2026, 11, 27)
# Tests that change facts (a post ended, a relative retired) on a day before TODAY run on TODAY:
# the services refuse a change dated after the day they run on.
ON_TODAY = travel_to(TODAY)
# The messages cite the regulation only; "条款未核实" stays on the rule's page (issue 14,
# item 13: test_the_caveat_is_on_the_rule_not_on_each_alert).
QUOTA_SOURCE = "（《党政领导干部选拔任用工作条例》）"
TEAM_SOURCE = (
    "（《全国党政领导班子建设规划纲要》、《党政领导干部选拔任用工作条例》关于班子结构的要求）"
)
AVOID = "应当回避（《党政领导干部任职回避暂行规定》第三条）"
BY_NAME = "（按姓名和出生年月匹配，请核实）"


class TeamRuleTestCase(RuleTestCase):
    def unit(self, name: str, code: str, kind: str, parent: Unit | None = None) -> Unit:
        return unit_create(
            acting_user=self.clerk,
            parent=parent or self.units["root"],
            name=name,
            code=code,
            kind=kind,
            level=UnitLevel.TOWNSHIP,
        )

    def member(self, name: str, unit: Unit, title: str, **fields: Any) -> Cadre:
        """A cadre holding one leading post in ``unit`` since 2020."""
        level = fields.pop("rank_level", "142")
        cadre = self.person(name, unit=unit, **fields)
        self.post(cadre, D(2020, 1, 1), unit=unit, title=title, rank_level=level, is_head=False)
        return cadre

    def relative(self, cadre: Cadre, relation: str, other: Cadre, **fields: Any) -> None:
        """``other`` entered in ``cadre``'s 家庭成员 as ``relation``."""
        cadre.refresh_from_db()
        services.family_add(
            acting_user=self.clerk,
            cadre=cadre,
            relation=relation,
            name=fields.pop("name", other.name),
            birth_date=fields.pop("birth_date", other.birth_date),
            **fields,
        )

    def by_subject(self, findings: list[Finding]) -> dict[tuple[int, str], Finding]:
        return {(f.subject_id, f.key): f for f in findings}


class PostQuotaTests(TeamRuleTestCase):
    def setUp(self) -> None:
        a, b = self.units["a"], self.units["b"]
        zs = self.person("张三", unit=a)
        self.post(zs, D(2018, 1, 1), title="党委委员", rank_level="142", is_head=False)
        self.post(zs, D(2019, 3, 1), title="副镇长", rank_level="142", is_head=False)
        ls = self.person("李四", unit=a)
        self.post(ls, D(2020, 5, 1), title="副镇长", rank_level="142", is_head=False)
        ww = self.person("王五", unit=a)
        self.post(ww, D(2021, 1, 1), title="人大主席", rank_level="142", is_head=False)
        zl = self.person("赵六", unit=a)
        self.post(zl, D(2022, 1, 1), title="纪委书记", rank_level="142", is_head=False)
        # Neither an ended post nor a non-leading one is a member of the team.
        sq = self.person("孙七", unit=a)
        self.post(sq, D(2015, 1, 1), end=D(2020, 1, 1), title="副镇长", rank_level="142")
        zb = self.person("周八", unit=a)
        self.post(zb, D(2019, 1, 1), title="党政办主任", rank_level="142", is_leading=False)
        zheng = self.person("郑十", unit=a)
        self.post(zheng, D(2021, 6, 1), title="党委书记", rank_level="141")
        wu = self.person("吴九", unit=b)
        self.post(wu, D(2021, 6, 1), unit=b, title="党委书记", rank_level="141")
        for unit, level, title, quota in [
            (a, "142", "", 3),
            (a, "142", "副镇长", 1),
            (a, "141", "", 1),
            (b, "141", "", 3),
        ]:
            quota_set(acting_user=self.clerk, unit=unit, rank_level=level, quota=quota, title=title)

    def test_it_names_the_people_over_the_quota_counting_each_cadre_once(self) -> None:
        found = self.by_subject(self.findings("post_quota", TODAY))
        a, b = self.units["a"].pk, self.units["b"].pk
        assert set(found) == {(a, "over:142"), (a, "over:142:副镇长"), (b, "vacant:141")}
        over = found[(a, "over:142")]
        assert over.severity == Severity.DANGER
        assert over.subject == Subject.UNIT
        assert over.unit_path == self.units["a"].path
        # 张三 holds two 乡科级副职 posts and is one of the four.
        assert over.message == (
            "超职数配备：甲镇乡科级副职核定 3 名，实配 4 名（张三、李四、王五、赵六），"
            f"超配 1 名，应按核定职数配备{QUOTA_SOURCE}"
        )

    def test_it_counts_only_the_title_of_a_titled_quota(self) -> None:
        found = self.by_subject(self.findings("post_quota", TODAY))
        titled = found[(self.units["a"].pk, "over:142:副镇长")]
        assert titled.message == (
            "超职数配备：甲镇乡科级副职（副镇长）核定 1 名，实配 2 名（张三、李四），"
            f"超配 1 名，应按核定职数配备{QUOTA_SOURCE}"
        )
        assert titled.facts["holders"] == ["张三", "李四"]

    def test_it_reports_a_vacancy_unless_switched_off(self) -> None:
        found = self.by_subject(self.findings("post_quota", TODAY))
        vacant = found[(self.units["b"].pk, "vacant:141")]
        assert vacant.severity == Severity.INFO
        assert (
            vacant.message == f"空缺：乙镇乡科级正职核定 3 名，实配 1 名，空缺 2 名{QUOTA_SOURCE}"
        )
        keys = {f.key for f in self.findings("post_quota", TODAY, report_vacancies=False)}
        assert keys == {"over:142", "over:142:副镇长"}

    @ON_TODAY
    def test_it_stores_the_alerts_on_the_units_and_resolves_them_when_posts_end(self) -> None:
        stored = self.stored("post_quota", TODAY)
        assert sorted(a.key for a in stored) == ["over:142", "over:142:副镇长", "vacant:141"]
        assert {a.unit_id for a in stored if a.key.startswith("over")} == {self.units["a"].pk}
        # 李四 leaves: 甲镇 now has 3 乡科级副职 and 1 副镇长, both within the quota.
        position = Cadre.objects.get(name="李四").positions.get()
        services.position_end(acting_user=self.clerk, position=position, end_date=D(2026, 11, 1))
        assert [a.key for a in self.stored("post_quota", TODAY)] == ["vacant:141"]

    def test_it_limits_the_units_to_the_scope(self) -> None:
        spec = RULES["post_quota"]
        scope = Scope(path=self.units["b"].path, today=TODAY)
        found = list(spec.compute(scope, effective_params(spec, {})))
        assert [(f.subject_id, f.key) for f in found] == [(self.units["b"].pk, "vacant:141")]
        # A unit with a titled quota only.
        village = self.units["b_village"]
        quota_set(acting_user=self.clerk, unit=village, rank_level="142", quota=1, title="主任")
        scope = Scope(path=village.path, today=TODAY)
        (vacant,) = spec.compute(scope, effective_params(spec, {}))
        assert vacant.message == (
            f"空缺：乙村乡科级副职（主任）核定 1 名，实配 0 名，空缺 1 名{QUOTA_SOURCE}"
        )


class CombinedTitleQuotaTests(TeamRuleTestCase):
    """A quota named for two posts ("党（工）委书记、乡镇长（主任）", as 编制 documents write the
    乡镇 正职) is filled by the holders of each (issue 14, item 1: every town showed 空缺 2)."""

    COMBINED = "党（工）委书记、乡镇长（主任）"

    def setUp(self) -> None:
        a, b = self.units["a"], self.units["b"]
        self.street = self.unit("丙街道", "TC00", UnitKind.SUBDISTRICT)
        self.post(self.person("郑十", unit=a), D(2021, 6, 1), title="党委书记", rank_level="141")
        self.post(self.person("钱二", unit=a), D(2022, 1, 1), title="镇长", rank_level="141")
        # 乙镇 has its 书记 only; its 常务副镇长 (乡科级副职) fills no 正职 quota.
        self.post(
            self.person("吴九", unit=b), D(2021, 6, 1), unit=b, title="党委书记", rank_level="141"
        )
        self.post(
            self.person("冯三", unit=b), D(2021, 6, 1), unit=b, title="常务副镇长", rank_level="142"
        )
        c = self.street
        self.post(
            self.person("陈四", unit=c), D(2020, 3, 1), unit=c, title="党工委书记", rank_level="141"
        )
        self.post(
            self.person("褚五", unit=c), D(2020, 3, 1), unit=c, title="办事处主任", rank_level="141"
        )
        for unit in (a, b, c):
            quota_set(
                acting_user=self.clerk, unit=unit, rank_level="141", quota=2, title=self.COMBINED
            )

    def test_the_secretary_and_the_head_fill_the_combined_quota(self) -> None:
        found = self.by_subject(self.findings("post_quota", TODAY))
        b = self.units["b"].pk
        assert set(found) == {(b, f"vacant:141:{self.COMBINED}")}
        assert found[(b, f"vacant:141:{self.COMBINED}")].facts["actual"] == 1

    def test_the_team_page_agrees_with_its_total_row(self) -> None:
        from analysis.team import team_of

        for key, actual in (("a", 2), ("b", 1)):
            team = team_of(user=self.clerk, unit=self.units[key], with_alerts=False)
            rows = {(r["rank_level"], r["title"]): r for r in team["quotas"]}
            assert rows[("141", "")]["actual"] == actual, key
            assert rows[("141", self.COMBINED)]["actual"] == actual, key
        team = team_of(user=self.clerk, unit=self.street, with_alerts=False)
        quota_rows = [r for r in team["quotas"] if r["rank_level"] == "141"]
        assert [(r["title"], r["actual"], r["state"]) for r in quota_rows] == [
            ("", 2, "相符"),
            (self.COMBINED, 2, "相符"),
        ]

    def test_an_over_filled_combined_quota_names_its_holders(self) -> None:
        a = self.units["a"]
        self.post(self.person("孙六", unit=a), D(2023, 1, 1), title="镇长", rank_level="141")
        found = self.by_subject(self.findings("post_quota", TODAY))
        over = found[(a.pk, f"over:141:{self.COMBINED}")]
        assert over.facts["holders"] == ["郑十", "钱二", "孙六"]


class CaveatTests(TeamRuleTestCase):
    def test_the_caveat_is_on_the_rule_not_on_each_alert(self) -> None:
        a = self.units["a"]
        self.post(self.person("郑十", unit=a), D(2021, 6, 1), title="党委书记", rank_level="141")
        quota_set(acting_user=self.clerk, unit=a, rank_level="141", quota=3, title="")
        (finding,) = self.findings("post_quota", TODAY)
        assert "条款未核实" not in finding.message
        assert finding.message.endswith(QUOTA_SOURCE)
        assert RULES["post_quota"].article == "条款未核实"
        page = self.client_for(self.clerk).get(reverse("alerts:rules")).content.decode()
        assert "条款未核实" in page


class TeamCompositionTests(TeamRuleTestCase):
    def setUp(self) -> None:
        self.gov = self.unit("测试县人民政府", "T100", UnitKind.GOVERNMENT)
        self.member("钱一", self.gov, "县长", rank_level="131", birth=D(1970, 3, 1))
        self.member("钱二", self.gov, "副县长", rank_level="132", birth=D(1975, 3, 1))
        # Turns 40 on 2026-11-27: under 40 the day before, not on the birthday itself.
        self.member("钱三", self.gov, "副县长", rank_level="132", birth=D(1986, 11, 27))
        root = self.units["root"]
        self.member("孙一", root, "书记", rank_level="131", birth=D(1968, 5, 1))
        self.member("孙二", root, "副书记", rank_level="132", birth=D(1988, 5, 1), sex="2")
        self.member("孙三", root, "常委", rank_level="132", birth=D(1972, 5, 1))

    def test_it_warns_of_a_team_without_a_woman(self) -> None:
        found = self.by_subject(self.findings("team_composition", TODAY))
        no_woman = found[(self.gov.pk, "no_woman")]
        assert no_woman.severity == Severity.WARNING
        assert no_woman.message == (
            f"班子结构：测试县人民政府领导班子 3 人，无女干部，应注意配备女干部{TEAM_SOURCE}"
        )
        stored = self.stored("team_composition", TODAY)
        assert sorted(a.key for a in stored) == ["no_non_cpc", "no_woman", "no_young"]
        assert {a.unit_id for a in stored} == {self.gov.pk}

    def test_it_counts_age_40_from_the_birthday_itself(self) -> None:
        before = self.by_subject(self.findings("team_composition", D(2026, 11, 26)))
        assert (self.gov.pk, "no_young") not in before
        on = self.by_subject(self.findings("team_composition", TODAY))
        no_young = on[(self.gov.pk, "no_young")]
        assert no_young.severity == Severity.WARNING
        assert no_young.message == (
            "班子结构：测试县人民政府领导班子 3 人，无 40 岁以下干部（最年轻的成员 1986.11 "
            f"出生，现年 40 岁），应注意配备年轻干部{TEAM_SOURCE}"
        )
        assert not any(
            f.key == "no_young" for f in self.findings("team_composition", TODAY, young_age=41)
        )

    def test_it_expects_a_non_cpc_member_in_government_but_not_in_a_party_committee(
        self,
    ) -> None:
        found = self.by_subject(self.findings("team_composition", TODAY))
        no_non_cpc = found[(self.gov.pk, "no_non_cpc")]
        assert no_non_cpc.severity == Severity.INFO
        assert no_non_cpc.message == (
            "班子结构：测试县人民政府领导班子 3 人，无党外干部（非中共党员），"
            f"政府领导班子一般应配备党外干部{TEAM_SOURCE}"
        )
        # The county committee has a woman and a young member, and needs no non-CPC one.
        assert not [k for (unit, k) in found if unit == self.units["root"].pk]

    def test_it_is_satisfied_by_a_non_cpc_member_and_a_young_woman(self) -> None:
        self.member("李梅", self.gov, "副县长", birth=D(1990, 1, 1), sex="2", political_status="06")
        assert not [
            f for f in self.findings("team_composition", TODAY) if f.subject_id == self.gov.pk
        ]

    def test_it_skips_small_teams_and_other_kinds_of_unit(self) -> None:
        # 乙镇 has two members (below 3); 组织部 is not a kind the rule looks at.
        b, dept = self.units["b"], self.units["dept"]
        self.member("周一", b, "党委书记", rank_level="141")
        self.member("周二", b, "镇长", rank_level="141")
        for name in ("吴一", "吴二", "吴三"):
            self.member(name, dept, "副部长")
        units = {f.subject_id for f in self.findings("team_composition", TODAY)}
        assert units == {self.gov.pk}
        units = {f.subject_id for f in self.findings("team_composition", TODAY, min_team_size=2)}
        assert units == {self.gov.pk, b.pk}


class AvoidanceTests(TeamRuleTestCase):
    def test_it_finds_spouses_in_one_unit_by_id_number_on_both_pages(self) -> None:
        a = self.units["a"]
        zs = self.person("张三", unit=a)
        self.post(zs, D(2020, 1, 1), title="党委书记")
        lf = self.person("李芳", unit=a, sex="2", birth=D(1980, 5, 17))
        self.post(lf, D(2021, 1, 1), title="财政所所长", is_leading=False, is_head=False)
        # The record's name differs from the cadre's: the ID number decides.
        self.relative(zs, "妻子", lf, name="李小芳", id_number=str(lf.id_number))
        found = self.by_subject(self.findings("avoidance", TODAY))
        assert set(found) == {(zs.pk, str(lf.pk)), (lf.pk, str(zs.pk))}
        mine = found[(zs.pk, str(lf.pk))]
        assert mine.severity is None  # the rule's own: 须处理
        assert RULES["avoidance"].severity == Severity.DANGER
        assert mine.message == (
            "张三（甲镇党委书记）与其妻子李芳（甲镇财政所所长）在同一单位任职，"
            f"且一方为领导职务，{AVOID}"
        )
        assert mine.facts["kinship"] == "夫妻关系"
        assert found[(lf.pk, str(zs.pk))].message == (
            "李芳（甲镇财政所所长）系张三（甲镇党委书记）的妻子，二人在同一单位任职，"
            f"且一方为领导职务，{AVOID}"
        )
        # On 李芳's own page (her record does not name him) the alert is found all the same.
        spec = RULES["avoidance"]
        page = Scope(path=self.units["root"].path, today=TODAY, cadre_ids=frozenset({lf.pk}))
        only = list(spec.compute(page, effective_params(spec, {})))
        assert [(f.subject_id, f.key) for f in only] == [(lf.pk, str(zs.pk))]

    def test_it_finds_a_son_in_the_organisation_department_by_name_and_birth_month(self) -> None:
        root, dept = self.units["root"], self.units["dept"]
        wq = self.person("王强", unit=root)
        self.post(wq, D(2019, 1, 1), unit=root, title="书记", rank_level="131")
        son = self.person("王小明", unit=dept, birth=D(1990, 7, 20))
        self.post(son, D(2022, 1, 1), unit=dept, title="科员", is_leading=False, is_head=False)
        self.relative(wq, "儿子", son, birth_date=D(1990, 7, 1))
        (found,) = [f for f in self.findings("avoidance", TODAY) if f.subject_id == wq.pk]
        assert found.message == (
            "王强（测试县委书记）与其儿子王小明（测试县委组织部科员），王强任测试县委领导职务，"
            f"王小明在其所属的测试县委组织部从事组织工作，{AVOID}{BY_NAME}"
        )
        assert found.facts["matched_by"] == "name_birth_month"
        # The son's page finds the father's record by the son's name and birth month.
        spec = RULES["avoidance"]
        page = Scope(path=root.path, today=TODAY, cadre_ids=frozenset({son.pk}))
        (his,) = spec.compute(page, effective_params(spec, {}))
        assert his.message.startswith("王小明（测试县委组织部科员）系王强（测试县委书记）的儿子")

    def test_it_ignores_another_birth_month_and_a_record_with_another_id_number(self) -> None:
        root, dept = self.units["root"], self.units["dept"]
        wq = self.person("王强", unit=root)
        self.post(wq, D(2019, 1, 1), unit=root, title="书记", rank_level="131")
        son = self.person("王小明", unit=dept, birth=D(1990, 7, 20))
        self.post(son, D(2022, 1, 1), unit=dept, title="科员", is_leading=False, is_head=False)
        self.relative(wq, "儿子", son, birth_date=D(1990, 8, 1))
        self.relative(wq, "儿子", son, id_number=build_id_number("130101", D(1990, 7, 20), 999))
        assert self.findings("avoidance", TODAY) == []

    def test_it_finds_a_brother_leading_the_unit_above(self) -> None:
        a, village = self.units["a"], self.units["a_village"]
        big = self.person("赵大", unit=a)
        self.post(big, D(2020, 1, 1), unit=a, title="镇长")
        small = self.person("赵二", unit=village, birth=D(1982, 2, 3))
        self.post(small, D(2021, 1, 1), unit=village, title="党支部书记", rank_level="")
        self.relative(small, "哥哥", big, id_number=str(big.id_number))
        found = self.by_subject(self.findings("avoidance", TODAY))
        assert found[(small.pk, str(big.pk))].message == (
            "赵二（甲村党支部书记）与其哥哥赵大（甲镇镇长），赵二任甲村领导职务，"
            f"赵大任其上级单位甲镇领导职务，有直接上下级领导关系，{AVOID}"
        )
        assert found[(big.pk, str(small.pk))].facts["combination"] == "direct_line"
        # Not a leader of the village: no direct line, nor the same unit.
        post = small.positions.get()
        services.position_update(acting_user=self.clerk, position=post, is_leading=False)
        assert self.findings("avoidance", TODAY) == []

    def test_it_ignores_a_relation_outside_the_four_classes(self) -> None:
        a = self.units["a"]
        zs = self.person("张三", unit=a)
        self.post(zs, D(2020, 1, 1), title="党委书记")
        uncle = self.person("张叔", unit=a, birth=D(1960, 1, 1))
        self.post(uncle, D(2020, 1, 1), title="人大主席", rank_level="142", is_head=False)
        self.relative(zs, "表叔", uncle, id_number=str(uncle.id_number))
        assert self.findings("avoidance", TODAY) == []
        # Once the administrator lists 表叔 (as a 三代以内旁系血亲), the pair is found.
        spec = RULES["avoidance"]
        collateral = [*spec.defaults["kin_collateral"], "表叔"]
        found = self.findings("avoidance", TODAY, kin_collateral=collateral)
        assert {f.subject_id for f in found} == {zs.pk, uncle.pk}
        assert found[0].facts["kinship"] == "三代以内旁系血亲关系"

    def test_it_permits_relatives_leading_sibling_units(self) -> None:
        a, b, village = self.units["a"], self.units["b"], self.units["a_village"]
        zs = self.person("张三", unit=a)
        self.post(zs, D(2020, 1, 1), unit=a, title="党委书记")
        lf = self.person("李芳", unit=b, sex="2")
        self.post(lf, D(2020, 1, 1), unit=b, title="镇长")
        # A son working (not leading) in a village under his father's township.
        ww = self.person("张明", unit=village, birth=D(1999, 9, 9))
        self.post(ww, D(2023, 1, 1), unit=village, title="文书", is_leading=False)
        self.relative(zs, "妻子", lf, id_number=str(lf.id_number))
        self.relative(zs, "儿子", ww)
        assert self.findings("avoidance", TODAY) == []

    @ON_TODAY
    def test_it_drops_the_pair_when_the_relative_retires(self) -> None:
        a = self.units["a"]
        zs = self.person("张三", unit=a)
        self.post(zs, D(2020, 1, 1), title="党委书记")
        lf = self.person("李芳", unit=a, sex="2", birth=D(1980, 5, 17))
        self.post(lf, D(2021, 1, 1), title="副镇长", rank_level="142", is_head=False)
        self.relative(zs, "妻子", lf)
        assert len(self.findings("avoidance", TODAY)) == 2
        lf.refresh_from_db()
        services.cadre_set_status(
            acting_user=self.clerk, cadre=lf, status="retired", on=D(2026, 11, 1)
        )
        assert self.findings("avoidance", TODAY) == []

    def test_it_looks_as_deep_under_the_unit_as_configured(self) -> None:
        root, a = self.units["root"], self.units["a"]
        office = self.unit("甲镇财务所", "TA09", UnitKind.INSTITUTION, parent=a)
        wq = self.person("王强", unit=root)
        self.post(wq, D(2019, 1, 1), unit=root, title="书记", rank_level="131")
        wife = self.person("刘丽", unit=office, sex="2", birth=D(1978, 4, 4))
        self.post(wife, D(2020, 1, 1), unit=office, title="会计", is_leading=False)
        self.relative(wq, "爱人", wife, id_number=str(wife.id_number))
        assert self.findings("avoidance", TODAY) == []  # two levels below 测试县委
        found = self.by_subject(self.findings("avoidance", TODAY, sensitive_depth=2))
        assert found[(wife.pk, str(wq.pk))].message == (
            "刘丽（甲镇财务所会计）系王强（测试县委书记）的爱人，王强任测试县委领导职务，"
            f"刘丽在其所属的甲镇财务所从事财务工作，{AVOID}"
        )

    def test_it_stores_one_alert_per_relative_on_each_page(self) -> None:
        a = self.units["a"]
        zs = self.person("张三", unit=a)
        self.post(zs, D(2020, 1, 1), title="党委书记")
        lf = self.person("李芳", unit=a, sex="2", birth=D(1980, 5, 17))
        self.post(lf, D(2021, 1, 1), title="副镇长", rank_level="142", is_head=False)
        self.relative(zs, "妻子", lf, id_number=str(lf.id_number))
        self.relative(lf, "丈夫", zs)
        stored = self.stored("avoidance", TODAY)
        assert sorted((a.cadre_id, a.key) for a in stored) == sorted(
            [(zs.pk, str(lf.pk)), (lf.pk, str(zs.pk))]
        )
        # Each page words the alert from its own record.
        mine = next(a for a in stored if a.cadre_id == lf.pk)
        assert mine.message.startswith("李芳（甲镇副镇长）与其丈夫张三（甲镇党委书记）")
        assert BY_NAME in mine.message
