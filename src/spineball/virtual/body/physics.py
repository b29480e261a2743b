"""Air-ball physics: load → flattening → gas pressure, and the gas's thermal response.

Model (domain notes, "Pressure ↔ load"): the ball lies on the floor with a back
on top, so it is squeezed between two flat-ish contacts and each flattens by a
cap of depth d. Per contact the load is carried by the gauge pressure over the
contact area plus the rubber wall:

    F(d) = (p(d) − p_atm)·A(d) + k_wall·d,   A = π(2Rd − d²)
    ΔV   = 2 · π d²(3R − d)/3                 (two caps)
    p·Vⁿ = const                              n = 1 slow (isothermal) … 1.4 fast (adiabatic)

With two caps the small-load limit is the domain formula
Δp ≈ 3n·p_abs·F² / (8π²R⁴(p_g + p_wall)²) with p_wall = k_wall/(2πR), i.e. the
calibrated form F ≈ (α·p_g + β)·√Δp. The wall term is a linear spring
(Reissner's thin-shell indentation k ≈ 2.4·E·h²/R; for a 6-lb ball's rubber,
E ≈ 1.5–3 MPa and h ≈ 8–12 mm, that is k ≈ 2–9 kN/m, i.e. 3–12 kPa expressed as
an equivalent pressure). 7.5–9 kPa keeps the sensitivity within the domain's
1–40 Pa/N over radius 0.10–0.13 m, rest gauge 3–35 kPa and loads 150–650 N.

Depth is solved vectorised: interpolate a tabulated F(d) for a first guess,
then a few Newton steps with the sample's own gas temperature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.virtual.body.signals import lowpass

FloatArray = npt.NDArray[np.float64]

ATMOSPHERE_PA: Final = 101_300.0  # domain notes: ≈ 101.3 kPa
GAMMA_AIR: Final = 1.4  # adiabatic exponent of air: the fast end of n (domain notes)
ZERO_C_K: Final = 273.15
CONTACTS: Final = 2  # floor and back both flatten the ball
_TABLE_POINTS: Final = 2048
_MAX_DEPTH_FRACTION: Final = 0.9  # a cap deeper than 0.9 R is no longer a ball
_NEWTON_STEPS: Final = 4


@dataclass(frozen=True, slots=True)
class AirBall:
    """One ball at one inflation (rest gauge measured at ``reference_c``)."""

    radius_m: float
    rest_gauge_pa: float
    wall_pa: float
    atmosphere_pa: float = ATMOSPHERE_PA
    reference_c: float = 22.0

    @property
    def volume_m3(self) -> float:
        return 4.0 / 3.0 * math.pi * self.radius_m**3

    @property
    def rest_abs_pa(self) -> float:
        return self.atmosphere_pa + self.rest_gauge_pa

    @property
    def wall_n_per_m(self) -> float:
        return 2.0 * math.pi * self.radius_m * self.wall_pa

    def cap_area(self, depth: FloatArray) -> FloatArray:
        return np.pi * (2.0 * self.radius_m * depth - depth * depth)

    def displaced_volume(self, depth: FloatArray) -> FloatArray:
        return CONTACTS * np.pi * depth * depth * (3.0 * self.radius_m - depth) / 3.0

    def pressure_at_depth(
        self, depth: FloatArray, theta: FloatArray | float = 1.0, n: float = 1.0
    ) -> FloatArray:
        """Absolute gas pressure with both caps at ``depth``; theta = T_gas / T_reference."""
        ratio = self.volume_m3 / (self.volume_m3 - self.displaced_volume(depth))
        result: FloatArray = self.rest_abs_pa * np.asarray(theta) * ratio**n
        return result

    def force_at_depth(self, depth: FloatArray, theta: FloatArray | float = 1.0) -> FloatArray:
        """Load (N) that holds the ball flattened by ``depth`` at equilibrium (isothermal)."""
        gauge = self.pressure_at_depth(depth, theta) - self.atmosphere_pa
        return gauge * self.cap_area(depth) + self.wall_n_per_m * depth

    def _force_slope(self, depth: FloatArray, theta: FloatArray | float) -> FloatArray:
        pressure = self.pressure_at_depth(depth, theta)
        area = self.cap_area(depth)
        volume = self.volume_m3 - self.displaced_volume(depth)
        # dΔV/dd = CONTACTS·A, so dp/dd = p·CONTACTS·A/V (isothermal)
        dp = pressure * CONTACTS * area / volume
        d_area = 2.0 * np.pi * (self.radius_m - depth)
        return dp * area + (pressure - self.atmosphere_pa) * d_area + self.wall_n_per_m

    def depth(self, load_n: FloatArray, theta: FloatArray | float = 1.0) -> FloatArray:
        """Flattening depth (m) per contact for each load, vectorised."""
        load = np.maximum(np.asarray(load_n, dtype=np.float64), 0.0)
        table_d = np.linspace(0.0, _MAX_DEPTH_FRACTION * self.radius_m, _TABLE_POINTS)
        table_f = self.force_at_depth(table_d)
        depth = np.interp(load, table_f, table_d)
        for _ in range(_NEWTON_STEPS):
            residual = self.force_at_depth(depth, theta) - load
            depth = depth - residual / self._force_slope(depth, theta)
            depth = np.clip(depth, 0.0, _MAX_DEPTH_FRACTION * self.radius_m)
        return np.where(load > 0, depth, 0.0)

    def static_pressure(self, load_n: FloatArray, theta: FloatArray | float = 1.0) -> FloatArray:
        """Absolute pressure after the gas has settled (isothermal) under ``load_n``."""
        return self.pressure_at_depth(self.depth(load_n, theta), theta)

    def sensitivity_pa_per_n(self, load_n: float) -> float:
        """Secant sensitivity Δp/F at the reference temperature (what a calibration sees)."""
        load = np.array([load_n])
        rise = self.static_pressure(load) - self.rest_abs_pa
        return float(rise[0] / load_n)


def dynamic_pressure(
    ball: AirBall, load_n: FloatArray, theta: FloatArray, dt: float, relax_tau_s: float
) -> FloatArray:
    """Absolute pressure including the adiabatic overshoot of fast load changes.

    The settled (isothermal) pressure follows the load; what a fast change adds
    on top — the adiabatic pressure minus the isothermal one at the same
    flattening — relaxes as heat flows through the wall (time constant 4–20 s,
    domain notes). Slow changes (warming, rolling) pass as isothermal; a load
    step or breathing (≈4 s period) shows most of the adiabatic excess.
    """
    depth = ball.depth(load_n, theta)
    isothermal = ball.pressure_at_depth(depth, theta)
    excess = ball.pressure_at_depth(depth, theta, GAMMA_AIR) - isothermal
    return isothermal + excess - lowpass(excess, dt, relax_tau_s)
