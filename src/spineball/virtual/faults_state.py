"""What the radio between ball and central is currently doing wrong.

The ball consults this state on every Samples notification and every
connection; :mod:`spineball.virtual.faults` is the API that changes it.
Random choices come from one seeded generator, so a run is reproducible.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Literal

ReconnectMode = Literal["ignore", "refuse"]


@dataclass
class LinkFaults:
    seed: int = 0
    drop_next: int = 0  # lose this many Samples notifications, then stop losing
    drop_probability: float = 0.0  # lose each Samples notification with this probability
    delay_s: float = 0.0  # deliver Samples notifications this much later (simulated s)
    hold_until: float = -math.inf  # simulated time until which reconnects fail
    hold_mode: ReconnectMode = "ignore"
    lost: int = 0  # notifications lost so far (for tests and logs)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def lose_this_one(self) -> bool:
        """Decide the fate of one Samples notification."""
        if self.drop_next > 0:
            self.drop_next -= 1
            self.lost += 1
            return True
        if self.drop_probability > 0.0 and self.rng.random() < self.drop_probability:
            self.lost += 1
            return True
        return False

    def holding(self, now: float) -> bool:
        return now < self.hold_until
