from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.frames import FRAME_S
from spineball.analysis.motion import session_sway_rms, side_bends, sway_rate_rms


def test_side_bends_left_and_right_over_drift_and_breathing() -> None:
    t = np.arange(0, 60, FRAME_S)
    drift = 1.5 * np.sin(2 * np.pi * t / 120)  # slow heading drift
    breath = 0.8 * np.sin(2 * np.pi * 0.25 * t)  # breathing rocks the ball a little
    bend = np.interp(
        t,
        [0, 10, 10.7, 13, 13.7, 30, 30.7, 33.5, 34.2, 45, 45.4, 45.9, 46.3],
        [0, 0, 7, 7, 0, 0, -6, -6, 0, 0, 5, 5, 0],
    )
    yaw = drift + breath + bend
    bends = side_bends(t, yaw, np.ones(len(t), bool), FRAME_S)
    assert [b.side for b in bends] == ["right", "left"]  # the 0.5 s twitch at 45 s is no bend
    assert bends[0].start_s == pytest.approx(10.3, abs=0.4)
    assert bends[0].end_s == pytest.approx(13.4, abs=0.4)
    assert bends[1].start_s == pytest.approx(30.3, abs=0.4)


def test_off_ball_yaw_is_ignored() -> None:
    t = np.arange(0, 30, FRAME_S)
    yaw = np.where((t > 10) & (t < 15), 20.0, 0.0)  # the ball turned while nobody was on it
    on = ~((t > 9) & (t < 16))
    assert side_bends(t, yaw, on, FRAME_S) == []


def test_instability_is_fast_sway_not_breathing() -> None:
    t = np.arange(0, 60, FRAME_S)
    on = np.ones(len(t), bool)
    breathing = 3.0 * np.sin(2 * np.pi * 0.25 * t)  # big but slow: 4.7 °/s peak, below the band
    wobble = 0.3 * np.sin(2 * np.pi * 1.5 * t)  # 2.8 °/s peak at 1.5 Hz → 2.0 °/s RMS
    assert session_sway_rms(breathing, on, FRAME_S) < 0.5
    rms = session_sway_rms(breathing + 1.5 * wobble, on, FRAME_S)
    assert rms == pytest.approx(1.5 * 2 * np.pi * 1.5 * 0.3 / np.sqrt(2), rel=0.15)
    assert rms > 2.0
    assert sway_rate_rms(breathing + 1.5 * wobble, FRAME_S)[len(t) // 2] > 2.0


def test_a_single_frame_has_no_sway_rate_yet() -> None:
    """The first live snapshot can see one frame: no rate, no crash."""
    assert sway_rate_rms(np.array([0.4]), FRAME_S).tolist() == [0.0]
    assert sway_rate_rms(np.empty(0), FRAME_S).tolist() == []


def test_sway_rate_has_one_value_per_frame_even_for_very_short_records() -> None:
    from spineball.analysis.motion import sway_band_rate

    for n in (2, 10, 80, 81, 82, 400):
        sway = np.sin(np.arange(n) * 0.05 * 2 * np.pi * 1.5)
        assert len(sway_band_rate(sway, 0.05)) == n
    long = np.sin(np.arange(400) * 0.05 * 2 * np.pi * 1.5)
    same = np.convolve(np.gradient(long) / 0.05, _taps(), mode="same")
    assert np.allclose(sway_band_rate(long, 0.05), same)


def _taps() -> np.ndarray:
    from spineball.analysis.motion import _bandpass_taps

    return _bandpass_taps(0.05)
