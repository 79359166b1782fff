"""manage.py bootstrap — first set-up of a real deployment (no demo data)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import User
from accounts.services import generate_password, system_user_create
from core import context
from core.permissions import Role
from orgs.choices import UnitKind, UnitLevel
from orgs.models import Unit
from orgs.services import unit_create_root


def pending_migrations() -> list[Any]:
    """The migrations not yet applied to the default database (empty when it is ready)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


class Command(BaseCommand):
    help = (
        "新部署初始化：创建顶级单位（本级党委）和三员账户（系统、安全、审计管理员），"
        "打印一次性初始密码（首次登录须修改）。之后由安全管理员为业务人员授权。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root-name", required=True, help="如：中共清河县委员会")
        parser.add_argument("--root-code", required=True, help="单位代码")
        parser.add_argument("--level", choices=UnitLevel.values, default=UnitLevel.COUNTY)
        parser.add_argument("--region-code", default="", help="6 位行政区划代码")

    def handle(self, *args: Any, **options: Any) -> None:
        pending = pending_migrations()
        if pending:
            raise CommandError(
                f"数据库尚未建表（还有 {len(pending)} 个迁移未执行）：请先运行 "
                "manage.py migrate，再运行 manage.py bootstrap（见 README“正式部署”）"
            )
        if Unit.objects.filter(parent__isnull=True).exists():
            raise CommandError("已有顶级单位，无需初始化")
        if User.objects.filter(username__in=["xitong", "anquan", "shenji"]).exists():
            raise CommandError("三员账户已存在")
        token = context.set_current(context.RequestContext(channel="cli"))
        try:
            with transaction.atomic():
                root = unit_create_root(
                    name=options["root_name"],
                    code=options["root_code"],
                    kind=UnitKind.PARTY_COMMITTEE,
                    level=options["level"],
                    region_code=options["region_code"],
                )
                passwords = {}
                for username, full_name, role in (
                    ("xitong", "系统管理员", Role.SYSADMIN),
                    ("anquan", "安全管理员", Role.SECADMIN),
                    ("shenji", "审计管理员", Role.AUDITOR),
                ):
                    passwords[username] = generate_password()
                    system_user_create(
                        username=username,
                        full_name=full_name,
                        password=passwords[username],
                        roles=[(role, None)],
                    )
        finally:
            context.reset(token)
        self.stdout.write(self.style.SUCCESS(f"已创建顶级单位：{root.name}"))
        self.stdout.write("三员账户（一次性密码，仅显示这一次，首次登录须修改）：")
        for username, password in passwords.items():
            self.stdout.write(f"  {username:<8} {password}")
