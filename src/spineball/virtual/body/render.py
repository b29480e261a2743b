"""Sample a :class:`Script` into what the ball measures and what really happened.

Every step is a whole-array numpy operation over all samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball import anatomy
from spineball.protocol import RAW_SAMPLE_DTYPE, raw_to_decoded
from spineball.protocol.frames import pressures_to_raw, quaternions_to_raw
from spineball.samples import SESSION_COLUMNS, SESSION_DTYPE, Samples
from spineball.virtual.body import orientation
from spineball.virtual.body.pain import pain_level
from spineball.virtual.body.physics import ZERO_C_K, AirBall, dynamic_pressure
from spineball.virtual.body.script import Pulse, Script
from spineball.virtual.body.signals import (
    BoolArray,
    FloatArray,
    band_noise,
    band_rate_rms,
    lowpass,
    smooth_noise,
)
from spineball.virtual.body.specs import Scenario

ON_BALL_N: Final = 50.0  # "weight on the ball": more than ~5 kg of load
SWAY_BAND_HZ: Final = (0.5, 3.0)  # domain: instability is lateral sway in 0.5–3 Hz
STABLE_SWAY_DEG_S: Final = (0.4, 1.0)  # band sway rate RMS of a settled person
UNSTABLE_SWAY_DEG_S: Final = (3.0, 6.0)  # domain threshold is 2 °/s; keep clear of it
IMU_NOISE_DEG: Final = 0.005  # fused-orientation jitter per sample


@dataclass(frozen=True, slots=True, eq=False)
class SampleTruth:
    """What really happened, one value per sample (same length and times as the samples)."""

    t_s: FloatArray
    load_n: FloatArray  # load on the ball
    on_ball: BoolArray  # load ≥ 50 N
    contact_mm: FloatArray  # contact point, mm from C7 (NaN off the ball)
    position_mm: FloatArray  # contact point, mm from the first landmark's vertebra (NaN off)
    level_index: npt.NDArray[np.int8]  # nearest vertebra, index into anatomy.LEVELS (−1 off)
    phase: npt.NDArray[np.uint8]  # index into script.PHASES
    elbows: BoolArray  # propped on the elbows
    roll_deg: FloatArray  # ball roll about x since the start (unwrapped)
    sway_deg: FloatArray  # about y
    yaw_deg: FloatArray  # about z: baseline drift + side bend
    bend_deg: FloatArray  # side bend alone (+ = to the right)
    gas_temperature_c: FloatArray
    pain: FloatArray  # pain level at a sore spot (NaN elsewhere)


@dataclass(frozen=True, slots=True, eq=False)
class Rendered:
    samples: Samples
    truth: SampleTruth
    air_ball: AirBall


def _pulses(t: FloatArray, pulses: list[Pulse]) -> FloatArray:
    out = np.zeros_like(t)
    for p in pulses:  # a handful per session, each vectorised over a ±4σ slice
        lo, hi = np.searchsorted(t, [p.t_s - 4 * p.width_s, p.t_s + 4 * p.width_s])
        out[lo:hi] += p.amplitude * np.exp(-0.5 * ((t[lo:hi] - p.t_s) / p.width_s) ** 2)
    return out


def _intervals(t: FloatArray, spans: list[tuple[float, float]]) -> BoolArray:
    mask = np.zeros(len(t), dtype=bool)
    for start, end in spans:
        mask[(t >= start) & (t <= end)] = True
    return mask


def nearest_level(contact_mm: FloatArray, levels_mm: FloatArray) -> npt.NDArray[np.int8]:
    """Index of the nearest vertebra (midpoints between levels are the borders); −1 for NaN."""
    borders = (levels_mm[1:] + levels_mm[:-1]) / 2.0
    index = np.searchsorted(borders, np.nan_to_num(contact_mm)).astype(np.int8)
    return np.where(np.isnan(contact_mm), np.int8(-1), index).astype(np.int8)


def _quantise(
    pressure: FloatArray, temperature: FloatArray, quats: FloatArray, t: FloatArray
) -> Samples:
    """The ball's resolution: 1/16 Pa, 0.01 °C, smallest-three int16 quaternion (protocol §3.3)."""
    raw = np.zeros(len(t), dtype=RAW_SAMPLE_DTYPE)
    raw["pressure_raw"] = pressures_to_raw(pressure)
    raw["temperature_raw"] = (
        np.sign(temperature) * np.floor(np.abs(temperature) * 100 + 0.5)
    ).astype(np.int16)
    raw["q_omit"], raw["q_kept"] = quaternions_to_raw(quats)
    decoded = raw_to_decoded(raw)
    samples = np.zeros(len(t), dtype=SESSION_DTYPE)
    samples["t_s"] = t
    for name in SESSION_COLUMNS[1:]:
        samples[name] = decoded[name]
    return samples


def render(
    scenario: Scenario, script: Script, rate_hz: float, rng: np.random.Generator
) -> Rendered:
    person, ball_spec, env = scenario.person, scenario.ball, scenario.env
    dt = 1.0 / rate_hz
    n = int(np.floor(script.end_s * rate_hz)) + 1
    t = np.arange(n) / rate_hz

    # Load: the script's level × (breathing, heartbeat, slow wander) + flinches and shifts.
    level = script.load.render(t)
    on_env = np.clip(level / person.lying_load_n, 0.0, 1.0)
    breath_hz = person.breathing_hz * (1.0 + 0.04 * smooth_noise(rng, n, dt, 20.0))
    breath_phase = 2.0 * np.pi * np.cumsum(breath_hz) * dt + rng.uniform(0, 2 * np.pi)
    breathing = (np.sin(breath_phase) + 0.15 * np.sin(2 * breath_phase + 0.7)) / 1.1
    heart_hz = person.heart_hz * (1.0 + 0.02 * smooth_noise(rng, n, dt, 10.0))
    heart = np.sin(2.0 * np.pi * np.cumsum(heart_hz) * dt + rng.uniform(0, 2 * np.pi))
    wander = 0.008 * smooth_noise(rng, n, dt, 8.0)  # slow settling, below breathing
    modulation = person.breathing_depth * breathing + person.heart_depth * heart + wander
    load = np.maximum(level * (1.0 + modulation + _pulses(t, script.load_pulses)), 0.0)
    on_ball = load >= ON_BALL_N

    # Contact point along the back; the ball rolls mm_per_degree per degree (domain notes).
    micro = 1.0 * smooth_noise(rng, n, dt, 4.0) + 0.5 * breathing
    contact = script.position.render(t) + _pulses(t, script.position_pulses) + micro * on_env
    roll = (contact - script.mount_contact_mm) / person.mm_per_degree

    # Side bends on top of a slow heading drift that only moves while someone is on the ball.
    bend = script.bend.render(t)
    on_clock = np.cumsum(on_env) * dt
    drift = np.interp(on_clock, t, 0.6 * smooth_noise(rng, n, dt, 30.0))
    yaw = drift - drift[0] + bend

    # Lateral sway: settled, or the over-inflated ball's 0.5–3 Hz wobble (domain notes).
    low, high = UNSTABLE_SWAY_DEG_S if scenario.script.unstable else STABLE_SWAY_DEG_S
    wobble = band_noise(rng, n, dt, *SWAY_BAND_HZ)
    wobble *= rng.uniform(low, high) / max(band_rate_rms(wobble, dt, *SWAY_BAND_HZ), 1e-9)
    sway = (wobble + 0.3 * smooth_noise(rng, n, dt, 3.0)) * on_env

    # Gas warms towards room + warming_k while the body lies on it; the pod's sensor lags.
    air_ball = AirBall(
        ball_spec.radius_m,
        ball_spec.rest_gauge_kpa * 1000.0,
        ball_spec.wall_kpa * 1000.0,
        env.atmosphere_pa,
        env.room_c,
    )
    gas_c = env.room_c + lowpass(env.warming_k * on_env, dt, env.warming_tau_s, 0.0)
    sensor_c = lowpass(gas_c, dt, env.sensor_tau_s) + env.sensor_offset_k
    sensor_c += rng.normal(0.0, 0.01, n)
    theta = (gas_c + ZERO_C_K) / (env.room_c + ZERO_C_K)
    pressure = dynamic_pressure(air_ball, load, theta, dt, ball_spec.relax_tau_s)
    pressure += rng.normal(0.0, env.pressure_noise_pa, n)

    imu = rng.normal(0.0, IMU_NOISE_DEG, (3, n))
    quats = orientation.from_euler_zyx(yaw + imu[0], sway + imu[1], roll + imu[2])
    samples = _quantise(pressure, sensor_c, quats, t)

    levels = person.positions_mm()
    first = levels[anatomy.level_index(scenario.script.landmarks[0])]
    contact_on = np.where(on_ball, contact, np.nan)
    pain = np.full(n, np.nan)
    for curve in script.pains:
        lo, hi = np.searchsorted(t, [curve.start_s, curve.end_s])
        pain[lo:hi] = pain_level(curve.first, curve.tau_s, t[lo:hi] - curve.start_s)
    phase_times = np.array([p[0] for p in script.phases])
    phase_codes = np.array([p[1] for p in script.phases], dtype=np.uint8)
    truth = SampleTruth(
        t_s=t,
        load_n=load,
        on_ball=on_ball,
        contact_mm=contact_on,
        position_mm=contact_on - first,
        level_index=nearest_level(contact_on, levels),
        phase=phase_codes[np.searchsorted(phase_times, t, side="right") - 1],
        elbows=_intervals(t, script.elbows),
        roll_deg=roll,
        sway_deg=sway,
        yaw_deg=yaw,
        bend_deg=bend,
        gas_temperature_c=gas_c,
        pain=pain,
    )
    return Rendered(samples, truth, air_ball)
