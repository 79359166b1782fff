"""Users, unit-scoped role grants, password history, sessions and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from core.fields import EncryptedIdNumberField
from core.permissions import Role


class User(AbstractUser):
    """A person who signs in. Business data access comes only from ``RoleGrant`` rows."""

    full_name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    id_number = EncryptedIdNumberField(
        "身份证号", null=True, blank=True, digest_field="id_number_digest"
    )
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    failed_login_count = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    totp_secret = models.TextField("动态口令密钥（密文）", blank=True)
    totp_confirmed_at = models.DateTimeField("动态口令启用时间", null=True, blank=True)
    totp_last_step = models.BigIntegerField("最近使用的动态口令时间步", default=0)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name}（{self.username}）" if self.full_name else self.username


class RoleGrant(models.Model):
    """One role of a user, on a unit subtree (business roles) or unscoped (三员)."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name="授权范围（单位及下级）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name="授权人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ["user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="accounts_grant_unique"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(unit__isnull=True),
                name="accounts_grant_unique_unscoped",
            ),
            # 三员 are unscoped; every business role names a unit subtree.
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["sysadmin", "secadmin", "auditor"], unit__isnull=True)
                    | (
                        ~models.Q(role__in=["sysadmin", "secadmin", "auditor"])
                        & models.Q(unit__isnull=False)
                    )
                ),
                name="accounts_grant_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit.name if self.unit_id and self.unit else "全系统"
        return f"{self.user.username}：{self.get_role_display()} @ {scope}"


class PasswordHistory(models.Model):
    """Hashes of a user's previous passwords (docs/security.md, "Identity and
    sessions": not one of the last 5)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """Session keys of a user, so disabling an account can end its sessions server-side."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip = models.CharField(max_length=45, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} 会话"


class ApiToken(models.Model):
    """A bearer token for /api/v1/; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=50)
    prefix = models.CharField("前缀", max_length=8)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class PasswordReset(models.Model):
    """A password reset awaiting (or given) the 安全管理员's confirmation (docs/security.md).

    The temporary password is split in two: the 系统管理员 sees the first part when resetting,
    the 安全管理员 sees the second when confirming, and only the two together sign in, so no
    single administrator can act as the user. The second part is kept encrypted until the
    confirmation shows it once, then erased.
    """

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="password_resets"
    )
    reset_by = models.ForeignKey(
        User,
        verbose_name="重置人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reset_at = models.DateTimeField("重置时间", auto_now_add=True)
    second_part = models.TextField("临时密码第二段（密文）", blank=True)
    confirmed_by = models.ForeignKey(
        User,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    announced_at = models.DateTimeField("已告知用户", null=True, blank=True)

    class Meta:
        verbose_name = "密码重置"
        verbose_name_plural = "密码重置"
        ordering = ["-reset_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} 密码重置"


class TotpEnrolmentCode(models.Model):
    """A one-time code the 安全管理员 issues so that a privileged user can bind a second
    factor (docs/security.md): knowing the initial password alone does not show the QR."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="totp_codes"
    )
    issued_by = models.ForeignKey(
        User, verbose_name="签发人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    code_digest = models.CharField(max_length=64)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "动态口令绑定码"
        verbose_name_plural = "动态口令绑定码"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} 绑定码"
