from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.position import MM_PER_DEG_PRIOR, position_map
from spineball.anatomy import level_index, level_positions_mm

HEIGHT = 1.75
ANAT = level_positions_mm(HEIGHT)
K = 1.7  # this person's mm per degree of roll


def _session() -> tuple[np.ndarray, np.ndarray]:
    """Ball under C7+20 mm at the start, rolled down the back at 10 mm/s."""
    t = np.arange(0, 40, 0.05)
    contact = ANAT[level_index("T1")] + np.clip(t - 5, 0, None) * 10.0
    return t, (contact - contact[0]) / K


def _mark(t: np.ndarray, roll: np.ndarray, level: str) -> tuple[float, str]:
    target = (ANAT[level_index(level)] - ANAT[level_index("T1")]) / K
    return float(np.interp(target, roll, t)), level


def test_two_landmarks_fix_scale_and_origin() -> None:
    t, roll = _session()
    marks = [_mark(t, roll, "T1"), _mark(t, roll, "T8")]
    pmap = position_map(t, roll, marks, HEIGHT)
    assert pmap.mm_per_deg == pytest.approx(K, rel=1e-6)
    assert pmap.origin_level == "T1"
    pos = pmap.position_mm(roll)
    assert pos[-1] == pytest.approx(roll[-1] * K, abs=1e-6)  # from the first landmark
    at_t10 = (ANAT[level_index("T10")] - ANAT[level_index("T1")]) / K
    assert pmap.level_of(pmap.position_mm(np.array([at_t10]))) == ["T10"]
    sd = pmap.uncertainty_mm(np.array([0.0, 100.0, 300.0]))
    assert sd[0] < sd[1] < sd[2]  # grows with the distance from the landmarks
    assert pmap.warning is None


def test_one_landmark_uses_the_typical_scale() -> None:
    t, roll = _session()
    pmap = position_map(t, roll, [_mark(t, roll, "T1")], HEIGHT)
    assert pmap.mm_per_deg == MM_PER_DEG_PRIOR
    two = position_map(t, roll, [_mark(t, roll, "T1"), _mark(t, roll, "T8")], HEIGHT)
    assert pmap.uncertainty_mm(np.array([200.0]))[0] > two.uncertainty_mm(np.array([200.0]))[0]


def test_no_landmarks_is_a_guess_with_a_warning_and_wide_uncertainty() -> None:
    t, roll = _session()
    pmap = position_map(t, roll, [], HEIGHT)
    assert pmap.warning
    assert "no landmarks" in pmap.warning
    assert pmap.origin_level == "T1"
    assert pmap.uncertainty_mm(np.array([0.0]))[0] >= 40.0


def test_contradicting_landmarks_fall_back_with_a_warning() -> None:
    t, roll = _session()
    marks = [_mark(t, roll, "T1"), (_mark(t, roll, "T8")[0], "T2")]  # T2 marked far too low
    pmap = position_map(t, roll, marks, HEIGHT)
    assert pmap.warning
    assert "check the landmark" in pmap.warning
    assert pmap.mm_per_deg == MM_PER_DEG_PRIOR
