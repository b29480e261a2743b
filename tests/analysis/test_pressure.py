"""Pressure conditioning on the simulator's air-ball physics (gas law, adiabatic overshoot)."""

from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.frames import FRAME_S, build_frames
from spineball.analysis.pipeline import calibrate
from spineball.analysis.pressure import PressureConfig, condition
from spineball.sessionfile import Ball, CalibrationPoint, SessionMeta
from spineball.virtual.body.physics import ZERO_C_K, AirBall, dynamic_pressure
from tests.analysis.synth import session_samples

RATE = 100.0
BALL = AirBall(0.115, 13_000.0, 8_000.0, 101_300.0, 22.0)


def _config() -> PressureConfig:
    meta = SessionMeta(
        ball=Ball(0.115, 13.0),
        calibration=(
            CalibrationPoint(0.0, BALL.rest_abs_pa),
            CalibrationPoint(300.0, float(BALL.static_pressure(np.array([300.0]))[0])),
        ),
    )
    return calibrate(meta).config


def _frames(load: np.ndarray, gas_c: np.ndarray, sensor_c: np.ndarray, tau_s: float = 10.0):  # type: ignore[no-untyped-def]
    t = np.arange(len(load)) / RATE
    theta = (gas_c + ZERO_C_K) / (BALL.reference_c + ZERO_C_K)
    p = dynamic_pressure(BALL, load, theta, 1 / RATE, tau_s)
    p += np.random.default_rng(0).normal(0, 3.0, len(t))
    frames, _ = build_frames(session_samples(t, p, temperature_c=sensor_c), RATE)
    return frames


def test_adiabatic_overshoot_is_not_read_as_relaxing() -> None:
    """A fast step onto the ball: the raw rise overshoots and decays over ~10 s, the
    corrected rise is flat — the person did not relax onto the ball."""
    n = int(60 * RATE)
    t = np.arange(n) / RATE
    load = np.interp(t, [0, 5, 6.0, 60], [0, 0, 350, 350])
    frames = _frames(load, np.full(n, 22.0), np.full(n, 22.0))
    cond, _ = condition(frames["t_s"], frames["pressure_pa"], frames["temperature_c"], _config())
    settled = float(np.median(cond.rise_pa[frames["t_s"] > 50]))
    early = (frames["t_s"] > 7) & (frames["t_s"] < 12)
    assert np.max(cond.rise_pa[early]) > 1.2 * settled  # the overshoot is there …
    assert np.max(np.abs(cond.rise_iso_pa[early] / settled - 1)) < 0.06  # … and removed


def test_slow_real_unloading_still_shows() -> None:
    n = int(60 * RATE)
    t = np.arange(n) / RATE
    load = np.interp(t, [0, 5, 6, 30, 40, 60], [0, 0, 350, 350, 250, 250])
    frames = _frames(load, np.full(n, 22.0), np.full(n, 22.0))
    cond, _ = condition(frames["t_s"], frames["pressure_pa"], frames["temperature_c"], _config())
    before = np.median(cond.rise_iso_pa[(frames["t_s"] > 25) & (frames["t_s"] < 30)])
    after = np.median(cond.rise_iso_pa[frames["t_s"] > 50])
    expected = BALL.static_pressure(np.array([250.0, 350.0])) - BALL.rest_abs_pa
    assert after / before == pytest.approx(expected[0] / expected[1], rel=0.05)


def test_warming_gas_is_compensated_by_the_sensor_temperature() -> None:
    """Unloaded ball warming 3 K: ≈ 1 kPa of drift, gone after compensation."""
    n = int(300 * RATE)
    t = np.arange(n) / RATE
    gas = 22.0 + 3.0 * (1 - np.exp(-t / 60.0))
    frames = _frames(np.zeros(n), gas, gas)
    cond, _ = condition(frames["t_s"], frames["pressure_pa"], frames["temperature_c"], _config())
    raw_drift = frames["pressure_pa"][-1] - frames["pressure_pa"][0]
    assert raw_drift > 900.0
    assert np.max(np.abs(cond.rise_pa[frames["t_s"] > 3])) < 40.0
    assert cond.unloaded[-100:].all()


def test_rezero_while_unloaded_but_not_while_loaded_and_breathing() -> None:
    """A drift the temperature does not explain is zeroed off the ball, held on it."""
    n = int(120 * RATE)
    t = np.arange(n) / RATE
    breathing = 1 + 0.04 * np.sin(2 * np.pi * 0.25 * t)
    load = np.where((t > 30) & (t < 90), 300.0, 0.0) * breathing
    gas = np.where(t < 10, 22.0, 22.5)  # the sensor does not see this warming
    frames = _frames(load, gas, np.full(n, 22.0))
    cond, _ = condition(frames["t_s"], frames["pressure_pa"], frames["temperature_c"], _config())
    ft = frames["t_s"]
    assert np.abs(cond.rise_pa[(ft > 20) & (ft < 29)]).max() < 30.0  # re-zeroed at 22.5 °C
    assert not cond.unloaded[(ft > 35) & (ft < 88)].any()  # breathing: never quiet on the ball
    base = cond.baseline_pa[(ft > 35) & (ft < 88)]
    assert np.ptp(base) == 0.0  # held while loaded


def test_block_by_block_matches_all_at_once() -> None:
    n = int(60 * RATE)
    t = np.arange(n) / RATE
    load = np.interp(t, [0, 5, 6.0, 40, 41, 60], [0, 0, 350, 350, 0, 0])
    frames = _frames(load, np.full(n, 22.0), np.full(n, 22.0))
    cfg = _config()
    whole, _ = condition(frames["t_s"], frames["pressure_pa"], frames["temperature_c"], cfg)
    state = None
    parts = []
    for block in np.array_split(frames, 37):
        cond, state = condition(
            block["t_s"], block["pressure_pa"], block["temperature_c"], cfg, state
        )
        parts.append(cond.rise_iso_pa)
    np.testing.assert_allclose(np.concatenate(parts), whole.rise_iso_pa, rtol=0, atol=1e-6)
    assert FRAME_S == 0.05


def test_first_quiet_stretch_is_the_zero_even_against_an_old_calibration() -> None:
    """Calibrated yesterday in a colder room: today's ball reads 1.5 kPa higher unloaded."""
    n = int(40 * RATE)
    t = np.arange(n) / RATE
    load = np.where((t > 10) & (t < 30), 300.0, 0.0) * (1 + 0.04 * np.sin(2 * np.pi * 0.25 * t))
    frames = _frames(load, np.full(n, 22.0), np.full(n, 22.0))
    cfg = _config()
    old = PressureConfig(
        cfg.frame_s, cfg.quiet_std_pa, cfg.unloaded_margin_pa, BALL.rest_abs_pa - 1_500.0
    )
    cond, _ = condition(frames["t_s"], frames["pressure_pa"], frames["temperature_c"], old)
    ft = frames["t_s"]
    assert cond.unloaded[(ft > 3) & (ft < 9)].all()
    assert np.abs(cond.rise_pa[(ft > 3) & (ft < 9)]).max() < 30.0
    assert cond.unloaded[ft > 38].all()
