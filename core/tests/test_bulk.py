"""``core.bulk.copy_insert``: the rows it writes read back exactly as ``save()`` would write them.

On PostgreSQL (100 rows ≥ COPY_THRESHOLD) this exercises ``COPY … FROM STDIN``; on SQLite the
same assertions hold for the ``bulk_create`` fallback.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from audit.models import AuditEvent
from audit.services import PendingEvent, audit_record_many
from audit.verify import verify_chain
from cadres.models import Cadre
from core.bulk import COPY_THRESHOLD, copy_insert
from core.idnumber import build_id_number
from zugong.testing import PersonaTestCase

ROWS = 2 * COPY_THRESHOLD


class CopyInsertTests(PersonaTestCase):
    def test_it_writes_rows_with_their_keys_times_and_encrypted_id_numbers(self) -> None:
        unit = self.units["a"]
        numbers = [build_id_number("110101", dt.date(1980, 1, 1), i * 2 + 1) for i in range(ROWS)]
        people = [
            Cadre(
                unit=unit,
                unit_path=unit.path,
                name=f"测试{i}",
                sex="1",
                birth_date=dt.date(1980, 1, 1),
                id_number=numbers[i],
                id_digest=f"digest-{i}",
                lrmx_extra={"附加": ['"引号"', "反斜杠\\", "换行\n"]},
                resume="1998.09--2002.07 某大学学习\n2002.07--      某镇“科员”",
            )
            for i in range(ROWS)
        ]
        with transaction.atomic():
            copy_insert(Cadre, people)
        assert all(p.pk for p in people)
        assert len({p.pk for p in people}) == ROWS
        assert all(not p._state.adding for p in people)
        stored = Cadre.objects.in_bulk([p.pk for p in people])
        for person, number in zip(people, numbers, strict=True):
            row = stored[person.pk]
            assert row.name == person.name
            assert row.id_number is not None
            assert row.id_number.value == number.value
            assert row.lrmx_extra == {"附加": ['"引号"', "反斜杠\\", "换行\n"]}
            assert row.resume == person.resume
            assert row.created_at is not None
            assert row.updated_at is not None
        # The sequence moved past the ids drawn: the next ordinary save does not collide.
        nxt = Cadre.objects.create(
            unit=unit, unit_path=unit.path, name="后来者", sex="2", birth_date=dt.date(1990, 1, 1)
        )
        assert nxt.pk > max(p.pk for p in people)

    def test_it_keeps_the_audit_chain_whole(self) -> None:
        events = [
            PendingEvent(
                action="import",
                actor=self.clerk,
                object_type="cadres.Cadre",
                object_id=str(i),
                object_repr=f"干部{i}",
                changes={"after": {"name": f"张“{i}”", "note": 'a"b\\c\nd'}},
            )
            for i in range(ROWS)
        ]
        with transaction.atomic():
            written = audit_record_many(events)
        assert [e.seq for e in written] == sorted(e.seq for e in written)
        stored = AuditEvent.objects.get(seq=written[-1].seq)
        assert stored.changes == {"after": {"name": f"张“{ROWS - 1}”", "note": 'a"b\\c\nd'}}
        checked, breaks = verify_chain()
        assert breaks == []
        assert checked >= ROWS
        assert connection.vendor in ("postgresql", "sqlite")
