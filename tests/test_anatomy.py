from __future__ import annotations

import numpy as np
import pytest

from spineball import anatomy


def test_anchors_follow_ernst_2013() -> None:
    pos = dict(zip(anatomy.LEVELS, anatomy.level_positions_mm(1.75), strict=True))
    span = 0.29 * 1750
    assert pos["C7"] == 0.0
    assert pos["T4"] == pytest.approx(0.21 * span)
    assert pos["T7"] == pytest.approx(0.39 * span)
    assert pos["T10"] == pytest.approx(0.54 * span)
    assert pos["L1"] == pytest.approx(0.71 * span)


def test_levels_increase_and_thoracic_length_is_plausible() -> None:
    pos = anatomy.level_positions_mm(1.75)
    assert np.all(np.diff(pos) > 0)
    thoracic = pos[anatomy.level_index("T12")] - pos[anatomy.level_index("T1")]
    # thoracic spine ≈ 0.16 × height (domain notes); surface spacing is within 20 %
    assert thoracic == pytest.approx(0.16 * 1750, rel=0.2)


def test_unknown_level() -> None:
    with pytest.raises(ValueError, match="T13"):
        anatomy.level_index("T13")
