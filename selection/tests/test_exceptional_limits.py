"""破格提拔's limits on the day they end (``selection.services.exceptional_problems``; found by
`make mutation`, docs/testing.md): a 试用期 ending today has ended, a promotion made a year ago
today is a year old, and a post off the GB/T 12407 ladder does not hide a later promotion."""

from __future__ import annotations

import datetime as dt

from cadres import services as cadres
from cadres.models import Cadre
from selection import services
from selection.models import Candidate
from selection.tests.base import TODAY, SelectionTestCase


class ExceptionalLimitTests(SelectionTestCase):
    def problems(self, cadre: Cadre, today: dt.date = TODAY) -> list[str]:
        candidate = self.nominate(self.case(rank_level="132"), cadre, exceptional=True)
        return services.exceptional_problems(Candidate.objects.get(pk=candidate.pk), today)

    def test_a_probation_ending_today_has_ended(self) -> None:
        cadre = self.person("钱七", since=dt.date(2024, 1, 2), probation_end=TODAY)
        assert self.problems(cadre) == []
        assert self.problems(cadre, TODAY - dt.timedelta(days=1)) == [
            "钱七担任“甲镇副镇长”的试用期至 2026.03.09 未满，不得破格提拔"
        ]

    def test_a_promotion_made_a_year_ago_today_is_a_year_old(self) -> None:
        cadre = self.person("孙八", since=dt.date(2025, 3, 9))
        assert self.problems(cadre) == []
        assert self.problems(cadre, TODAY - dt.timedelta(days=1)) == [
            "孙八于 2025.03.09 提拔任“甲镇副镇长”，提拔任职不满一年，不得破格提拔"
        ]

    def test_an_earlier_post_off_the_ladder_does_not_hide_a_later_promotion(self) -> None:
        cadre = self.person("周九", since=dt.date(2025, 6, 1))
        cadres.position_start(
            acting_user=self.clerk,
            cadre=cadre,
            unit=self.units["a"],
            title="镇长助理",
            rank_level="",
            is_leading=True,
            start_date=dt.date(2019, 1, 2),
            end_date=dt.date(2025, 5, 31),
        )
        assert services.last_promotion(cadre) is not None
        assert self.problems(cadre) == [
            "周九于 2025.06.01 提拔任“甲镇副镇长”，提拔任职不满一年，不得破格提拔"
        ]
