"""manage.py export_lrmx — write one 任免审批表 (LRMX) file per cadre in a user's export scope."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadres.lrmx import audit_export, export_one, export_queryset
from cadres.management.commands.import_lrmx import acting_user
from cadres.models import Cadre
from core import context
from core.permissions import Action, scope_paths
from orgs.models import Unit


class Command(BaseCommand):
    help = (
        "以指定用户身份导出任免审批表（LRMX）：该用户导出范围内（或 --unit 指定单位及其下级）"
        "每名干部一个文件，写入 --out 目录，文件名为“姓名_编号.lrmx”。导出记入审计日志。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="输出目录（不存在则创建）")
        parser.add_argument("--user", required=True, help="操作用户的账号（审计记录以其名义）")
        parser.add_argument("--unit", help="只导出该单位代码及其下级单位的干部")
        parser.add_argument(
            "--progress-every", type=int, default=500, help="每导出多少份报告一次进度"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options["user"])
        if not scope_paths(user, Action.CADRES_EXPORT):
            raise CommandError(f"用户“{user.username}”没有导出干部信息的权限")
        cadres = Cadre.objects.restrict(user, Action.CADRES_EXPORT)
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"单位代码“{options['unit']}”不存在")
            cadres = cadres.filter(unit_path__startswith=unit.path)
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建输出目录“{out}”：{exc.strerror}") from exc
        every = max(1, options["progress_every"])
        total = cadres.count()
        token = context.set_current(context.RequestContext(channel="cli"))
        started = time.perf_counter()
        written: list[int] = []
        try:
            for cadre in export_queryset(cadres.order_by("unit_path", "sort_order", "id")).iterator(
                chunk_size=500
            ):
                filename, data = export_one(cadre)
                (out / filename).write_bytes(data)
                written.append(cadre.pk)
                if len(written) % every == 0:
                    self.stderr.write(f"已导出 {len(written)}/{total} 份")
            audit_export(acting_user=user, cadre_ids=written, unit=unit, target=str(out))
        finally:
            context.reset(token)
        elapsed = time.perf_counter() - started
        rate = len(written) / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"导出完成：{len(written)} 份任免审批表（LRMX）已写入 {out}；"
            f"用时 {elapsed:.1f} 秒（{rate:.0f} 份/秒）"
        )
