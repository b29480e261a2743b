"""Pressure rise → load on the ball, calibrated per ball and inflation.

Physics (domain notes, "Pressure ↔ load"): the ball lies on the floor with a
back on top, so it flattens at both contacts by a cap of depth d:

    contact area  A = π(2Rd − d²)
    volume lost   ΔV = 2 · π d²(3R − d)/3        (floor and back)
    gas           p = p₀ · V / (V − ΔV)           (isothermal, n = 1)
    load          F = s · (p − p_atm) · A + k · d  (gauge pressure + rubber wall)

For small loads this is the domain formula Δp ≈ 3n·p_abs·F² / (8π²R⁴p_g²)
with the wall adding to p_g: F ≈ (α·p_g + β)·√Δp. Since Δp fixes d, each
calibration point (load, pressure) gives one linear equation in the wall
stiffness k and the scale s: one loaded point fits k (s = 1), two or more fit
both by least squares. The model is then exact at the points and follows the
physics in between and beyond — F/√Δp grows by a third from 50 to 500 N,
which a fixed √Δp law would miss.

Without calibration the wall is nominal (thin-shell indentation
k ≈ 2.4·E·h²/R for rubber of E ≈ 2 MPa and h ≈ 10 mm, a 6-lb ball's wall)
with an uncertainty of ±40 % (domain notes: uncalibrated error ±30–50 %)
and a warning.

The adiabatic overshoot of fast changes is removed before this model sees the
pressure (:mod:`spineball.analysis.pressure`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.sessionfile import Ball, CalibrationPoint

FloatArray = npt.NDArray[np.float64]

ATMOSPHERE_PA: Final = 101_325.0  # standard atmosphere, when the inflation gives no better
PLAUSIBLE_ATMOSPHERE_PA: Final = (85_000.0, 107_000.0)  # sea level to ~1500 m, any weather
G: Final = 9.81
UNLOADED_MAX_N: Final = 5.0  # a calibration point this light counts as "unloaded"
UNCALIBRATED_REL: Final = 0.40  # domain notes: ±30–50 % without calibration
ONE_POINT_REL: Final = 0.06  # scale reading ±0.1 kg, pressure noise, wall law between points
FIT_FLOOR_REL: Final = 0.04
NO_ZERO_REL: Final = 0.03  # zero taken from the session instead of at calibration
WALL_MODULUS_PA: Final = 2.0e6  # natural rubber, 1.5–3 MPa
WALL_THICKNESS_M: Final = 0.010  # a 6-lb medicine ball's wall, 8–12 mm
SCALE_RANGE: Final = (0.6, 1.6)
MAX_DEPTH: Final = 0.6  # × R: deeper than this a loaded ball is no longer a ball
TABLE_POINTS: Final = 1024


class CalibrationError(ValueError):
    """Calibration points that cannot give a load model; the message is one clear line."""


def nominal_wall_n_per_m(radius_m: float) -> float:
    """Indentation stiffness of the rubber wall (Reissner thin-shell estimate)."""
    return 2.4 * WALL_MODULUS_PA * WALL_THICKNESS_M**2 / radius_m


@dataclass(frozen=True, slots=True)
class BallGeometry:
    """The loaded-ball relations for one ball at one unloaded pressure."""

    radius_m: float
    unloaded_pa: float  # absolute
    atmosphere_pa: float

    @property
    def gauge_pa(self) -> float:
        return self.unloaded_pa - self.atmosphere_pa

    def depth_table(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(depth, pressure rise, gauge·area) on a grid of depths."""
        r = self.radius_m
        d = np.linspace(0.0, MAX_DEPTH * r, TABLE_POINTS)
        volume = 4.0 / 3.0 * math.pi * r**3
        lost = 2.0 * math.pi * d * d * (3.0 * r - d) / 3.0
        p = self.unloaded_pa * volume / (volume - lost)
        area = math.pi * (2.0 * r * d - d * d)
        return d, p - self.unloaded_pa, (p - self.atmosphere_pa) * area


@dataclass(frozen=True, slots=True)
class LoadModel:
    """F(Δp) of one ball at one inflation (Δp in Pa above the unloaded pressure, F in N)."""

    geometry: BallGeometry
    wall_n_per_m: float
    scale: float
    rel_uncertainty: float  # 1-σ relative uncertainty of a load reading
    calibrated: bool
    has_zero: bool  # the unloaded pressure Δp is measured from is known (not assumed)
    warning: str | None = None
    _rise: FloatArray = field(init=False, repr=False, compare=False)
    _load: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        d, rise, gauge_area = self.geometry.depth_table()
        object.__setattr__(self, "_rise", rise)
        object.__setattr__(self, "_load", self.scale * gauge_area + self.wall_n_per_m * d)

    @property
    def unloaded_pa(self) -> float | None:
        return self.geometry.unloaded_pa if self.has_zero else None

    @property
    def gauge_pa(self) -> float:
        return self.geometry.gauge_pa

    def load_n(self, delta_pa: FloatArray) -> FloatArray:
        d = np.clip(np.asarray(delta_pa, dtype=np.float64), 0.0, None)
        out = np.interp(d, self._rise, self._load)
        return np.asarray(np.where(np.isnan(delta_pa), np.nan, out))

    def delta_pa(self, load_n: float) -> float:
        """Pressure rise for a load (the inverse of :meth:`load_n`)."""
        return float(np.interp(max(load_n, 0.0), self._load, self._rise))

    def sensitivity_pa_per_n(self, load_n: float) -> float:
        return self.delta_pa(load_n) / load_n

    def at_inflation(self, gauge_pa: float) -> LoadModel:
        """The same ball (same wall) at another inflation; a little less certain."""
        geo = replace(self.geometry, unloaded_pa=self.geometry.atmosphere_pa + gauge_pa)
        return LoadModel(
            geo,
            self.wall_n_per_m,
            self.scale,
            self.rel_uncertainty + 0.05,
            self.calibrated,
            False,
            self.warning,
        )


def atmosphere_from(unloaded_pa: float | None, ball: Ball) -> float:
    """Outside pressure: the unloaded reading less the recorded inflation, if plausible."""
    if unloaded_pa is not None:
        guess = unloaded_pa - ball.rest_gauge_kpa * 1000.0
        if PLAUSIBLE_ATMOSPHERE_PA[0] <= guess <= PLAUSIBLE_ATMOSPHERE_PA[1]:
            return guess
    return ATMOSPHERE_PA


def _geometry(ball: Ball, unloaded_pa: float | None) -> BallGeometry:
    atmosphere = atmosphere_from(unloaded_pa, ball)
    base = unloaded_pa if unloaded_pa is not None else atmosphere + ball.rest_gauge_kpa * 1000.0
    return BallGeometry(ball.radius_m, base, atmosphere)


def uncalibrated_model(ball: Ball, unloaded_pa: float | None = None) -> LoadModel:
    return LoadModel(
        _geometry(ball, unloaded_pa),
        nominal_wall_n_per_m(ball.radius_m),
        1.0,
        UNCALIBRATED_REL,
        False,
        unloaded_pa is not None,
        "no calibration: load is estimated from the ball's size and inflation (±40 %); "
        "calibrate with a bathroom scale for real numbers",
    )


def fit_model(
    points: Sequence[CalibrationPoint], ball: Ball, unloaded_pa: float | None = None
) -> LoadModel:
    """Fit the wall stiffness (and with ≥ 2 loads a scale) to calibration points.

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
    geo = _geometry(ball, base)
    loads = np.array([p.load_n for p in loaded])
    rises = np.array([p.pressure_pa for p in loaded]) - base
    if np.any(rises <= 0):
        raise CalibrationError(
            "a loaded calibration point is not above the unloaded pressure; retake it"
        )
    d_tab, rise_tab, ga_tab = geo.depth_table()
    if np.any(rises >= rise_tab[-1]):
        raise CalibrationError("a calibration pressure is beyond what this ball can reach")
    depth = np.interp(rises, rise_tab, d_tab)
    gauge_area = np.interp(rises, rise_tab, ga_tab)
    scale, wall = _solve(loads, gauge_area, depth)
    predicted = scale * gauge_area + wall * depth
    spread = float(np.sqrt(np.mean((predicted / loads - 1.0) ** 2)))
    rel = ONE_POINT_REL if len(loaded) == 1 else max(FIT_FLOOR_REL, 2.0 * spread)
    return LoadModel(geo, wall, scale, rel + (0.0 if zero else NO_ZERO_REL), True, True)


def _solve(loads: FloatArray, gauge_area: FloatArray, depth: FloatArray) -> tuple[float, float]:
    """(scale, wall) with loads ≈ scale·gauge_area + wall·depth, wall ≥ 0, scale in range."""
    if len(loads) >= 2 and np.ptp(gauge_area / depth) > 1e-6 * np.mean(gauge_area / depth):
        (scale, wall), *_ = np.linalg.lstsq(np.stack([gauge_area, depth], axis=1), loads)
        if wall >= 0 and SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
            return float(scale), float(wall)
    wall = float(np.mean((loads - gauge_area) / depth))
    if wall >= 0:
        return 1.0, wall
    scale = float(np.clip(np.mean(loads / gauge_area), *SCALE_RANGE))
    return scale, 0.0


def load_model(
    points: Sequence[CalibrationPoint], ball: Ball, unloaded_pa: float | None = None
) -> LoadModel:
    """The calibrated model if the points allow one, else the physics fallback with a warning."""
    if points:
        try:
            return fit_model(points, ball, unloaded_pa)
        except CalibrationError as err:
            fallback = uncalibrated_model(ball, unloaded_pa)
            return replace(
                fallback,
                warning=f"calibration not usable ({err}); "
                "load estimated from the ball's size (±40 %)",
            )
    return uncalibrated_model(ball, unloaded_pa)
