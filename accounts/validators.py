"""Password rules beyond Django's (docs/security.md, "Identity and sessions")."""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class MinimumLengthValidator:
    """At least ``min_length`` characters, with the message in Chinese.

    Django's own validator is not used because its zh_Hans translation of this message no
    longer matches the 5.2 English text, so users would see English.
    """

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                "密码太短，至少需要 %(n)d 个字符",
                code="password_too_short",
                params={"n": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符"


class CharacterClassValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "密码须至少包含小写字母、大写字母、数字、符号中的 %(n)d 类",
                code="password_classes",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return f"至少包含小写字母、大写字母、数字、符号中的 {self.min_classes} 类"


class PasswordHistoryValidator:
    """Not the current password nor one of the last ``history`` ones."""

    def __init__(self, history: int = 5) -> None:
        self.history = history

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not getattr(user, "pk", None):
            return
        hashes = [user.password] if user.password else []
        hashes += list(
            user.password_history.order_by("-created_at", "-id").values_list("password", flat=True)[
                : self.history
            ]
        )
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                "不能使用最近 %(n)d 次用过的密码",
                code="password_reused",
                params={"n": self.history},
            )

    def get_help_text(self) -> str:
        return f"不能与最近 {self.history} 次使用的密码相同"
