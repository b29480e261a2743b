"""Small hand-made signals for unit tests (not a person simulator: no ground truth beyond
what each test builds in)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from spineball.analysis.orientation import from_euler_zyx
from spineball.samples import SESSION_DTYPE, Samples

FloatArray = npt.NDArray[np.float64]


def session_samples(
    t: FloatArray,
    pressure_pa: FloatArray,
    roll_deg: FloatArray | float = 0.0,
    sway_deg: FloatArray | float = 0.0,
    yaw_deg: FloatArray | float = 0.0,
    temperature_c: FloatArray | float = 22.0,
) -> Samples:
    n = len(t)
    q = from_euler_zyx(
        np.radians(np.broadcast_to(roll_deg, n)),
        np.radians(np.broadcast_to(sway_deg, n)),
        np.radians(np.broadcast_to(yaw_deg, n)),
    )
    out = np.zeros(n, dtype=SESSION_DTYPE)
    out["t_s"] = t
    out["pressure_pa"] = pressure_pa
    out["temperature_c"] = temperature_c
    for i, name in enumerate(("qw", "qx", "qy", "qz")):
        out[name] = q[:, i]
    return out


def adiabatic_pressure(
    t: FloatArray, iso_rise_pa: FloatArray, tau_s: float, base_pa: float = 114_300.0
) -> FloatArray:
    """Measured pressure for an isothermal rise: fast changes add 40 % (air's γ = 1.4) that
    relaxes with ``tau_s`` (heat through the wall)."""
    dt = np.diff(t, prepend=t[0])
    excess = 0.4 * iso_rise_pa
    slow = np.empty_like(excess)
    state = excess[0]
    a = np.exp(-dt / tau_s)
    for i, x in enumerate(excess):  # reference implementation, test data only
        state = a[i] * state + (1 - a[i]) * x
        slow[i] = state
    return base_pa + iso_rise_pa + excess - slow
