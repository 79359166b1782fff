"""The 政治素质指标 catalogue: its services (系统管理员 only, audited, refusals in Chinese), the
switch-off that keeps old entries, the cadre panel's cache, and the catalogue pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.choices import AuditAction
from core.permissions import ROLE_ACTIONS, UNSCOPED_ACTIONS, Action, has_action
from supervision import selectors, services
from supervision.choices import Polarity
from supervision.extensions import INDICATORS_CACHE_KEY, _indicators
from supervision.forms import ConductForm
from supervision.models import BehaviourTrait, ConductEntry, Indicator
from supervision.tests.base import SupervisionTestCase

DAY = dt.date(2025, 6, 1)
LIST_URL = reverse("supervision:indicator_list")


class CatalogueRoleTests(SupervisionTestCase):
    def test_it_gives_the_catalogue_to_the_system_administrator_only(self) -> None:
        holders = {
            role
            for role, actions in ROLE_ACTIONS.items()
            if Action.SUPERVISION_CATALOGUE in actions
        }
        assert holders == {"sysadmin"}
        assert Action.SUPERVISION_CATALOGUE in UNSCOPED_ACTIONS
        assert has_action(self.sysadmin, Action.SUPERVISION_CATALOGUE)
        for user in (self.clerk, self.leader, self.secadmin, self.auditor):
            assert not has_action(user, Action.SUPERVISION_CATALOGUE), user.username


class CatalogueServiceTests(SupervisionTestCase):
    def entry(self, indicator: Indicator, trait: BehaviourTrait | None = None) -> ConductEntry:
        return services.conduct_add(
            acting_user=self.clerk,
            cadre=self.person("王强"),
            polarity=Polarity.NEGATIVE,
            date=DAY,
            indicator=indicator,
            trait=trait,
            source="巡察反馈",
            evidence="防汛期间擅离岗位",
        )

    def test_it_adds_an_indicator_and_audits_it(self) -> None:
        seq = self.newest_seq()
        indicator = services.indicator_create(
            acting_user=self.sysadmin, name=" 政治品格 ", description="对党忠诚老实", order=6
        )
        assert (indicator.name, indicator.order, indicator.is_active) == ("政治品格", 6, True)
        (event,) = self.events_after(seq)
        assert (event.action, event.object_type) == (AuditAction.CREATE, "supervision.Indicator")
        assert event.actor_id == self.sysadmin.pk
        assert event.changes["after"] == {
            "name": "政治品格",
            "description": "对党忠诚老实",
            "order": 6,
            "is_active": True,
        }

    def test_it_refuses_bad_indicators_in_chinese(self) -> None:
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"name": " "}, {"name": ["请填写指标名称"]}),
            ({"name": "政" * 21}, {"name": ["指标名称不能超过 20 个字"]}),
            ({"name": "政治担当"}, {"name": ["已有指标“政治担当”"]}),
            ({"name": "新指标", "order": -1}, {"order": ["排序应为 0–999 之间的整数"]}),
            (
                {"name": "新指标", "description": "说" * 2001},
                {"description": ["说明不能超过 2000 个字"]},
            ),
        ]
        for fields, expected in cases:
            with self.subTest(fields=fields), pytest.raises(ValidationError) as exc:
                services.indicator_create(acting_user=self.sysadmin, **fields)
            assert exc.value.message_dict == expected
        assert Indicator.objects.count() == 5

    def test_it_refuses_catalogue_changes_to_everyone_but_the_administrator(self) -> None:
        indicator = self.indicator()
        trait = indicator.traits.first()
        assert trait is not None
        seq = self.newest_seq()
        for user in (self.clerk, self.leader, self.secadmin, self.auditor):
            calls = [
                lambda u=user: services.indicator_create(acting_user=u, name="政治品格"),
                lambda u=user: services.indicator_update(
                    acting_user=u, indicator=indicator, name="改"
                ),
                lambda u=user: services.trait_add(acting_user=u, indicator=indicator, text="新"),
                lambda u=user: services.trait_update(acting_user=u, trait=trait, text="改"),
                lambda u=user: services.trait_delete(acting_user=u, trait=trait),
            ]
            for call in calls:
                with self.subTest(user=user.username), pytest.raises(PermissionDenied) as exc:
                    call()
                assert str(exc.value) == "无权修改政治素质指标"
        assert self.events_after(seq) == []
        assert Indicator.objects.get(pk=indicator.pk).name == "政治担当"
        assert BehaviourTrait.objects.filter(pk=trait.pk).exists()

    def test_it_switches_an_indicator_off_and_keeps_its_old_entries(self) -> None:
        indicator = self.indicator()
        entry = self.entry(indicator)
        seq = self.newest_seq()
        services.indicator_update(acting_user=self.sysadmin, indicator=indicator, is_active=False)
        (event,) = self.events_after(seq)
        assert event.action == AuditAction.UPDATE
        assert event.changes == {"before": {"is_active": True}, "after": {"is_active": False}}
        # No longer offered for new entries …
        assert indicator not in ConductForm().fields["indicator"].queryset
        assert not ConductForm().fields["trait"].queryset.filter(indicator=indicator).exists()
        with pytest.raises(ValidationError) as exc:
            self.entry(self.indicator())
        assert exc.value.message_dict == {"indicator": ["指标“政治担当”已停用"]}
        # … while the old entry still shows under it.
        profile = selectors.political_profile(user=self.leader, cadre=entry.cadre)
        lines = {s.indicator.name: s.negative for s in profile.indicators}
        assert lines["政治担当"] == 1

    def test_it_writes_nothing_when_an_edit_changes_nothing(self) -> None:
        indicator = self.indicator()
        seq = self.newest_seq()
        services.indicator_update(acting_user=self.sysadmin, indicator=indicator, name="政治担当")
        trait = indicator.traits.first()
        assert trait is not None
        services.trait_update(acting_user=self.sysadmin, trait=trait, text=trait.text)
        assert self.events_after(seq) == []

    def test_it_adds_rewords_and_deletes_a_trait_with_audit(self) -> None:
        indicator = self.indicator()
        seq = self.newest_seq()
        trait = services.trait_add(
            acting_user=self.sysadmin,
            indicator=indicator,
            text="急难险重任务冲锋在前",
            polarity=Polarity.POSITIVE,
            order=9,
        )
        trait = services.trait_update(
            acting_user=self.sysadmin, trait=trait, text="急难险重任务勇挑重担", polarity=""
        )
        pk = trait.pk
        services.trait_delete(acting_user=self.sysadmin, trait=trait)
        assert not BehaviourTrait.objects.filter(pk=pk).exists()
        added, changed, deleted = self.events_after(seq)
        assert (added.action, added.object_type) == (
            AuditAction.CREATE,
            "supervision.BehaviourTrait",
        )
        assert added.changes["after"] == {
            "text": "急难险重任务冲锋在前",
            "polarity": "正面清单",
            "order": 9,
        }
        assert changed.changes["before"] == {"text": "急难险重任务冲锋在前", "polarity": "正面清单"}
        assert changed.changes["after"] == {"text": "急难险重任务勇挑重担", "polarity": "均可"}
        assert (deleted.action, deleted.object_id) == (AuditAction.DELETE, str(pk))
        assert deleted.object_repr == "政治担当：急难险重任务勇挑重担"

    def test_it_refuses_bad_traits_in_chinese(self) -> None:
        indicator = self.indicator()
        existing = indicator.traits.first()
        assert existing is not None
        cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
            ({"text": ""}, {"text": ["请填写行为特征"]}),
            ({"text": "行" * 201}, {"text": ["行为特征不能超过 200 个字"]}),
            (
                {"text": "新特征", "polarity": "grey"},
                {"polarity": ["适用清单应为正面清单、负面清单或均可"]},
            ),
            ({"text": existing.text}, {"text": [f"指标“政治担当”下已有行为特征“{existing.text}”"]}),
            ({"text": "新特征", "order": 1000}, {"order": ["排序应为 0–999 之间的整数"]}),
        ]
        count = BehaviourTrait.objects.count()
        for fields, expected in cases:
            with self.subTest(fields=fields), pytest.raises(ValidationError) as exc:
                services.trait_add(acting_user=self.sysadmin, indicator=indicator, **fields)
            assert exc.value.message_dict == expected
        assert BehaviourTrait.objects.count() == count

    def test_it_refuses_to_delete_a_trait_that_entries_cite(self) -> None:
        indicator = self.indicator()
        trait = indicator.traits.get(polarity=Polarity.NEGATIVE)
        self.entry(indicator, trait)
        seq = self.newest_seq()
        with pytest.raises(ValidationError) as exc:
            services.trait_delete(acting_user=self.sysadmin, trait=trait)
        assert exc.value.messages == [
            f"行为特征“{trait.text}”已被 1 条清单记录引用，不能删除；"
            "如需调整，请修改其文字或适用清单"
        ]
        assert BehaviourTrait.objects.filter(pk=trait.pk).exists()
        assert self.events_after(seq) == []
        # Rewording is the way: the entry shows the new wording.
        services.trait_update(acting_user=self.sysadmin, trait=trait, text="关键时刻退缩不前")
        assert BehaviourTrait.objects.get(entries__isnull=False).text == "关键时刻退缩不前"

    def test_it_clears_the_cadre_panels_cached_indicators_once_committed(self) -> None:
        cache.delete(INDICATORS_CACHE_KEY)
        assert ("政治担当" in {name for _pk, name, _traits in _indicators()}) is True
        assert cache.get(INDICATORS_CACHE_KEY) is not None
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            services.indicator_update(
                acting_user=self.sysadmin, indicator=self.indicator(), name="担当作为"
            )
        assert len(callbacks) == 1
        assert cache.get(INDICATORS_CACHE_KEY) is None
        names = [name for _pk, name, _traits in _indicators()]
        assert "担当作为" in names
        assert "政治担当" not in names
        for call in (
            lambda: services.trait_add(
                acting_user=self.sysadmin, indicator=self.indicator("政治自律"), text="新特征"
            ),
            lambda: services.indicator_create(acting_user=self.sysadmin, name="政治品格"),
        ):
            _indicators()
            with self.captureOnCommitCallbacks(execute=True):
                call()
            assert cache.get(INDICATORS_CACHE_KEY) is None

    def test_it_counts_entries_in_the_readers_scope_and_everywhere_for_the_administrator(
        self,
    ) -> None:
        indicator = self.indicator()
        trait = indicator.traits.get(polarity=Polarity.NEGATIVE)
        self.entry(indicator, trait)

        def counts(user):
            catalogue = selectors.indicator_catalogue(user=user)
            row = next(r for r in catalogue.rows if r.indicator == indicator)
            by_trait = {t.trait.pk: t.entries for t in row.traits}
            return catalogue.counts_everywhere, row.entries, by_trait[trait.pk]

        assert counts(self.clerk_a) == (False, 1, 1)
        assert counts(self.clerk_b) == (False, 0, 0)  # the entry is of 甲镇
        assert counts(self.sysadmin) == (True, 1, 1)


class CataloguePageTests(SupervisionTestCase):
    def test_it_lets_the_administrator_keep_the_catalogue_from_the_pages(self) -> None:
        client = self.client_for(self.sysadmin)
        page = client.get(reverse("home:dashboard")).content.decode()
        assert f'href="{LIST_URL}"' in page  # the 系统管理 navigation entry
        listing = client.get(LIST_URL).content.decode()
        assert "添加指标" in listing
        for name in ("政治忠诚", "政治定力", "政治担当", "政治能力", "政治自律"):
            assert name in listing

        create = reverse("supervision:indicator_create")
        bad = client.post(create, {"name": "政治担当", "order": 6})
        assert bad.status_code == 200
        assert "已有指标“政治担当”" in bad.content.decode()
        empty = client.post(create, {"name": "", "order": ""})
        assert empty.content.decode().count("这个字段是必填项。") == 2
        response = client.post(create, {"name": "政治品格", "description": "忠诚老实", "order": 6})
        indicator = Indicator.objects.get(name="政治品格")
        assert response["Location"] == f"{LIST_URL}#indicator-{indicator.pk}"
        assert "已添加指标“政治品格”" in client.get(LIST_URL).content.decode()

        add_trait = reverse("supervision:trait_add", args=[indicator.pk])
        assert "为指标“政治品格”添加行为特征" in client.get(add_trait).content.decode()
        client.post(add_trait, {"text": "对党说老实话", "polarity": "positive", "order": 1})
        trait = indicator.traits.get()
        assert trait.polarity == "positive"
        edit_trait = reverse("supervision:trait_edit", args=[trait.pk])
        assert 'value="对党说老实话"' in client.get(edit_trait).content.decode()
        client.post(edit_trait, {"text": "对党说老实话、办老实事", "polarity": "", "order": 1})
        assert BehaviourTrait.objects.get(pk=trait.pk).text == "对党说老实话、办老实事"

        edit = reverse("supervision:indicator_edit", args=[indicator.pk])
        form = client.get(edit).content.decode()
        assert "停用后不再出现在记入正面 / 负面清单的表单中" in form
        client.post(edit, {"name": "政治品格", "description": "忠诚老实", "order": 6})
        assert Indicator.objects.get(pk=indicator.pk).is_active is False
        listing = client.get(LIST_URL).content.decode()
        assert "已保存指标“政治品格”（已停用）" in listing
        assert listing.count("已停用</span>") == 1

        client.post(reverse("supervision:trait_delete", args=[trait.pk]))
        assert not indicator.traits.exists()
        assert "已删除行为特征“对党说老实话、办老实事”" in client.get(LIST_URL).content.decode()

    def test_it_explains_on_the_page_why_a_cited_trait_is_not_deleted(self) -> None:
        indicator = self.indicator()
        trait = indicator.traits.get(polarity=Polarity.NEGATIVE)
        services.conduct_add(
            acting_user=self.clerk,
            cadre=self.person("王强"),
            polarity=Polarity.NEGATIVE,
            date=DAY,
            indicator=indicator,
            trait=trait,
            source="巡察反馈",
            evidence="防汛期间擅离岗位",
        )
        client = self.client_for(self.sysadmin)
        response = client.post(reverse("supervision:trait_delete", args=[trait.pk]), follow=True)
        assert "已被 1 条清单记录引用，不能删除；如需调整，请修改其文字或适用清单" in (
            response.content.decode()
        )
        assert BehaviourTrait.objects.filter(pk=trait.pk).exists()

    def test_it_shows_the_catalogue_read_only_to_supervision_readers(self) -> None:
        indicator = self.indicator()
        trait = indicator.traits.first()
        assert trait is not None
        for user in (self.clerk, self.leader, self.clerk_b):
            with self.subTest(user=user.username):
                client = self.client_for(user)
                page = client.get(LIST_URL)
                assert page.status_code == 200
                text = page.content.decode()
                assert "政治担当" in text
                assert "本页为只读" in text
                assert "添加指标" not in text
                assert reverse("supervision:indicator_edit", args=[indicator.pk]) not in text
                for url in (
                    reverse("supervision:indicator_create"),
                    reverse("supervision:indicator_edit", args=[indicator.pk]),
                    reverse("supervision:trait_add", args=[indicator.pk]),
                    reverse("supervision:trait_edit", args=[trait.pk]),
                    reverse("supervision:trait_delete", args=[trait.pk]),
                ):
                    assert (
                        client.post(url, {"name": "改", "text": "改", "order": 1}).status_code
                        == 404
                    )
        assert Indicator.objects.get(pk=indicator.pk).name == "政治担当"
        assert BehaviourTrait.objects.filter(pk=trait.pk, text=trait.text).exists()
        for user in (self.liaison_a, self.outsider_b, self.secadmin, self.auditor, self.nobody):
            with self.subTest(user=user.username):
                assert self.client_for(user).get(LIST_URL).status_code == 404
        assert self.client.get(LIST_URL).status_code == 302  # anonymous: to the login page

    def test_it_links_the_catalogue_from_the_political_profile(self) -> None:
        cadre = self.person("王强")
        page = self.client_for(self.leader).get(
            reverse("supervision:cadre_profile", args=[cadre.pk])
        )
        assert f'href="{LIST_URL}"' in page.content.decode()

    def test_it_drops_a_switched_off_indicator_from_the_cadre_page_form_at_once(self) -> None:
        cadre = self.person("王强")
        detail = reverse("cadres:detail", args=[cadre.pk])
        indicator = self.indicator("政治自律")
        option = f'<option value="{indicator.pk}">政治自律</option>'
        assert option in self.client_for(self.clerk).get(detail).content.decode()
        edit = reverse("supervision:indicator_edit", args=[indicator.pk])
        with self.captureOnCommitCallbacks(execute=True):
            self.client_for(self.sysadmin).post(edit, {"name": "政治自律", "order": 5})
        assert option not in self.client_for(self.clerk).get(detail).content.decode()

    def test_it_reads_the_catalogue_in_the_same_queries_for_more_indicators(self) -> None:
        client = self.client_for(self.clerk)

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(LIST_URL).status_code == 200
            return len(ctx.captured_queries)

        count()  # the first request also reads per-process caches
        few = count()
        for i in range(4):
            indicator = services.indicator_create(acting_user=self.sysadmin, name=f"新指标{i}")
            for j in range(3):
                services.trait_add(acting_user=self.sysadmin, indicator=indicator, text=f"特征{j}")
        assert count() == few
