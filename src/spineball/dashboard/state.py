"""What the dashboard knows: the newest update, the plot's ring buffer, per-level tallies.

Updates are folded in as they arrive (cheap: a few array writes); the screen
is drawn from this state on a timer, never per update. No Textual here, so
the logic is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np

from spineball.anatomy import LEVELS
from spineball.dashboard.alerts import Alert, current_alerts
from spineball.dashboard.ring import FloatArray, Ring
from spineball.session.api import SessionUpdate

TRACE_CAPACITY: Final = 20 * 60 * 15  # 15 minutes of plot points at 20 per second
MAX_STEP_S: Final = 1.0  # a longer pause between updates is not counted as dwell


@dataclass(slots=True)
class LevelTally:
    """Time on the ball and pain ratings per level (C7 … L5), as this screen saw them."""

    dwell_s: FloatArray = field(default_factory=lambda: np.zeros(len(LEVELS)))
    pain_first: list[int | None] = field(default_factory=lambda: [None] * len(LEVELS))
    pain_last: list[int | None] = field(default_factory=lambda: [None] * len(LEVELS))

    def add(self, previous: SessionUpdate | None, update: SessionUpdate) -> None:
        snap = update.snapshot
        if previous is not None:
            before = previous.snapshot
            step = snap.t_s - before.t_s
            if before.on_ball and before.level in LEVELS and 0.0 < step <= MAX_STEP_S:
                self.dwell_s[LEVELS.index(before.level)] += step
        if snap.level in LEVELS and snap.pain_first is not None:
            i = LEVELS.index(snap.level)
            if self.pain_first[i] is None:
                self.pain_first[i] = snap.pain_first
            self.pain_last[i] = snap.pain_now


class LiveView:
    """The dashboard's model of the session; ``apply`` each update, read on redraw."""

    def __init__(self, capacity: int = TRACE_CAPACITY) -> None:
        self.update: SessionUpdate | None = None
        self.trace = Ring(capacity, 4)  # t_s, gauge kPa, load N, absolute Pa
        self.tally = LevelTally()
        self.received_at: float | None = None  # monotonic time of the newest update
        self.attached = True
        self.problem = ""
        self.updates = 0
        self.version = 0  # bumped on every update
        self.trace_version = 0  # bumped when plot points arrive: the plot redraws only then

    def apply(self, update: SessionUpdate, now: float) -> None:
        self.tally.add(self.update, update)
        trace = update.trace
        if trace.t_s:
            n = len(trace.t_s)
            load = [np.nan if v is None else v for v in trace.load_n] or [np.nan] * n
            pressure = list(trace.pressure_pa) or [np.nan] * n
            self.trace_version += 1
            self.trace.append(
                np.asarray(trace.t_s),
                np.asarray(trace.gauge_kpa),
                np.asarray(load),
                np.asarray(pressure),
            )
        self.update = update
        self.received_at = now
        self.updates += 1
        self.version += 1

    def detach(self, problem: str = "") -> None:
        """The client's stream ended or broke (or never started: ``problem`` says why)."""
        self.attached = False
        self.problem = problem
        self.version += 1

    def reattach(self) -> None:
        self.attached = True
        self.problem = ""
        self.version += 1

    @property
    def ended(self) -> bool:
        return self.update is not None and self.update.state == "ended"

    def silent_s(self, now: float) -> float:
        return 0.0 if self.received_at is None else max(now - self.received_at, 0.0)

    def alerts(self, now: float, hidden: frozenset[str] = frozenset()) -> list[Alert]:
        attached = self.attached or self.ended
        return current_alerts(
            self.update,
            silent_s=self.silent_s(now),
            attached=attached,
            problem=self.problem,
            hidden=hidden,
        )

    def recent_pressure_pa(self, seconds: float) -> FloatArray:
        """Absolute pressures of the last ``seconds`` of the plot (for the calibration wizard)."""
        if len(self.trace) == 0:
            return np.empty(0)
        data = self.trace.latest()
        recent = data[:, data[0] >= data[0, -1] - seconds]
        pressure: FloatArray = recent[3]
        return pressure[np.isfinite(pressure)]
