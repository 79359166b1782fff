"""Verifying the audit chain: finds altered, deleted and inserted rows."""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import AuditEvent, ExportSubject
from audit.services import GENESIS_MAC, compute_mac, subjects_digest


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
    listed: set[int] = set()
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
            if isinstance(event.changes, dict) and "subjects" in event.changes:
                listed.add(event.seq)
                if problem := _subjects_problem(event):
                    breaks.append(ChainBreak(event.seq, problem))
            prev_mac = event.mac
            expected_seq = event.seq + 1
            last_seq = event.seq
    stray = (
        ExportSubject.objects.order_by("seq").values_list("seq", flat=True).distinct().iterator()
    )
    breaks.extend(
        ChainBreak(seq, "导出对象清单没有对应的导出记录（清单被插入）")
        for seq in stray
        if seq not in listed
    )
    return checked, breaks


def _subjects_problem(event: AuditEvent) -> str:
    """The export's list of subjects against the count and digest its MAC covers."""
    claim = event.changes["subjects"]
    rows = ExportSubject.objects.filter(seq=event.seq).order_by("object_id")
    ids = list(rows.values_list("object_id", flat=True))
    types = set(rows.order_by().values_list("object_type", flat=True).distinct())
    if (
        not isinstance(claim, dict)
        or claim.get("count") != len(ids)
        or claim.get("sha256") != subjects_digest(ids)
        or (ids and types != {claim.get("type")})
    ):
        return "导出对象清单与记录的人数或校验值不符（清单被修改）"
    return ""
