"""Where the vertebrae are along the back: the published prior both the simulator and
the analysis start from (per-person variation is the simulator's business, per-person
calibration by landmarks the analysis's).

Distances are measured along the skin of the back from C7 towards the pelvis.
Anchors (Ernst et al. 2013, surface landmarks): C7→PSIS ≈ 0.29 × body height;
T4, T7, T10 and L1 lie at ≈ 21 %, 39 %, 54 % and 71 % of C7→PSIS, PSIS at the
level of S2 (100 %). Vertebrae between anchors are spaced evenly. The scapula's
inferior angle is at about T8 (not T7); the belt line is L3–L4.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

LEVELS: Final = ("C7", *(f"T{i}" for i in range(1, 13)), *(f"L{i}" for i in range(1, 6)))
THORACIC: Final = tuple(f"T{i}" for i in range(1, 13))
LUMBAR: Final = tuple(f"L{i}" for i in range(1, 6))

C7_TO_PSIS_PER_HEIGHT: Final = 0.29
_ANCHORS: Final = {"C7": 0.0, "T4": 0.21, "T7": 0.39, "T10": 0.54, "L1": 0.71, "S2": 1.0}
_CHAIN: Final = (*LEVELS, "S1", "S2")


def _fractions() -> dict[str, float]:
    anchor_pos = [_CHAIN.index(name) for name in _ANCHORS]
    fractions = np.interp(np.arange(len(_CHAIN)), anchor_pos, list(_ANCHORS.values()))
    return {name: float(f) for name, f in zip(_CHAIN, fractions, strict=True)}


#: Fraction of C7→PSIS at which each vertebra (C7 … L5, S1, S2) lies.
LEVEL_FRACTIONS: Final = _fractions()


def level_positions_mm(height_m: float) -> npt.NDArray[np.float64]:
    """Distance of C7, T1 … T12, L1 … L5 from C7 along the back, in mm."""
    span_mm = C7_TO_PSIS_PER_HEIGHT * height_m * 1000.0
    return np.array([LEVEL_FRACTIONS[name] * span_mm for name in LEVELS])


def level_index(name: str) -> int:
    try:
        return LEVELS.index(name)
    except ValueError:
        raise ValueError(f"unknown vertebral level {name!r}; use C7, T1–T12 or L1–L5") from None
