"""Pressure rise → load on the ball, calibrated per ball and inflation.

Physics (domain notes): a ball loaded by F flattens; for small loads the
pressure rise is Δp ≈ 3n·p_abs·F² / (8π²R⁴p_g²), so F ≈ c·√Δp with
c = πR²(p_g + p_wall)·√(8 / (3n·p_abs)) depending on the inflation, where
p_wall is the rubber wall's share of the load expressed as a pressure. Calibrated, the
model is F = c·Δp^γ fitted to the user's (load, pressure) points: one loaded
point fixes c with the physical γ = ½, two or more also fit γ (kept within
0.35–0.75). Changing the inflation scales c like the physics does
(c ∝ (p_g + p_wall)/√p_abs), the compact form F ≈ (α·p_g + β)·√Δp.

Without calibration the physics alone gives c, with a nominal wall (thin-shell
indentation stiffness k ≈ 2.4·E·h²/R for a rubber wall of E ≈ 2 MPa and
h ≈ 10 mm, spread over the contact as p_wall = k/(2πR), ≈ 6 kPa for a 6-lb
ball), with an uncertainty of ±40 % (domain notes: uncalibrated error
±30–50 %), and a warning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.sessionfile import Ball, CalibrationPoint

FloatArray = npt.NDArray[np.float64]

ATMOSPHERE_PA: Final = 101_325.0  # standard atmosphere: the gauge reference when none is measured
G: Final = 9.81
UNLOADED_MAX_N: Final = 5.0  # a calibration point this light counts as "unloaded"
UNCALIBRATED_REL: Final = 0.40  # domain notes: ±30–50 % without calibration
ONE_POINT_REL: Final = 0.08  # γ fixed at ½: model-form error over the 150–650 N range
FIT_FLOOR_REL: Final = 0.04  # reading error of a bathroom scale / steady pressure
GAMMA_RANGE: Final = (0.35, 0.75)
WALL_MODULUS_PA: Final = 2.0e6  # natural rubber, 1.5–3 MPa
WALL_THICKNESS_M: Final = 0.010  # a 6-lb medicine ball's wall, 8–12 mm


class CalibrationError(ValueError):
    """Calibration points that cannot give a load model; the message is one clear line."""


@dataclass(frozen=True, slots=True)
class LoadModel:
    """F = coef · Δp^gamma (Δp in Pa above the unloaded pressure, F in N)."""

    coef: float
    gamma: float
    rel_uncertainty: float  # 1-σ relative uncertainty of a load reading
    calibrated: bool
    unloaded_pa: float | None  # unloaded absolute pressure at calibration, if measured
    gauge_pa: float  # inflation (gauge) the model was made at
    wall_pa: float  # the wall's stiffness as a pressure (for changes of inflation)
    warning: str | None = None

    def load_n(self, delta_pa: FloatArray) -> FloatArray:
        d = np.clip(np.asarray(delta_pa, dtype=np.float64), 0.0, None)
        return np.asarray(self.coef * d**self.gamma)

    def delta_pa(self, load_n: float) -> float:
        """Pressure rise for a load (the inverse of :meth:`load_n`)."""
        return float((max(load_n, 0.0) / self.coef) ** (1.0 / self.gamma))

    def at_inflation(self, gauge_pa: float, atmosphere_pa: float = ATMOSPHERE_PA) -> LoadModel:
        """The same ball at another inflation: c scales as (p_g + p_wall)/√p_abs."""
        if gauge_pa <= 0 or self.gauge_pa <= 0:
            return self
        stiff_now, stiff_then = gauge_pa + self.wall_pa, self.gauge_pa + self.wall_pa
        scale = (stiff_now / stiff_then) * math.sqrt(
            (self.gauge_pa + atmosphere_pa) / (gauge_pa + atmosphere_pa)
        )
        return LoadModel(
            self.coef * scale,
            self.gamma,
            self.rel_uncertainty + 0.05,  # the scaling law is approximate
            self.calibrated,
            None,
            gauge_pa,
            self.wall_pa,
            self.warning,
        )


def wall_pressure_pa(radius_m: float) -> float:
    """The rubber wall's stiffness as an equivalent pressure (Reissner shell indentation)."""
    stiffness = 2.4 * WALL_MODULUS_PA * WALL_THICKNESS_M**2 / radius_m
    return stiffness / (2.0 * math.pi * radius_m)


def physical_coef(radius_m: float, gauge_pa: float, atmosphere_pa: float = ATMOSPHERE_PA) -> float:
    """c of F = c·√Δp for a rubber-walled air ball (isothermal, n = 1)."""
    p_abs = gauge_pa + atmosphere_pa
    stiff = gauge_pa + wall_pressure_pa(radius_m)
    return math.pi * radius_m**2 * stiff * math.sqrt(8.0 / (3.0 * p_abs))


def uncalibrated_model(ball: Ball, gauge_pa: float | None = None) -> LoadModel:
    gauge = gauge_pa if gauge_pa and gauge_pa > 0 else ball.rest_gauge_kpa * 1000.0
    return LoadModel(
        physical_coef(ball.radius_m, gauge),
        0.5,
        UNCALIBRATED_REL,
        False,
        None,
        gauge,
        wall_pressure_pa(ball.radius_m),
        "no calibration: load is estimated from the ball's size and inflation (±40 %); "
        "calibrate with a bathroom scale for real numbers",
    )


def fit_model(
    points: Sequence[CalibrationPoint],
    ball: Ball,
    unloaded_pa: float | None = None,
) -> LoadModel:
    """Fit F = c·Δp^γ to calibration points taken on this ball at this inflation.

    ``unloaded_pa`` is the unloaded pressure to measure Δp from when the points
    contain no unloaded one (e.g. the session's first unloaded reading).
    Raises :class:`CalibrationError` for points that cannot be used.
    """
    zero = [p for p in points if p.load_n <= UNLOADED_MAX_N]
    loaded = [p for p in points if p.load_n > UNLOADED_MAX_N]
    if not loaded:
        raise CalibrationError("calibration needs at least one point with a known load")
    base = float(np.mean([p.pressure_pa for p in zero])) if zero else unloaded_pa
    if base is None:
        raise CalibrationError("calibration has no unloaded pressure to measure the rise from")
    loads = np.array([p.load_n for p in loaded])
    rises = np.array([p.pressure_pa for p in loaded]) - base
    if np.any(rises <= 0):
        raise CalibrationError(
            "a loaded calibration point is not above the unloaded pressure; retake it"
        )
    gauge = max(base - ATMOSPHERE_PA, 1000.0) if zero else ball.rest_gauge_kpa * 1000.0
    wall = wall_pressure_pa(ball.radius_m)
    rel_extra = 0.0 if zero else 0.05  # zero taken from the session, maybe at another temperature
    if len(loaded) == 1 or np.ptp(np.log(rises)) < 0.1:
        coef = float(np.mean(loads / np.sqrt(rises)))
        return LoadModel(
            coef, 0.5, ONE_POINT_REL + rel_extra, True, base if zero else None, gauge, wall
        )
    slope, _intercept = np.polyfit(np.log(rises), np.log(loads), 1)
    gamma = float(np.clip(slope, *GAMMA_RANGE))
    coef = float(np.exp(np.mean(np.log(loads) - gamma * np.log(rises))))
    resid = np.log(loads) - np.log(coef) - gamma * np.log(rises)
    dof = max(len(loaded) - 2, 1)
    spread = float(np.sqrt(np.sum(resid**2) / dof)) if len(loaded) > 2 else 0.0
    rel = max(FIT_FLOOR_REL, spread) + rel_extra
    return LoadModel(coef, gamma, rel, True, base if zero else None, gauge, wall)


def load_model(
    points: Sequence[CalibrationPoint], ball: Ball, unloaded_pa: float | None = None
) -> LoadModel:
    """The calibrated model if the points allow one, else the physics fallback with a warning."""
    if points:
        try:
            return fit_model(points, ball, unloaded_pa)
        except CalibrationError as err:
            fallback = uncalibrated_model(ball)
            return LoadModel(
                fallback.coef,
                fallback.gamma,
                fallback.rel_uncertainty,
                False,
                None,
                fallback.gauge_pa,
                fallback.wall_pa,
                f"calibration not usable ({err}); load estimated from the ball's size (±40 %)",
            )
    return uncalibrated_model(ball)
