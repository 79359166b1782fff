"""supervision.draw: the spot-check draw repeats exactly from its seed."""

from __future__ import annotations

import random

from supervision.draw import draw_sample, sample_size


def test_it_draws_the_same_list_twice_from_one_seed() -> None:
    ids = list(range(1, 201))
    first = draw_sample(ids, 10, 20260131)
    second = draw_sample(list(reversed(ids)), 10, 20260131)  # input order does not matter
    assert first == second
    assert len(first) == 20
    assert len(set(first)) == 20
    assert set(first) <= set(ids)


def test_it_draws_a_different_list_from_another_seed() -> None:
    ids = list(range(1, 201))
    assert draw_sample(ids, 10, 1) != draw_sample(ids, 10, 2)


def test_it_is_what_an_auditor_gets_with_plain_python() -> None:
    # The recipe in the module docstring, written out independently.
    ids = [57, 3, 991, 14, 250, 8, 77, 412, 36, 19, 600, 5]
    expected = random.Random(424242).sample(sorted(ids), 2)
    assert draw_sample(ids, 10, 424242) == expected


def test_it_rounds_the_sample_size_up() -> None:
    assert sample_size(25, 10) == 3  # 2.5 → 3: never below the percentage
    assert sample_size(20, 10) == 2
    assert sample_size(1, 10) == 1
    assert sample_size(0, 10) == 0
    assert sample_size(7, 100) == 7
    assert sample_size(3, 50) == 2
