"""manage.py import_units — import the unit tree from Excel (.xlsx) under a given unit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import context, importing
from orgs.import_kinds import UNITS
from orgs.models import Unit

if TYPE_CHECKING:
    from orgs.tree_import import UnitPlan


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx，格式见单位导入模板）导入单位树：按单位代码新增或更新，"
        "整个文件在一个事务中写入（全部成功或全部不写），重复导入同一文件不做任何修改。"
        "有错误行时不导入；--dry-run 只检查不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel 文件路径（.xlsx）")
        parser.add_argument("--user", required=True, help="以该用户身份导入（用户名）")
        parser.add_argument("--unit", required=True, help="导入的目标单位（上级单位）的单位代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{options['user']}”不存在或已停用")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位代码“{options['unit']}”不存在或不在您的管理范围内")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        token = context.set_current(context.RequestContext(channel="cli"))
        try:
            importing.check_size(path.stat().st_size)  # before it is read into memory
            plan = importing.import_file(
                acting_user=user,
                unit=unit,
                kind=UNITS,
                data=path.read_bytes(),
                filename=path.name,
                confirm=not options["dry_run"],
            )
        except importing.ImportRefused as exc:
            if exc.plan is None:
                raise CommandError(f"文件被拒绝：{exc.message}") from exc
            self._report(cast("UnitPlan", exc.plan))
            raise CommandError(f"{exc.message}；未写入任何数据") from exc
        except PermissionDenied as exc:
            # Outside the user's scope reads like a missing unit.
            raise CommandError(f"单位代码“{options['unit']}”不存在或不在您的管理范围内") from exc
        finally:
            context.reset(token)

        self._report(cast("UnitPlan", plan))
        if options["dry_run"]:
            self.stdout.write(f"检查完成（未写入）：{plan.summary()}")
            if plan.has_errors:
                raise CommandError("文件有错误行，正式导入前请修正")
            return
        self.stdout.write(self.style.SUCCESS(f"导入完成：{plan.summary()}"))

    def _report(self, plan: UnitPlan) -> None:
        for note in plan.notes:
            self.stdout.write(note)
        for row in plan.rows:
            line = f"第 {row.row} 行 {row.code} {row.name}：{row.status_label}"
            detail = row.error_text() or "；".join(row.changes)
            self.stdout.write(f"{line}（{detail}）" if detail else line)
