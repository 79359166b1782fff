"""Shared set-up for pool tests: cadres built through the real cadre services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.models import User
from audit.models import AuditEvent
from cadres import services as cadres
from cadres.choices import EducationKind
from cadres.models import Cadre
from core.permissions import Role
from development import services
from development.choices import PoolKind
from development.models import Pool, PoolEntry
from orgs.models import Unit
from zugong.testing import PersonaTestCase, make_user

YOUNG = {
    "max_age": 35,
    "rank_levels": ["141", "142"],
    "min_education": "2",
    "recent_assessments": {"years": 3, "none_below_competent": True, "min_excellent": 1},
}


class PoolTestCase(PersonaTestCase):
    """The persona tree plus a 干部科 clerk of 甲镇 (``clerk_a``) and one of 乙镇 (``clerk_b``)."""

    clerk_a: User
    clerk_b: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.clerk_a = make_user("clerk_a", Role.CADRE_CLERK, cls.units["a"])
        cls.clerk_b = make_user("clerk_b", Role.CADRE_CLERK, cls.units["b"])

    @classmethod
    def person(
        cls,
        name: str,
        *,
        unit: str = "a",
        birth: dt.date = dt.date(1992, 3, 1),
        sex: str = "1",
        rank_level: str = "142",
        education: str = "21",
        expertise: str = "",
        grades: dict[int, str] | None = None,
    ) -> Cadre:
        """A 在职 cadre with (optionally) an open post of ``rank_level``, a 学历 and 考核."""
        cadre = cadres.cadre_create(
            acting_user=cls.clerk,
            unit=cls.units[unit],
            name=name,
            sex=sex,
            birth_date=birth,
            expertise=expertise,
        )
        if rank_level:
            cadres.position_start(
                acting_user=cls.clerk,
                cadre=cadre,
                unit=cls.units[unit],
                title="副镇长" if rank_level.endswith("2") else "镇长",
                rank_level=rank_level,
                is_leading=True,
                start_date=dt.date(2021, 3, 1),
            )
        if education:
            cadres.education_add(
                acting_user=cls.clerk,
                cadre=cadre,
                kind=EducationKind.FULL_TIME,
                education_level=education,
                school="测试大学",
                major="行政管理专业",
                start_date=dt.date(2010, 9, 1),
                end_date=dt.date(2014, 7, 1),
            )
        for year, grade in (grades or {}).items():
            cadres.assessment_set(acting_user=cls.clerk, cadre=cadre, year=year, grade=grade)
        return Cadre.objects.get(pk=cadre.pk)

    @classmethod
    def pool(
        cls,
        name: str = "全县优秀年轻干部库",
        *,
        unit: str = "root",
        criteria: dict[str, Any] | None = None,
        kind: str = PoolKind.YOUNG,
        user: User | None = None,
    ) -> Pool:
        return services.pool_create(
            acting_user=user or cls.clerk,
            unit=cls.units[unit],
            kind=kind,
            name=name,
            criteria=YOUNG if criteria is None else criteria,
        )

    @classmethod
    def enter(cls, pool: Pool, cadre: Cadre, reason: str = "经考察符合条件") -> PoolEntry:
        return services.pool_entry_add(acting_user=cls.clerk, pool=pool, cadre=cadre, reason=reason)

    def fresh_unit(self, key: str) -> Unit:
        return Unit.objects.get(pk=self.units[key].pk)

    def newest_seq(self) -> int:
        return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    def events_after(self, seq: int) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
