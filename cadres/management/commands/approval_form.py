"""manage.py approval_form — print 干部任免审批表 for a meeting packet as one PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from audit.choices import AuditAction
from audit.services import audit_record_export_standalone
from cadres.approval_form import forms_for_cadres, render_forms_counted
from cadres.models import Cadre
from core.permissions import Action


class Command(BaseCommand):
    help = (
        "按给定顺序（上会顺序）为一名或多名干部生成干部任免审批表 PDF（每人正反两页），"
        "只限 --user 有权查看的干部，并记录一条下载审计。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="+", type=int, metavar="ID", help="干部编号（主键）")
        parser.add_argument("--out", required=True, help="输出 PDF 文件路径")
        parser.add_argument("--user", required=True, help="以该用户的权限范围生成")
        parser.add_argument("--proposed", help="拟任职务（覆盖记录中的内容）")
        parser.add_argument("--removed", help="拟免职务（覆盖记录中的内容）")
        parser.add_argument("--reason", help="任免理由（覆盖记录中的内容）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{options['user']}")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"输出目录不存在：{out.parent}")
        ids: list[int] = options["ids"]
        found = Cadre.objects.restrict(user, Action.CADRES_EXPORT).in_bulk(ids)
        # Missing and out-of-scope read the same, so the command reveals nothing either way.
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise CommandError(f"以下干部不存在或不在您的查看范围内：{'、'.join(missing)}")
        overrides = {
            element: options[key]
            for element, key in (
                ("NiRenZhiWu", "proposed"),
                ("NiMianZhiWu", "removed"),
                ("RenMianLiYou", "reason"),
            )
            if options[key] is not None
        }
        cadres = [found[pk] for pk in ids]
        pdf, pages = render_forms_counted(forms_for_cadres(cadres, **overrides))
        audit_record_export_standalone(
            actor=user,
            subjects=[c.pk for c in cadres],
            action=AuditAction.DOWNLOAD,
            object_type="cadres.Cadre",
            object_id=str(ids[0]) if len(ids) == 1 else "",
            object_repr=f"干部任免审批表（{len(ids)} 人）",
            changes={"file": out.name, "pages": pages},
            sensitive=True,
        )
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc}") from exc
        names = "、".join(c.name for c in cadres)
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成干部任免审批表 {len(ids)} 份、共 {pages} 页（{names}）：{out}"
            )
        )
