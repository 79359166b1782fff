"""manage.py load_codes — (re)load the standard code tables from core/data/codes."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core.codes import load_code_tables
from core.models import Code


class Command(BaseCommand):
    help = "从 core/data/codes/*.csv 加载或更新标准代码表（可重复执行，不删除已有代码）。"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = load_code_tables(Code)
        self.stdout.write(self.style.SUCCESS(f"代码表已更新：写入 {written} 行"))
