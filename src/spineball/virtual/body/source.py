"""The simulated session as the ball itself would measure it (a SampleSource).

The ball's fused orientation is referenced to the world: z up, a heading that
is arbitrary but fixed at START (protocol §3.3). The body frame of the
session file differs from it by a rotation about z (``heading_deg``); the
pod's own axes differ from the body frame by ``mount``. So the device
quaternion is q_dev = q_z(heading) · q_body · q_mount, and the client must
estimate the heading (and undo the mount) to get back to the body frame.
After the script ends the person is off the ball (unloaded, still): the
orientation and temperature stay at the last sample and the pressure finishes
relaxing from the adiabatic undershoot of getting off towards the settled,
unloaded pressure of the warmed gas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from spineball.samples import quaternions
from spineball.virtual.body import orientation
from spineball.virtual.body.physics import ZERO_C_K
from spineball.virtual.source import FloatArray, SourceSamples

if TYPE_CHECKING:
    from spineball.virtual.body.session import SimulatedSession


class SimulatedSource:
    """``SampleSource`` over a :class:`SimulatedSession`, in the device's world frame."""

    def __init__(
        self,
        session: SimulatedSession,
        heading_deg: float | None = None,
        mount: FloatArray | None = None,
    ) -> None:
        samples = session.samples
        self.heading_deg = session.scenario.env.heading_deg if heading_deg is None else heading_deg
        self.mount = np.array([1.0, 0.0, 0.0, 0.0]) if mount is None else np.asarray(mount, float)
        norm = float(np.linalg.norm(self.mount))
        if not np.isfinite(norm) or norm < 1e-6:
            raise ValueError("mount must be a non-zero quaternion (w, x, y, z)")
        self.mount = self.mount / norm
        body = orientation.continuous(quaternions(samples))
        world = orientation.multiply(orientation.about_z(self.heading_deg), body)
        self._quat = orientation.continuous(orientation.multiply(world, self.mount))
        self._t = samples["t_s"]
        self._pressure = samples["pressure_pa"]
        self._temperature = samples["temperature_c"]
        gas_c = float(session.per_sample.gas_temperature_c[-1])
        ball = session.air_ball
        self._settled_pa = ball.rest_abs_pa * (gas_c + ZERO_C_K) / (ball.reference_c + ZERO_C_K)
        self._relax_tau_s = session.scenario.ball.relax_tau_s

    def read(self, t_s: FloatArray) -> SourceSamples:
        t = np.asarray(t_s, dtype=np.float64)
        quat = np.stack([np.interp(t, self._t, self._quat[:, k]) for k in range(4)], axis=1)
        quat /= np.linalg.norm(quat, axis=1, keepdims=True)
        pressure = np.interp(t, self._t, self._pressure)
        after = np.maximum(t - self._t[-1], 0.0)
        residual = (self._pressure[-1] - self._settled_pa) * np.exp(-after / self._relax_tau_s)
        pressure = np.where(after > 0, self._settled_pa + residual, pressure)
        return SourceSamples(
            pressure,
            quat,
            np.interp(t, self._t, self._temperature),
        )
