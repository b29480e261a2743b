"""Side bends and instability from the ball's yaw and sway.

- Side bend (lateral flexion, domain notes): the trunk turns about the
  front–back axis, which for a person lying on the ball turns the ball about
  the vertical: |yaw − neutral| > 3° held > 1 s. Neutral is the median yaw
  over ±10 s, so slow drift of the ball's heading is not a bend. Positive yaw
  is a bend to the person's right (interchange contract).
- Instability: RMS of the sideways rocking rate (sway) band-passed to
  0.5–3 Hz over 4 s windows above 2 °/s means the ball is too hard or too
  high for this person (or fatigue). Breathing (0.18–0.32 Hz) lies below the
  band and heartbeat barely moves the ball, so neither counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from spineball.analysis._filters import centered_mean, fill_short_gaps, runs

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BEND_DEG: Final = 3.0
BEND_MIN_S: Final = 1.0
NEUTRAL_SPAN_S: Final = 20.0
NEUTRAL_BIN_S: Final = 0.5
YAW_SMOOTH_S: Final = 0.5  # removes heartbeat jitter, keeps a 1 s bend
BEND_BRIDGE_S: Final = 0.3
SWAY_BAND_HZ: Final = (0.5, 3.0)
SWAY_RMS_WINDOW_S: Final = 4.0
UNSTABLE_DEG_S: Final = 2.0
FIR_SPAN_S: Final = 4.0


@dataclass(frozen=True, slots=True)
class Bend:
    start_s: float
    end_s: float
    side: Literal["left", "right"]
    start: int  # frame indices [start, end)
    end: int


def neutral_yaw(t: FloatArray, yaw_deg: FloatArray, on_ball: BoolArray) -> FloatArray:
    """Median on-ball yaw over ±10 s, from half-second means, interpolated to every frame."""
    n = len(yaw_deg)
    good = np.isfinite(yaw_deg) & on_ball
    if not good.any():
        return np.full(n, np.nan)
    per_bin = max(round(NEUTRAL_BIN_S / max(float(np.median(np.diff(t))), 1e-3)), 1)
    bins = -(-n // per_bin)
    pad = bins * per_bin - n
    values = np.concatenate((np.where(good, yaw_deg, 0.0), np.zeros(pad))).reshape(bins, per_bin)
    counts = np.concatenate((good, np.zeros(pad, dtype=bool))).reshape(bins, per_bin).sum(axis=1)
    means = np.divide(values.sum(axis=1), counts, out=np.full(bins, np.nan), where=counts > 0)
    half = round(NEUTRAL_SPAN_S / 2 / NEUTRAL_BIN_S)
    known = np.isfinite(means)
    # Off-ball bins take the nearest on-ball value, so every window has a plain median.
    filled = np.interp(np.arange(bins), np.flatnonzero(known), means[known])
    padded = np.concatenate((np.full(half, filled[0]), filled, np.full(half, filled[-1])))
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    medians = np.median(windows, axis=1)
    centers = t[np.minimum(np.arange(bins) * per_bin + per_bin // 2, n - 1)]
    return np.asarray(np.interp(t, centers, medians))


def side_bends(
    t: FloatArray, yaw_deg: FloatArray, on_ball: BoolArray, frame_s: float
) -> list[Bend]:
    yaw = centered_mean(yaw_deg, max(round(YAW_SMOOTH_S / frame_s), 1))
    offset = yaw - neutral_yaw(t, yaw_deg, on_ball)
    bridge = round(BEND_BRIDGE_S / frame_s)
    bends: list[Bend] = []
    sides: tuple[tuple[Literal["left", "right"], BoolArray], ...] = (
        ("right", offset > BEND_DEG),
        ("left", offset < -BEND_DEG),
    )
    for side, mask in sides:
        held = fill_short_gaps(mask & on_ball, bridge)
        for s, e in zip(*runs(held), strict=True):
            if t[e - 1] - t[s] + frame_s > BEND_MIN_S:
                bends.append(Bend(float(t[s]), float(t[e - 1]), side, int(s), int(e)))
    return sorted(bends, key=lambda b: b.start_s)


def _bandpass_taps(frame_s: float) -> FloatArray:
    """Windowed-sinc FIR band-pass for the sway band."""
    n = round(FIR_SPAN_S / frame_s) | 1
    k = np.arange(n) - n // 2
    fs = 1.0 / frame_s
    lo, hi = SWAY_BAND_HZ[0] / fs, SWAY_BAND_HZ[1] / fs
    taps = 2 * hi * np.sinc(2 * hi * k) - 2 * lo * np.sinc(2 * lo * k)
    return np.asarray(taps * np.hamming(n))


def sway_band_rate(sway_deg: FloatArray, frame_s: float) -> FloatArray:
    """Sideways rocking rate (°/s) band-passed to 0.5–3 Hz."""
    if len(sway_deg) < 2:
        return np.zeros(len(sway_deg))  # one frame has no rate yet (first live snapshot)
    filled = np.where(np.isfinite(sway_deg), sway_deg, 0.0)
    if np.isfinite(sway_deg).any():
        good = np.isfinite(sway_deg)
        filled = np.interp(np.arange(len(sway_deg)), np.flatnonzero(good), sway_deg[good])
    rate = np.gradient(filled) / frame_s
    taps = _bandpass_taps(frame_s)
    # The centred part of the full convolution: one value per frame even when the
    # record is shorter than the filter (np.convolve's "same" returns the longer length).
    start = (len(taps) - 1) // 2
    return np.asarray(np.convolve(rate, taps)[start : start + len(rate)])


def sway_rate_rms(sway_deg: FloatArray, frame_s: float) -> FloatArray:
    """RMS of the 0.5–3 Hz sway rate (°/s) over centred 4 s windows."""
    band = sway_band_rate(sway_deg, frame_s)
    window = max(round(SWAY_RMS_WINDOW_S / frame_s), 1)
    return np.sqrt(centered_mean(band * band, window))


def session_sway_rms(sway_deg: FloatArray, on_ball: BoolArray, frame_s: float) -> float:
    """RMS of the 0.5–3 Hz sway rate over the whole time on the ball (°/s)."""
    if not on_ball.any():
        return 0.0
    band = sway_band_rate(sway_deg, frame_s)[on_ball]
    return float(np.sqrt(np.mean(band * band)))
