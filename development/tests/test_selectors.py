"""推荐人选 (pool_candidates): hand-computed candidates for each criterion and its edges.

Ages count by month, as the 干部任免审批表 does (docs/lrmx.md): a cadre born in July 1990 is
35 throughout June 2026 and 36 from 1 July 2026, whatever the day of the birthday.
"""

from __future__ import annotations

import datetime as dt

from cadres import services as cadres
from cadres.choices import AssessmentGrade, CadreStatus
from development import selectors, services
from development.choices import EntryStatus
from development.criteria import parse_criteria
from development.models import Pool
from development.tests.base import PoolTestCase

D = dt.date
EX, OK, BASIC = AssessmentGrade.EXCELLENT, AssessmentGrade.COMPETENT, AssessmentGrade.BASIC
JUNE = D(2026, 6, 15)
GOOD = {2023: EX, 2024: OK, 2025: OK}


def names(page) -> list[str]:
    return [c.name for c in page.object_list]


class CandidateTests(PoolTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        p = cls.person
        # The one who meets every criterion of the young pool, born in the limit's month.
        cls.limit = p("边界", birth=D(1990, 7, 15), grades=GOOD)
        p("大一月", birth=D(1990, 6, 30), grades=GOOD)  # 36 in June 2026
        p("中专", education="35", grades=GOOD)  # 中专 is not in a ZB64 group
        p("大专", education="31", grades=GOOD)  # 专科: below 本科
        p("党校研究生", education="1A", grades={2023: OK, 2024: EX, 2025: OK})
        p("基本称职", grades={2023: EX, 2024: BASIC, 2025: OK})
        p("优秀在窗外", grades={2022: EX, 2023: OK, 2024: OK, 2025: OK})
        p("无职务", rank_level="", grades=GOOD)
        p("副处", rank_level="132", grades=GOOD)
        p("乙镇干部", unit="b", grades=GOOD)
        retired = p("已退休", grades=GOOD)
        cadres.cadre_set_status(
            acting_user=cls.clerk, cadre=retired, status=CadreStatus.TRANSFERRED
        )
        cls.young = cls.pool()

    def candidates(self, pool: Pool | None = None, today: dt.date = JUNE, user=None):
        return selectors.pool_candidates(
            user=user or self.clerk, pool=pool or self.young, today=today, size=50
        )

    def test_it_suggests_exactly_the_cadres_meeting_every_criterion(self) -> None:
        page = self.candidates()
        assert sorted(names(page)) == sorted(["边界", "党校研究生", "乙镇干部"])
        assert page.paginator.count == 3

    def test_it_explains_each_candidate(self) -> None:
        reasons = {c.name: c.reason_text for c in self.candidates().object_list}
        assert reasons["边界"] == "35岁；乡科级副职；大学；近3年考核：2023优秀、2024称职、2025称职"
        assert reasons["党校研究生"] == (
            "34岁；乡科级副职；中央党校研究生；近3年考核：2023称职、2024优秀、2025称职"
        )

    def test_it_counts_age_by_month_on_the_birthday_boundary(self) -> None:
        assert "边界" in names(self.candidates(today=D(2026, 6, 30)))
        assert "边界" not in names(self.candidates(today=D(2026, 7, 1)))
        # A year earlier 大一月 is 35 too, and the window (2022–2024) holds 优秀在窗外's 优秀.
        earlier = self.candidates(today=D(2025, 6, 30))
        assert sorted(names(earlier)) == sorted(
            ["边界", "大一月", "党校研究生", "优秀在窗外", "乙镇干部"]
        )
        younger = Pool(unit=self.units["root"], criteria={"max_age": 35})
        assert "大一月" in names(self.candidates(younger, today=D(2026, 5, 31)))
        assert "大一月" not in names(self.candidates(younger, today=D(2026, 6, 1)))

    def test_it_admits_education_by_zb64_group(self) -> None:
        college = Pool(unit=self.units["root"], criteria={"min_education": "3"})
        found = names(self.candidates(college))
        assert "大专" in found
        assert "党校研究生" in found
        assert "边界" in found
        assert "中专" not in found
        postgraduate = Pool(unit=self.units["root"], criteria={"min_education": "1"})
        assert names(self.candidates(postgraduate)) == ["党校研究生"]

    def test_it_matches_any_expertise_keyword(self) -> None:
        self.person("规划", rank_level="", expertise="熟悉城市规划建设管理")
        self.person("财政", rank_level="", expertise="熟悉财政金融工作")
        self.person("农业", rank_level="", expertise="熟悉农业农村工作")
        self.person("信息化", rank_level="", expertise="熟悉IT项目管理")
        pool = Pool(
            unit=self.units["root"], criteria={"expertise_keywords": ["规划", "财政", "it"]}
        )
        page = self.candidates(pool)
        assert sorted(names(page)) == sorted(["规划", "财政", "信息化"])
        reasons = {c.name: c.reasons for c in page.object_list}
        assert reasons["规划"][-1] == "专长：规划"
        assert reasons["信息化"][-1] == "专长：it"

    def test_it_needs_as_many_excellent_years_as_asked(self) -> None:
        self.person("两优", grades={2023: EX, 2024: EX, 2025: OK})
        self.person("三优", grades={2023: EX, 2024: EX, 2025: EX})
        self.person("一优在窗外", grades={2022: EX, 2023: EX, 2024: OK, 2025: OK})
        criteria = {**parse_criteria(self.young.criteria).to_json()}
        criteria["recent_assessments"] = {"years": 3, "min_excellent": 2}
        pool = Pool(unit=self.units["root"], criteria=criteria)
        assert names(self.candidates(pool)) == ["两优", "三优"]
        criteria["recent_assessments"] = {"years": 3, "min_excellent": 3}
        pool = Pool(unit=self.units["root"], criteria=criteria)
        assert names(self.candidates(pool)) == ["三优"]
        criteria["recent_assessments"] = {"years": 4, "min_excellent": 2}
        pool = Pool(unit=self.units["root"], criteria=criteria)
        assert names(self.candidates(pool)) == ["两优", "三优", "一优在窗外"]
        no_check = Pool(
            unit=self.units["root"],
            criteria={**criteria, "recent_assessments": {"years": 3, "none_below_competent": True}},
        )
        found = names(self.candidates(no_check))
        assert "优秀在窗外" in found
        assert "基本称职" not in found

    def test_it_keeps_to_the_pool_subtree_and_the_users_scope(self) -> None:
        town = self.pool("甲镇年轻干部库", unit="a")
        assert "乙镇干部" not in names(self.candidates(town))
        # clerk_a sees only 甲镇: the county pool's candidates shrink to 甲镇's.
        assert sorted(names(self.candidates(user=self.clerk_a))) == ["党校研究生", "边界"]
        assert names(self.candidates(user=self.outsider_b)) == []

    def test_it_leaves_out_members_until_they_exit(self) -> None:
        entry = self.enter(self.young, self.limit)
        assert "边界" not in names(self.candidates())
        services.pool_entry_exit(acting_user=self.clerk, entry=entry, reason="已提拔")
        assert "边界" in names(self.candidates())
        assert entry.status == EntryStatus.IN  # the caller's copy; the row is closed

    def test_it_pages_in_tree_order_with_the_total(self) -> None:
        for i in range(7):
            self.person(f"批量{i}", unit="a_village", grades=GOOD)
        page = selectors.pool_candidates(
            user=self.clerk, pool=self.young, today=JUNE, page=2, size=4
        )
        assert page.paginator.count == 10
        assert page.number == 2
        first = selectors.pool_candidates(
            user=self.clerk, pool=self.young, today=JUNE, page=1, size=4
        )
        # 甲镇 before its village 甲村 before 乙镇 (unit tree order), then sort order and id.
        everything = (
            names(first)
            + names(page)
            + names(
                selectors.pool_candidates(
                    user=self.clerk, pool=self.young, today=JUNE, page=3, size=4
                )
            )
        )
        assert everything[:2] == ["边界", "党校研究生"]
        assert everything[2:9] == [f"批量{i}" for i in range(7)]
        assert everything[9] == "乙镇干部"

    def test_it_orders_a_dense_list_the_same_way(self) -> None:
        for i in range(3):
            self.person(f"密{i}", unit="a_village", grades=GOOD)
        sparse = names(self.candidates())
        old = selectors.DENSE_MATCHES
        selectors.DENSE_MATCHES = 1  # force the index-walk plan
        try:
            dense = names(self.candidates())
        finally:
            selectors.DENSE_MATCHES = old
        assert dense == sparse
        assert len(dense) == 6
