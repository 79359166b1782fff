"""manage.py seed_demo — deterministic demo / scale data, loaded all or nothing."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from core import context
from demo.demo import DEMO_ACCOUNTS, DEMO_DUTIES, DEMO_PASSWORD, TIERS, seed
from demo.models import DemoSeed
from orgs.models import Unit

FLUSH_HINT = ".venv/bin/python manage.py seed_demo --flush"


def demo_state() -> str:
    """``empty``, ``finished`` (a demo that loaded to the end), ``partial`` (demo accounts
    and units but no finish record: a load that stopped half-way) or ``other`` (real data)."""
    if not Unit.objects.exists():
        return "empty"
    if DemoSeed.objects.exists():
        return "finished"
    demo_names = [username for username, *_ in DEMO_ACCOUNTS]
    if User.objects.filter(username__in=demo_names).count() == len(demo_names):
        return "partial"
    return "other"


def flush_demo() -> None:
    """Empty every table, then put back what the migrations load (code tables, the
    political-quality indicators; the alert catalogue comes back with flush's post_migrate)."""
    from core.codes import load_code_tables
    from core.models import Code

    call_command("flush", interactive=False, verbosity=0)
    indicators = importlib.import_module("supervision.migrations.0002_indicator_catalogue")
    with transaction.atomic():
        load_code_tables(Code)
        indicators.seed(apps, None)


class Command(BaseCommand):
    help = (
        "生成演示数据：单位树、领导职数、各角色演示账户、干部和各项工作记录。"
        "--tier county|city|province 决定规模，--seed 决定随机种子（同样参数生成同样数据）。"
        "在一个事务中完成：中途失败时数据库保持原样。只用于空数据库；--if-empty 时已有完整演示"
        "数据则跳过，--flush 先清空数据库（仅开发环境）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tier", choices=TIERS, default="county")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库已有完整的演示数据时不报错，直接跳过；演示数据不完整时报错",
        )
        parser.add_argument(
            "--flush", action="store_true", help="先清空数据库中的全部数据（仅开发环境）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["flush"]:
            if settings.ZUGONG_ENV != "development":
                raise CommandError(
                    "--flush 会删除全部数据，只能在开发环境（ZUGONG_ENV=development）使用"
                )
            flush_demo()
            self.stdout.write("已清空数据库。")
        state = demo_state()
        if state == "partial":
            raise CommandError(
                f"上次演示数据生成未完成，数据库中只有一部分演示数据。请先运行 {FLUSH_HINT} 清空"
                "后重新生成（默认的 SQLite 库也可删除 var/zugong.sqlite3 后重新 make run）。"
            )
        if state != "empty":
            if options["if_empty"]:
                record = DemoSeed.objects.order_by("-id").first()
                if record is None:
                    # Real data (a bootstrapped install): no demo accounts to announce.
                    self.stdout.write("数据库中已有数据（不是演示数据），跳过演示数据生成。")
                    return
                self.stdout.write(
                    f"已有演示数据（{record.seeded_on:%Y-%m-%d} 生成），跳过演示数据生成。"
                )
                self._print_accounts()
                return
            raise CommandError(
                "数据库中已有单位数据；seed_demo 只用于空数据库"
                f"（开发环境可用 {FLUSH_HINT} 先清空）"
            )
        token = context.set_current(context.RequestContext(channel="cli"))
        started = time.perf_counter()
        try:
            summary = seed(
                tier=options["tier"],
                seed=options["seed"],
                progress=lambda m: self.stdout.write(f"  {m}"),
            )
        except Exception as exc:
            # The load runs in one transaction: nothing of it is left behind.
            raise CommandError(
                f"演示数据生成失败，已全部撤销，数据库保持原样：{type(exc).__name__}: {exc}"
            ) from exc
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
        self._print_accounts()

    def _print_accounts(self) -> None:
        """The demo accounts, printed only for a demo database (``make run`` shows them)."""
        self.stdout.write("演示账户（密码均为 " + DEMO_PASSWORD + "）：")
        for username, full_name, _role, _scope in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<8} {DEMO_DUTIES[username]}（{full_name}）")
