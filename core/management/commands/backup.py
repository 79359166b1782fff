"""manage.py backup — one consistent backup of the database and media."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "备份数据库和上传文件到 --out 目录下的新文件夹（SQLite 用在线备份，PostgreSQL 用 "
        "pg_dump 快照），并写出各表行数与校验值清单，供恢复时核对。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "var" / "backups"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = create_backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"备份完成：{target}"))
