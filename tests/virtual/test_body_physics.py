"""Air-ball physics of the simulator against the domain notes' numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spineball.virtual.body import AirBall
from spineball.virtual.body.physics import GAMMA_AIR, ZERO_C_K, dynamic_pressure
from spineball.virtual.body.signals import lowpass

RADII = (0.10, 0.115, 0.13)
GAUGES_KPA = (3.0, 8.0, 13.0, 20.0, 35.0)
WALLS_KPA = (7.5, 9.0)  # the range random scenarios draw from
LOADS_N = (150.0, 300.0, 650.0)


def ball(radius: float = 0.115, gauge_kpa: float = 13.0, wall_kpa: float = 8.0) -> AirBall:
    return AirBall(radius, gauge_kpa * 1000.0, wall_kpa * 1000.0)


@pytest.mark.parametrize("wall", WALLS_KPA)
def test_sensitivity_is_1_to_40_pa_per_n_over_realistic_balls_and_loads(wall: float) -> None:
    for radius in RADII:
        for gauge in GAUGES_KPA:
            b = ball(radius, gauge, wall)
            for load in LOADS_N:
                secant = b.sensitivity_pa_per_n(load)
                f = np.array([load - 1.0, load + 1.0])
                p = b.static_pressure(f)
                tangent = float(p[1] - p[0]) / 2.0
                assert 1.0 <= secant <= 40.0, (radius, gauge, load, secant)
                assert 1.0 <= tangent <= 40.0, (radius, gauge, load, tangent)


def test_sensitivity_falls_with_inflation_and_radius() -> None:
    soft, hard = ball(gauge_kpa=5.0), ball(gauge_kpa=25.0)
    assert soft.sensitivity_pa_per_n(300.0) > 2 * hard.sensitivity_pa_per_n(300.0)
    assert ball(0.10).sensitivity_pa_per_n(300.0) > ball(0.13).sensitivity_pa_per_n(300.0)


def test_depth_solves_the_force_balance_including_temperature() -> None:
    b = ball()
    loads = np.linspace(0.0, 900.0, 301)
    theta = np.linspace(1.0, 1.015, 301)  # up to +4.4 K
    depth = b.depth(loads, theta)
    assert np.all(np.diff(depth[theta == theta[0]]) >= 0)
    np.testing.assert_allclose(b.force_at_depth(depth, theta), loads, atol=1e-6)
    assert depth[0] == 0.0
    assert np.all(depth < 0.9 * b.radius_m)


def test_small_loads_raise_pressure_with_the_square_of_the_load() -> None:
    b = ball(0.115, 13.0, 8.0)
    loads = np.array([2.0, 4.0, 8.0])
    rise = b.static_pressure(loads) - b.rest_abs_pa
    assert rise[1] / rise[0] == pytest.approx(4.0, rel=0.02)
    assert rise[2] / rise[1] == pytest.approx(4.0, rel=0.02)
    # domain notes: Δp ≈ 3n·p_abs·F²/(8π²R⁴p_g²), with the wall as extra stiffness
    stiffness = b.rest_gauge_pa + b.wall_pa
    expected = 3 * b.rest_abs_pa * loads**2 / (8 * math.pi**2 * b.radius_m**4 * stiffness**2)
    np.testing.assert_allclose(rise, expected, rtol=0.03)


@pytest.mark.parametrize("gauge", [3.0, 13.0, 30.0])
def test_gas_warming_raises_pressure_350_to_450_pa_per_kelvin(gauge: float) -> None:
    b = ball(gauge_kpa=gauge)
    one_kelvin = (b.reference_c + 1.0 + ZERO_C_K) / (b.reference_c + ZERO_C_K)
    cold = b.static_pressure(np.array([0.0]))[0]
    warm = b.static_pressure(np.array([0.0]), one_kelvin)[0]
    assert 350.0 <= warm - cold <= 450.0, (gauge, warm - cold)
    # under load the warmer gas also lifts the ball off its contacts: a smaller rise
    loaded = b.static_pressure(np.array([300.0, 300.0]), np.array([1.0, one_kelvin]))
    assert 0.4 * (warm - cold) < loaded[1] - loaded[0] < warm - cold


def test_a_fast_load_step_overshoots_adiabatically_then_relaxes() -> None:
    b, tau, rate = ball(), 10.0, 100.0
    t = np.arange(0, 300.0, 1 / rate)
    load = np.where(t >= 5.0, 300.0, 0.0)
    theta = np.ones_like(t)
    p = dynamic_pressure(b, load, theta, 1 / rate, tau)
    settled = b.static_pressure(np.array([300.0]))[0]
    rise = settled - b.rest_abs_pa
    excess = p - settled
    step = int(5.0 * rate)
    # right after the step the gas is compressed adiabatically (n = 1.4)
    assert excess[step] == pytest.approx((GAMMA_AIR - 1.0) * rise, rel=0.1)
    # … and relaxes with the wall's thermal time constant
    assert excess[step + int(tau * rate)] / excess[step] == pytest.approx(math.exp(-1), rel=0.02)
    assert abs(excess[-1]) < 0.01 * rise
    # a slow ramp (200 s) shows little overshoot
    slow = dynamic_pressure(b, np.clip(t / 200.0, 0, 1) * 300.0, theta, 1 / rate, tau)
    assert np.max(slow - settled) < 0.2 * excess[step]


def test_lowpass_matches_the_recurrence() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=3000)
    dt, tau = 0.01, 0.37
    a = math.exp(-dt / tau)
    y, expected = 0.5, np.empty_like(x)
    for i, value in enumerate(x):  # the textbook recurrence, one step per sample
        y = a * y + (1 - a) * value
        expected[i] = y
    np.testing.assert_allclose(lowpass(x, dt, tau, 0.5), expected, rtol=1e-9, atol=1e-12)
