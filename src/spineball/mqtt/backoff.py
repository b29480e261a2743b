"""Reconnect delays: exponential with jitter, so a clinic full of balls does
not hammer a broker that just restarted all in the same instant."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delay n is uniform in [d/2, d] with d = min(maximum, initial·factor^n) ("equal jitter").

    Keeping half the delay fixed bounds how soon a retry comes back, the random
    half spreads clients apart. ``initial=0.25`` s keeps a broker restart
    under a second or two of downtime for the caller.
    """

    initial_s: float = 0.25
    maximum_s: float = 30.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.initial_s <= self.maximum_s or self.factor < 1:
            raise ValueError("backoff needs 0 < initial ≤ maximum and factor ≥ 1")

    def next_delay(self) -> float:
        ceiling = min(self.maximum_s, self.initial_s * self.factor**self.attempt)
        # stop growing once at the cap (no float overflow on long outages)
        if ceiling < self.maximum_s:
            self.attempt += 1
        return ceiling / 2 + self.rng.random() * ceiling / 2

    def reset(self) -> None:
        self.attempt = 0
