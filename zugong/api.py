"""/api/v1/: one NinjaAPI, session or bearer-token auth, Chinese errors, 404 for forbidden."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import django_auth

from accounts.api import TokenAuth
from accounts.api import router as accounts_router
from alerts.api import router as alerts_router
from analysis.api import router as analysis_router
from audit.middleware import decryption_failure_response
from cadres.api import router as cadres_router
from core.crypto import DecryptionError
from development.api import router as development_router
from orgs.api import router as orgs_router
from selection.api import router as selection_router
from supervision.api import router as supervision_router


def signed_in_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The interactive docs and openapi.json for signed-in users only (a session, or a bearer
    token as any other API call): the schema maps every endpoint and field. Anonymous: the
    docs page redirects to the login page, the schema answers 401 in JSON (docs/security.md).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or TokenAuth()(request) is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return JsonResponse({"detail": _HTTP_MESSAGES[401]}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


api = NinjaAPI(
    title="组工 Zugong API",
    version="1",
    description="组织部工作平台接口。认证：登录会话（需 CSRF）或 `Authorization: Bearer <令牌>`。"
    "所有数据按账户的授权范围返回；范围外的对象与不存在的对象一样返回 404。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=signed_in_only,
)
api.add_router("/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/", cadres_router)
api.add_router("/", analysis_router)
api.add_router("/", alerts_router)
api.add_router("/", development_router)
api.add_router("/", supervision_router)
api.add_router("/", selection_router)


@api.exception_handler(DecryptionError)
def integrity_failure(request: HttpRequest, exc: DecryptionError) -> HttpResponse:
    return decryption_failure_response(request, exc)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "对象不存在"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "对象不存在"}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "数据校验失败", "errors": errors}, status=422)


# Pydantic's English messages, in the words a clerk (or the clerk's integrator) expects.
_SCHEMA_MESSAGES = {
    "missing": "必填",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文本",
    "enum": "取值无效，可选：{expected}",
    "literal_error": "取值无效，可选：{expected}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "greater_than_equal": "不能小于 {ge}",
    "less_than_equal": "不能大于 {le}",
    "json_invalid": "请求内容不是有效的 JSON",
}
_LOCATION_WORDS = {"body", "payload", "query", "path", "filters"}


def schema_errors(errors: list[dict[str, object]]) -> dict[str, list[str]]:
    """``{field: [中文信息]}`` from django-ninja's list of pydantic errors."""
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if str(part) not in _LOCATION_WORDS]  # type: ignore[attr-defined]
        field = ".".join(loc) or "__all__"
        template = _SCHEMA_MESSAGES.get(str(error.get("type")), "取值无效")
        ctx = error.get("ctx") or {}
        try:
            message = template.format(**ctx)  # type: ignore[arg-type]
        except (KeyError, IndexError):
            message = template
        result.setdefault(field, []).append(message)
    return result


@api.exception_handler(SchemaError)
def schema_invalid(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "数据校验失败", "errors": schema_errors(list(exc.errors))}, status=422
    )


_HTTP_MESSAGES = {
    400: "请求内容不是有效的 JSON",
    401: "请先登录，或在 Authorization 头中提供有效的接口令牌",
    403: "请求被拒绝（会话请求须带 CSRF 令牌）",
    429: "请求过于频繁，请稍后再试",
}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja's own messages are English ("Cannot parse request body", "Unauthorized");
    # ours are Chinese already and are passed through as they are.
    text = str(exc)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        message = text
    else:
        message = _HTTP_MESSAGES.get(exc.status_code, text)
    return api.create_response(request, {"detail": message}, status=exc.status_code)
