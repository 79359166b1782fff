"""/api/v1/: one NinjaAPI, session or bearer-token auth, Chinese errors, 404 for forbidden."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from accounts.api import TokenAuth
from accounts.api import router as accounts_router
from orgs.api import router as orgs_router

api = NinjaAPI(
    title="组工 Zugong API",
    version="1",
    description="组织部工作平台接口。认证：登录会话（需 CSRF）或 `Authorization: Bearer <令牌>`。"
    "所有数据按账户的授权范围返回；范围外的对象与不存在的对象一样返回 404。",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", accounts_router)
api.add_router("/", orgs_router)


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
