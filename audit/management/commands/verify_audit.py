"""manage.py verify_audit — check the audit log's HMAC chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import AuditEvent
from audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "校验审计日志的 HMAC 链：发现被篡改、删除或插入的记录（有问题时退出码非 0）。"
        "结尾打印链头（序号:校验码）；把它保存到日志服务器等库外位置，下次用 --expect-head "
        "传回，即可发现末尾记录被删除。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:MAC",
            help="以前记录的链头；该记录必须仍在且校验码一致",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, breaks = verify_chain()
        problems = [f"第 {item.seq} 条：{item.problem}" for item in breaks]
        if options["expect_head"]:
            problems.extend(self._check_head(options["expect_head"]))
        for line in problems:
            self.stdout.write(self.style.ERROR(line))
        if problems:
            raise CommandError(f"审计链校验失败：检查 {checked} 条，发现 {len(problems)} 处问题")
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "mac").first()
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {checked} 条记录"))
        if head:
            self.stdout.write(f"链头：{head[0]}:{head[1]}")

    @staticmethod
    def _check_head(expected: str) -> list[str]:
        seq_text, _, mac = expected.partition(":")
        if not seq_text.isdigit() or len(mac) != 64:
            raise CommandError("--expect-head 的格式应为 序号:64位校验码")
        found = AuditEvent.objects.filter(seq=int(seq_text)).values_list("mac", flat=True).first()
        if found is None:
            return [f"以前记录的链头第 {seq_text} 条已不存在（末尾记录被删除）"]
        if found != mac:
            return [f"第 {seq_text} 条的校验码与以前记录的链头不同（记录被替换）"]
        return []
