from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.load import (
    BallGeometry,
    CalibrationError,
    fit_model,
    load_model,
    uncalibrated_model,
)
from spineball.sessionfile import Ball, CalibrationPoint

BALL = Ball(0.115, 13.0)
BASE = 101_300.0 + 13_000.0


def _true_model(wall: float = 4_000.0, scale: float = 1.0):  # type: ignore[no-untyped-def]
    """Loads for rises from the same physics with a known wall, as a reference ball."""
    geo = BallGeometry(0.115, BASE, 101_300.0)
    d, rise, gauge_area = geo.depth_table()
    return lambda f: float(np.interp(f, scale * gauge_area + wall * d, rise))


def test_one_point_recovers_the_wall_and_extrapolates() -> None:
    rise_of = _true_model()
    model = fit_model(
        [CalibrationPoint(0.0, BASE), CalibrationPoint(450.0, BASE + rise_of(450.0))], BALL
    )
    assert model.calibrated
    assert model.has_zero
    assert model.wall_n_per_m == pytest.approx(4_000.0, rel=1e-3)
    for load in (60.0, 150.0, 300.0, 600.0):  # far from the calibration load
        assert model.load_n(np.array([rise_of(load)]))[0] == pytest.approx(load, rel=0.01)
    assert model.rel_uncertainty < 0.1


def test_a_square_root_law_would_miss_by_more() -> None:
    """Why the physical form: F/√Δp grows with load, so one point and √Δp is off at 150 N."""
    rise_of = _true_model()
    c = 450.0 / np.sqrt(rise_of(450.0))
    assert abs(c * np.sqrt(rise_of(150.0)) / 150.0 - 1.0) > 0.05


def test_two_points_fit_wall_and_scale() -> None:
    rise_of = _true_model(wall=6_000.0, scale=1.1)
    pts = [CalibrationPoint(0.0, BASE)] + [
        CalibrationPoint(f, BASE + rise_of(f)) for f in (200.0, 500.0)
    ]
    model = fit_model(pts, BALL)
    assert model.scale == pytest.approx(1.1, rel=1e-3)
    assert model.load_n(np.array([rise_of(333.0)]))[0] == pytest.approx(333.0, rel=1e-3)
    assert model.delta_pa(333.0) == pytest.approx(rise_of(333.0), rel=1e-3)


def test_points_without_zero_use_the_session_zero() -> None:
    rise_of = _true_model()
    pts = [CalibrationPoint(300.0, BASE + rise_of(300.0))]
    with pytest.raises(CalibrationError):
        fit_model(pts, BALL)
    model = fit_model(pts, BALL, unloaded_pa=BASE)
    assert model.load_n(np.array([rise_of(300.0)]))[0] == pytest.approx(300.0, rel=1e-3)
    assert (
        model.rel_uncertainty > fit_model([CalibrationPoint(0.0, BASE), *pts], BALL).rel_uncertainty
    )


def test_bad_calibration_falls_back_with_a_warning() -> None:
    bad = [CalibrationPoint(0.0, BASE), CalibrationPoint(200.0, BASE - 50.0)]
    model = load_model(bad, BALL)
    assert not model.calibrated
    assert model.warning
    assert "not usable" in model.warning
    assert model.rel_uncertainty >= 0.3


def test_uncalibrated_fallback_is_physical_and_wide() -> None:
    model = uncalibrated_model(BALL)
    assert not model.calibrated
    assert model.warning
    assert model.rel_uncertainty >= 0.3
    sensitivity = model.sensitivity_pa_per_n(300.0)
    assert 1.0 <= sensitivity <= 40.0  # domain notes: 1–40 Pa per N
    harder = uncalibrated_model(Ball(0.115, 25.0))
    assert harder.sensitivity_pa_per_n(300.0) < sensitivity  # a harder ball rises less per N²


def test_change_of_inflation_keeps_the_wall() -> None:
    rise_of = _true_model()
    model = fit_model(
        [CalibrationPoint(0.0, BASE), CalibrationPoint(400.0, BASE + rise_of(400.0))], BALL
    )
    harder = model.at_inflation(20_000.0)
    assert harder.wall_n_per_m == model.wall_n_per_m
    assert harder.delta_pa(300.0) < model.delta_pa(300.0)
    assert harder.rel_uncertainty > model.rel_uncertainty
