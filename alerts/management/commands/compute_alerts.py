"""Recompute the warnings: ``compute_alerts --user NAME`` (in a user's scope) or
``compute_alerts --scheduled`` (the daily run of deploy/zugong-alerts.timer, as the system)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from alerts.registry import RULES, Scope
from alerts.selectors import compute_paths
from alerts.services import alerts_compute, alerts_compute_scheduled
from core import context
from core.permissions import Action
from orgs.selectors import unit_by_code


class Command(BaseCommand):
    help = (
        "重新计算预警：按账户的预警处理范围（或 --unit 指定的单位及下级），运行全部启用的规则，"
        "新增、更新或关闭预警；结果计入审计日志。适合每日由 cron 运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="以该账户的名义和授权范围运行（记入审计）")
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help="每日定时计算：以系统名义计算全部单位（deploy/zugong-alerts.timer 调用）",
        )
        parser.add_argument("--unit", help="只计算该单位代码及其下级")
        parser.add_argument("--rule", action="append", help="只运行该规则代码（可多次）")
        parser.add_argument("--date", help="按该日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scheduled"]:
            self._scheduled(_day(options.get("date")))
            return
        if not options.get("user"):
            raise CommandError("请用 --user 指定账户，或用 --scheduled 以系统名义计算全部单位")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"账户“{options['user']}”不存在或已停用")
        day = _day(options.get("date"))
        codes = options.get("rule")
        unknown = sorted(set(codes or ()) - set(RULES))
        if unknown:
            raise CommandError(f"未知的规则代码：{'、'.join(unknown)}（可用：{'、'.join(RULES)}）")
        paths = compute_paths(user=user)
        if options.get("unit"):
            unit = unit_by_code(
                user=user, code=options["unit"], action=Action.ALERTS_HANDLE, include_inactive=True
            )
            if unit is None:
                raise CommandError(f"单位代码“{options['unit']}”不存在或不在该账户的范围内")
            paths = [unit.path]
        if not paths:
            raise CommandError("该账户没有处理预警的授权")
        token = context.set_current(
            context.RequestContext(ip="", request_id="compute_alerts", channel="cli")
        )
        try:
            for path in paths:
                started = time.perf_counter()
                summary = alerts_compute(
                    acting_user=user, scope=Scope(path=path, today=day), codes=codes
                )
                for outcome in summary.rules:
                    self.stdout.write(
                        f"  {outcome.code}: 成立 {outcome.found}，新增 {outcome.created}，"
                        f"更新 {outcome.updated}，重新打开 {outcome.reopened}，"
                        f"不再成立 {outcome.resolved}"
                    )
                totals = summary.totals
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path}：成立 {totals['found']} 条，新增 {totals['created']}，"
                        f"不再成立 {totals['resolved']}（{time.perf_counter() - started:.1f} 秒）"
                    )
                )
        finally:
            context.reset(token)

    def _scheduled(self, day: dt.date) -> None:
        token = context.set_current(
            context.RequestContext(ip="", request_id="compute_alerts", channel="schedule")
        )
        try:
            started = time.perf_counter()
            for name, summary in alerts_compute_scheduled(today=day):
                totals = summary.totals
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{name}：成立 {totals['found']} 条，新增 {totals['created']}，"
                        f"不再成立 {totals['resolved']}（{time.perf_counter() - started:.1f} 秒）"
                    )
                )
        finally:
            context.reset(token)


def _day(text: str | None) -> dt.date:
    if not text:
        from django.utils import timezone

        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD") from exc
