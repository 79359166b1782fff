"""path_segment: the fixed-width base-36 piece of a unit's materialised path. The expected
segments are written out by hand (digits 0-9 then a-z), not computed by the function."""

from __future__ import annotations

import pytest

from orgs.models import path_segment


@pytest.mark.parametrize(
    ("unit_id", "segment"),
    [
        (1, "00000001/"),
        (9, "00000009/"),
        (10, "0000000a/"),
        (35, "0000000z/"),
        (36, "00000010/"),  # 1×36 + 0
        (1295, "000000zz/"),  # 35×36 + 35
        (1296, "00000100/"),  # 36²
        (123_456_789, "0021i3v9/"),  # 2·36⁵ + 1·36⁴ + 18·36³ + 3·36² + 31·36 + 9
        (36**8 - 1, "zzzzzzzz/"),  # 2 821 109 907 455, the largest id that fits the width
    ],
)
def test_it_writes_the_id_in_base_36_padded_to_eight_digits(unit_id: int, segment: str) -> None:
    assert path_segment(unit_id) == segment


def test_it_sorts_segments_in_id_order_so_paths_sort_by_tree() -> None:
    ids = [2, 9, 10, 35, 36, 100, 1295, 1296, 123_456_789, 36**8 - 1]
    segments = [path_segment(i) for i in ids]
    assert sorted(segments) == segments
    # Unpadded numbers would not: "10" < "9" as text.
    assert sorted(str(i) for i in (9, 10)) == ["10", "9"]


def test_it_keeps_every_segment_the_same_width_and_prefix_free() -> None:
    segments = [path_segment(i) for i in (1, 36, 1296, 123_456_789, 36**8 - 1)]
    assert {len(s) for s in segments} == {9}
    # One unit's path can never be a prefix of a sibling's: 1 vs 36 ("00000001/" vs "00000010/").
    assert not path_segment(36).startswith(path_segment(1)[:-1] + "/")
    assert all(
        int(s[:-1], 36) == i
        for s, i in zip(segments, (1, 36, 1296, 123_456_789, 36**8 - 1), strict=True)
    )
