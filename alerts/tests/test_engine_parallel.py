"""On PostgreSQL, outside a transaction, the rules run on worker threads (each with its own
connection): the stored alerts must be exactly those of a one-rule-at-a-time run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from alerts.engine import compute
from alerts.models import Alert
from alerts.registry import Scope
from cadres import services
from core.codes import load_code_tables
from core.idnumber import build_id_number
from core.models import Code
from core.permissions import Role
from orgs.choices import UnitKind, UnitLevel
from orgs.services import unit_create_root
from zugong.testing import build_tree, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="threads share one SQLite file"
)


def _stored() -> set[tuple[str, int, str, str]]:
    return set(
        Alert.objects.filter(is_active=True).values_list(
            "rule__code", "subject_id", "key", "message"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_it_stores_the_same_alerts_from_worker_threads() -> None:
    if not Code.objects.exists():
        load_code_tables(Code)
    root = unit_create_root(
        name="测试县委", code="T000", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COUNTY
    )
    clerk = make_user("clerk", Role.CADRE_CLERK, root)
    units = build_tree(clerk, root)
    for i, (birth, start) in enumerate(
        [(dt.date(1966, 3, 1), dt.date(2010, 5, 1)), (dt.date(1985, 7, 1), dt.date(2019, 2, 1))]
    ):
        cadre = services.cadre_create(
            acting_user=clerk,
            unit=units["a"],
            name=f"干部{i}",
            id_number=build_id_number("130101", birth, 2 * i + 1),
            ethnicity="01",
            political_status="01",
        )
        services.position_start(
            acting_user=clerk,
            cadre=cadre,
            unit=units["a"],
            title="党委书记" if i == 0 else "副镇长",
            rank_level="141" if i == 0 else "142",
            is_leading=True,
            is_head=i == 0,
            start_date=start,
        )
    scope = Scope(path=root.path, today=dt.date(2026, 11, 27))
    assert not connection.in_atomic_block
    threaded = compute(scope)  # outside a transaction: worker threads
    assert len(threaded.rules) > 2
    assert _stored()
    found = _stored()
    Alert.objects.all().delete()
    with transaction.atomic():
        compute(scope)  # inside one: the rules one after another
    assert _stored() == found
