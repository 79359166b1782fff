"""任期规定 第六、七条 and 重点岗位 rotation: hand-computed careers on chosen days."""

from __future__ import annotations

import datetime as dt

from alerts.choices import AlertStatus, Severity
from alerts.models import AlertRule
from alerts.registry import RULES, Scope, effective_params
from alerts.rules.tenure import Stretch, counted_since, stretches
from alerts.services import alert_dismiss, rule_update
from alerts.tests.base import RuleTestCase

D = dt.date
SEVENTH = "不再推荐、提名或任命担任同一层次领导职务（《党政领导干部职务任期暂行规定》第七条）"
SIXTH = "不再推荐、提名或任命担任同一职务（《党政领导干部职务任期暂行规定》第六条）"
ROTATE = "应交流轮岗（重点岗位交流办法，省级规定）"


def test_it_joins_overlapping_and_touching_posts_and_keeps_the_gaps() -> None:
    today = D(2024, 6, 1)
    posts = [
        (D(2016, 1, 1), None),  # open: runs to today
        (D(2001, 1, 1), D(2005, 1, 1)),
        (D(2003, 1, 1), D(2004, 1, 1)),  # inside the first
        (D(2005, 1, 1), D(2006, 1, 1)),  # starts the day the first ends: no gap
        (D(2008, 1, 1), D(2016, 3, 1)),  # overlaps the open one
        (D(2025, 1, 1), None),  # after the day computed for
    ]
    parts = stretches(posts, today)
    assert parts == [Stretch(D(2001, 1, 1), D(2006, 1, 1)), Stretch(D(2008, 1, 1), None)]
    # 1827 days (2001-01-01 → 2006-01-01, one 29 February, the end day counted) + 5996 days
    # (2008-01-01 → 2024-06-01).
    assert counted_since(parts, today) == today - dt.timedelta(days=1827 + 5996)
    assert stretches([(D(2020, 1, 1), D(2024, 6, 1))], today) == [Stretch(D(2020, 1, 1), None)]


class SameLevelTests(RuleTestCase):
    def test_it_counts_a_level_taken_on_29_february_to_28_february(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2008, 2, 29), rank_level="141")
        assert self.findings("same_level", D(2022, 2, 27)) == []  # 13年11个月
        (warned,) = self.findings("same_level", D(2022, 2, 28))  # 2022 has no 29 February
        assert warned.severity == Severity.WARNING
        assert warned.message.startswith("担任乡科级正职累计 14年（2008.02 起，1 段任职）")
        (before,) = self.findings("same_level", D(2023, 2, 27))
        assert before.message == (
            "担任乡科级正职累计 14年11个月（2008.02 起，1 段任职），将于 2023.02 满 15年，"
            "届时" + SEVENTH
        )
        (reached,) = self.findings("same_level", D(2023, 2, 28))
        assert reached.severity == Severity.DANGER
        assert reached.message == (
            "担任乡科级正职累计 15年（2008.02 起，1 段任职）≥ 15年，" + SEVENTH
        )

    def test_it_adds_up_three_posts_and_leaves_out_the_gaps(self) -> None:
        ls = self.person("李四")
        self.post(ls, D(2005, 3, 1), end=D(2010, 3, 1), title="镇长", rank_level="141")
        self.post(ls, D(2011, 1, 1), end=D(2016, 1, 1), unit=self.units["b"], rank_level="141")
        self.post(ls, D(2017, 1, 1), rank_level="141")
        # Days served before the open post, the end days counted: 2005-03-01→2010-03-01 =
        # 1827 (5 × 365 + 29 Feb 2008 + 1) and 2011-01-01→2016-01-01 = 1827 (+ 29 Feb 2012):
        # 3654 days. Laid back from 2017-01-01 they begin on 2006-12-31 (2007-01-01→2017-01-01
        # is 3653 days: 29 Feb of 2008, 2012, 2016), so 180 whole months are reached on
        # 2021-12-31. Counting the gaps (10 + 12 months) would have reached them on 2020-03-01.
        (gaps,) = self.findings("same_level", D(2021, 6, 1))
        assert gaps.severity == Severity.WARNING
        assert (
            "累计 14年5个月（2005.03—2010.03、2011.01—2016.01、2017.01 至今，3 段任职），"
            "将于 2021.12 满 15年"
        ) in gaps.message
        (before,) = self.findings("same_level", D(2021, 12, 30))
        assert before.severity == Severity.WARNING
        assert "累计 14年11个月（2005.03—2010.03、2011.01—2016.01、2017.01 至今，3 段任职）" in (
            before.message
        )
        (reached,) = self.findings("same_level", D(2021, 12, 31))
        assert reached.severity == Severity.DANGER
        assert reached.message == (
            "担任乡科级正职累计 15年（2005.03—2010.03、2011.01—2016.01、2017.01 至今，3 段任职）"
            "≥ 15年，" + SEVENTH
        )
        assert reached.facts["stretches"] == [
            {"start": D(2005, 3, 1), "end": D(2010, 3, 1)},
            {"start": D(2011, 1, 1), "end": D(2016, 1, 1)},
            {"start": D(2017, 1, 1), "end": None},
        ]

    def test_it_counts_concurrent_posts_at_one_level_once(self) -> None:
        ww = self.person("王五")
        self.post(ww, D(2000, 1, 1), end=D(2010, 1, 1), title="镇长", rank_level="141")
        self.post(ww, D(2005, 1, 1), title="党委书记", rank_level="141")
        self.post(ww, D(2006, 6, 1), end=D(2008, 6, 1), title="人大主席", rank_level="141")
        # One stretch 2000-01-01 → 至今; the three posts added up would be 19年5个月 here.
        assert self.findings("same_level", D(2012, 6, 1)) == []
        (before,) = self.findings("same_level", D(2014, 12, 31))
        assert "累计 14年11个月（2000.01 起，1 段任职）" in before.message
        (reached,) = self.findings("same_level", D(2015, 1, 1))
        assert reached.severity == Severity.DANGER
        assert reached.message.startswith("担任乡科级正职累计 15年（2000.01 起，1 段任职）≥ 15年")

    def test_it_counts_only_the_level_held_now(self) -> None:
        zl = self.person("赵六")
        self.post(zl, D(1995, 1, 1), end=D(2005, 7, 1), title="副镇长", rank_level="142")
        self.post(zl, D(2005, 7, 1), title="镇长", rank_level="141")
        assert self.findings("same_level", D(2019, 6, 30)) == []  # 乡科级正职 13年11个月
        (found,) = self.findings("same_level", D(2019, 7, 1))
        assert found.key == "141"
        assert found.message.startswith("担任乡科级正职累计 14年（2005.07 起，1 段任职）")
        sq = self.person("孙七")
        self.post(sq, D(1990, 1, 1), end=D(2010, 1, 1), title="镇长", rank_level="141")
        self.post(sq, D(2010, 1, 1), unit=self.units["root"], title="副县长", rank_level="132")
        # Twenty years as 乡科级正职 before do not count towards 县处级副职.
        (deputy,) = [f for f in self.findings("same_level", D(2024, 6, 1)) if f.cadre_id == sq.pk]
        assert deputy.key == "132"
        assert deputy.severity == Severity.WARNING
        assert deputy.message.startswith("担任县处级副职累计 14年5个月（2010.01 起，1 段任职）")

    def test_it_reads_its_thresholds_from_params_and_one_cadre(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2012, 5, 20), rank_level="141")
        ls = self.person("李四")
        self.post(ls, D(2012, 5, 20), rank_level="142", title="副镇长")
        today = D(2022, 5, 20)
        assert self.findings("same_level", today) == []
        found = self.findings("same_level", today, years=10, warn_years_before=0)
        assert {f.message for f in found} == {
            "担任乡科级正职累计 10年（2012.05 起，1 段任职）≥ 10年，" + SEVENTH,
            "担任乡科级副职累计 10年（2012.05 起，1 段任职）≥ 10年，" + SEVENTH,
        }
        spec = RULES["same_level"]
        mine = Scope(path=self.units["root"].path, today=today, cadre_ids=frozenset({ls.pk}))
        params = {**effective_params(spec, {}), "years": 10}
        assert [f.cadre_id for f in spec.compute(mine, params)] == [ls.pk]

    def test_it_keeps_a_dismissal_until_the_level_is_reached(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2008, 3, 10), rank_level="141")
        (alert,) = self.stored("same_level", D(2022, 6, 10))
        assert alert.severity == Severity.WARNING
        alert_dismiss(acting_user=self.clerk, alert=alert, reason="拟于年内调整")
        (same,) = self.stored("same_level", D(2022, 12, 10))  # months grew, basis did not
        assert same.status == AlertStatus.DISMISSED
        assert "14年9个月" in same.message
        (reached,) = self.stored("same_level", D(2023, 3, 10))
        assert reached.pk == alert.pk
        assert reached.status == AlertStatus.OPEN
        assert reached.severity == Severity.DANGER


class TwoTermsTests(RuleTestCase):
    def test_it_announces_the_last_term_and_stops_at_two(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2014, 3, 10))
        assert self.findings("two_terms", D(2019, 3, 9)) == []
        (last,) = self.findings("two_terms", D(2019, 3, 10))
        assert last.severity == Severity.INFO
        assert last.message == (
            "同一职位（甲镇党委书记）连续任职已进入第 2 个任期（2014.03 至今 5年，每个任期 5年），"
            "2024.03 任满 2 个任期后" + SIXTH
        )
        (done,) = self.findings("two_terms", D(2024, 11, 27))
        assert done.severity == Severity.DANGER
        assert done.message == (
            "同一职位（甲镇党委书记）连续任职 2014.03 至今 10年8个月，已满 2 个任期"
            "（每个任期 5年），" + SIXTH
        )

    def test_it_chains_reappointments_and_skips_deputies(self) -> None:
        zs = self.person("张三")
        # Three appointments to one post, 9 and 15 days apart: one tenure since 2012-01-01.
        self.post(zs, D(2012, 1, 1), end=D(2017, 3, 1), title="人大主席")
        self.post(zs, D(2017, 3, 10), end=D(2019, 1, 5), title="人大主席")
        self.post(zs, D(2019, 1, 20), title="人大主席")
        ls = self.person("李四")
        # Two months between the appointments: the tenure starts again.
        self.post(ls, D(2010, 1, 1), end=D(2015, 1, 1), title="镇长")
        self.post(ls, D(2015, 3, 1), title="镇长")
        ww = self.person("王五")
        self.post(ww, D(2010, 1, 1), title="副镇长", is_head=False)
        found = {f.cadre_id: f for f in self.findings("two_terms", D(2022, 1, 1))}
        assert set(found) == {zs.pk, ls.pk}
        assert found[zs.pk].severity == Severity.DANGER
        assert "（甲镇人大主席）连续任职 2012.01 至今 10年，已满 2 个任期" in found[zs.pk].message
        assert found[ls.pk].severity == Severity.INFO
        assert "（2015.03 至今 6年10个月，每个任期 5年）" in found[ls.pk].message
        everyone = self.findings("two_terms", D(2022, 1, 1), heads_only=False)
        assert {f.cadre_id for f in everyone} == {zs.pk, ls.pk, ww.pk}

    def test_it_reads_term_length_and_count_from_params(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2015, 6, 1))
        (third,) = self.findings("two_terms", D(2022, 6, 1), term_years=3, terms=3)
        assert third.severity == Severity.INFO
        assert "已进入第 3 个任期（2015.06 至今 7年，每个任期 3年），2024.06 任满 3 个任期" in (
            third.message
        )
        (done,) = self.findings("two_terms", D(2024, 6, 1), term_years=3, terms=3)
        assert "已满 3 个任期（每个任期 3年）" in done.message

    def test_it_keeps_a_dismissal_until_the_second_term_is_full(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2014, 3, 10))
        (alert,) = self.stored("two_terms", D(2020, 3, 10))
        assert alert.severity == Severity.INFO
        alert_dismiss(acting_user=self.clerk, alert=alert, reason="已知悉")
        (same,) = self.stored("two_terms", D(2022, 9, 10))
        assert same.status == AlertStatus.DISMISSED
        assert "8年6个月" in same.message
        (full,) = self.stored("two_terms", D(2024, 3, 10))
        assert full.pk == alert.pk
        assert full.status == AlertStatus.OPEN
        assert full.severity == Severity.DANGER


class KeyPostTests(RuleTestCase):
    def test_it_finds_key_posts_by_unit_name_and_by_title(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2019, 6, 10), unit=self.units["dept"], title="干部科科长")
        ls = self.person("李四")
        self.post(ls, D(2018, 1, 1), title="财政所所长", is_leading=False, is_head=False)
        ww = self.person("王五")
        self.post(ww, D(2010, 1, 1), title="党委书记")  # not a key post
        zl = self.person("赵六")  # “退役军人事务” contains “人事” but is no personnel post
        self.post(zl, D(2010, 1, 1), unit_name="测试县退役军人事务局", title="局长")
        sq = self.person("孙七")
        self.post(sq, D(2020, 1, 2), unit=self.units["dept"], title="组织科科长")  # 4年10个月
        found = {f.cadre_id: f for f in self.findings("key_post", D(2024, 11, 27))}
        assert set(found) == {zs.pk, ls.pk}
        assert found[zs.pk].message == (
            "在重点岗位（测试县委组织部干部科科长）任职 2019.06 至今 5年5个月 ≥ 5年，" + ROTATE
        )
        assert found[zs.pk].facts["keywords"] == ["组织部"]
        assert found[ls.pk].message.startswith(
            "在重点岗位（甲镇财政所所长）任职 2018.01 至今 6年10个月 ≥ 5年"
        )
        leading = self.findings("key_post", D(2024, 11, 27), leading_only=True)
        assert [f.cadre_id for f in leading] == [zs.pk]
        unfiltered = self.findings("key_post", D(2024, 11, 27), exclude_keywords=[])
        assert {f.cadre_id for f in unfiltered} == {zs.pk, ls.pk, zl.pk}

    def test_it_uses_the_keywords_from_params(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2015, 1, 1), unit=self.units["dept"], title="干部科科长")
        ls = self.person("李四")
        self.post(ls, D(2015, 1, 1), title="党政办主任")
        # Re-appointed as 审计办主任 after 20 days: one tenure since 2016.
        ww = self.person("王五")
        self.post(ww, D(2016, 4, 1), end=D(2021, 4, 1), title="审计办主任")
        self.post(ww, D(2021, 4, 21), title="审计办主任")
        today = D(2022, 1, 1)
        assert {f.cadre_id for f in self.findings("key_post", today)} == {zs.pk, ww.pk}
        (office,) = self.findings("key_post", today, keywords=["党政办"])
        assert office.cadre_id == ls.pk
        assert "（甲镇党政办主任）任职 2015.01 至今 7年" in office.message
        assert self.findings("key_post", today, keywords=[]) == []
        (audit,) = self.findings("key_post", today, keywords=["审计"], years=5.5)
        assert audit.message == (
            "在重点岗位（甲镇审计办主任）任职 2016.04 至今 5年9个月 ≥ 5年6个月，" + ROTATE
        )

    def test_it_keeps_a_dismissal_until_the_threshold_changes(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2018, 6, 1), unit=self.units["dept"], title="干部科科长")
        (alert,) = self.stored("key_post", D(2023, 6, 1))
        alert_dismiss(acting_user=self.clerk, alert=alert, reason="已列入轮岗计划")
        (same,) = self.stored("key_post", D(2024, 9, 1))
        assert same.status == AlertStatus.DISMISSED
        assert "6年3个月" in same.message
        rule_update(
            acting_user=self.sysadmin,
            rule=AlertRule.objects.get(code="key_post"),
            params={"years": 6},
        )
        (changed,) = self.stored("key_post", D(2024, 9, 1))
        assert changed.pk == alert.pk
        assert changed.status == AlertStatus.OPEN
        assert "≥ 6年" in changed.message
