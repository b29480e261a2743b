"""Link-health figures the link engine, dashboard and MQTT publisher show."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LinkHealth:
    """A snapshot of the stream's counters (all since the stream was created).

    ``lost`` counts samples in confirmed gaps except ``restart`` gaps (those
    samples never existed); ``pending`` counts samples still missing in holes
    that backfill may yet fill. ``loss_pct`` = lost / (delivered + lost).
    ``excess_delay_ms`` is the median of how much later than the fastest
    possible arrival the recent live frames came (link congestion).
    """

    frames: int = 0
    live_frames: int = 0
    backfill_frames: int = 0
    samples_received: int = 0
    delivered: int = 0
    backfilled: int = 0
    malformed: int = 0
    duplicates: int = 0
    late: int = 0
    lost: int = 0
    pending: int = 0
    held: int = 0
    gaps: int = 0
    restarts: int = 0
    drift_ppm: float | None = None
    excess_delay_ms: float | None = None
    last_error: str | None = None
    consumer_drops: dict[str, int] = field(default_factory=dict)

    @property
    def loss_pct(self) -> float:
        total = self.delivered + self.lost
        return 100.0 * self.lost / total if total else 0.0
