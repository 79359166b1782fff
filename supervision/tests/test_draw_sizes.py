"""sample_size at its edges (found by `make mutation`, docs/testing.md): a percentage of 1,
all of a population, and inputs that are not a real population or percentage."""

from __future__ import annotations

from supervision.draw import sample_size


def test_one_percent_still_draws_one() -> None:
    assert sample_size(25, 1) == 1
    assert sample_size(101, 1) == 2  # 1.01 rounded up


def test_a_hundred_percent_draws_everyone() -> None:
    assert sample_size(101, 100) == 101
    assert sample_size(7, 100) == 7


def test_a_negative_population_or_percentage_draws_none() -> None:
    assert sample_size(-5, 10) == 0
    assert sample_size(10, -10) == 0
    assert sample_size(0, 10) == 0
    assert sample_size(10, 0) == 0
