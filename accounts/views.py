"""Login, password, TOTP, user and grant pages. Thin: parse, call a service, render."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    ApiTokenForm,
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    TotpEnrolCodeForm,
    TotpForm,
    UserForm,
)
from accounts.http import AuthedRequest
from accounts.middleware import LAST_SEEN, LOGIN_AT
from accounts.models import PasswordReset, TotpEnrolmentCode, User
from core.crypto import decrypt_text
from core.forms import add_service_errors, form_saved
from core.http import request_int
from core.listing import paginate, query_without
from core.middleware import client_ip
from core.permissions import Action, has_action, require_action

PRE_AUTH = "zg_pre_auth_user"
PENDING_SECRET = "zg_totp_pending_secret"  # noqa: S105 (a session key name, not a secret)
CODE_OK = "zg_totp_enrol_code"  # the enrolment code taken, by id


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _complete_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # new session key
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    request.session.save()
    services.login_record(
        user=user, session_key=request.session.session_key or "", ip=client_ip(request)
    )
    reset = services.password_reset_notice(user=user)
    if reset is not None:
        messages.warning(
            request,
            f"您的密码已于 {timezone.localtime(reset.reset_at):%Y-%m-%d %H:%M} 由"
            f"{_admin_name(reset.reset_by)}重置，经{_admin_name(reset.confirmed_by)}"
            "确认后交给您。如非本人申请，请立即联系安全管理员。",
        )
    return redirect(next_url)


def _admin_name(user: User | None) -> str:
    return f" {user} " if user is not None else "（已删除的账户）"


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        outcome = services.login_attempt(
            username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if outcome.user is not None:
            if services.totp_required(outcome.user):
                request.session.cycle_key()
                request.session[PRE_AUTH] = outcome.user.pk
                request.session["zg_next"] = _next_url(request)
                return redirect("accounts:totp")
            return _complete_login(request, outcome.user, _next_url(request))
        error = outcome.message
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
        status=200,
    )


def totp_view(request: HttpRequest) -> HttpResponse:
    """Second step for privileged roles: enrol (QR code) the first time, then verify."""
    pending_id = request.session.get(PRE_AUTH)
    user = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if user is None or services.account_locked(user):
        request.session.pop(PRE_AUTH, None)
        return redirect("accounts:login")
    enrolled = bool(user.totp_confirmed_at)
    if not enrolled and services.totp_code_required(user) and not request.session.get(CODE_OK):
        return _totp_code_step(request, user)
    secret = (
        decrypt_text(user.totp_secret, purpose="accounts.User.totp_secret")
        if enrolled
        else request.session.setdefault(PENDING_SECRET, pyotp.random_base32())
    )
    totp = pyotp.TOTP(secret)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_accept(user=user, secret=secret, code=form.cleaned_data["code"]):
            if not enrolled:
                code_id = request.session.get(CODE_OK)
                code = TotpEnrolmentCode.objects.filter(pk=code_id).first() if code_id else None
                services.totp_enrol(user=user, secret=secret, code=code)
            next_url = request.session.get("zg_next", settings.LOGIN_REDIRECT_URL)
            _forget_pre_auth(request)
            return _complete_login(request, user, next_url)
        if services.totp_failed(user=user):
            _forget_pre_auth(request)
            return redirect("accounts:login")
        form.add_error("code", "动态口令不正确或已过期")
    qr_svg = ""
    if not enrolled:
        uri = totp.provisioning_uri(name=user.username, issuer_name="组工")
        qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    return render(
        request,
        "accounts/totp.html",
        {
            "form": form,
            "enrolled": enrolled,
            "qr_svg": qr_svg,
            "secret": "" if enrolled else secret,
        },
    )


def _forget_pre_auth(request: HttpRequest) -> None:
    for key in (PRE_AUTH, PENDING_SECRET, CODE_OK):
        request.session.pop(key, None)


def _totp_code_step(request: HttpRequest, user: User) -> HttpResponse:
    """Before the QR code of a privileged account: the enrolment code the 安全管理员 issued
    (docs/security.md). A wrong code counts toward the lockout like a wrong password."""
    form = TotpEnrolCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = services.totp_code_redeem(user=user, code=form.cleaned_data["enrol_code"])
        if code is not None:
            request.session[CODE_OK] = code.pk
            return redirect("accounts:totp")
        if services.totp_failed(user=user):
            _forget_pre_auth(request)
            return redirect("accounts:login")
        form.add_error("enrol_code", "绑定码不正确、已使用或已过期")
    return render(request, "accounts/totp.html", {"form": form, "code_step": True})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_record(user=request.user, session_key=request.session.session_key)
    logout(request)
    messages.info(request, "已安全退出")
    return redirect("accounts:login")


@login_required
def password_change_view(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="new_password")
        else:
            old_key = request.session.session_key
            update_session_auth_hash(request, request.user)  # gives the session a new key
            services.session_rekey(
                user=request.user,
                old_key=old_key,
                new_key=request.session.session_key or "",
                ip=client_ip(request),
            )
            messages.success(request, "密码已修改")
            return redirect(settings.LOGIN_REDIRECT_URL)
    forced = request.user.must_change_password or services.password_expired(request.user)
    return render(request, "accounts/password_change.html", {"form": form, "forced": forced})


# --- 系统管理员: users ----------------------------------------------------------------------


@require_action(Action.USERS_MANAGE)
def user_list_view(request: AuthedRequest) -> HttpResponse:
    qs = selectors.user_list(user=request.user, q=request.GET.get("q", ""))
    page, size = paginate(request, qs)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "size": size,
            "q": request.GET.get("q", ""),
            "now": timezone.now(),
            "qs_page": query_without(request, "page"),
        },
    )


def _picker_allowed(request: HttpRequest) -> bool:
    return request.user.is_authenticated and (
        has_action(request.user, Action.USERS_MANAGE)
        or has_action(request.user, Action.GRANTS_MANAGE)
    )


def unit_options_view(request: HttpRequest) -> HttpResponse:
    """htmx partial for the account pages' unit picker: unit names only (no personnel data)."""
    if not _picker_allowed(request):
        raise Http404("页面不存在")
    return render(
        request,
        "orgs/_options.html",
        {"units": selectors.unit_options(q=request.GET.get("unit", ""))},
    )


@require_action(Action.GRANTS_MANAGE)
def user_options_view(request: AuthedRequest) -> HttpResponse:
    """htmx partial for the grant page's account picker."""
    users = selectors.user_list(
        user=request.user, q=request.GET.get("user", ""), action=Action.GRANTS_MANAGE
    ).filter(is_active=True)[:20]
    return render(request, "accounts/_user_options.html", {"users": users})


@require_action(Action.USERS_MANAGE)
def user_create_view(request: AuthedRequest) -> HttpResponse:
    form = UserForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[User, str]:
        return services.user_create(
            acting_user=request.user,
            username=data["username"],
            full_name=data["full_name"],
            unit=data["unit"],
            phone=data["phone"],
            id_number=data["id_number"],
        )

    if done := form_saved(
        request,
        form,
        save,
        success=lambda created: (
            f"已创建账户 {created[0].username}，初始密码：{created[1]}"
            "（仅显示一次，首次登录须修改）"
        ),
        then=lambda created: redirect("accounts:user_detail", pk=created[0].pk),
    ):
        return done
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@require_action(Action.USERS_MANAGE)
def user_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(user=request.user, pk=pk)
    masked = target.id_number.masked() if target.id_number else ""
    form = UserForm(
        request.POST or None,
        editing=True,
        masked_id=masked,
        initial={
            "username": target.username,
            "full_name": target.full_name,
            "unit": target.unit,
            "phone": target.phone,
            "id_number": masked,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields: dict[str, Any] = {
            "full_name": data["full_name"],
            "unit": data["unit"],
            "phone": data["phone"],
        }
        if data["id_number"] is not UserForm.UNCHANGED:
            fields["id_number"] = data["id_number"]
        try:
            services.user_update(
                acting_user=request.user,
                user=target,
                version=request_int(request.POST.get("version"), default=target.version),
                **fields,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("accounts:user_detail", pk=target.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "target": target, "creating": False}
    )


@require_POST
@require_action(Action.USERS_MANAGE)
def user_action_view(request: AuthedRequest, pk: int, verb: str) -> HttpResponse:
    target = selectors.user_get(user=request.user, pk=pk)
    try:
        if verb == "disable":
            services.user_set_active(acting_user=request.user, user=target, active=False)
            messages.success(request, f"已停用 {target.username}，其会话已全部结束")
        elif verb == "enable":
            services.user_set_active(acting_user=request.user, user=target, active=True)
            messages.success(request, f"已启用 {target.username}")
        elif verb == "unlock":
            services.user_unlock(acting_user=request.user, user=target)
            messages.success(request, f"已解除 {target.username} 的锁定")
        elif verb == "reset":
            raw = services.user_reset_password(acting_user=request.user, user=target)
            messages.success(
                request,
                f"{target.username} 的临时密码第一段：{raw}（仅显示一次）。"
                "第二段由安全管理员确认重置后交给本人，两段连写才能登录；"
                "其会话和接口令牌已全部结束。",
            )
        else:
            messages.error(request, "未知操作")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("accounts:user_detail", pk=target.pk)


# --- 安全管理员: grants ---------------------------------------------------------------------


@require_action(Action.GRANTS_MANAGE)
def grant_list_view(request: AuthedRequest) -> HttpResponse:
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_add(
                acting_user=request.user, user=data["user"], role=data["role"], unit=data["unit"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已授权；该用户下次打开页面即生效")
            return redirect("accounts:grant_list")
    qs = selectors.grant_list(user=request.user, q=request.GET.get("q", ""))
    page, size = paginate(request, qs)
    return render(
        request,
        "accounts/grant_list.html",
        {
            "form": form,
            "page": page,
            "size": size,
            "q": request.GET.get("q", ""),
            "qs_page": query_without(request, "page"),
        },
    )


@require_POST
@require_action(Action.GRANTS_MANAGE)
def grant_remove_view(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_get(user=request.user, pk=pk)
    services.grant_remove(acting_user=request.user, grant=grant)
    messages.success(request, "已撤销授权")
    return redirect("accounts:grant_list")


# --- 安全管理员: confirming resets, issuing TOTP enrolment codes ---------------------------------


@require_action(Action.GRANTS_MANAGE)
def handover_view(request: AuthedRequest) -> HttpResponse:
    """账户交接: pending password resets to confirm, privileged accounts awaiting an
    enrolment code (docs/security.md)."""
    return render(
        request,
        "accounts/handover.html",
        {
            "resets": selectors.pending_resets(),
            "unenrolled": selectors.totp_unenrolled(),
        },
    )


@require_POST
@require_action(Action.GRANTS_MANAGE)
def reset_confirm_view(request: AuthedRequest, pk: int) -> HttpResponse:
    reset = PasswordReset.objects.filter(pk=pk, confirmed_at__isnull=True).first()
    if reset is None:
        raise Http404("页面不存在")
    try:
        second = services.password_reset_confirm(acting_user=request.user, reset=reset)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            f"已确认 {reset.user.username} 的密码重置。临时密码第二段：{second}（仅显示一次）。"
            "请当面交给本人，由其接在系统管理员给出的第一段之后输入。",
        )
    return redirect("accounts:handover")


@require_POST
@require_action(Action.GRANTS_MANAGE)
def totp_code_issue_view(request: AuthedRequest, pk: int) -> HttpResponse:
    target = selectors.user_get(user=request.user, pk=pk, action=Action.GRANTS_MANAGE)
    try:
        raw = services.totp_code_issue(acting_user=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            f"{target.username} 的动态口令绑定码：{raw}（仅显示一次，"
            f"{services.TOTP_CODE_HOURS} 小时内有效）。请当面交给本人。",
        )
    return redirect("accounts:handover")


# --- API tokens (every user, for their own account) ------------------------------------------


@login_required
def token_list_view(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    raw = ""
    if request.method == "POST" and form.is_valid():
        try:
            _, raw = services.api_token_create(
                acting_user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/token_list.html",
        {"form": form, "tokens": selectors.token_list(user=request.user), "raw": raw},
    )


@require_POST
@login_required
def token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.token_get(user=request.user, pk=pk)
    services.api_token_revoke(acting_user=request.user, token=token)
    messages.success(request, "令牌已撤销")
    return redirect("accounts:token_list")
