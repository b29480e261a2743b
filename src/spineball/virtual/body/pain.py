"""Pain at a sore spot while the person stays on it.

Domain notes: pain decays roughly exponentially with τ 20–60 s and a one-third
drop (6 → 4) takes about 25–65 s. A decay to zero would reach the one-third
drop at 0.4 τ, so pain decays towards half of the first rating instead:
pain(t) = p₀·(½ + ½·e^(−t/τ)) reaches ⅔·p₀ at t = τ·ln 3 ≈ 1.1 τ.
Ratings are whole numbers, rounded half up.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

PAIN_FLOOR_FRACTION: Final = 0.5

FloatArray = npt.NDArray[np.float64]


def round_rating(value: float) -> int:
    """A 1–10 rating from a continuous pain level (half up: 4.5 → 5)."""
    return int(min(10, max(1, math.floor(value + 0.5))))


def pain_target(first: int) -> int:
    """Domain notes: the target is two thirds of the first rating, rounded (6 → 4, 8 → 5)."""
    return max(1, math.floor(2.0 * first / 3.0 + 0.5))


def pain_level(first: int, tau_s: float, since_first_s: FloatArray) -> FloatArray:
    """Continuous pain level ``since_first_s`` seconds after the first rating."""
    decay = np.exp(-np.maximum(since_first_s, 0.0) / tau_s)
    result: FloatArray = first * (PAIN_FLOOR_FRACTION + (1.0 - PAIN_FLOOR_FRACTION) * decay)
    return result


def time_to_target_s(first: int, tau_s: float) -> float:
    """Seconds after the first rating until the rating (rounded) reaches the target."""
    threshold = (pain_target(first) + 0.5) / first  # rating ≤ target once pain < target + ½
    if threshold >= 1.0:
        return 0.0
    return -tau_s * math.log((threshold - PAIN_FLOOR_FRACTION) / (1.0 - PAIN_FLOOR_FRACTION))
