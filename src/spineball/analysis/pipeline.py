"""One session's frames → everything the analysis knows about it.

The offline report and the live analyser's final result both come from
:func:`analyze_frames`; the live analyser only adds cheap running views.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.analysis._filters import centered_mean, hysteresis
from spineball.analysis.advice import SessionSummary
from spineball.analysis.frames import FRAME_S, Frames, StreamStats
from spineball.analysis.load import G, LoadModel, atmosphere_from, load_model
from spineball.analysis.motion import Bend, session_sway_rms, side_bends
from spineball.analysis.position import PositionMap, position_map
from spineball.analysis.pressure import (
    Conditioned,
    PressureConfig,
    backfill_baseline,
    condition,
)
from spineball.analysis.safety import (
    Alarm,
    SymptomStop,
    lumbar_alerts,
    lumbar_state,
    pressure_alarms,
    symptom_stop,
)
from spineball.analysis.spots import (
    Spot,
    coverage,
    find_spots,
    pain_in,
    pain_target,
    sore_in,
)
from spineball.sessionfile import Event, SessionMeta

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

LYING_LOAD_FRACTION: Final = 0.4  # typical load lying on the ball: 0.30–0.55 × body weight
ON_BALL_N: Final = 55.0  # "weight on the ball": more than about 5 kg …
OFF_BALL_N: Final = 45.0  # … and off again below (hysteresis against noise)
UNLOADED_FRACTION: Final = 0.08  # a quiet reading this far above the zero is still unloaded
QUIET_FLOOR_PA: Final = 6.0  # pressure-sensor noise plus a still ball's settling
QUIET_REL: Final = 0.012  # breathing moves the load 2–6 %, the rise twice as much
LOAD_SMOOTH_S: Final = 1.0  # heartbeat and sensor noise out, the 2–6 s breath stays visible
MAX_BRIDGED_GAP_S: Final = 1.0
ROLL_SMOOTH_S: Final = 0.5  # IMU jitter out; breathing rocks the contact < 1 mm


@dataclass(frozen=True, slots=True)
class Calibrated:
    """Load model and pressure thresholds for one session."""

    model: LoadModel
    config: PressureConfig
    weight_n: float


def calibrate(meta: SessionMeta, unloaded_pa: float | None = None) -> Calibrated:
    """Load model (from the sidecar's points) and the pressure thresholds it implies."""
    model = load_model(meta.calibration, meta.ball, unloaded_pa)
    weight = meta.user.mass_kg * G
    lying_rise = model.delta_pa(LYING_LOAD_FRACTION * weight)
    quiet = max(QUIET_FLOOR_PA, QUIET_REL * lying_rise)
    margin = max(model.delta_pa(UNLOADED_FRACTION * weight), 3.0 * quiet)
    cfg = PressureConfig(FRAME_S, quiet, margin, model.unloaded_pa)
    return Calibrated(model, cfg, weight)


def on_ball_mask(
    model: LoadModel, cond: Conditioned, state: bool = False
) -> tuple[BoolArray, bool]:
    """Weight on the ball, from the pressure rise as measured: the adiabatic overshoot
    and undershoot of getting on and off make the measured rise react at once, where
    the overshoot-corrected one lags by the relaxation time."""
    load = model.load_n(cond.rise_pa)
    on, last = hysteresis(load, ON_BALL_N, OFF_BALL_N, state)
    return on & np.isfinite(load), last


@dataclass(slots=True)
class SessionAnalysis:
    frames: Frames
    stats: StreamStats
    meta: SessionMeta
    model: LoadModel
    pressure: Conditioned
    load_n: FloatArray
    on_ball: BoolArray
    pmap: PositionMap
    position_mm: FloatArray
    position_sd_mm: FloatArray
    spots: list[Spot]
    bends: list[Bend]
    bend_levels: list[str]
    lumbar: list[tuple[float, float]]
    alarms: list[Alarm]
    symptom: SymptomStop | None
    sway_rms_deg_s: float
    covered_levels: list[str]
    coverage: float
    atmosphere_pa: float
    warnings: list[str] = field(default_factory=list)

    @property
    def on_ball_s(self) -> float:
        return float(np.count_nonzero(self.on_ball) * FRAME_S)

    def summary(self) -> SessionSummary:
        return summarize(self.spots, self.meta, self.sway_rms_deg_s, self.symptom is not None)


def time_to_target_s(spot: Spot, events: tuple[Event, ...]) -> float | None:
    """Seconds from the first rating to the first rating at or below the target."""
    if spot.pain_first is None:
        return None
    target = pain_target(spot.pain_first)
    ratings = [
        e
        for e in events
        if e.kind == "pain"
        and isinstance(e.value, int)
        and spot.start_s - 2.0 <= e.t_s <= spot.end_s
    ]
    hit = next((e.t_s for e in ratings if isinstance(e.value, int) and e.value <= target), None)
    return None if hit is None else hit - ratings[0].t_s


def summarize(
    spots: list[Spot], meta: SessionMeta, sway_rms_deg_s: float, symptom: bool
) -> SessionSummary:
    firsts = [s.pain_first for s in spots if s.pain_first is not None]
    sore = [s for s in spots if s.sore or (s.pain_first is not None and s.pain_first >= 3)]
    times = [t for t in (time_to_target_s(s, meta.events) for s in spots) if t is not None]
    return SessionSummary(
        meta.ball.rest_gauge_kpa,
        len(sore),
        float(np.mean(firsts)) if firsts else None,
        float(np.mean(times)) if times else None,
        sway_rms_deg_s,
        max(firsts) if firsts else None,
        symptom,
    )


def _atmosphere(meta: SessionMeta, baseline_pa: FloatArray) -> float:
    known = baseline_pa[np.isfinite(baseline_pa)]
    return atmosphere_from(float(known[0]) if len(known) else None, meta.ball)


def landmarks(meta: SessionMeta) -> list[tuple[float, str]]:
    return [(e.t_s, e.level) for e in meta.events if e.kind == "landmark" and e.level]


def analyze_frames(frames: Frames, stats: StreamStats, meta: SessionMeta) -> SessionAnalysis:
    t = frames["t_s"]
    warnings: list[str] = []
    cal = calibrate(meta)
    cond, _ = condition(t, frames["pressure_pa"], frames["temperature_c"], cal.config)
    cond = backfill_baseline(t, cond, cal.config)
    if not cal.model.has_zero:  # measure Δp (and the inflation) from the session's zero
        known = cond.baseline_pa[np.isfinite(cond.baseline_pa)]
        cal = calibrate(meta, float(known[0]) if len(known) else None)
    if cal.model.warning:
        warnings.append(cal.model.warning)
    window = max(round(LOAD_SMOOTH_S / FRAME_S), 1)
    load = centered_mean(cal.model.load_n(cond.rise_iso_pa), window)
    load[~np.isfinite(cond.rise_iso_pa)] = np.nan
    on_ball, _ = on_ball_mask(cal.model, cond)
    roll = centered_mean(frames["roll_deg"], max(round(ROLL_SMOOTH_S / FRAME_S), 1))
    pmap = position_map(t, roll, landmarks(meta), meta.user.height_m, on_ball)
    if pmap.warning:
        warnings.append(pmap.warning)
    pos = pmap.position_mm(roll)
    sd = pmap.uncertainty_mm(pos)
    spots = _spots(t, pos, sd, load, on_ball, pmap, meta.events)
    bends = side_bends(t, frames["yaw_deg"], on_ball, FRAME_S)
    bend_levels = [pmap.level_of(float(np.nanmedian(pos[b.start : b.end])))[0] for b in bends]
    state = lumbar_state(pos, sd, pmap)
    atmosphere = _atmosphere(meta, cond.baseline_pa)
    on_count = np.count_nonzero(on_ball)
    levels_on = pmap.level_of(pos[on_ball & np.isfinite(pos)]) if on_count else []
    covered, share = coverage(levels_on, FRAME_S)
    return SessionAnalysis(
        frames=frames,
        stats=stats,
        meta=meta,
        model=cal.model,
        pressure=cond,
        load_n=load,
        on_ball=on_ball,
        pmap=pmap,
        position_mm=pos,
        position_sd_mm=sd,
        spots=spots,
        bends=bends,
        bend_levels=bend_levels,
        lumbar=lumbar_alerts(t, state, on_ball, FRAME_S),
        alarms=pressure_alarms(t, frames["pressure_max_pa"], atmosphere, cond.unloaded, FRAME_S),
        symptom=symptom_stop(meta.events),
        sway_rms_deg_s=session_sway_rms(frames["sway_deg"], on_ball, FRAME_S),
        covered_levels=covered,
        coverage=share,
        atmosphere_pa=atmosphere,
        warnings=warnings,
    )


def _spots(
    t: FloatArray,
    pos: FloatArray,
    sd: FloatArray,
    load: FloatArray,
    on_ball: BoolArray,
    pmap: PositionMap,
    events: tuple[Event, ...],
) -> list[Spot]:
    out: list[Spot] = []
    # A stay is only known to go on where there are samples: a gap of more than
    # a second ends it (what happened meanwhile is unknown).
    known = on_ball.copy()
    known[1:][np.diff(t) > MAX_BRIDGED_GAP_S] = False
    for a, b in find_spots(pos, known, FRAME_S):
        start, end = float(t[a]), float(t[b - 1])
        where = float(np.nanmedian(pos[a:b]))
        first, last = pain_in(events, start, end)
        peak = float(np.nanmax(load[a:b]))
        out.append(
            Spot(
                start_s=start,
                end_s=end,
                position_mm=where,
                position_sd_mm=float(np.nanmedian(sd[a:b])),
                level=pmap.level_of(where)[0],
                mean_load_n=float(np.nanmean(load[a:b])),
                peak_load_n=peak if math.isfinite(peak) else math.nan,
                pain_first=first,
                pain_last=last,
                sore=sore_in(events, start, end),
            )
        )
    return out
