"""关键岗位轮岗到期: posts and units marked in 干部监督 feed the rotation warning."""

from __future__ import annotations

import datetime as dt

from alerts.tests.base import RuleTestCase
from supervision import services as supervision

D = dt.date


class MarkedKeyPostTests(RuleTestCase):
    def test_it_warns_when_a_marked_post_reaches_its_rotation_span(self) -> None:
        a = self.units["a"]
        supervision.key_post_add(
            acting_user=self.clerk, unit=a, title="财政所所长", rotation_years=4
        )
        zs = self.person("张三")
        self.post(zs, D(2020, 3, 1), title="财政所所长", is_leading=False, is_head=False)
        ls = self.person("李四")
        self.post(ls, D(2020, 3, 1), title="文化站站长", is_leading=False, is_head=False)
        assert self.findings("marked_key_post", D(2024, 2, 29)) == []
        (found,) = self.findings("marked_key_post", D(2024, 3, 1))
        assert found.cadre_id == zs.pk
        assert found.message == (
            "在关键岗位（甲镇财政所所长）任职 2020.03 至今 4年 ≥ 4年，应交流轮岗"
            "（重点部门和关键岗位轮岗交流（本单位标记，省级规定））"
        )

    def test_it_matches_a_keyword_post_and_leading_posts_of_a_key_unit(self) -> None:
        a, b = self.units["a"], self.units["b"]
        supervision.key_post_add(
            acting_user=self.clerk, unit=a, title="审计", match="keyword", rotation_years=3
        )
        supervision.key_unit_mark(acting_user=self.clerk, unit=b, reason="resources")
        auditor = self.person("王审计")
        self.post(auditor, D(2021, 1, 1), title="审计室主任", is_leading=False, is_head=False)
        head = self.person("赵镇长", unit=b)
        self.post(head, D(2019, 1, 1), unit=b, title="镇长")
        clerk = self.person("钱科员", unit=b)
        self.post(clerk, D(2015, 1, 1), unit=b, title="科员", is_leading=False, is_head=False)
        found = {f.cadre_id: f for f in self.findings("marked_key_post", D(2024, 6, 1))}
        assert set(found) == {auditor.pk, head.pk}  # the key unit's non-leading post is not due
        assert (
            "在重点部门领导职务（乙镇镇长）任职 2019.01 至今 5年5个月 ≥ 5年"
            in found[head.pk].message
        )
        assert {
            f.cadre_id for f in self.findings("marked_key_post", D(2024, 6, 1), key_unit_years=6)
        } == {auditor.pk}

    def test_it_finds_nothing_without_marks(self) -> None:
        zs = self.person("张三")
        self.post(zs, D(2000, 1, 1))
        assert self.findings("marked_key_post", D(2024, 6, 1)) == []
