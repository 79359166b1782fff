"""公民身份号码 (GB 11643-1999): parsing, check digit, 15→18 upgrade, masking.

The check digit is ISO 7064:1983 MOD 11-2 (docs/rules.md, "ID number").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
_RE18 = re.compile(r"^\d{17}[\dX]$")
_RE15 = re.compile(r"^\d{15}$")
# GB 11643-1999's own example 440524188001010014 was born in 1880, so 1900 is too late a floor.
EARLIEST_BIRTH_YEAR = 1800


def check_char(body17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(body17, WEIGHTS, strict=True)) % 11]


def normalize(raw: str) -> str:
    """Full-width digits and ``x`` become ASCII ``X``; spaces are dropped."""
    return "".join(raw.translate(_FULL_WIDTH).upper().split())


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A validated 18-character 公民身份号码."""

    value: str

    @property
    def region_code(self) -> str:
        return self.value[:6]

    @property
    def birth_date(self) -> dt.date:
        v = self.value
        return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))

    @property
    def sex_code(self) -> str:
        """GB/T 2261.1 code: 1 男 (odd sequence number), 2 女 (even)."""
        return "1" if int(self.value[16]) % 2 == 1 else "2"

    @property
    def sex_label(self) -> str:
        return "男" if self.sex_code == "1" else "女"

    def masked(self) -> str:
        """First 6 and last 4 shown (docs/security.md, "Data
        protection"): ``110105********002X``."""
        return self.value[:6] + "*" * 8 + self.value[-4:]

    def __str__(self) -> str:
        return self.value


def _birth_date(text: str) -> dt.date:
    try:
        return dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise ValidationError(
            "身份证号中的出生日期 %(d)s 不是有效日期", code="bad_birth_date", params={"d": text}
        ) from exc


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Validate and normalise an ID number; 15-digit numbers are upgraded to 18.

    Raises ``ValidationError`` with a Chinese message naming what is wrong.
    """
    value = normalize(raw or "")
    if not value:
        raise ValidationError("请填写身份证号", code="required")
    if _RE15.match(value):
        body = value[:6] + "19" + value[6:]
        _check_date(body[6:14], today)
        return IdNumber(body + check_char(body))
    if len(value) != 18:
        raise ValidationError(
            "身份证号应为 18 位（或 15 位旧号），当前为 %(n)d 位",
            code="bad_length",
            params={"n": len(value)},
        )
    if not _RE18.match(value):
        raise ValidationError("身份证号只能由数字组成，最后一位可为 X", code="bad_chars")
    _check_date(value[6:14], today)
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            "身份证号校验位错误，应为 %(c)s", code="bad_check_digit", params={"c": expected}
        )
    return IdNumber(value)


def _check_date(text: str, today: dt.date | None) -> None:
    born = _birth_date(text)
    if born.year < EARLIEST_BIRTH_YEAR or born > (today or dt.date.today()):
        raise ValidationError(
            "身份证号中的出生日期 %(d)s 不在合理范围内", code="bad_birth_date", params={"d": text}
        )


def cross_check(
    id_number: IdNumber,
    *,
    birth: dt.date | None = None,
    birth_month: str | None = None,
    sex_code: str | None = None,
) -> None:
    """Refuse a record whose birth date / month / sex disagree with its ID number."""
    errors: dict[str, str] = {}
    if birth is not None and birth != id_number.birth_date:
        errors["birth_date"] = (
            f"出生日期与身份证号不一致（身份证号为 {id_number.birth_date:%Y.%m.%d}）"
        )
    if birth_month is not None and birth_month.replace(".", "") != id_number.value[6:12]:
        errors["birth_month"] = (
            "出生年月与身份证号不一致"
            f"（身份证号为 {id_number.value[6:10]}.{id_number.value[10:12]}）"
        )
    if sex_code is not None and sex_code != id_number.sex_code:
        errors["sex"] = f"性别与身份证号不一致（身份证号为{id_number.sex_label}性）"
    if errors:
        raise ValidationError(errors)


def mask_text(value: str) -> str:
    """Mask an already-validated number for display."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def build_id_number(region_code: str, birth: dt.date, sequence: int) -> IdNumber:
    """Compose a valid number (for generated demo data): odd ``sequence`` is male."""
    body = f"{region_code}{birth:%Y%m%d}{sequence:03d}"
    if len(body) != 17 or not body.isdigit():
        raise ValueError("region_code must be 6 digits and sequence 0–999")
    return IdNumber(body + check_char(body))
