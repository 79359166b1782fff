"""公民身份号码 (GB 11643-1999): check character, 15→18 upgrade, derived facts, masking.

The check character is recomputed here from the standard's definition (weight 2^(i-1) mod 11
for position i counted from the right, check value (12 - S mod 11) mod 11, 10 written X), not
from ``core.idnumber``'s tables, so a wrong table there would be caught.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.idnumber import check_char, cross_check, mask_text, normalize, parse_id_number

DIGITS = "0123456789"
CHECK_ALPHABET = DIGITS + "X"


def reference_check_char(body17: str) -> str:
    total = sum(int(c) * pow(2, 17 - k, 11) for k, c in enumerate(body17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.text(alphabet=DIGITS, min_size=6, max_size=6))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + reference_check_char(body)


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


# --- property tests -----------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers())
def test_it_accepts_every_valid_number(value):
    number = parse_id_number(value)
    assert number.value == value
    assert number.birth_date == dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    assert number.sex_code == ("1" if int(value[16]) % 2 else "2")
    assert check_char(value[:17]) == value[17]


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers())
def test_it_rejects_every_single_character_change(value):
    tried = 0
    for position in range(18):
        alphabet = CHECK_ALPHABET if position == 17 else DIGITS
        for char in alphabet:
            if char == value[position]:
                continue
            changed = value[:position] + char + value[position + 1 :]
            with pytest.raises(ValidationError):
                parse_id_number(changed)
            tried += 1
    assert tried == 17 * 9 + 10


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers())
def test_it_rejects_every_adjacent_swap(value):
    for position in range(17):
        swapped = value[:position] + value[position + 1] + value[position] + value[position + 2 :]
        if swapped == value:
            continue
        with pytest.raises(ValidationError):
            parse_id_number(swapped)


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers())
def test_it_upgrades_every_valid_fifteen_digit_number(value):
    assume(value[6:8] == "19")  # a 15-digit number can only stand for a birth in the 1900s
    old = value[:6] + value[8:17]
    assert len(old) == 15
    assert parse_id_number(old).value == value


# --- the standard's examples --------------------------------------------------------------


def test_it_accepts_the_standards_examples():
    assert parse_id_number("11010519491231002X").value == "11010519491231002X"
    example = parse_id_number("440524188001010014")
    assert example.value == "440524188001010014"
    assert example.birth_date == dt.date(1880, 1, 1)
    assert example.sex_code == "1"


def test_it_computes_the_worked_example_check_char():
    assert check_char("51310119820113001") == "4"
    assert reference_check_char("51310119820113001") == "4"
    assert parse_id_number("513101198201130014").value == "513101198201130014"


def test_it_upgrades_a_fifteen_digit_number_with_the_19_century_and_a_check_char():
    number = parse_id_number("110105491231002")
    assert number.value == "11010519491231002X"
    assert number.birth_date == dt.date(1949, 12, 31)
    assert number.sex_code == "2"


def test_it_refuses_a_fifteen_digit_number_with_an_impossible_date():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("110105490230002")
    assert exc.value.code == "bad_birth_date"


# --- derived facts and cross-checks -------------------------------------------------------


def test_it_derives_birth_date_and_sex():
    man = parse_id_number("513101198201130014")  # sequence 001: odd
    assert man.birth_date == dt.date(1982, 1, 13)
    assert man.sex_code == "1"
    assert man.sex_label == "男"
    woman = parse_id_number("11010519491231002X")  # sequence 002: even
    assert woman.sex_code == "2"
    assert woman.sex_label == "女"
    assert woman.region_code == "110105"


def test_it_passes_a_cross_check_that_agrees():
    number = parse_id_number("513101198201130014")
    cross_check(number, birth=dt.date(1982, 1, 13), birth_month="1982.01", sex_code="1")


def test_it_refuses_a_mismatched_birth_date():
    number = parse_id_number("513101198201130014")
    with pytest.raises(ValidationError) as exc:
        cross_check(number, birth=dt.date(1982, 1, 14))
    assert exc.value.message_dict == {
        "birth_date": ["出生日期与身份证号不一致（身份证号为 1982.01.13）"]
    }


def test_it_refuses_a_mismatched_birth_month():
    number = parse_id_number("513101198201130014")
    with pytest.raises(ValidationError) as exc:
        cross_check(number, birth_month="1982.02")
    assert exc.value.message_dict == {
        "birth_month": ["出生年月与身份证号不一致（身份证号为 1982.01）"]
    }


def test_it_refuses_a_mismatched_sex():
    number = parse_id_number("513101198201130014")
    with pytest.raises(ValidationError) as exc:
        cross_check(number, sex_code="2")
    assert exc.value.message_dict == {"sex": ["性别与身份证号不一致（身份证号为男性）"]}


def test_it_reports_every_mismatch_at_once():
    number = parse_id_number("11010519491231002X")
    with pytest.raises(ValidationError) as exc:
        cross_check(number, birth=dt.date(1949, 12, 30), birth_month="194911", sex_code="1")
    assert set(exc.value.message_dict) == {"birth_date", "birth_month", "sex"}


# --- normalisation and messages -----------------------------------------------------------


def test_it_normalises_full_width_digits_and_lower_case_x():
    assert normalize("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert parse_id_number("１１０１０５１９４９１２３１００２ｘ").value == "11010519491231002X"
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"
    assert parse_id_number(" 110105 19491231 002X ").value == "11010519491231002X"


def test_it_names_the_right_check_char_in_its_message():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("513101198201130015")
    assert exc.value.code == "bad_check_digit"
    assert messages(exc) == ["身份证号校验位错误，应为 4"]
    with pytest.raises(ValidationError) as exc:
        parse_id_number("110105194912310021")
    assert messages(exc) == ["身份证号校验位错误，应为 X"]


def test_it_rejects_an_impossible_birth_date():
    body = "11010519990230001"
    with pytest.raises(ValidationError) as exc:
        parse_id_number(body + reference_check_char(body))
    assert exc.value.code == "bad_birth_date"
    assert messages(exc) == ["身份证号中的出生日期 19990230 不是有效日期"]


def test_it_rejects_a_future_birth_date():
    today = dt.date(2026, 6, 1)
    body = "11010520260602001"
    with pytest.raises(ValidationError) as exc:
        parse_id_number(body + reference_check_char(body), today=today)
    assert exc.value.code == "bad_birth_date"
    assert messages(exc) == ["身份证号中的出生日期 20260602 不在合理范围内"]
    body_today = "11010520260601001"
    assert parse_id_number(body_today + reference_check_char(body_today), today=today)


def test_it_rejects_an_implausibly_early_birth_year():
    body = "11010507991231001"
    with pytest.raises(ValidationError) as exc:
        parse_id_number(body + reference_check_char(body))
    assert exc.value.code == "bad_birth_date"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "required"),
        ("   ", "required"),
        ("1101051949123100", "bad_length"),
        ("11010519491231002X1", "bad_length"),
        ("1101051949123100X2", "bad_chars"),
        ("11010519491231002Y", "bad_chars"),
    ],
)
def test_it_rejects_malformed_input_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw)
    assert exc.value.code == code


def test_it_reports_the_length_it_got():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("1101051949")
    assert messages(exc) == ["身份证号应为 18 位（或 15 位旧号），当前为 10 位"]


# --- masking ------------------------------------------------------------------------------


def test_it_masks_all_but_the_first_six_and_last_four():
    number = parse_id_number("11010519491231002X")
    assert number.masked() == "110105********002X"
    assert str(number) == "11010519491231002X"
    assert mask_text("11010519491231002X") == "110105********002X"


@settings(max_examples=200, deadline=None)
@given(valid_id_numbers())
def test_it_never_shows_the_birth_date_when_masked(value):
    masked = parse_id_number(value).masked()
    assert masked == value[:6] + "********" + value[-4:]
