"""A simulated ball and radio link for stream tests: ground truth for every sample.

The ball samples on its own clock (nominal rate × (1 + drift)), numbers
samples with u32 indices, packs them into frames and keeps a ring buffer that
answers BACKFILL like docs/protocol.md §6. The link adds delays, drops,
duplicates and reordering. Everything is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from spineball import protocol as p
from spineball.protocol.frames import make_flags, pressures_to_raw, quaternions_to_raw


def make_raw(
    n: int, first_index: int = 0, seed: int = 0, rate: p.Rate = p.Rate.HZ_100
) -> np.ndarray:
    """n raw samples with plausible values (random-walk pressure, slow roll)."""
    rng = np.random.default_rng(seed)
    raw = np.zeros(n, dtype=p.RAW_SAMPLE_DTYPE)
    raw["index"] = (first_index + np.arange(n)) % (1 << 32)
    raw["flags"] = make_flags(rate)
    raw["temperature_raw"] = 2500 + np.cumsum(rng.integers(-1, 2, n)) // 8
    raw["pressure_raw"] = pressures_to_raw(114_300 + np.cumsum(rng.normal(0, 5, n)))
    angle = np.cumsum(rng.normal(0, 0.01, n))
    quats = np.stack([np.cos(angle / 2), np.sin(angle / 2), 0.05 * np.ones(n), 0 * angle], axis=1)
    raw["q_omit"], raw["q_kept"] = quaternions_to_raw(quats)
    return raw


def frames_of(raw: np.ndarray, per_frame: int, *, backfill: bool = False) -> list[bytes]:
    """Frames as the ball sends them; per-frame temperature is each frame's first sample's."""
    chunks = [raw[i : i + per_frame] for i in range(0, len(raw), per_frame)]
    frames = []
    for k, chunk in enumerate(chunks):
        rate = p.Rate((int(chunk["flags"][0]) >> 4) & 3)
        flags = make_flags(rate, backfill=backfill, backfill_end=backfill and k == len(chunks) - 1)
        frames.append(
            p.encode_raw_frame(
                int(chunk["index"][0]),
                flags,
                int(chunk["temperature_raw"][0]),
                chunk["pressure_raw"],
                chunk["q_omit"],
                chunk["q_kept"],
            )
        )
    return frames


def as_sent(raw: np.ndarray, per_frame: int) -> np.ndarray:
    """What the receiver decodes: temperature is per frame on the wire."""
    out = raw.copy()
    starts = np.arange(0, len(raw), per_frame)
    out["temperature_raw"] = np.repeat(raw["temperature_raw"][starts], per_frame)[: len(raw)]
    return out


@dataclass
class Ball:
    """Samples 0 … n−1 with true host sample times; a ring buffer for backfill."""

    n: int
    rate: p.Rate = p.Rate.HZ_100
    drift_ppm: float = 0.0
    per_frame: int = 5
    ring: int = 8192
    seed: int = 0
    raw: np.ndarray = field(init=False)
    sample_time: np.ndarray = field(init=False)  # true host time of each sample

    def __post_init__(self) -> None:
        self.raw = make_raw(self.n, 0, self.seed, self.rate)
        # Temperature travels once per frame and backfill frames are cut differently
        # from live ones, so a sample's temperature would depend on its path: keep it fixed.
        self.raw["temperature_raw"] = 2512
        period = (1.0 + self.drift_ppm * 1e-6) / self.rate.hz
        self.sample_time = 100.0 + np.arange(self.n) * period

    def live_frames(self) -> list[tuple[bytes, float]]:
        """(frame, time it is ready to send = its last sample's time)."""
        frames = frames_of(self.raw, self.per_frame)
        ends = np.minimum(np.arange(len(frames)) * self.per_frame + self.per_frame, self.n) - 1
        return list(zip(frames, self.sample_time[ends].tolist(), strict=True))

    def backfill(
        self, from_index: int, newest: int, max_count: int = 0, seq: int = 1
    ) -> tuple[p.Response, list[bytes]]:
        """Answer BACKFILL(from_index, max_count) when ``newest`` is the newest sample taken."""
        oldest = max(0, newest + 1 - self.ring)
        first = max(from_index, oldest)
        end = newest + 1 if max_count == 0 else min(newest + 1, from_index + max_count)
        count = max(0, end - first)
        result = p.Result.PARTIAL if from_index < oldest else p.Result.OK
        response = p.Response(p.Opcode.BACKFILL, seq, result, p.BackfillPayload(first, count))
        if count == 0:
            return response, []
        # The ring buffer re-packs samples into full frames: boundaries differ from live ones.
        return response, frames_of(self.raw[first : first + count], 26, backfill=True)


def arrivals(
    ready: np.ndarray, rng: np.random.Generator, *, interval_s: float = 0.030
) -> np.ndarray:
    """Host arrival times of frames ready at ``ready``: sent at the next connection
    event (every ``interval_s`` on the host clock), then stack latency (exponential,
    mean 3 ms); 2 % of frames are stuck for 100–500 ms (retransmissions, a busy
    host) and hold back the frames behind them (notifications stay in order)."""
    phase = rng.uniform(0, interval_s)
    event = phase + np.ceil((ready - phase) / interval_s) * interval_s
    arrival = event + rng.exponential(0.003, len(ready))
    stuck = rng.random(len(ready)) < 0.02
    arrival[stuck] += rng.uniform(0.1, 0.5, int(stuck.sum()))
    return np.maximum.accumulate(arrival)
