"""Verifying the audit chain: finds altered, deleted and inserted rows."""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import AuditEvent
from audit.services import GENESIS_MAC, compute_mac


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    problem: str


def verify_chain(*, batch: int = 5000) -> tuple[int, list[ChainBreak]]:
    """Walk the chain in ``seq`` order; returns (rows checked, breaks found)."""
    breaks: list[ChainBreak] = []
    expected_seq = 1
    prev_mac = GENESIS_MAC
    checked = 0
    qs = AuditEvent.objects.order_by("seq")
    last_seq = 0
    while True:
        page = list(qs.filter(seq__gt=last_seq)[:batch])
        if not page:
            break
        for event in page:
            checked += 1
            if event.seq != expected_seq:
                if event.seq > expected_seq:
                    breaks.append(
                        ChainBreak(
                            expected_seq, f"缺少序号 {expected_seq}–{event.seq - 1}（记录被删除）"
                        )
                    )
                else:
                    breaks.append(ChainBreak(event.seq, "序号重复（记录被插入）"))
            if event.prev_mac != prev_mac:
                breaks.append(
                    ChainBreak(event.seq, "与前一条记录的链接断开（前面的记录被删除、插入或修改）")
                )
            if compute_mac(event, event.prev_mac) != event.mac:
                breaks.append(ChainBreak(event.seq, "内容与校验码不符（记录被篡改或伪造）"))
            prev_mac = event.mac
            expected_seq = event.seq + 1
            last_seq = event.seq
    return checked, breaks
