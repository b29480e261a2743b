"""Spots: stays in one place on the back with weight on the ball.

A spot (interchange contract, domain notes) is a stay with weight on the
ball and the position steady within about ±1.5 cm for ≥ 8 s; rolling along
the spine is not a spot. Taken literally: a spot is a maximal run of on-ball
frames whose positions all lie within ±15 mm of the run's mean, lasting
≥ 8 s. Runs are found left to right: the earliest qualifying 8 s window,
grown to the right and then to the left for as long as the rule holds;
spots never overlap.

Pain target (domain notes: "about one third, 6 → 4"): the target for a spot
is two thirds of its first rating rounded half up, and always at least one
point below the first rating: 6 → 4, 7 → 5, 8 → 5, 5 → 3, 4 → 3, 2 → 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.anatomy import THORACIC
from spineball.numeric import running_max
from spineball.sessionfile import Event

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_DWELL_S: Final = 8.0
HALF_BAND_MM: Final = 15.0
GROW_CHUNK_S: Final = 120.0  # look this far ahead at a time while growing a spot
ARRIVAL_S: Final = 2.0  # how much of a spot's start may be the arriving roll
COVERAGE_MIN_S: Final = 2.0  # on-ball time under a level for it to count as covered
EVENT_SLACK_S: Final = 2.0  # a rating said just before settling still belongs to the spot


@dataclass(frozen=True, slots=True)
class Spot:
    start_s: float
    end_s: float
    position_mm: float
    position_sd_mm: float
    level: str
    mean_load_n: float
    peak_load_n: float
    pain_first: int | None
    pain_last: int | None
    sore: bool

    @property
    def dwell_s(self) -> float:
        return self.end_s - self.start_s

    @property
    def pain_target(self) -> int | None:
        return None if self.pain_first is None else pain_target(self.pain_first)

    @property
    def pain_target_met(self) -> bool | None:
        if self.pain_first is None or self.pain_last is None:
            return None
        return self.pain_last <= pain_target(self.pain_first)


def pain_target(first: int) -> int:
    """Two thirds of the first rating, rounded half up, at least one point lower."""
    return max(min(math.floor(2.0 * first / 3.0 + 0.5), first - 1), 0)


def _band_ok(segment: FloatArray) -> BoolArray:
    """For each prefix of ``segment``: do all its values lie within ±15 mm of its mean?"""
    mean = np.cumsum(segment) / np.arange(1, len(segment) + 1)
    high = np.fmax.accumulate(segment)
    low = np.fmin.accumulate(segment)
    ok = (high - mean <= HALF_BAND_MM) & (mean - low <= HALF_BAND_MM)
    return np.asarray(np.minimum.accumulate(ok & np.isfinite(mean)))  # NaN ends every prefix


def _grow_right(pos: FloatArray, a: int, b: int, chunk: int) -> int:
    """Last index e ≥ b such that pos[a : e + 1] keeps the rule (pos[a : b + 1] does)."""
    end = b
    while True:
        hi = min(end + chunk, len(pos))
        ok = _band_ok(pos[a:hi])
        last = a + int(np.count_nonzero(ok)) - 1
        if last < hi - 1 or hi == len(pos):
            return max(last, end)
        end = hi - 1


def _grow_left(pos: FloatArray, a: int, b: int, floor: int, chunk: int) -> int:
    start = a
    while True:
        lo = max(start - chunk, floor)
        ok = _band_ok(pos[lo : b + 1][::-1])
        first = b - int(np.count_nonzero(ok)) + 1
        if first > lo or lo == floor:
            return min(first, start)
        start = lo


def qualifying_windows(pos: FloatArray, window: int) -> BoolArray:
    """Windows pos[i : i + window] entirely on the ball and within ±15 mm of their mean."""
    n = len(pos)
    if n < window:
        return np.zeros(0, dtype=bool)
    finite = np.isfinite(pos)
    filled = np.where(finite, pos, 0.0)
    count = np.concatenate(([0], np.cumsum(finite)))
    total = np.concatenate(([0.0], np.cumsum(filled)))
    mean = (total[window:] - total[:-window]) / window
    high = running_max(filled, window)
    low = -running_max(-filled, window)
    full = count[window:] - count[:-window] == window
    return np.asarray(full & (high - mean <= HALF_BAND_MM) & (mean - low <= HALF_BAND_MM))


def current_stay(pos_mm: FloatArray, on_ball: BoolArray) -> int:
    """How many of the last frames form one stay (on the ball, within ±15 mm of their mean)."""
    pos = np.where(on_ball, pos_mm, np.nan)[::-1]
    return int(np.count_nonzero(_band_ok(pos)))


def _skip_arrival(
    pos: FloatArray, a: int, b: int, window: int, chunk: int, most: int
) -> tuple[int, int]:
    """Drop the tail of the arriving roll from a spot's start if that lets the stay run on.

    The earliest qualifying window often starts on the last millimetres of the
    roll that brought the ball there; those frames can end the stay early when
    the person settles a few millimetres further on.
    """
    if b + 1 >= len(pos) or not np.isfinite(pos[b + 1]):
        return a, b  # the stay ended because the person got off, not by moving
    best = (a, b)
    for start in range(a + 1, min(a + most, b - window + 2) + 1):
        end = _grow_right(pos, start, max(b, start + window - 1), chunk)
        if end - start > best[1] - best[0]:
            best = (start, end)
    return best


def find_spots(pos_mm: FloatArray, on_ball: BoolArray, frame_s: float) -> list[tuple[int, int]]:
    """Frame index ranges [start, end) of spots; ``pos_mm`` per frame."""
    pos = np.where(on_ball, pos_mm, np.nan)
    window = round(MIN_DWELL_S / frame_s) + 1
    chunk = round(GROW_CHUNK_S / frame_s)
    starts = np.flatnonzero(qualifying_windows(pos, window))
    spots: list[tuple[int, int]] = []
    floor = 0
    while True:
        k = int(np.searchsorted(starts, floor))
        if k == len(starts):
            return spots
        a = int(starts[k])
        b = a + window - 1
        while True:
            new_b = _grow_right(pos, a, b, chunk)
            new_a = _grow_left(pos, a, new_b, floor, chunk)
            if (new_a, new_b) == (a, b):
                break
            a, b = new_a, new_b
        a, b = _skip_arrival(pos, a, b, window, chunk, round(ARRIVAL_S / frame_s))
        spots.append((a, b + 1))
        floor = b + 1


def pain_in(events: Sequence[Event], start_s: float, end_s: float) -> tuple[int | None, int | None]:
    ratings = [
        e.value
        for e in events
        if e.kind == "pain"
        and isinstance(e.value, int)
        and start_s - EVENT_SLACK_S <= e.t_s <= end_s
    ]
    return (ratings[0], ratings[-1]) if ratings else (None, None)


def sore_in(events: Sequence[Event], start_s: float, end_s: float) -> bool:
    return any(e.kind == "sore" and start_s - EVENT_SLACK_S <= e.t_s <= end_s for e in events)


def coverage(levels: Sequence[str], frame_s: float) -> tuple[list[str], float]:
    """Thoracic levels the ball was under (≥ 2 s on the ball) and their share of T1–T12."""
    names, counts = np.unique(np.asarray(levels, dtype=object), return_counts=True)
    covered = {str(n) for n, c in zip(names, counts, strict=True) if c * frame_s >= COVERAGE_MIN_S}
    thoracic = [lvl for lvl in THORACIC if lvl in covered]
    return thoracic, len(thoracic) / len(THORACIC)
