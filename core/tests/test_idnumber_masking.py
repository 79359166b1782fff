"""mask_text shows no digit of a short value (found by `make mutation`, docs/testing.md: only
an 18-character number was tested, so a short value's digits could have been shown)."""

from __future__ import annotations

from core.idnumber import mask_text


def test_it_masks_a_value_of_ten_characters_or_fewer_entirely() -> None:
    assert mask_text("") == ""
    assert mask_text("12345") == "*****"
    assert mask_text("1234567890") == "**********"


def test_it_keeps_six_and_four_characters_of_a_longer_value() -> None:
    assert mask_text("12345678901") == "123456*8901"
    assert mask_text("110105491231002") == "110105*****1002"
