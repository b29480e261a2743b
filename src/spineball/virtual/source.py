"""What the virtual ball measures: a source of pressure, orientation and temperature.

The virtual ball (``spineball.virtual.ball``) asks its source for the values
at the device's sample times; the person-on-ball simulator
(``spineball.virtual.body``) is the realistic source, :class:`StillBall` the
trivial one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SourceSamples:
    pressure_pa: FloatArray  # (n,) absolute pressure inside the ball; NaN = no valid reading
    quaternion: FloatArray  # (n, 4) w-x-y-z, sensor → gravity-referenced frame (protocol §3.3)
    temperature_c: FloatArray  # (n,) sensor temperature


class SampleSource(Protocol):
    def read(self, t_s: FloatArray) -> SourceSamples:
        """Values at the given times (seconds since the ball started sampling, increasing)."""
        ...


@dataclass(frozen=True, slots=True)
class StillBall:
    """An unloaded ball lying still: constant pressure and temperature, fixed orientation."""

    pressure_pa: float = 114_300.0  # 101.3 kPa atmosphere + 13 kPa gauge
    temperature_c: float = 22.0

    def read(self, t_s: FloatArray) -> SourceSamples:
        n = len(t_s)
        quaternion = np.zeros((n, 4))
        quaternion[:, 0] = 1.0
        return SourceSamples(
            np.full(n, self.pressure_pa), quaternion, np.full(n, self.temperature_c)
        )
