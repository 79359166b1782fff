"""The reproducible random draw of a spot check (随机抽查).

An auditor re-runs the draw outside the system with the recorded seed and candidate list::

    import random
    size = -(-len(ids) * percentage // 100)          # ceil, see ``sample_size``
    random.Random(seed).sample(sorted(ids), size)

Python documents only ``random()`` as reproducible across versions for a given seed; the
``sample`` algorithm has not changed since 3.2 but carries no such promise. The drawn list is
therefore stored with the seed, and ``selectors.spot_check_verify`` re-runs the draw and says
whether it still gives the stored list.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

MAX_SEED = 2**31 - 1


def sample_size(population: int, percentage: int) -> int:
    """How many to draw: ``percentage`` of ``population`` rounded **up**, so the share checked
    never falls below the percentage (10% of 25 reports draws 3, not 2). Zero only when the
    population is empty; never more than the population."""
    if population <= 0 or percentage <= 0:
        return 0
    return min(population, -(-population * percentage // 100))


def draw_sample(candidate_ids: Iterable[int], percentage: int, seed: int) -> list[int]:
    """The drawn ids, in draw order: the candidates sorted ascending, then
    ``random.Random(seed).sample``. The same ids, percentage and seed always give the same list."""
    ordered = sorted(set(candidate_ids))
    rng = random.Random(seed)  # noqa: S311 (a reproducible draw, not a secret)
    return rng.sample(ordered, sample_size(len(ordered), percentage))


def new_seed() -> int:
    """A fresh seed for a draw (recorded with it, so the draw can be repeated)."""
    return secrets.randbelow(MAX_SEED) + 1
