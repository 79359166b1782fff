"""Account writes: users, grants, passwords, logins, API tokens. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import (
    ApiToken,
    PasswordHistory,
    PasswordReset,
    RoleGrant,
    TotpEnrolmentCode,
    User,
    UserSession,
)
from accounts.scoping import forget_grants
from audit.choices import AuditAction
from audit.services import (
    audit_record,
    audit_record_standalone,
    diff,
    editable,
    snapshot,
)
from core.crypto import decrypt_text, encrypt_text
from core.permissions import THREE_ADMINS, Action, Role, has_action, roles_of

USER_FIELDS = ("full_name", "unit", "phone", "id_number", "email")


def _require(user: Any, action: str) -> None:
    if not has_action(user, action):
        raise PermissionDenied("没有执行此操作的权限")


def generate_password(length: int = 12) -> str:
    """A random password that satisfies the policy (all four character classes)."""
    pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "!@#$%^&*-_=+"]
    chars = [secrets.choice(pool) for pool in pools]
    alphabet = "".join(pools)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _set_password(user: User, raw: str) -> None:
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(raw)
    user.password_changed_at = timezone.now()


# --- users (系统管理员) ------------------------------------------------------------------


def user_create(
    *,
    acting_user: User,
    username: str,
    full_name: str,
    unit: Any = None,
    phone: str = "",
    email: str = "",
    id_number: Any = None,
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with a one-time password the user must change at first login."""
    _require(acting_user, Action.USERS_MANAGE)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该账号已存在"})
    raw = password or generate_password()
    user = User(
        username=username,
        full_name=full_name.strip(),
        unit=unit,
        phone=phone,
        email=email,
        id_number=id_number,
        must_change_password=True,
    )
    password_validation.validate_password(raw, user)
    with transaction.atomic():
        user.set_password(raw)
        user.password_changed_at = timezone.now()
        user.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=user,
            changes={"after": snapshot(user, (*USER_FIELDS, "username", "is_active"))},
        )
    return user, raw


def user_update(
    *, acting_user: User, user: User, version: int | None = None, **fields: Any
) -> User:
    """Change profile fields; refuses a stale version (optimistic locking)."""
    _require(acting_user, Action.USERS_MANAGE)
    editable(fields, USER_FIELDS)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if version is not None and current.version != version:
            raise ValidationError("该账户已被他人修改，请刷新后重试")
        before = snapshot(current, USER_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        current.full_clean(exclude=["password", "username"])
        current.version = F("version") + 1
        current.save(update_fields=[*fields, "version"])
        current.refresh_from_db()
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current,
            changes=diff(before, snapshot(current, USER_FIELDS)),
        )
    return current


def _end_sessions(user: User) -> int:
    """Delete every server-side session of ``user``."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


def _revoke_tokens(user: User) -> int:
    """Revoke every live API token of ``user``; returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_set_active(*, acting_user: User, user: User, active: bool) -> User:
    """Enable or disable an account; disabling ends its sessions and API tokens at once."""
    _require(acting_user, Action.USERS_MANAGE)
    if user.pk == acting_user.pk and not active:
        raise ValidationError("不能停用自己的账户")
    with transaction.atomic():
        before = snapshot(user, ["is_active"])
        user.is_active = active
        user.save(update_fields=["is_active"])
        ended = 0
        if not active:
            ended = _end_sessions(user)
            _revoke_tokens(user)
        changes = diff(before, snapshot(user, ["is_active"]))
        changes["sessions_ended"] = ended
        audit_record(actor=acting_user, action=AuditAction.UPDATE, obj=user, changes=changes)
    return user


def user_unlock(*, acting_user: User, user: User) -> User:
    """Lift a login lockout before it expires."""
    _require(acting_user, Action.USERS_MANAGE)
    with transaction.atomic():
        user.failed_login_count = 0
        user.locked_until = None
        user.save(update_fields=["failed_login_count", "locked_until"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=user,
            changes={"after": {"locked_until": None}},
        )
    return user


RESET_FIRST_LENGTH = 10
RESET_SECOND_LENGTH = 6
RESET_PURPOSE = "accounts.PasswordReset.second_part"


def user_reset_password(*, acting_user: User, user: User) -> str:
    """Reset a forgotten password so that no single administrator can act as the user.

    The temporary password has two parts: this returns the first, for the 系统管理员 to hand
    over; the second is kept encrypted until the 安全管理员 confirms the reset
    (``password_reset_confirm``), which shows it once. Only both together sign in, after which
    the user must choose a new password (docs/security.md). Every session and API token of
    the user ends at once.
    """
    _require(acting_user, Action.USERS_MANAGE)
    first = generate_password(RESET_FIRST_LENGTH)
    second = generate_password(RESET_SECOND_LENGTH)
    with transaction.atomic():
        _set_password(user, first + second)
        user.must_change_password = True
        user.failed_login_count = 0
        user.locked_until = None
        user.save(
            update_fields=[
                "password",
                "password_changed_at",
                "must_change_password",
                "failed_login_count",
                "locked_until",
            ]
        )
        # An earlier reset still waiting for its confirmation is superseded.
        PasswordReset.objects.filter(user=user, confirmed_at__isnull=True).delete()
        reset = PasswordReset.objects.create(
            user=user,
            reset_by=acting_user,
            second_part=encrypt_text(second, purpose=RESET_PURPOSE),
        )
        # Like disabling: whoever held the old password, a session or a token made with it is
        # out at once (docs/security.md).
        ended = _end_sessions(user)
        revoked = _revoke_tokens(user)
        audit_record(
            actor=acting_user,
            action=AuditAction.PASSWORD_RESET,
            obj=user,
            changes={
                "sessions_ended": ended,
                "tokens_revoked": revoked,
                "reset": reset.pk,
                "awaiting": "安全管理员确认",
            },
        )
    return first


def password_reset_confirm(*, acting_user: User, reset: PasswordReset) -> str:
    """The 安全管理员 confirms a pending reset: returns the second part of the temporary
    password (shown once, then erased), for handing to the user in person."""
    _require(acting_user, Action.GRANTS_MANAGE)
    with transaction.atomic():
        current = PasswordReset.objects.select_for_update().get(pk=reset.pk)
        if current.confirmed_at is not None or not current.second_part:
            raise ValidationError("该重置已确认过或已被新的重置取代")
        if acting_user.pk in (current.user_id, current.reset_by_id):
            raise ValidationError("重置密码须由另一名管理员确认")
        second = decrypt_text(current.second_part, purpose=RESET_PURPOSE)
        current.second_part = ""
        current.confirmed_by = acting_user
        current.confirmed_at = timezone.now()
        current.save(update_fields=["second_part", "confirmed_by", "confirmed_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=current.user,
            changes={
                "password_reset": "confirmed",
                "reset": current.pk,
                "reset_by": current.reset_by.username if current.reset_by else None,
            },
        )
    return second


def password_reset_notice(*, user: User) -> PasswordReset | None:
    """The confirmed reset of ``user`` not yet told to them, marked told (and audited): the
    login shows it once (who reset, who confirmed, when)."""
    with transaction.atomic():
        # of=self: PostgreSQL cannot lock the nullable side of the outer joins below.
        reset = (
            PasswordReset.objects.select_for_update(of=("self",))
            .filter(user=user, confirmed_at__isnull=False, announced_at__isnull=True)
            .select_related("reset_by", "confirmed_by")
            .first()
        )
        if reset is None:
            return None
        reset.announced_at = timezone.now()
        reset.save(update_fields=["announced_at"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            changes={"password_reset": "notice_shown", "reset": reset.pk},
        )
    return reset


def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """The user's own password change, checked against the policy and the last 5."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        _set_password(user, new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "password_changed_at", "must_change_password"])
        audit_record(actor=user, action=AuditAction.PASSWORD_CHANGE, obj=user)
    return user


def password_expired(user: User) -> bool:
    """True when the password is older than ZUGONG_PASSWORD_MAX_AGE_DAYS (0 disables)."""
    days = settings.ZUGONG_PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > dt.timedelta(days=days)


# --- grants (安全管理员) -----------------------------------------------------------------


def grant_add(*, acting_user: User, user: User, role: str, unit: Any = None) -> RoleGrant:
    """Give ``user`` a role; business roles on a unit subtree, 三员 unscoped and exclusive."""
    _require(acting_user, Action.GRANTS_MANAGE)
    role = Role(role)
    held = roles_of(user)
    if role in THREE_ADMINS:
        if unit is not None:
            raise ValidationError({"unit": "三员角色不限定单位范围"})
        if held - {role}:
            raise ValidationError({"role": "三员（系统、安全、审计管理员）不能与其他任何角色兼任"})
    else:
        if unit is None:
            raise ValidationError({"unit": "业务角色须选择授权范围（单位）"})
        if held & THREE_ADMINS:
            raise ValidationError({"role": "该用户是三员账户，不能再授予业务角色"})
    if user.pk == acting_user.pk:
        raise ValidationError({"user": "不能给自己授权"})
    if RoleGrant.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError({"role": "该授权已存在"})
    with transaction.atomic():
        grant = RoleGrant.objects.create(user=user, role=role, unit=unit, granted_by=acting_user)
        audit_record(
            actor=acting_user,
            action=AuditAction.GRANT,
            obj=grant,
            changes={
                "after": {
                    "user": user.username,
                    "role": role.value,
                    "unit": unit.name if unit else None,
                }
            },
        )
    forget_grants(user)
    return grant


def grant_remove(*, acting_user: User, grant: RoleGrant) -> None:
    """Withdraw one grant; takes effect at the user's next request."""
    _require(acting_user, Action.GRANTS_MANAGE)
    with transaction.atomic():
        audit_record(
            actor=acting_user,
            action=AuditAction.REVOKE,
            obj=grant,
            changes={
                "before": {
                    "user": grant.user.username,
                    "role": grant.role,
                    "unit": grant.unit.name if grant.unit else None,
                }
            },
        )
        grant.delete()


# --- login ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: User | None
    message: str = ""


LOGIN_FAILED_MESSAGE = "用户名或密码错误，或账户暂不可用。连续失败多次将被锁定。"


def login_attempt(*, username: str, password: str) -> LoginOutcome:
    """Check credentials under the lockout policy; every attempt is audited.

    Unknown user, wrong password, locked and disabled accounts all give the same message,
    and the unknown-user path spends the same hashing time.
    """
    now = timezone.now()
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        make_password(password, salt="timing-equaliser")  # same cost as a real check
        audit_record_standalone(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            object_type="accounts.User",
            object_repr=username[:150],
            changes={"reason": "unknown_user"},
        )
        return LoginOutcome(None, LOGIN_FAILED_MESSAGE)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.locked_until and user.locked_until > now:
            user.check_password(password)
            audit_record(
                actor=None, action=AuditAction.LOGIN_FAILED, obj=user, changes={"reason": "locked"}
            )
            return LoginOutcome(None, LOGIN_FAILED_MESSAGE)
        ok = user.check_password(password)
        if ok and user.is_active:
            fields = ["last_login"]
            # With a second factor the count is cleared only once the code is right too, so
            # that guessing codes cannot go on past the lockout threshold.
            if not totp_required(user):
                user.failed_login_count = 0
                user.locked_until = None
                fields += ["failed_login_count", "locked_until"]
            user.last_login = now
            user.save(update_fields=fields)
            return LoginOutcome(user)
        _count_failure(user, "inactive" if ok else "bad_password", now)
    return LoginOutcome(None, LOGIN_FAILED_MESSAGE)


def _count_failure(user: User, reason: str, now: dt.datetime) -> bool:
    """Audit a failed attempt and lock at the threshold (in the caller's transaction)."""
    user.failed_login_count += 1
    fields = ["failed_login_count"]
    locked = user.failed_login_count >= settings.ZUGONG_LOCKOUT_THRESHOLD
    if locked:
        until = now + dt.timedelta(minutes=settings.ZUGONG_LOCKOUT_MINUTES)
        user.locked_until = until
        user.failed_login_count = 0
        fields.append("locked_until")
    user.save(update_fields=fields)
    audit_record(actor=None, action=AuditAction.LOGIN_FAILED, obj=user, changes={"reason": reason})
    if locked:
        audit_record(
            actor=None,
            action=AuditAction.LOCKED,
            obj=user,
            changes={"locked_until": until.isoformat()},
        )
    return locked


def login_record(*, user: User, session_key: str, ip: str) -> None:
    """Remember the new session (for server-side ending) and audit the login."""
    with transaction.atomic():
        if user.failed_login_count or user.locked_until:
            user.failed_login_count = 0
            user.locked_until = None
            user.save(update_fields=["failed_login_count", "locked_until"])
        UserSession.objects.update_or_create(
            session_key=session_key, defaults={"user": user, "ip": ip}
        )
        audit_record(actor=user, action=AuditAction.LOGIN, obj=user)


def session_rekey(*, user: User, old_key: str | None, new_key: str, ip: str) -> None:
    """Follow a session whose key changed while signed in (password change), so that
    disabling the account can still end it."""
    with transaction.atomic():
        if old_key:
            UserSession.objects.filter(session_key=old_key).delete()
        UserSession.objects.update_or_create(session_key=new_key, defaults={"user": user, "ip": ip})
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            changes={"session": "密码修改后更换会话密钥"},
        )


def logout_record(*, user: User, session_key: str | None, expired: bool = False) -> None:
    """Audit a logout or a session timeout and forget the session."""
    with transaction.atomic():
        if session_key:
            UserSession.objects.filter(session_key=session_key).delete()
        audit_record(
            actor=user,
            action=AuditAction.SESSION_EXPIRED if expired else AuditAction.LOGOUT,
            obj=user,
        )


# --- second factor (TOTP) ----------------------------------------------------------------


def totp_required(user: User) -> bool:
    """Privileged roles listed in ZUGONG_TOTP_REQUIRED_ROLES, or anyone who enrolled."""
    if user.totp_confirmed_at:
        return True
    return bool(roles_of(user) & set(settings.ZUGONG_TOTP_REQUIRED_ROLES))


def account_locked(user: User) -> bool:
    """True while a lockout of ``user`` is in force."""
    return bool(user.locked_until and user.locked_until > timezone.now())


def totp_failed(*, user: User) -> bool:
    """A wrong second-factor code: audited, and counted toward the same lockout as a wrong
    password. Returns True when the account is now locked."""
    with transaction.atomic():
        locked_user = User.objects.select_for_update().get(pk=user.pk)
        return _count_failure(locked_user, "bad_totp", timezone.now())


def totp_accept(*, user: User, secret: str, code: str) -> bool:
    """Check a TOTP code (±1 step of clock drift) and use it up.

    RFC 6238 §5.2: a code that was accepted once is refused afterwards, so the step of the
    last accepted code is kept and only later steps are accepted.
    """
    totp = pyotp.TOTP(secret)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        now_step = totp.timecode(timezone.now())
        for step in (now_step - 1, now_step, now_step + 1):
            if step > locked.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code):
                locked.totp_last_step = step
                locked.save(update_fields=["totp_last_step"])
                user.totp_last_step = step
                audit_record(actor=None, action=AuditAction.SECOND_FACTOR, obj=locked)
                return True
    return False


TOTP_CODE_HOURS = 24


def totp_code_required(user: User) -> bool:
    """Binding the second factor of a privileged role (ZUGONG_TOTP_REQUIRED_ROLES) needs an
    enrolment code from the 安全管理员 (docs/security.md)."""
    return not user.totp_confirmed_at and bool(
        roles_of(user) & set(settings.ZUGONG_TOTP_REQUIRED_ROLES)
    )


def totp_code_issue(*, acting_user: User, user: User) -> str:
    """The 安全管理员 issues a one-time enrolment code for ``user`` (valid TOTP_CODE_HOURS,
    replaces an unused earlier one); only its digest is stored, the code is shown once."""
    _require(acting_user, Action.GRANTS_MANAGE)
    if user.pk == acting_user.pk:
        raise ValidationError("不能给自己签发绑定码")
    if user.totp_confirmed_at:
        raise ValidationError("该账户已绑定动态口令")
    raw = "".join(secrets.choice(string.digits) for _ in range(8))
    with transaction.atomic():
        TotpEnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        code = TotpEnrolmentCode.objects.create(
            user=user,
            issued_by=acting_user,
            code_digest=token_digest(raw),
            expires_at=timezone.now() + dt.timedelta(hours=TOTP_CODE_HOURS),
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=code,
            changes={"after": {"user": user.username, "expires_at": code.expires_at}},
        )
    return raw


def totp_code_redeem(*, user: User, code: str) -> TotpEnrolmentCode | None:
    """Use up ``user``'s enrolment code if ``code`` is it (unused, unexpired); audited. A wrong
    code returns None (the caller counts it toward the lockout)."""
    digest = token_digest(code.strip())
    with transaction.atomic():
        row = (
            TotpEnrolmentCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if row is None or not hmac.compare_digest(row.code_digest, digest):
            return None
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        audit_record(actor=user, action=AuditAction.UPDATE, obj=row, changes={"used": True})
    return row


def totp_enrol(*, user: User, secret: str, code: TotpEnrolmentCode | None = None) -> User:
    """Store a confirmed TOTP secret (encrypted) for ``user``; the audit event names who
    issued the enrolment code, if one was needed."""
    with transaction.atomic():
        user.totp_secret = encrypt_text(secret, purpose="accounts.User.totp_secret")
        user.totp_confirmed_at = timezone.now()
        user.save(update_fields=["totp_secret", "totp_confirmed_at"])
        changes: dict[str, Any] = {"after": {"totp": "enabled"}}
        if code is not None:
            changes["enrolment_code"] = code.pk
            changes["code_issued_by"] = code.issued_by.username if code.issued_by else None
        audit_record(actor=user, action=AuditAction.UPDATE, obj=user, changes=changes)
    return user


# --- API tokens --------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, acting_user: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """A new bearer token for the acting user; the raw value is shown once."""
    if not name.strip():
        raise ValidationError({"name": "请填写令牌用途"})
    if not 1 <= days <= 365:
        raise ValidationError({"days": "有效期须在 1–365 天之间"})
    raw = "zg_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=acting_user,
            name=name.strip(),
            prefix=raw[:8],
            token_digest=token_digest(raw),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            obj=token,
            changes={"after": {"name": token.name, "expires_at": token.expires_at}},
        )
    return token, raw


def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the acting user's tokens."""
    if token.user_id != acting_user.pk:
        raise PermissionDenied("只能撤销自己的令牌")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=acting_user, action=AuditAction.REVOKE, obj=token)
    return token


# --- set-up (command line only) ---------------------------------------------------------


def system_user_create(
    *,
    username: str,
    full_name: str,
    password: str | None,
    unit: Any = None,
    roles: list[tuple[str, Any]] | None = None,
    must_change_password: bool = True,
    id_number: Any = None,
) -> User:
    """Create an account and its grants at installation time (``seed_demo``, first admin).

    No acting user exists yet, so the audit events name the system; the channel is "cli".
    Grants obey the same 三员 rules as ``grant_add``.
    """
    roles = roles or []
    admin_roles = {Role(r) for r, _ in roles} & THREE_ADMINS
    if admin_roles and len(roles) > 1:
        raise ValidationError("三员（系统、安全、审计管理员）不能与其他任何角色兼任")
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            unit=unit,
            id_number=id_number,
            must_change_password=must_change_password,
            password_changed_at=timezone.now(),
        )
        if password:
            password_validation.validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=user,
            changes={"after": snapshot(user, (*USER_FIELDS, "username"))},
        )
        for role, scope in roles:
            grant = RoleGrant.objects.create(user=user, role=role, unit=scope)
            audit_record(
                actor=None,
                action=AuditAction.GRANT,
                obj=grant,
                changes={
                    "after": {"user": username, "role": role, "unit": scope.name if scope else None}
                },
            )
    return user
