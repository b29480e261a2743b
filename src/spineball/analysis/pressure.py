"""Pressure conditioning: temperature compensation, unloaded baseline, overshoot.

Works on analysis frames, causally and block by block (the live path feeds new
frames with the state it got back; offline feeds all frames at once).

- Temperature is the dominant error (≈ 350–450 Pa/K, domain notes): pressure
  is scaled to the session's first temperature with the gas law
  (p ∝ T at constant volume), using the sensor temperature.
- Baseline: the ball is *unloaded* when the pressure is quiet (no breathing or
  heartbeat modulation: std over 2 s below a threshold) and not above the
  last baseline by more than a margin (the first quiet stretch of a session
  is always a zero). While unloaded the baseline follows the pressure
  (re-zero), otherwise it holds; before the first zero the calibration's
  unloaded reading stands in.
- A fast load step compresses the gas adiabatically (n ≈ 1.4) and the excess
  relaxes to isothermal (n = 1) over 4–20 s. Modelled as a lead-lag, measured =
  iso · (1 + k·sτ)/(1 + sτ) with k = 1.4, the isothermal rise is recovered by
  the inverse filter iso = m/k + (1 − 1/k)·lowpass_{kτ}(m), so the decaying
  overshoot is not read as the person relaxing onto or off the ball.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.analysis._filters import ema, runs, trailing_stats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

KELVIN: Final = 273.15
QUIET_WINDOW_S: Final = 2.0  # longer than a heartbeat, about half a breath
TEMP_TAU_S: Final = 2.0  # smooths the 0.01 °C steps of the sensor temperature
ADIABATIC_RATIO: Final = 1.4  # γ of air: adiabatic over isothermal pressure rise
OVERSHOOT_TAU_S: Final = 9.0  # geometric middle of the 4–20 s relaxation (domain notes)


@dataclass(frozen=True, slots=True)
class PressureConfig:
    frame_s: float
    quiet_std_pa: float  # quieter than this over 2 s: nobody is on the ball
    unloaded_margin_pa: float  # how far above the baseline a quiet reading may still be unloaded
    prior_baseline_pa: float | None = None  # e.g. the calibration's unloaded reading
    overshoot_ratio: float = ADIABATIC_RATIO
    overshoot_tau_s: float = OVERSHOOT_TAU_S


@dataclass(slots=True)
class PressureState:
    ref_temp_k: float | None = None
    temp_smooth: float | None = None
    baseline_pa: float | None = None
    tail: FloatArray = field(default_factory=lambda: np.empty(0))
    quiet_run_unloaded: bool | None = None  # decision for the quiet run in progress
    zeroed: bool = False  # a zero has been measured in this session (not just the prior)
    lowpass: float | None = None
    last_t: float | None = None


@dataclass(frozen=True, slots=True)
class Conditioned:
    compensated_pa: FloatArray  # absolute pressure at the reference temperature
    baseline_pa: FloatArray  # unloaded pressure (NaN until known)
    rise_pa: FloatArray  # compensated − baseline
    rise_iso_pa: FloatArray  # rise with the adiabatic overshoot removed
    unloaded: BoolArray


def _dt(t: FloatArray, last_t: float | None, frame_s: float) -> FloatArray:
    prev = np.concatenate(([t[0] - frame_s if last_t is None else last_t], t[:-1]))
    return np.asarray(t - prev)


def compensate_temperature(
    p: FloatArray, temp_c: FloatArray, t: FloatArray, state: PressureState, frame_s: float
) -> FloatArray:
    temp_k = np.where(np.isfinite(temp_c), temp_c + KELVIN, np.nan)
    smooth, state.temp_smooth = ema(
        temp_k, _dt(t, state.last_t, frame_s), TEMP_TAU_S, state.temp_smooth
    )
    if state.ref_temp_k is None and np.isfinite(smooth).any():
        state.ref_temp_k = float(smooth[np.isfinite(smooth)][0])
    if state.ref_temp_k is None:
        return p.copy()
    ratio = np.where(np.isfinite(smooth), state.ref_temp_k / smooth, 1.0)
    return np.asarray(p * ratio)


def condition(
    t: FloatArray,
    p: FloatArray,
    temp_c: FloatArray,
    cfg: PressureConfig,
    state: PressureState | None = None,
) -> tuple[Conditioned, PressureState]:
    """Condition a block of frames; pass the returned state with the next block."""
    state = state or PressureState(baseline_pa=cfg.prior_baseline_pa)
    n = len(t)
    if n == 0:
        empty = np.empty(0)
        return Conditioned(empty, empty, empty, empty, np.zeros(0, bool)), state
    comp = compensate_temperature(p, temp_c, t, state, cfg.frame_s)
    window = max(round(QUIET_WINDOW_S / cfg.frame_s), 2)
    mean, std, state.tail = trailing_stats(comp, window, state.tail)
    quiet = std < cfg.quiet_std_pa  # NaN windows are never quiet
    baseline = np.full(n, np.nan)
    unloaded = np.zeros(n, dtype=bool)
    starts, ends = runs(quiet)
    cursor = 0
    current = state.baseline_pa
    for s, e in zip(starts, ends, strict=True):
        baseline[cursor:s] = np.nan if current is None else current
        continuing = s == 0 and state.quiet_run_unloaded is not None
        if continuing:
            is_unloaded = bool(state.quiet_run_unloaded)
        else:
            # The first quiet stretch of a session is the zero, whatever the prior (a
            # calibration taken in another room or before topping up the ball) says.
            is_unloaded = (
                current is None or not state.zeroed or mean[s] < current + cfg.unloaded_margin_pa
            )
        if is_unloaded:
            state.zeroed = True
            unloaded[s:e] = True
            baseline[s:e] = mean[s:e]
            current = float(mean[e - 1])
        else:
            baseline[s:e] = np.nan if current is None else current
        cursor = e
        state.quiet_run_unloaded = is_unloaded if e == n else None
    if not len(starts) or ends[-1] < n:
        state.quiet_run_unloaded = None
    baseline[cursor:] = np.nan if current is None else current
    state.baseline_pa = current
    rise = comp - baseline
    rise_iso, state.lowpass = remove_overshoot(
        rise, _dt(t, state.last_t, cfg.frame_s), cfg, state.lowpass
    )
    state.last_t = float(t[-1])
    return Conditioned(comp, baseline, rise, rise_iso, unloaded), state


def remove_overshoot(
    rise: FloatArray, dt: FloatArray, cfg: PressureConfig, lowpass: float | None
) -> tuple[FloatArray, float]:
    """Inverse lead-lag: the isothermal pressure rise from the measured one."""
    k = cfg.overshoot_ratio
    slow, last = ema(rise, dt, k * cfg.overshoot_tau_s, lowpass)
    return np.asarray(rise / k + (1.0 - 1.0 / k) * slow), last


def backfill_baseline(t: FloatArray, cond: Conditioned, cfg: PressureConfig) -> Conditioned:
    """Offline only: before the first unloaded reading, use the first baseline found.

    Pressure is temperature-compensated, so the first re-zero also holds for the
    minutes before it (a session that starts with the person already on the ball).
    """
    known = np.isfinite(cond.baseline_pa)
    if known.all() or not known.any():
        return cond
    first = int(np.argmax(known))
    baseline = cond.baseline_pa.copy()
    baseline[:first] = baseline[first]
    rise = cond.compensated_pa - baseline
    rise_iso, _ = remove_overshoot(rise, _dt(t, None, cfg.frame_s), cfg, None)
    return Conditioned(cond.compensated_pa, baseline, rise, rise_iso, cond.unloaded)
