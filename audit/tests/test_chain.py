"""The HMAC chain: every event names the previous one's MAC; the verifier (function, command
and page) finds altered, deleted, inserted and re-ordered rows (docs/security.md, "Audit")."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import SimpleTestCase, override_settings

from accounts.services import grant_add
from audit.choices import AuditAction
from audit.models import AuditEvent
from audit.services import GENESIS_MAC, canonical, compute_mac
from audit.verify import ChainBreak, verify_chain
from core.permissions import Role
from zugong.testing import PersonaTestCase

from .utils import attacker_sql, chain, forge_copy

CONTENT = "内容与校验码不符（记录被篡改或伪造）"
LINK = "与前一条记录的链接断开（前面的记录被删除、插入或修改）"


def independent_mac(row: dict[str, Any]) -> str:
    """The MAC of a stored row, worked out without audit.services: HMAC-SHA256 under the
    audit key of ``prev_mac|JSON`` where the JSON holds every column of the row but the
    surrogate id and the two MACs (sorted keys, no spaces, UTF-8, time in UTC to the µs)."""
    body = {k: v for k, v in row.items() if k not in ("id", "mac", "prev_mac")}
    body["occurred_at"] = (
        row["occurred_at"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    )
    message = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    key = settings.ZUGONG_AUDIT_KEY.encode()
    return hmac.new(key, f"{row['prev_mac']}|{message}".encode(), hashlib.sha256).hexdigest()


# One event written out by hand in the documented format: the bytes the MAC covers.
HAND_EVENT = {
    "seq": 7,
    # 16:30 in Beijing is 08:30 UTC: the message carries UTC whatever zone the value has.
    "occurred_at": dt.datetime(2026, 6, 10, 16, 30, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
    "actor_id": None,
    "actor_username": "",
    "ip": "10.0.0.8",
    "request_id": "abc123",
    "channel": "web",
    "action": "update",
    "object_type": "orgs.Unit",
    "object_id": "42",
    "object_repr": "甲镇",
    "changes": {"before": {"name": "甲乡"}, "after": {"name": "甲镇"}},
    "sensitive": False,
}
HAND_MESSAGE = (
    '{"action":"update","actor_id":null,"actor_username":"","changes":{"after":{"name":"甲镇"},'
    '"before":{"name":"甲乡"}},"channel":"web","ip":"10.0.0.8","object_id":"42",'
    '"object_repr":"甲镇","object_type":"orgs.Unit",'
    '"occurred_at":"2026-06-10T08:30:00.123456+00:00","request_id":"abc123",'
    '"sensitive":false,"seq":7}'
).encode()


@override_settings(ZUGONG_AUDIT_KEY="k-test")
class MacByHandTests(SimpleTestCase):
    """compute_mac against an oracle outside the code: literal bytes and Python's hmac."""

    def test_it_covers_exactly_the_hand_written_message(self):
        assert canonical(AuditEvent(**HAND_EVENT)) == HAND_MESSAGE

    def test_it_is_hmac_sha256_of_the_previous_mac_a_bar_and_the_message(self):
        prev = "ab" * 32
        expected = hmac.new(b"k-test", prev.encode() + b"|" + HAND_MESSAGE, hashlib.sha256)
        assert compute_mac(AuditEvent(**HAND_EVENT), prev) == expected.hexdigest()
        # The same digests, computed once with Python's hmac module and written down.
        assert compute_mac(AuditEvent(**HAND_EVENT), prev) == (
            "a98a3de3e14db2481c7a6da648bb2ef1fceadf9604b236b0c370aaa8c3007536"
        )
        assert compute_mac(AuditEvent(**HAND_EVENT), GENESIS_MAC) == (
            "f5954131dc6ce2a80756e3053899aac481ed310b905c1550825d3e0c25dd350c"
        )

    def test_it_changes_with_the_key_the_link_and_every_field(self):
        base = compute_mac(AuditEvent(**HAND_EVENT), GENESIS_MAC)
        with override_settings(ZUGONG_AUDIT_KEY="k-other"):
            assert compute_mac(AuditEvent(**HAND_EVENT), GENESIS_MAC) != base
        assert compute_mac(AuditEvent(**HAND_EVENT), "1" * 64) != base
        for field, value in [
            ("seq", 8),
            ("occurred_at", dt.datetime(2026, 6, 10, 8, 30, 0, 123457, tzinfo=dt.UTC)),
            ("actor_username", "x"),
            ("ip", "10.0.0.9"),
            ("request_id", "abc124"),
            ("channel", "api"),
            ("action", "delete"),
            ("object_type", "orgs.PostQuota"),
            ("object_id", "43"),
            ("object_repr", "乙镇"),
            ("changes", {}),
            ("sensitive", True),
        ]:
            with self.subTest(field=field):
                changed = AuditEvent(**{**HAND_EVENT, field: value})
                assert compute_mac(changed, GENESIS_MAC) != base


class ChainTests(PersonaTestCase):
    def setUp(self):
        self.events = chain()
        assert len(self.events) >= 10
        self.middle = self.events[len(self.events) // 2].seq

    def verify_command(self) -> str:
        out = StringIO()
        call_command("verify_audit", stdout=out)
        return out.getvalue()

    def test_it_links_every_event_to_the_previous_one(self):
        assert [e.seq for e in self.events] == list(range(1, len(self.events) + 1))
        assert self.events[0].prev_mac == GENESIS_MAC
        rows = {r["seq"]: r for r in AuditEvent.objects.values()}
        for previous, event in zip(self.events, self.events[1:], strict=False):
            assert event.prev_mac == previous.mac
            assert event.mac == independent_mac(rows[event.seq])
        assert self.events[0].mac == independent_mac(rows[self.events[0].seq])

    def test_it_chains_a_new_service_event_onto_the_last_one(self):
        last = self.events[-1]
        grant_add(
            acting_user=self.secadmin, user=self.nobody, role=Role.LEADER, unit=self.units["a"]
        )
        event = AuditEvent.objects.order_by("-seq").first()
        assert event.action == AuditAction.GRANT
        assert event.seq == last.seq + 1
        assert event.prev_mac == last.mac

    def test_it_finds_a_fresh_chain_clean(self):
        checked, breaks = verify_chain()
        assert checked == len(self.events)
        assert breaks == []

    def test_it_checks_in_batches_without_missing_a_link(self):
        attacker_sql("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["改", 3])
        checked, breaks = verify_chain(batch=2)
        assert checked == len(self.events)
        assert breaks == [ChainBreak(3, CONTENT)]

    def test_it_reports_an_altered_row(self):
        attacker_sql(
            "UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["无人来过", self.middle]
        )
        _, breaks = verify_chain()
        assert breaks == [ChainBreak(self.middle, CONTENT)]

    def test_it_reports_an_altered_row_whose_mac_was_recomputed_without_the_key(self):
        event = AuditEvent.objects.get(seq=self.middle)
        event.object_repr = "无人来过"
        guessed_mac = hmac.new(
            b"guessed-key", event.prev_mac.encode() + b"|" + canonical(event), hashlib.sha256
        ).hexdigest()
        attacker_sql(
            "UPDATE audit_auditevent SET object_repr = %s, mac = %s WHERE seq = %s",
            [event.object_repr, guessed_mac, self.middle],
        )
        _, breaks = verify_chain()
        assert breaks == [ChainBreak(self.middle, CONTENT), ChainBreak(self.middle + 1, LINK)]

    def test_it_reports_an_altered_actor(self):
        attacker_sql(
            "UPDATE audit_auditevent SET actor_username = %s WHERE seq = %s", ["nobody", 2]
        )
        assert verify_chain()[1] == [ChainBreak(2, CONTENT)]

    def test_it_reports_a_deleted_middle_row(self):
        attacker_sql("DELETE FROM audit_auditevent WHERE seq = %s", [self.middle])
        checked, breaks = verify_chain()
        assert checked == len(self.events) - 1
        assert breaks == [
            ChainBreak(self.middle, f"缺少序号 {self.middle}–{self.middle}（记录被删除）"),
            ChainBreak(self.middle + 1, LINK),
        ]

    def test_it_reports_a_deleted_first_row(self):
        attacker_sql("DELETE FROM audit_auditevent WHERE seq = 1")
        breaks = verify_chain()[1]
        assert ChainBreak(1, "缺少序号 1–1（记录被删除）") in breaks
        assert ChainBreak(2, LINK) in breaks

    def test_it_reports_a_forged_row_appended_with_a_made_up_mac(self):
        last = self.events[-1]
        forged = last.seq + 1
        forge_copy(source_seq=last.seq, seq=forged, prev_mac=last.mac, mac="f" * 64, repr_="伪造")
        checked, breaks = verify_chain()
        assert checked == len(self.events) + 1
        assert breaks == [ChainBreak(forged, CONTENT)]

    def test_it_reports_a_forged_row_slipped_into_a_gap(self):
        attacker_sql("DELETE FROM audit_auditevent WHERE seq = %s", [self.middle])
        previous = AuditEvent.objects.get(seq=self.middle - 1)
        forge_copy(
            source_seq=self.middle - 1,
            seq=self.middle,
            prev_mac=previous.mac,
            mac="a" * 64,
            repr_="伪造",
        )
        breaks = verify_chain()[1]
        assert breaks == [ChainBreak(self.middle, CONTENT), ChainBreak(self.middle + 1, LINK)]

    def test_it_reports_re_ordered_rows(self):
        a, b = self.middle, self.middle + 1
        attacker_sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [-1, a])
        attacker_sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
        attacker_sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [b, -1])
        breaks = verify_chain()[1]
        assert ChainBreak(a, LINK) in breaks
        assert ChainBreak(a, CONTENT) in breaks
        assert ChainBreak(b, CONTENT) in breaks
        assert ChainBreak(b + 1, LINK) in breaks

    def test_it_refuses_a_duplicated_seq_in_the_database(self):
        last = self.events[-1]
        with pytest.raises(IntegrityError), transaction.atomic():
            forge_copy(source_seq=last.seq, seq=last.seq, prev_mac=last.mac, mac="0", repr_="x")

    def test_it_exits_zero_from_the_command_on_a_clean_chain(self):
        output = self.verify_command()
        assert f"审计链完整：共 {len(self.events)} 条记录" in output

    def test_it_fails_the_command_and_names_the_seq_on_a_break(self):
        attacker_sql(
            "UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", ["无人来过", self.middle]
        )
        out = StringIO()
        with pytest.raises(CommandError) as info:
            call_command("verify_audit", stdout=out)
        assert "审计链校验失败" in str(info.value)
        assert f"第 {self.middle} 条：{CONTENT}" in out.getvalue()

    def test_it_shows_a_break_on_the_verify_page(self):
        attacker_sql("DELETE FROM audit_auditevent WHERE seq = %s", [self.middle])
        response = self.client_for(self.auditor).post("/audit/verify/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "校验失败" in body
        assert f"第 {self.middle} 条" in body
        assert "审计链完整" not in body
