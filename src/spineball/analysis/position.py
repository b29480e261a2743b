"""Roll angle → position along the back → vertebral level, with an uncertainty.

The contact point moves along the back by about 1.2–1.9 mm per degree of ball
roll (domain notes: R per radian, less the trunk's own motion). Landmarks
(the user marks "the ball is under T1 now") pin the scale per person:

- two or more landmarks of different levels: the scale is the least-squares
  fit of the anatomical prior (``spineball.anatomy``, scaled by height) to the
  landmarks' roll angles; position 0 is the first landmark.
- one landmark: position 0 is that landmark, the scale is the prior 1.55 mm/°
  (± 0.18 mm/°).
- none: the scale prior, and position 0 is assumed to be T1 at the most
  cranial place the person lay on the ball (the exercise starts at the top of
  the thoracic spine) — a guess with ± 40 mm, reported with a warning.

``position_mm`` (interchange contract) is measured from the first landmark
towards the pelvis. Uncertainties are 1σ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.anatomy import LEVELS, level_index, level_positions_mm

FloatArray = npt.NDArray[np.float64]

MM_PER_DEG_PRIOR: Final = 1.55  # middle of 1.2–1.9 mm per degree (domain notes)
MM_PER_DEG_SD: Final = 0.18
MM_PER_DEG_RANGE: Final = (0.8, 2.6)  # outside this the landmarks contradict each other
LANDMARK_SD_MM: Final = 8.0  # the user's finger on a spinous process, the ball's contact patch
ANATOMY_SD_REL: Final = 0.05  # individual proportions between landmarks (Ernst 2013 spread)
NO_LANDMARK_SD_MM: Final = 40.0
MIN_LANDMARK_ROLL_DEG: Final = 5.0  # landmarks closer than this cannot give a scale
NO_LANDMARK_ORIGIN: Final = "T1"
CRANIAL_PERCENTILE: Final = 2.0


@dataclass(frozen=True, slots=True)
class PositionMap:
    origin_level: str  # the level at position 0
    origin_roll_deg: float
    mm_per_deg: float
    scale_sd_rel: float
    offset_sd_mm: float
    height_m: float
    landmarks_used: int
    warning: str | None = None

    def position_mm(self, roll_deg: FloatArray) -> FloatArray:
        return np.asarray((np.asarray(roll_deg) - self.origin_roll_deg) * self.mm_per_deg)

    def uncertainty_mm(self, position_mm: FloatArray) -> FloatArray:
        pos = np.abs(np.asarray(position_mm, dtype=np.float64))
        return np.asarray(np.hypot(self.offset_sd_mm, self.scale_sd_rel * pos))

    @property
    def origin_from_c7_mm(self) -> float:
        return float(level_positions_mm(self.height_m)[level_index(self.origin_level)])

    def from_c7_mm(self, position_mm: FloatArray) -> FloatArray:
        return np.asarray(np.asarray(position_mm) + self.origin_from_c7_mm)

    def level_boundary_mm(self, upper: str) -> float:
        """Position (from the origin) of the boundary below ``upper`` (e.g. T12 → T12/L1)."""
        anat = level_positions_mm(self.height_m)
        i = level_index(upper)
        below = anat[i + 1] if i + 1 < len(anat) else anat[i] + (anat[i] - anat[i - 1])
        return float((anat[i] + below) / 2.0 - self.origin_from_c7_mm)

    def level_of(self, position_mm: FloatArray | float) -> list[str]:
        anat = level_positions_mm(self.height_m)
        edges = (anat[1:] + anat[:-1]) / 2.0
        idx = np.searchsorted(edges, self.from_c7_mm(np.atleast_1d(position_mm)))
        return [LEVELS[int(i)] for i in idx]


def _interp_at(t: FloatArray, values: FloatArray, at: float) -> float:
    good = np.isfinite(values)
    if not good.any():
        return math.nan
    return float(np.interp(at, t[good], values[good]))


def position_map(
    t_s: FloatArray,
    roll_deg: FloatArray,
    landmarks: Sequence[tuple[float, str]],
    height_m: float,
    on_ball: npt.NDArray[np.bool_] | None = None,
) -> PositionMap:
    """Map roll to position for one session (``roll_deg`` should be breathing-smoothed)."""
    anat = level_positions_mm(height_m)
    end = float(t_s[-1]) if len(t_s) else -math.inf
    marks = [(t, lvl, _interp_at(t_s, roll_deg, t)) for t, lvl in sorted(landmarks) if t <= end]
    marks = [(t, lvl, r) for t, lvl, r in marks if math.isfinite(r)]
    if not marks:
        return _no_landmarks(roll_deg, height_m, on_ball)
    first_level, first_roll = marks[0][1], marks[0][2]
    levels = {lvl for _, lvl, _ in marks}
    if len(levels) < 2:
        return PositionMap(
            first_level,
            float(np.mean([r for _, lvl, r in marks if lvl == first_level])),
            MM_PER_DEG_PRIOR,
            MM_PER_DEG_SD / MM_PER_DEG_PRIOR,
            LANDMARK_SD_MM,
            height_m,
            len(marks),
        )
    mm = np.array([anat[level_index(lvl)] for _, lvl, _ in marks])
    rolls = np.array([r for _, _, r in marks])
    if np.ptp(rolls) < MIN_LANDMARK_ROLL_DEG:
        return PositionMap(
            first_level,
            first_roll,
            MM_PER_DEG_PRIOR,
            MM_PER_DEG_SD / MM_PER_DEG_PRIOR,
            LANDMARK_SD_MM,
            height_m,
            len(marks),
            "landmarks of different levels were marked at the same place; check them",
        )
    slope, intercept = np.polyfit(rolls, mm, 1)
    warning = None
    if not MM_PER_DEG_RANGE[0] <= slope <= MM_PER_DEG_RANGE[1]:
        warning = (
            f"landmarks imply {slope:.2f} mm per degree of roll (expected 1.2–1.9); "
            "using the typical 1.55 mm/° — check the landmark levels"
        )
        return PositionMap(
            first_level,
            first_roll,
            MM_PER_DEG_PRIOR,
            MM_PER_DEG_SD / MM_PER_DEG_PRIOR,
            LANDMARK_SD_MM,
            height_m,
            len(marks),
            warning,
        )
    # Re-anchor on the fitted line so position 0 is the first landmark's level.
    origin_roll = (anat[level_index(first_level)] - intercept) / slope
    span = float(np.ptp(mm))
    scale_sd = math.hypot(math.sqrt(2.0) * LANDMARK_SD_MM / span, ANATOMY_SD_REL)
    return PositionMap(
        first_level,
        float(origin_roll),
        float(slope),
        scale_sd,
        LANDMARK_SD_MM / math.sqrt(len(marks)),
        height_m,
        len(marks),
    )


def _no_landmarks(
    roll_deg: FloatArray, height_m: float, on_ball: npt.NDArray[np.bool_] | None
) -> PositionMap:
    use = np.isfinite(roll_deg) & (on_ball if on_ball is not None else True)
    origin = float(np.percentile(roll_deg[use], CRANIAL_PERCENTILE)) if use.any() else 0.0
    return PositionMap(
        NO_LANDMARK_ORIGIN,
        origin,
        MM_PER_DEG_PRIOR,
        MM_PER_DEG_SD / MM_PER_DEG_PRIOR,
        NO_LANDMARK_SD_MM,
        height_m,
        0,
        "no landmarks: positions assume the session started at T1 (± 40 mm); "
        "mark a landmark (e.g. T1 and the scapula tips ≈ T8) for reliable levels",
    )
