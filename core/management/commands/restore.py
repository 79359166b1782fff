"""manage.py restore — load a backup into the configured database and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "把 backup 生成的备份恢复到当前配置的数据库（须为空库，覆盖已有数据须加 --force），"
        "并逐表核对行数和校验值；任何一张表不符即报错（退出码非 0）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="备份文件夹（zugong-YYYYmmdd-HHMMSS）")
        parser.add_argument("--force", action="store_true", help="覆盖已有数据")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checks = restore_backup(Path(options["backup"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in checks.values())
        self.stdout.write(self.style.SUCCESS(f"恢复完成并核对一致：{len(checks)} 张表，{rows} 行"))
