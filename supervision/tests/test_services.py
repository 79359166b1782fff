"""supervision.services: every refusal with its Chinese message, the audit trail, the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.choices import AuditAction
from cadres import services as cadres
from supervision import selectors, services
from supervision.choices import CheckKind, FindingKind, FindingSubkind, Polarity, PostMatch
from supervision.draw import draw_sample
from supervision.models import (
    BehaviourTrait,
    CheckedReport,
    ConductEntry,
    Indicator,
    KeyPost,
    KeyUnit,
    PersonalReport,
    ReportItem,
    ReportYear,
)
from supervision.tests.base import SupervisionTestCase

DAY = dt.date(2025, 6, 1)
SUBMITTED = dt.date(2026, 1, 20)


class CatalogueTests(SupervisionTestCase):
    def test_it_seeds_five_indicators_with_traits(self) -> None:
        names = list(Indicator.objects.values_list("name", flat=True))
        assert names == ["政治忠诚", "政治定力", "政治担当", "政治能力", "政治自律"]
        for indicator in Indicator.objects.all():
            assert indicator.traits.count() >= 3
            assert "初始目录" in indicator.description
            assert {t.polarity for t in indicator.traits.all()} == {"positive", "negative"}


class ConductTests(SupervisionTestCase):
    def add(self, cadre, **change):
        fields = {
            "polarity": Polarity.NEGATIVE,
            "date": DAY,
            "indicator": self.indicator(),
            "source": "巡察反馈",
            "evidence": "防汛期间擅离岗位",
            **change,
        }
        return services.conduct_add(acting_user=self.clerk, cadre=cadre, **fields)

    def test_it_adds_an_entry_and_audits_it(self) -> None:
        cadre = self.person("王强")
        trait = self.indicator().traits.get(polarity="negative")
        seq = self.newest_seq()
        entry = self.add(cadre, trait=trait)
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type) == (AuditAction.CREATE, "supervision.ConductEntry")
        assert event.changes["after"]["polarity"] == "负面清单"
        assert event.changes["after"]["indicator"] == "政治担当"
        assert event.changes["after"]["trait"] == trait.text
        assert entry.recorded_by == self.clerk

    def test_it_refuses_bad_entries_in_chinese(self) -> None:
        cadre = self.person("王强")
        other_trait = self.indicator("政治忠诚").traits.first()
        tomorrow = dt.date.today() + dt.timedelta(days=2)
        cases = [
            ({"polarity": "grey"}, {"polarity": ["请选择正面清单或负面清单"]}),
            ({"date": tomorrow}, {"date": ["时间不能晚于今天"]}),
            ({"date": None}, {"date": ["请填写时间"]}),
            ({"source": " "}, {"source": ["请填写来源"]}),
            ({"evidence": ""}, {"evidence": ["请填写事实依据"]}),
            ({"indicator": None}, {"indicator": ["请选择政治素质指标"]}),
            (
                {"trait": other_trait},
                {"trait": [f"行为特征“{other_trait.text}”不属于指标“政治担当”"]},
            ),
            ({"source": "来" * 101}, {"source": ["来源不能超过 100 个字"]}),
        ]
        for change, expected in cases:
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                self.add(cadre, **change)
            assert exc.value.message_dict == expected
        assert not ConductEntry.objects.exists()

    def test_it_refuses_a_retired_indicator_and_a_cadre_no_longer_in_post(self) -> None:
        cadre = self.person("王强")
        Indicator.objects.filter(name="政治担当").update(is_active=False)
        with pytest.raises(ValidationError) as exc:
            self.add(cadre)
        assert exc.value.message_dict == {"indicator": ["指标“政治担当”已停用"]}
        Indicator.objects.filter(name="政治担当").update(is_active=True)
        cadre = cadres.cadre_set_status(acting_user=self.clerk, cadre=cadre, status="retired")
        with pytest.raises(ValidationError) as exc:
            self.add(cadre)
        assert exc.value.message_dict == {"cadre": ["王强已退休"]}

    def test_it_updates_and_deletes_with_audit(self) -> None:
        cadre = self.person("王强")
        entry = self.add(cadre)
        seq = self.newest_seq()
        entry = services.conduct_update(
            acting_user=self.clerk, entry=entry, polarity=Polarity.POSITIVE, evidence="主动请缨"
        )
        (event,) = self.events_after(seq)
        assert event.changes["before"] == {"evidence": "防汛期间擅离岗位", "polarity": "负面清单"}
        assert event.changes["after"] == {"evidence": "主动请缨", "polarity": "正面清单"}
        pk = entry.pk
        services.conduct_delete(acting_user=self.clerk, entry=entry)
        assert not ConductEntry.objects.filter(pk=pk).exists()
        last = self.events_after(seq)[-1]
        assert (last.action, last.object_id) == (AuditAction.DELETE, str(pk))
        assert last.changes["before"]["evidence"] == "主动请缨"
        with pytest.raises(ValueError, match="not editable here"):
            services.conduct_update(acting_user=self.clerk, entry=self.add(cadre), cadre=cadre)

    def test_it_keeps_writes_inside_the_actors_scope(self) -> None:
        cadre = self.person("王强", unit="a")
        for user in (self.clerk_b, self.leader, self.outsider_b, self.liaison_a):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied) as exc:
                services.conduct_add(
                    acting_user=user,
                    cadre=cadre,
                    polarity=Polarity.POSITIVE,
                    date=DAY,
                    indicator=self.indicator(),
                    source="考察谈话",
                    evidence="表现突出",
                )
            assert str(exc.value) == "干部不存在或无权操作"
        entry = services.conduct_add(
            acting_user=self.clerk_a,
            cadre=cadre,
            polarity=Polarity.POSITIVE,
            date=DAY,
            indicator=self.indicator(),
            source="考察谈话",
            evidence="表现突出",
        )
        with pytest.raises(PermissionDenied):
            services.conduct_update(acting_user=self.clerk_b, entry=entry, evidence="改")
        with pytest.raises(PermissionDenied):
            services.conduct_delete(acting_user=self.clerk_b, entry=entry)
        assert ConductEntry.objects.get(pk=entry.pk).evidence == "表现突出"

    def test_it_summarises_a_profile_per_indicator_and_year(self) -> None:
        cadre = self.person("王强")
        self.add(cadre, date=dt.date(2023, 5, 1))
        self.add(cadre, date=dt.date(2024, 5, 1), polarity=Polarity.POSITIVE)
        self.add(cadre, date=dt.date(2024, 7, 1), indicator=self.indicator("政治自律"))
        profile = selectors.political_profile(user=self.leader, cadre=cadre)
        lines = {s.indicator.name: (s.positive, s.negative) for s in profile.indicators}
        assert lines == {
            "政治忠诚": (0, 0),
            "政治定力": (0, 0),
            "政治担当": (1, 1),
            "政治能力": (0, 0),
            "政治自律": (0, 1),
        }
        assert [(y.year, y.positive, y.negative) for y in profile.years] == [
            (2023, 0, 1),
            (2024, 1, 1),
        ]
        assert (profile.positive, profile.negative) == (1, 2)
        outsider = selectors.political_profile(user=self.clerk_b, cadre=cadre)
        assert outsider.entries == []

    def test_it_gives_selection_the_negative_entries_by_cadre(self) -> None:
        one, two, three = self.person("甲一"), self.person("甲二"), self.person("乙三", unit="b")
        old = self.add(one, date=dt.date(2020, 1, 1))
        new = self.add(one, date=dt.date(2025, 1, 1))
        self.add(two, polarity=Polarity.POSITIVE)
        mine = self.add(three)
        found = selectors.negative_entries([one.pk, two.pk, three.pk])
        assert {k: [e.pk for e in v] for k, v in found.items()} == {
            one.pk: [new.pk, old.pk],
            three.pk: [mine.pk],
        }
        recent = selectors.negative_entries([one.pk], since=dt.date(2024, 1, 1))
        assert [e.pk for e in recent[one.pk]] == [new.pk]


class ReportTests(SupervisionTestCase):
    def open_year(self, year: int = 2025, **change):
        fields = {"unit": self.units["root"], "year": year, **change}
        return services.report_year_create(acting_user=self.clerk, **fields)

    def test_it_opens_a_year_with_the_default_due_date_and_levels(self) -> None:
        deputy = self.person("副处甲", rank_level="132")
        head = self.person("正处乙", unit="b", rank_level="131")
        self.person("科级丙", rank_level="141")
        self.person("无职丁", rank_level="")
        seq = self.newest_seq()
        report_year = self.open_year()
        assert report_year.due_date == dt.date(2026, 1, 31)
        assert report_year.rank_levels == ["101", "102", "111", "112", "121", "122", "131", "132"]
        reported = set(report_year.reports.values_list("cadre_id", flat=True))
        assert reported == {deputy.pk, head.pk}
        (event,) = self.events_after(seq)
        assert event.changes["reports_created"] == 2
        assert "县处级副职" in event.changes["after"]["rank_levels"]

    def test_it_takes_a_configured_level_list_and_adds_later_cadres(self) -> None:
        self.person("科级丙", rank_level="141")
        report_year = self.open_year(rank_levels=["141", "132"])
        assert report_year.reports.count() == 1
        self.person("科级戊", rank_level="141")
        assert services.reports_generate(acting_user=self.clerk, report_year=report_year) == 1
        assert services.reports_generate(acting_user=self.clerk, report_year=report_year) == 0
        assert report_year.reports.count() == 2

    def test_it_refuses_bad_years_in_chinese(self) -> None:
        this_year = dt.date.today().year
        cases = [
            ({"year": 1999}, {"year": [f"报告年度应在 2000–{this_year} 年之间"]}),
            ({"rank_levels": ["999"]}, {"rank_levels": ["领导职务层次代码不在代码表中：999"]}),
            ({"rank_levels": []}, {"rank_levels": ["请至少选择一个应报告的领导职务层次"]}),
            (
                {"due_date": dt.date(2025, 12, 31)},
                {"due_date": ["截止日期应在 2025 年之后（报告的是上一年度事项）"]},
            ),
        ]
        for change, expected in cases:
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                self.open_year(**change)
            assert exc.value.message_dict == expected
        self.open_year()
        with pytest.raises(ValidationError) as exc:
            self.open_year()
        assert exc.value.message_dict == {"year": ["“测试县委”已开展 2025 年度报告"]}
        with pytest.raises(PermissionDenied):
            services.report_year_create(
                acting_user=self.clerk_a, unit=self.units["root"], year=2025
            )
        assert ReportYear.objects.count() == 1

    def test_it_records_submission_items_and_refuses_a_second_submission(self) -> None:
        cadre = self.person("副处甲")
        report = self.open_year().reports.get(cadre=cadre)
        with pytest.raises(ValidationError) as exc:
            services.report_submit(
                acting_user=self.clerk, report=report, submitted_on=dt.date(2025, 12, 1)
            )
        assert exc.value.message_dict == {"submitted_on": ["2025年度的报告应在 2025 年结束后提交"]}
        services.report_submit(acting_user=self.clerk, report=report, submitted_on=SUBMITTED)
        with pytest.raises(ValidationError) as exc:
            services.report_submit(acting_user=self.clerk, report=report, submitted_on=SUBMITTED)
        assert exc.value.messages == ["该报告已于 2026.01.20 提交"]
        item = services.report_item_add(
            acting_user=self.clerk, report=report, category="housing", content="住房一套 120㎡"
        )
        with pytest.raises(ValidationError) as exc:
            services.report_item_add(
                acting_user=self.clerk, report=report, category="car", content="x"
            )
        assert exc.value.message_dict == {
            "category": ["请选择报告事项类别（8 项家事、6 项家产之一）"]
        }
        with pytest.raises(PermissionDenied):
            services.report_item_delete(acting_user=self.clerk_b, item=item)
        services.report_item_delete(acting_user=self.clerk, item=item)
        assert not ReportItem.objects.exists()


class SpotCheckTests(SupervisionTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.people = [cls.person(f"干部{i:02d}", unit="ab"[i % 2]) for i in range(25)]
        cls.report_year = services.report_year_create(
            acting_user=cls.clerk, unit=cls.units["root"], year=2025
        )
        for report in cls.report_year.reports.all()[:23]:
            services.report_submit(acting_user=cls.clerk, report=report, submitted_on=SUBMITTED)

    def test_it_draws_ten_percent_rounded_up_and_records_the_seed(self) -> None:
        seq = self.newest_seq()
        check = services.spot_check_draw(
            acting_user=self.clerk, report_year=self.report_year, seed=20260301
        )
        submitted = sorted(
            PersonalReport.objects.filter(
                report_year=self.report_year, submitted_on__isnull=False
            ).values_list("pk", flat=True)
        )
        assert check.candidate_ids == submitted
        assert len(check.drawn_ids) == 3  # 10% of 23 = 2.3 → 3
        assert check.drawn_ids == draw_sample(submitted, 10, 20260301)
        listed = set(
            CheckedReport.objects.filter(kind=CheckKind.RANDOM).values_list("report_id", flat=True)
        )
        assert listed == set(check.drawn_ids)
        (event,) = self.events_after(seq)
        assert event.changes["after"]["seed"] == 20260301
        assert event.changes["after"]["drawn"] == check.drawn_ids
        verified = selectors.spot_check_verify(check)
        assert verified.matches
        assert verified.redrawn == check.drawn_ids

    def test_it_reproduces_the_same_cadres_from_the_seed_and_differs_with_another(self) -> None:
        check = services.spot_check_draw(
            acting_user=self.clerk, report_year=self.report_year, percentage=20, seed=7
        )
        first = [c.name for c in selectors.drawn_cadres(check)]
        # Roll back and draw again with the same seed: the same cadres.
        CheckedReport.objects.all().delete()
        check.delete()
        again = services.spot_check_draw(
            acting_user=self.clerk, report_year=self.report_year, percentage=20, seed=7
        )
        assert [c.name for c in selectors.drawn_cadres(again)] == first
        assert len(first) == 5
        CheckedReport.objects.all().delete()
        again.delete()
        other = services.spot_check_draw(
            acting_user=self.clerk, report_year=self.report_year, percentage=20, seed=8
        )
        assert [c.name for c in selectors.drawn_cadres(other)] != first

    def test_it_flags_a_stored_list_that_the_seed_does_not_give(self) -> None:
        check = services.spot_check_draw(
            acting_user=self.clerk, report_year=self.report_year, seed=11
        )
        check.drawn_ids = list(reversed(check.drawn_ids))
        assert not selectors.spot_check_verify(check).matches

    def test_it_refuses_bad_draws_in_chinese(self) -> None:
        for change, expected in [
            ({"percentage": 0}, {"percentage": ["抽查比例应为 1–100 之间的整数"]}),
            ({"percentage": 101}, {"percentage": ["抽查比例应为 1–100 之间的整数"]}),
            ({"seed": -5}, {"seed": ["随机种子应为 1–2147483647 之间的整数"]}),
        ]:
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                services.spot_check_draw(
                    acting_user=self.clerk, report_year=self.report_year, **change
                )
            assert exc.value.message_dict == expected
        services.spot_check_draw(acting_user=self.clerk, report_year=self.report_year)
        with pytest.raises(ValidationError) as exc:
            services.spot_check_draw(acting_user=self.clerk, report_year=self.report_year)
        assert exc.value.messages == ["2025年度已进行随机抽查，每年集中开展一次"]
        empty = services.report_year_create(acting_user=self.clerk, unit=self.units["a"], year=2024)
        with pytest.raises(ValidationError) as exc:
            services.spot_check_draw(acting_user=self.clerk, report_year=empty)
        assert exc.value.messages == ["2024年度还没有已提交的报告，无从抽查"]
        with pytest.raises(PermissionDenied):
            services.spot_check_draw(acting_user=self.clerk_a, report_year=self.report_year)

    def test_it_adds_targeted_checks_and_records_findings(self) -> None:
        candidate = self.person("拟提拔者", rank_level="141")  # below the reporting levels
        checked = services.targeted_check_add(
            acting_user=self.clerk,
            report_year=self.report_year,
            cadre=candidate,
            reason="拟提拔为副处级干部人选，凡提必查",
        )
        assert checked.report.cadre == candidate
        with pytest.raises(ValidationError) as exc:
            services.targeted_check_add(
                acting_user=self.clerk, report_year=self.report_year, cadre=candidate, reason="再查"
            )
        assert exc.value.messages == ["拟提拔者的2025年度报告已在重点抽查名单中"]
        with pytest.raises(ValidationError) as exc:
            services.targeted_check_add(
                acting_user=self.clerk, report_year=self.report_year, cadre=candidate, reason=" "
            )
        assert exc.value.message_dict == {"reason": ["请填写查核事由，如：拟提拔人选“凡提必查”"]}
        with pytest.raises(PermissionDenied):
            services.targeted_check_add(
                acting_user=self.clerk_b,
                report_year=self.report_year,
                cadre=candidate,
                reason="越权",
            )
        finding = services.finding_add(
            acting_user=self.clerk,
            report=checked.report,
            kind=FindingKind.CONCEALMENT,
            subkind=FindingSubkind.CO_HOUSING,
            description="未报告房产一套",
            consequence="取消考察对象资格",
        )
        assert finding.get_kind_display() == "隐瞒不报"
        with pytest.raises(ValidationError) as exc:
            services.finding_add(
                acting_user=self.clerk,
                report=checked.report,
                kind=FindingKind.OMISSION,
                subkind=FindingSubkind.CO_HOUSING,
                description="x",
                consequence="y",
            )
        assert exc.value.message_dict == {"subkind": ["所选情形不属于“漏报”"]}
        unchecked = self.report_year.reports.exclude(checks__isnull=False).first()
        with pytest.raises(ValidationError) as exc:
            services.finding_add(
                acting_user=self.clerk,
                report=unchecked,
                kind=FindingKind.OMISSION,
                subkind=FindingSubkind.OM_OTHER,
                description="x",
                consequence="y",
            )
        assert exc.value.messages == ["该报告不在抽查或重点抽查名单中，请先列入查核名单"]


class KeyPostTests(SupervisionTestCase):
    def test_it_marks_key_units_and_posts_with_audit(self) -> None:
        seq = self.newest_seq()
        key_unit = services.key_unit_mark(
            acting_user=self.clerk, unit=self.units["dept"], reason="power", note="干部人事"
        )
        with pytest.raises(ValidationError) as exc:
            services.key_unit_mark(acting_user=self.clerk, unit=self.units["dept"], reason="power")
        assert exc.value.message_dict == {"unit": ["“测试县委组织部”已是重点部门"]}
        post = services.key_post_add(
            acting_user=self.clerk, unit=self.units["dept"], title="干部科"
        )
        assert post.rotation_years == 5
        assert post.matches("干部科")
        assert not post.matches("干部科副科长")
        post = services.key_post_update(
            acting_user=self.clerk, post=post, match=PostMatch.KEYWORD, rotation_years=3
        )
        assert post.matches("干部科副科长")
        assert [p.pk for p in selectors.key_posts()] == [post.pk]
        actions = [e.action for e in self.events_after(seq)]
        assert actions == [AuditAction.CREATE, AuditAction.CREATE, AuditAction.UPDATE]
        services.key_post_delete(acting_user=self.clerk, post=post)
        services.key_unit_unmark(acting_user=self.clerk, key_unit=key_unit)
        assert not KeyPost.objects.exists()
        assert not KeyUnit.objects.exists()
        assert len(self.events_after(seq)) == 5

    def test_it_refuses_bad_key_posts_and_outsiders(self) -> None:
        cases = [
            ({"title": ""}, {"title": ["请填写职务名称或关键词"]}),
            ({"rotation_years": 0}, {"rotation_years": ["轮岗年限应为 1–20 年"]}),
            ({"match": "regex"}, {"match": ["请选择匹配方式"]}),
        ]
        for change, expected in cases:
            fields = {"title": "财务股股长", **change}
            with self.subTest(change=change), pytest.raises(ValidationError) as exc:
                services.key_post_add(acting_user=self.clerk, unit=self.units["a"], **fields)
            assert exc.value.message_dict == expected
        services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="财务股股长")
        with pytest.raises(ValidationError) as exc:
            services.key_post_add(acting_user=self.clerk, unit=self.units["a"], title="财务股股长")
        assert exc.value.message_dict == {"title": ["“甲镇”已有关键岗位“财务股股长”"]}
        with pytest.raises(ValidationError) as exc:
            services.key_unit_mark(acting_user=self.clerk, unit=self.units["a"], reason="fame")
        assert exc.value.message_dict == {"reason": ["请选择类型：权力集中或资源富集"]}
        for user in (self.clerk_b, self.leader):
            with self.subTest(user=user.username), pytest.raises(PermissionDenied):
                services.key_post_add(acting_user=user, unit=self.units["a"], title="出纳")
            with pytest.raises(PermissionDenied):
                services.key_unit_mark(acting_user=user, unit=self.units["a"], reason="power")
        assert [p.title for p in selectors.key_post_list(user=self.clerk_b)] == []
        assert [p.title for p in selectors.key_post_list(user=self.leader)] == ["财务股股长"]
        assert BehaviourTrait.objects.exists()
