"""Simulated time for the virtual ball: wall time scaled by ``time_scale``.

Everything the ball does on its own schedule (sampling, 50 ms batching,
status every 5 s, the pairing window, battery drain) runs on this clock, so a
long scripted session can be tested in a fraction of its length. The radio
(advertising interval, link latency) stays in wall time.
"""

from __future__ import annotations

import asyncio
import time


class SimClock:
    """Seconds of simulated time since the clock started."""

    def __init__(self, time_scale: float = 1.0) -> None:
        if not time_scale > 0.0:
            raise ValueError(f"time_scale must be positive, got {time_scale}")
        self.time_scale = time_scale
        self._origin = time.monotonic()

    def restart(self) -> None:
        self._origin = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._origin) * self.time_scale

    def monotonic_at(self, sim_t: float) -> float:
        """The ``time.monotonic()`` instant at which simulated time reaches ``sim_t``."""
        return self._origin + sim_t / self.time_scale

    def wall_delay(self, sim_seconds: float) -> float:
        return sim_seconds / self.time_scale

    async def sleep_until(self, sim_t: float) -> None:
        delay = self.monotonic_at(sim_t) - time.monotonic()
        await asyncio.sleep(max(0.0, delay))

    async def sleep(self, sim_seconds: float) -> None:
        await asyncio.sleep(max(0.0, sim_seconds / self.time_scale))
