"""core.http.request_int: the one parser of integers from a request (docs/security.md)."""

from __future__ import annotations

import pytest
from django.http import Http404

from core.http import MAX_BIGINT, request_int, request_int_or_404


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        (str(MAX_BIGINT), MAX_BIGINT),
        (str(MAX_BIGINT + 1), None),
        ("99999999999999999999999", None),
        ("²", None),  # str.isdigit() says yes, int() raises
        ("٣", None),  # int() says 3
        ("３", None),  # full-width 3
        ("-1", None),  # no minus unless allowed
        ("+1", None),
        (" 1", None),
        ("1_000", None),
        ("1e3", None),
        ("1.0", None),
        ("", None),
        (None, None),
        (7, None),  # only request strings
        ("x" * 5000, None),
    ],
)
def test_it_accepts_only_ascii_digits_within_range(value, expected):
    assert request_int(value) == expected


def test_it_gives_the_default_for_junk_and_missing():
    assert request_int("²", default=20) == 20
    assert request_int(None, default=20) == 20


def test_it_takes_a_minus_only_when_the_minimum_is_negative():
    assert request_int("-5", minimum=-10) == -5
    assert request_int("-11", minimum=-10) is None
    assert request_int("-5") is None


def test_it_keeps_to_the_bounds():
    assert request_int("151", maximum=150) is None
    assert request_int("0", minimum=1) is None


def test_it_answers_404_for_a_bad_id():
    assert request_int_or_404("12") == 12
    with pytest.raises(Http404):
        request_int_or_404("²")
