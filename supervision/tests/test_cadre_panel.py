"""The cadre page shows the 正面/负面清单 counts and lets a clerk record an entry in one form."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadres import services as cadres
from supervision.models import ConductEntry, Indicator
from zugong.testing import PersonaTestCase


class CadrePanelTests(PersonaTestCase):
    def test_it_records_an_entry_from_the_cadre_page_form(self) -> None:
        cadre = cadres.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="张三",
            sex="1",
            birth_date=dt.date(1980, 1, 1),
        )
        page = self.client_for(self.clerk).get(reverse("cadres:detail", args=[cadre.pk]))
        text = page.content.decode()
        assert "正面清单 0 条 · 负面清单 0 条" in text
        action = reverse("supervision:cadre_profile", args=[cadre.pk])
        assert f'action="{action}"' in text
        response = self.client_for(self.clerk).post(
            action,
            {
                "polarity": "negative",
                "date": "2025-07-20",
                "indicator": Indicator.objects.get(name="政治担当").pk,
                "source": "巡察反馈",
                "evidence": "防汛期间擅离岗位",
            },
        )
        assert response.status_code == 302
        assert ConductEntry.objects.filter(cadre=cadre, polarity="negative").count() == 1
        page = self.client_for(self.clerk).get(reverse("cadres:detail", args=[cadre.pk]))
        assert "负面清单 1 条" in page.content.decode()
        # The leader sees the counts but no form; a liaison of 乙镇 does not see the cadre.
        leader = self.client_for(self.leader).get(reverse("cadres:detail", args=[cadre.pk]))
        assert "负面清单 1 条" in leader.content.decode()
        assert f'action="{action}"' not in leader.content.decode()

    def test_the_form_starts_at_today_offers_the_traits_and_returns_to_the_cadre_page(self) -> None:
        # Issue 14, item 11.
        from django.utils import timezone

        from supervision.models import BehaviourTrait

        cadre = cadres.cadre_create(
            acting_user=self.clerk,
            unit=self.units["a"],
            name="李四",
            sex="1",
            birth_date=dt.date(1981, 1, 1),
        )
        page_url = reverse("cadres:detail", args=[cadre.pk])
        text = self.client_for(self.clerk).get(page_url).content.decode()
        assert f'id="conduct-date" value="{timezone.localdate():%Y-%m-%d}"' in text
        trait = BehaviourTrait.objects.filter(indicator__name="政治担当").order_by("id").first()
        assert trait is not None
        assert f'<option value="{trait.pk}">{trait.text}</option>' in text
        assert '<optgroup label="政治担当">' in text
        response = self.client_for(self.clerk).post(
            reverse("supervision:cadre_profile", args=[cadre.pk]),
            {
                "polarity": "positive",
                "date": timezone.localdate().isoformat(),
                "indicator": trait.indicator_id,
                "trait": trait.pk,
                "source": "考察谈话",
                "evidence": "抗洪一线连续值守",
                "next": page_url,
            },
        )
        assert response.status_code == 302
        assert response["Location"] == page_url
        entry = ConductEntry.objects.get(cadre=cadre)
        assert entry.trait == trait
        # A "next" that is not this cadre's page is ignored (no open redirect).
        response = self.client_for(self.clerk).post(
            reverse("supervision:cadre_profile", args=[cadre.pk]),
            {
                "polarity": "negative",
                "date": timezone.localdate().isoformat(),
                "indicator": trait.indicator_id,
                "source": "信访核查",
                "evidence": "——",
                "next": "https://example.com/",
            },
        )
        assert response["Location"] == reverse("supervision:cadre_profile", args=[cadre.pk])
