"""Reconnect delays: exponential backoff with jitter.

As bleak-retry-connector does for BlueZ's transient failures: retry at
once-ish, then back off; each delay is drawn from the upper half of its
step so several clients (or a client and a flaky adapter) do not retry in
lock-step.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    first_s: float = 0.25
    max_s: float = 10.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (0 = the first retry)."""
        step = min(self.max_s, self.first_s * self.factor ** min(attempt, 32))
        return self.rng.uniform(step / 2, step)
