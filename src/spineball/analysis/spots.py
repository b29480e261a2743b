"""Spots: stays in one place on the back with weight on the ball.

A spot (interchange contract, domain notes) is weight on the ball with the
position steady within about ±1.5 cm for ≥ 8 s; rolling along the spine is
not a spot. Frames are *still* when on the ball and the breathing-smoothed
position moves slower than 2.5 mm/s (measured over ±1 s); still runs of
≥ 8 s become spots, split where the position wanders more than ±15 mm.

Pain target (domain notes: "about one third, 6 → 4"): the target for a spot
is two thirds of its first rating rounded half up, and always at least one
point below the first rating: 6 → 4, 7 → 5, 5 → 3, 4 → 3, 2 → 1, 1 → 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.analysis._filters import fill_short_gaps, runs
from spineball.anatomy import THORACIC
from spineball.sessionfile import Event

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_DWELL_S: Final = 8.0
HALF_RANGE_MM: Final = 15.0
STILL_SPEED_MM_S: Final = 2.5
SPEED_SPAN_S: Final = 1.0  # speed from positions ±1 s apart
BRIDGE_S: Final = 1.0  # a moment of movement inside a stay does not split it
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


def speed_mm_s(t: FloatArray, pos_mm: FloatArray, frame_s: float) -> FloatArray:
    """|Δposition| over ±1 s, per second (NaN where either end is unknown)."""
    h = max(round(SPEED_SPAN_S / frame_s), 1)
    n = len(pos_mm)
    idx = np.arange(n)
    lo, hi = np.clip(idx - h, 0, n - 1), np.clip(idx + h, 0, n - 1)
    span = t[hi] - t[lo]
    return np.asarray(
        np.divide(np.abs(pos_mm[hi] - pos_mm[lo]), span, out=np.full(n, np.nan), where=span > 0)
    )


def still_mask(t: FloatArray, pos_mm: FloatArray, on_ball: BoolArray, frame_s: float) -> BoolArray:
    still = on_ball & (speed_mm_s(t, pos_mm, frame_s) < STILL_SPEED_MM_S)
    return fill_short_gaps(still, round(BRIDGE_S / frame_s)) & on_ball


def _split_by_range(pos: FloatArray, lo: int, hi: int) -> list[tuple[int, int]]:
    """Greedy split of [lo, hi) into pieces whose position range is ≤ 2 × 15 mm."""
    pieces: list[tuple[int, int]] = []
    start = lo
    while start < hi:
        seg = pos[start:hi]
        run_max = np.fmax.accumulate(seg)
        run_min = np.fmin.accumulate(seg)
        over = np.flatnonzero(run_max - run_min > 2.0 * HALF_RANGE_MM)
        end = start + int(over[0]) if len(over) else hi
        pieces.append((start, end))
        start = max(end, start + 1)
    return pieces


def find_spots(
    t: FloatArray, pos_mm: FloatArray, on_ball: BoolArray, frame_s: float
) -> list[tuple[int, int]]:
    """Frame index ranges [start, end) of spots."""
    min_frames = MIN_DWELL_S / frame_s
    out: list[tuple[int, int]] = []
    starts, ends = runs(still_mask(t, pos_mm, on_ball, frame_s))
    for s, e in zip(starts, ends, strict=True):
        if t[e - 1] - t[s] + frame_s < MIN_DWELL_S:
            continue
        for a, b in _split_by_range(pos_mm, int(s), int(e)):
            if b - a >= min_frames * 0.999 and t[b - 1] - t[a] + frame_s >= MIN_DWELL_S:
                out.append((a, b))
    return out


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
