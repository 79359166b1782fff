"""manage.py import_lrmx — import 任免审批表 (LRMX) files, zips or folders as a named user."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from cadres.import_kinds import LRMX
from core import context, importing
from orgs.models import Unit

if TYPE_CHECKING:
    from cadres.lrmx import LrmxPlan


def acting_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise CommandError(f"用户“{username}”不存在或已停用")
    return user


def _read(path: Path) -> bytes:
    # A file over the upload limit is read only far enough for the reader to refuse it (an
    # LRMX form has its own, smaller cap: docs/lrmx.md).
    with path.open("rb") as handle:
        return handle.read(importing.upload_limit() + 1)


class Command(BaseCommand):
    help = (
        "以指定用户身份导入任免审批表（LRMX）文件：PATH 可为 .lrmx 文件、.zip 压缩包或文件夹"
        "（递归查找 *.lrmx）。全部文件在一个事务中导入，任一文件不能导入则全部不写入；"
        "--skip-errors 跳过不能导入的文件，--dry-run 只检查不写入。有文件未导入时以非零状态退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--user", required=True, help="操作用户的账号（审计记录以其名义）")
        parser.add_argument("--unit", required=True, help="新干部所属单位的单位代码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument(
            "--skip-errors", action="store_true", help="跳过不能导入的文件，导入其余文件"
        )
        parser.add_argument(
            "--progress-every", type=int, default=100, help="每处理多少个文件报告一次进度"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = acting_user(options["user"])
        unit = Unit.objects.filter(code=options["unit"], is_active=True).first()
        if unit is None:
            raise CommandError(f"单位代码“{options['unit']}”不存在或已撤销")
        paths, refused = self._collect(options["paths"])
        if not paths and not refused:
            raise CommandError("没有找到任何 .lrmx 文件")
        total = len(paths)
        every = max(1, options["progress_every"])

        def progress(done: int) -> None:
            if done % every == 0 or done == total:
                self.stderr.write(f"已处理 {done}/{total} 个文件")

        dry_run = options["dry_run"] or (bool(refused) and not options["skip_errors"])
        token = context.set_current(context.RequestContext(channel="cli"))
        started = time.perf_counter()
        try:
            plan = cast(
                "LrmxPlan",
                importing.import_file(
                    acting_user=user,
                    unit=unit,
                    kind=LRMX,
                    files=self._files(paths),
                    confirm=not dry_run,
                    skip_errors=options["skip_errors"],
                    progress=progress,
                ),
            )
        except importing.ImportRefused as exc:
            if exc.plan is None:
                raise CommandError(exc.message) from exc
            plan = cast("LrmxPlan", exc.plan)
        finally:
            context.reset(token)
        elapsed = time.perf_counter() - started
        plan.rows[:0] = [plan.refused_row(name, message) for name, message in refused]
        self._report(plan, options["verbosity"])
        rate = total / elapsed if elapsed > 0 else 0.0
        timing = f"用时 {elapsed:.1f} 秒（{rate:.0f} 个/秒）"
        if plan.committed:
            self.stdout.write(f"导入完成：{plan.summary()}；{timing}")
        elif options["dry_run"]:
            self.stdout.write(f"预检完成（未写入）：{plan.summary()}；{timing}")
        else:
            self.stdout.write(f"导入未执行（未写入任何数据）：{plan.summary()}；{timing}")
        if plan.refused:
            tail = "其余文件已导入" if plan.committed else "本次未写入任何数据"
            raise CommandError(f"有 {len(plan.refused)} 个文件不能导入，{tail}")

    def _collect(
        self, raw_paths: list[str]
    ) -> tuple[list[Path | tuple[str, bytes]], list[tuple[str, str]]]:
        """The files to import, and the archives refused as a whole: (path, why)."""
        found: list[Path | tuple[str, bytes]] = []
        refused: list[tuple[str, str]] = []
        for raw in raw_paths:
            path = Path(raw)
            if path.is_dir():
                found.extend(
                    p
                    for p in sorted(path.rglob("*"))
                    if p.is_file() and p.suffix.lower() == ".lrmx"
                )
            elif path.is_file() and path.suffix.lower() == ".zip":
                try:
                    importing.check_size(path.stat().st_size)  # before it is read
                    found.extend(
                        importing.unpack(kind=LRMX, filename=str(path), data=path.read_bytes())
                    )
                except importing.ImportRefused as exc:
                    refused.append((str(path), exc.message))
            elif path.is_file():
                found.append(path)
            else:
                raise CommandError(f"路径“{raw}”不存在")
        return found, refused

    @staticmethod
    def _files(items: list[Path | tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
        for item in items:
            if isinstance(item, Path):
                yield str(item), _read(item)
            else:
                yield item

    def _report(self, plan: LrmxPlan, verbosity: int) -> None:
        for row in plan.rows:
            if row.refused:
                self.stdout.write(
                    f"  {row.status_label}  {row.filename}：{'；'.join(row.messages)}"
                )
            elif row.messages and verbosity >= 1:
                self.stdout.write(
                    f"  提示  {row.filename}（{row.status_label}）：{'；'.join(row.messages)}"
                )
