"""manage.py import_cadres — import an Excel cadre roster (.xlsx) as a given user and unit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from cadres.import_kinds import EXCEL
from core import context, importing
from core.importing import RowStatus
from core.upload import MB
from orgs.models import Unit

if TYPE_CHECKING:
    from cadres.excel_import import ExcelPlan

MAX_LISTED_ERRORS = 200


class Command(BaseCommand):
    help = (
        "从 Excel 干部名册（.xlsx，格式见导入模板）导入干部：按身份证号新增或更新，"
        "整个文件在一个事务中写入（全部成功或全部不写），重复导入同一文件不做任何修改。"
        "有错误行时不导入，除非指定 --skip-errors；--dry-run 只检查不写入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel 文件路径（.xlsx）")
        parser.add_argument("--user", required=True, help="以该用户身份导入（用户名）")
        parser.add_argument("--unit", required=True, help="导入单位的单位代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--skip-errors", action="store_true", help="跳过错误行，导入其余行")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{options['user']}”不存在或已停用")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位代码“{options['unit']}”不存在")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")

        def progress(stage: str, done: int, total: int) -> None:
            self.stderr.write(f"{stage}：{done}/{total}")

        token = context.set_current(context.RequestContext(channel="cli"))
        try:
            importing.check_size(path.stat().st_size)  # before it is read into memory
            data = path.read_bytes()
            self.stderr.write(f"正在读取 {path.name}（{len(data) / MB:.1f} MB）…")
            plan = importing.import_file(
                acting_user=user,
                unit=unit,
                kind=EXCEL,
                data=data,
                filename=path.name,
                confirm=not options["dry_run"],
                skip_errors=options["skip_errors"],
                progress=progress,
            )
        except importing.ImportRefused as exc:
            if exc.plan is None:
                raise CommandError(f"文件被拒绝：{exc.message}") from exc
            self._report(cast("ExcelPlan", exc.plan))
            raise CommandError(f"{exc.message}；未写入任何数据") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{unit.name}：{exc}") from exc
        finally:
            context.reset(token)

        self._report(cast("ExcelPlan", plan))
        if options["dry_run"]:
            self.stdout.write(f"检查完成（未写入）：{plan.summary()}")
            if plan.has_errors and not options["skip_errors"]:
                raise CommandError("文件有错误行，正式导入前请修正，或使用 --skip-errors")
            return
        self.stdout.write(self.style.SUCCESS(f"导入完成：{plan.summary()}"))

    def _report(self, plan: ExcelPlan) -> None:
        for note in plan.notes:
            self.stdout.write(note)
        errors = [r for r in plan.rows if r.status == RowStatus.ERROR]
        for row in errors[:MAX_LISTED_ERRORS]:
            who = f"{row.name} " if row.name else ""
            self.stdout.write(f"第 {row.row} 行 {who}{row.masked_id}：{row.error_text()}")
        if len(errors) > MAX_LISTED_ERRORS:
            self.stdout.write(f"……另有 {len(errors) - MAX_LISTED_ERRORS} 行错误未列出")
