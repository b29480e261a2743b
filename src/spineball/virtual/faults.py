"""Fault injection: what a real radio and a real sensor do to a session.

Bumble's link is perfect, so every imperfection is explicit and
deterministic (random losses come from the ball's seeded generator)::

    await world.faults.drop_link(reconnect_after_s=2.0)   # fade out for 2 s
    world.faults.lose_notifications(count=3)              # next 3 frames lost
    world.faults.lose_notifications(probability=0.05)     # 5 % loss from now on
    world.faults.delay_notifications(0.2)                 # 200 ms late, in order
    world.faults.set_rssi(-90)                            # scanner sees a weak ball
    world.faults.set_battery(4)                           # LOW_BATTERY + BATTERY_CRITICAL
    world.faults.set_sensor_errors(ErrorFlags.PRESSURE_SENSOR)  # invalid readings

Durations are in the ball's simulated time (see ``time_scale``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spineball.protocol import ErrorFlags
from spineball.virtual.faults_state import ReconnectMode
from spineball.virtual.radio import RadioLink

if TYPE_CHECKING:
    from spineball.virtual.ball import VirtualBall


class FaultInjector:
    def __init__(self, ball: VirtualBall, link: RadioLink | None = None) -> None:
        self._ball = ball
        self._link = link
        self._state = ball.link_faults

    async def drop_link(
        self, *, reconnect_after_s: float = 0.0, mode: ReconnectMode = "ignore"
    ) -> None:
        """Drop the connection now; for ``reconnect_after_s`` reconnects fail.

        ``ignore``: the ball stops advertising, so a central's connect times out.
        ``refuse``: it advertises but drops every new connection at once.
        """
        self.refuse_reconnects(reconnect_after_s, mode=mode)
        await self._ball.disconnect()

    def refuse_reconnects(self, seconds: float, *, mode: ReconnectMode = "ignore") -> None:
        if seconds < 0:
            raise ValueError("seconds must be ≥ 0")
        self._state.hold_until = self._ball.clock.now() + seconds
        self._state.hold_mode = mode
        self._ball.hold_reconnects()

    def lose_notifications(self, count: int = 0, *, probability: float = 0.0) -> None:
        """Lose the next ``count`` Samples notifications and/or each with ``probability``."""
        if count < 0 or not 0.0 <= probability <= 1.0:
            raise ValueError("count must be ≥ 0 and probability within 0 … 1")
        self._state.drop_next = count
        self._state.drop_probability = probability

    @property
    def notifications_lost(self) -> int:
        return self._state.lost

    def delay_notifications(self, seconds: float) -> None:
        """Deliver Samples notifications ``seconds`` late (order kept); 0 ends the delay."""
        if seconds < 0:
            raise ValueError("delay must be ≥ 0")
        self._state.delay_s = seconds

    def set_rssi(self, dbm: int) -> None:
        """The RSSI at which scanners on this link hear the ball."""
        if self._link is None:
            raise RuntimeError("RSSI can only be set on an in-process RadioLink")
        self._link.set_rssi(self._ball.address, dbm)

    def set_battery(self, percent: float) -> None:
        self._ball.set_battery(percent)

    def set_sensor_errors(self, errors: ErrorFlags) -> None:
        """Status error bits; PRESSURE_SENSOR also makes pressure readings invalid."""
        self._ball.set_injected_errors(errors)

    def clear(self) -> None:
        """End every fault (battery level and RSSI stay where they are)."""
        self._state.drop_next = 0
        self._state.drop_probability = 0.0
        self._state.delay_s = 0.0
        self._state.hold_until = float("-inf")
        self._ball.hold_reconnects()
        self._ball.set_injected_errors(ErrorFlags(0))
