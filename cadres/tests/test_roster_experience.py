"""The leader's questions the roster could not answer (issue 14, item 7): "有乡镇工作经历"
(ever held a post in a 乡镇/街道, for N years in all), a word in the 简历, and the total at the top.

The careers are built by hand: 张一 was 副镇长 of 甲镇 2010.03–2016.03 (6 years) and is now in
the 组织部; 李二 spent 2020.01–2021.01 (1 year) in 乙村; 王三 never left the 组织部."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadres import services
from cadres.roster import roster_queryset
from cadres.tests.test_pages import make_cadre
from core.idnumber import build_id_number
from zugong.testing import PersonaTestCase

D = dt.date


class ExperienceFilterTests(PersonaTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        u = cls.units
        cls.zhang = cls.cadre("张一", 1, u["dept"])
        cls.post(cls.zhang, u["a"], "副镇长", D(2010, 3, 1), D(2016, 3, 1))
        cls.post(cls.zhang, u["dept"], "副部长", D(2016, 3, 1))
        cls.li = cls.cadre("李二", 2, u["dept"])
        cls.post(cls.li, u["b_village"], "驻村第一书记", D(2020, 1, 1), D(2021, 1, 1))
        cls.wang = cls.cadre("王三", 3, u["dept"])
        cls.post(cls.wang, u["dept"], "科员", D(2015, 7, 1))
        services.cadre_update(
            acting_user=cls.clerk,
            cadre=cls.wang,
            resume_manual=True,
            resume="2015.07--  县委组织部科员（其间：2019.03--2019.09 在省委党校学习）",
        )

    @classmethod
    def cadre(cls, name, seq, unit):
        number = build_id_number("130101", D(1980, 1, seq), seq * 2 + 1).value
        return make_cadre(cls.clerk, unit, name=name, id_number=number)

    @classmethod
    def post(cls, cadre, unit, title, start, end=None):
        cadre.refresh_from_db()
        services.position_start(
            acting_user=cls.clerk, cadre=cadre, unit=unit, title=title, start_date=start
        )
        if end:
            position = cadre.positions.get(title=title)
            cadre.refresh_from_db()
            services.position_end(
                acting_user=cls.clerk, position=position, end_date=end, version=cadre.version
            )

    def names(self, **filters) -> set[str]:
        qs = roster_queryset(user=self.clerk, filters={"status": "all", **filters})
        return set(qs.values_list("name", flat=True))

    def test_ever_held_a_post_in_a_town(self):
        assert self.names(experience="township") == {"张一"}
        assert self.names(experience="village") == {"李二"}
        assert self.names(experience="county_dept") == {"张一", "王三"}  # 李二: only a 村

    def test_for_at_least_so_many_years_in_all(self):
        assert self.names(experience="township", experience_years=5) == {"张一"}
        assert self.names(experience="township", experience_years=7) == set()
        assert self.names(experience="village", experience_years=1) == {"李二"}
        assert self.names(experience="village", experience_years=2) == set()

    def test_words_in_the_resume_must_all_appear(self):
        assert self.names(resume="省委党校") == {"王三"}
        assert self.names(resume="党校 学习") == {"王三"}
        assert self.names(resume="党校 挂职") == set()

    def test_the_page_filters_and_shows_the_total_at_the_top(self):
        client = self.client_for(self.clerk)
        html = client.get(
            reverse("cadres:roster"), {"experience": "township", "status": "all"}
        ).content.decode()
        assert '<div class="fw-semibold" id="roster-total">共 1 人</div>' in html
        assert "张一" in html
        assert "王三" not in html
        assert 'name="experience"' in html
        assert "乡镇（街道）" in html

    def test_the_api_filters_too(self):
        body = self.client_for(self.clerk).get(
            "/api/v1/cadres", {"experience": "township", "experience_years": 5, "status": "all"}
        )
        assert body.status_code == 200
        assert [c["name"] for c in body.json()["items"]] == ["张一"]
