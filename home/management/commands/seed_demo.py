"""manage.py seed_demo — deterministic demo / scale data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import context
from home.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, TIERS, seed
from orgs.models import Unit


class Command(BaseCommand):
    help = (
        "生成演示数据：单位树、领导职数、各角色演示账户。--tier county|city|province 决定规模，"
        "--seed 决定随机种子（同样参数生成同样数据）。只用于空数据库；--if-empty 时已有数据则跳过。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tier", choices=TIERS, default="county")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库已有单位时不报错，直接跳过"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.exists():
            if options["if_empty"]:
                self.stdout.write("已有数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有单位数据；seed_demo 只用于空数据库")
        token = context.set_current(context.RequestContext(channel="cli"))
        started = time.perf_counter()
        try:
            summary = seed(
                tier=options["tier"],
                seed=options["seed"],
                progress=lambda m: self.stdout.write(f"  {m}"),
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            context.reset(token)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（{options['tier']}，种子 {options['seed']}）："
                f"单位 {summary.units}，"
                f"职数 {summary.quotas} 条，账户 {summary.users}，"
                f"干部 {summary.cadres}，任职 {summary.positions} 条，用时 {elapsed:.1f} 秒"
            )
        )
        self.stdout.write("演示账户（密码均为 " + DEMO_PASSWORD + "）：")
        for username, full_name, _role, _scope in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} {full_name}")
