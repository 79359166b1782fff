"""The spot-check draw at its edges (found by `make mutation`, docs/testing.md): sample_size
with a percentage of 1, all of a population, and inputs that are not a real population or
percentage; new_seed at both ends of its range (no test drew a fresh seed)."""

from __future__ import annotations

import pytest

from supervision import draw
from supervision.draw import MAX_SEED, sample_size


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


@pytest.mark.parametrize(("drawn", "seed"), [(0, 1), (MAX_SEED - 1, MAX_SEED)])
def test_a_fresh_seed_is_never_zero_nor_above_the_maximum(
    monkeypatch: pytest.MonkeyPatch, drawn: int, seed: int
) -> None:
    # A seed of 0 would read as "no seed given" (``seed or draw.new_seed()``).
    asked: list[int] = []

    def randbelow(n: int) -> int:
        asked.append(n)
        return drawn

    monkeypatch.setattr(draw.secrets, "randbelow", randbelow)
    assert draw.new_seed() == seed
    assert asked == [MAX_SEED]
