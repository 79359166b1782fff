"""Shared set-up for rule tests: cadres and positions made through the real cadre services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alerts.engine import compute
from alerts.models import Alert
from alerts.registry import RULES, Finding, Scope, effective_params
from cadres import services
from cadres.models import Cadre, Position
from core.idnumber import build_id_number
from orgs.models import Unit
from zugong.testing import PersonaTestCase


class RuleTestCase(PersonaTestCase):
    """Persona tree plus helpers to build careers and run one rule on a chosen day."""

    _serial = 0

    def person(
        self,
        name: str = "张三",
        *,
        unit: Unit | None = None,
        birth: dt.date = dt.date(1975, 6, 15),
        sex: str = "1",
        **fields: Any,
    ) -> Cadre:
        RuleTestCase._serial += 1
        number = build_id_number(
            "130101", birth, RuleTestCase._serial * 2 + (1 if sex == "1" else 0)
        )
        return services.cadre_create(
            acting_user=self.clerk,
            unit=unit or self.units["a"],
            name=name,
            id_number=number,
            ethnicity=fields.pop("ethnicity", "01"),
            political_status=fields.pop("political_status", "01"),
            **fields,
        )

    def post(
        self,
        cadre: Cadre,
        start: dt.date,
        *,
        end: dt.date | None = None,
        title: str = "党委书记",
        unit: Unit | None = None,
        rank_level: str = "141",
        is_leading: bool = True,
        is_head: bool = True,
        **fields: Any,
    ) -> Position:
        cadre.refresh_from_db()
        position = services.position_start(
            acting_user=self.clerk,
            cadre=cadre,
            unit=unit or self.units["a"],
            title=title,
            rank_level=rank_level,
            is_leading=is_leading,
            is_head=is_head,
            start_date=start,
            **fields,
        )
        if end is not None:
            position = services.position_end(
                acting_user=self.clerk, position=position, end_date=end
            )
        return position

    def findings(self, code: str, today: dt.date, **params: Any) -> list[Finding]:
        """Rule ``code`` computed over the whole tree on ``today`` with ``params`` over its
        defaults (nothing stored)."""
        spec = RULES[code]
        scope = Scope(path=self.units["root"].path, today=today)
        return list(spec.compute(scope, {**effective_params(spec, {}), **params}))

    def stored(self, code: str, today: dt.date) -> list[Alert]:
        """Run the engine for rule ``code`` on ``today`` and return its active alerts."""
        compute(Scope(path=self.units["root"].path, today=today), codes=[code])
        return list(Alert.objects.filter(rule__code=code, is_active=True).order_by("id"))
