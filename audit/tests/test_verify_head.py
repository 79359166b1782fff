"""Truncation of the newest rows is found against a head recorded outside the database."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.models import AuditEvent
from zugong.testing import PersonaTestCase

from .utils import lift_append_only_triggers


def _head() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    match = re.search(r"链头：(\d+:[0-9a-f]{64})", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


class VerifyHeadTests(PersonaTestCase):
    def test_it_prints_the_head_and_accepts_it_back(self):
        head = _head()
        seq = int(head.split(":")[0])
        assert seq == AuditEvent.objects.order_by("-seq").first().seq
        out = StringIO()
        call_command("verify_audit", expect_head=head, stdout=out)
        assert "审计链完整" in out.getvalue()

    def test_it_finds_the_newest_rows_deleted_after_the_head_was_recorded(self):
        head = _head()
        seq = int(head.split(":")[0])
        with connection.cursor() as cursor:
            lift_append_only_triggers(cursor)
            cursor.execute("DELETE FROM audit_auditevent WHERE seq >= %s", [seq - 2])
        # Without the recorded head the shortened chain still verifies: that is the blind spot.
        call_command("verify_audit", stdout=StringIO())
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("verify_audit", expect_head=head, stdout=out)
        assert f"第 {seq} 条已不存在" in out.getvalue()

    def test_it_refuses_a_malformed_head(self):
        with pytest.raises(CommandError, match="格式"):
            call_command("verify_audit", expect_head="12:abc", stdout=StringIO())
