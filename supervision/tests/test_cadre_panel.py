"""The cadre page shows the 正面/负面清单 counts and lets a clerk record an entry in one form."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cadres import services as cadres
from core.testing import PersonaTestCase
from supervision.models import ConductEntry, Indicator


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
