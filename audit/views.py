"""The auditor's pages: search the log, export it, verify the chain."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from audit.choices import AuditAction
from audit.forms import AuditSearchForm
from audit.selectors import AuditFilters, audit_event_list, object_types
from audit.services import audit_record_standalone
from audit.templatetags.audit_tags import event_changes
from audit.verify import verify_chain
from core.excel import xlsx_response
from core.listing import paginate, query_without
from core.permissions import Action, require_action


@require_action(Action.AUDIT_VIEW)
def event_list_view(request: HttpRequest) -> HttpResponseBase:
    form = AuditSearchForm(request.GET or None)
    filters: AuditFilters = {}
    if form.is_valid():
        filters = cast(AuditFilters, {k: v for k, v in form.cleaned_data.items() if v})
    qs = audit_event_list(filters=filters)
    if request.GET.get("export") == "xlsx" and form.is_valid():
        audit_record_standalone(
            actor=request.user,
            action=AuditAction.EXPORT,
            object_type="audit.AuditEvent",
            object_repr="审计日志导出",
            changes={"filters": {k: str(v) for k, v in filters.items()}},
            sensitive=True,
        )
        rows = (
            (
                e.seq,
                timezone.localtime(e.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_username,
                e.ip,
                e.get_action_display(),
                e.object_type,
                e.object_id,
                e.object_repr,
                "是" if e.sensitive else "",
                event_changes(e),
            )
            for e in qs.iterator(chunk_size=2000)
        )
        return xlsx_response(
            filename="审计日志.xlsx",
            title="审计日志",
            headers=[
                "序号",
                "时间",
                "操作人",
                "IP",
                "操作",
                "对象类型",
                "对象编号",
                "对象",
                "敏感",
                "变更内容",
            ],
            rows=rows,
        )
    page, size = paginate(request, qs)
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": page,
            "size": size,
            "object_types": object_types(),
            "qs_page": query_without(request, "page"),
            "qs_export": query_without(request, "page", "size"),
        },
    )


@require_action(Action.AUDIT_VIEW)
def verify_view(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        checked, breaks = verify_chain()
        result = {"checked": checked, "breaks": breaks}
    return render(request, "audit/verify.html", {"result": result})
