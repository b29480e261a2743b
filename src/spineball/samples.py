"""Sample arrays shared by the stream, the store, analysis and export.

A *sample array* is a numpy structured array with :data:`SAMPLE_DTYPE`: the
device sample index (unwrapped, int64), the time on the session's device
timebase, and the physical values. The session-file columns of the
interchange contract are the same fields without ``index``.

A :class:`SampleBlock` may also carry the exact wire integers (``raw``, rows
of :data:`spineball.protocol.RAW_SAMPLE_DTYPE`) and the exact formula that gave
its times (``clock``), so a recorder can store it losslessly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

#: Columns of the session CSV, in contract order.
SESSION_COLUMNS: Final = ("t_s", "pressure_pa", "temperature_c", "qw", "qx", "qy", "qz")

SESSION_DTYPE: Final = np.dtype([(name, "<f8") for name in SESSION_COLUMNS])
SAMPLE_DTYPE: Final = np.dtype([("index", "<i8"), *[(name, "<f8") for name in SESSION_COLUMNS]])

Samples = npt.NDArray[np.void]

#: Why samples are missing (see :class:`Gap`).
GapCause = Literal["overwritten", "unanswered", "restart", "lost"]


def empty_samples(n: int = 0) -> Samples:
    return np.zeros(n, dtype=SAMPLE_DTYPE)


def quaternions(samples: Samples) -> npt.NDArray[np.float64]:
    """(n, 4) float array of (w, x, y, z) from a sample or session array."""
    return np.stack([samples["qw"], samples["qx"], samples["qy"], samples["qz"]], axis=1)


@dataclass(frozen=True, slots=True)
class BlockClock:
    """How sample times were computed: ``t_s = t0_s + (index - first_index) * period_s``.

    Evaluated in float64 exactly as written, so a reader that stores the three
    numbers reproduces every ``t_s`` bit for bit.
    """

    first_index: int
    t0_s: float
    period_s: float

    def times(self, indices: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        return self.t0_s + (indices - self.first_index).astype(np.float64) * self.period_s

    def time(self, index: int) -> float:
        return self.t0_s + float(index - self.first_index) * self.period_s


@dataclass(frozen=True, slots=True)
class SampleBlock:
    """A run of consecutive device samples handed from the stream to its consumers.

    ``samples["index"]`` is strictly increasing; a block never spans a gap.
    ``origin`` tells whether the samples arrived live or from the ball's ring
    buffer after a reconnect (both are the same measurements).
    ``raw``, when present, holds the same samples as sent on the wire (one
    RAW_SAMPLE_DTYPE row per sample, same order); ``clock``, when present, is
    the formula that produced ``samples["t_s"]``.
    """

    samples: Samples
    rate_hz: float
    origin: Literal["live", "backfill"] = "live"
    raw: npt.NDArray[np.void] | None = None
    clock: BlockClock | None = None

    @property
    def first_index(self) -> int:
        return int(self.samples["index"][0])

    @property
    def end_index(self) -> int:
        """One past the last index."""
        return int(self.samples["index"][-1]) + 1

    def __len__(self) -> int:
        return len(self.samples)


@dataclass(frozen=True, slots=True)
class Gap:
    """Device samples that will never arrive: indices [first_index, end_index).

    ``cause``: ``overwritten`` — the ball's ring buffer no longer held them
    when asked (BACKFILL answered PARTIAL); ``unanswered`` — the link gave up
    or the stream's hold timeout passed; ``restart`` — the ball restarted, so
    these samples never existed; ``lost`` — unknown (e.g. imported data).
    """

    first_index: int
    end_index: int
    start_s: float
    end_s: float
    cause: GapCause = "lost"

    @property
    def missing(self) -> int:
        return self.end_index - self.first_index

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s
