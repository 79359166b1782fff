"""manage.py verify_audit — check the audit log's HMAC chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_chain


class Command(BaseCommand):
    help = "校验审计日志的 HMAC 链：发现被篡改、删除或插入的记录（有问题时退出码非 0）。"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, breaks = verify_chain()
        for item in breaks:
            self.stdout.write(self.style.ERROR(f"第 {item.seq} 条：{item.problem}"))
        if breaks:
            raise CommandError(f"审计链校验失败：检查 {checked} 条，发现 {len(breaks)} 处问题")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {checked} 条记录"))
