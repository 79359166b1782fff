"""Shared set-up for supervision tests: cadres built through the real cadre services."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from audit.models import AuditEvent
from cadres import services as cadres
from cadres.models import Cadre
from core.permissions import Role
from supervision.models import Indicator
from zugong.testing import PersonaTestCase, make_user


class SupervisionTestCase(PersonaTestCase):
    """The persona tree plus a 干部科 clerk of 甲镇 (``clerk_a``) and one of 乙镇 (``clerk_b``)."""

    clerk_a: User
    clerk_b: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk_a = make_user("clerk_a", Role.CADRE_CLERK, cls.units["a"])
        cls.clerk_b = make_user("clerk_b", Role.CADRE_CLERK, cls.units["b"])

    @classmethod
    def person(cls, name: str, *, unit: str = "a", rank_level: str = "132") -> Cadre:
        """A 在职 cadre holding an open post of ``rank_level`` (none when empty)."""
        cadre = cadres.cadre_create(
            acting_user=cls.clerk,
            unit=cls.units[unit],
            name=name,
            sex="1",
            birth_date=dt.date(1980, 5, 1),
        )
        if rank_level:
            cadres.position_start(
                acting_user=cls.clerk,
                cadre=cadre,
                unit=cls.units[unit],
                title="副书记" if rank_level.endswith("2") else "书记",
                rank_level=rank_level,
                is_leading=True,
                start_date=dt.date(2020, 3, 1),
            )
        return Cadre.objects.get(pk=cadre.pk)

    @staticmethod
    def indicator(name: str = "政治担当") -> Indicator:
        return Indicator.objects.get(name=name)

    def newest_seq(self) -> int:
        return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def events_after(self, seq: int) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
