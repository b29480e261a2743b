"""Session time for device sample indices.

Two clocks are involved:

- *nominal device time* ``x``: seconds since the run started counted at the
  nominal rate (25/50/100/200 Hz, piecewise when the rate changes). It is what
  the drift estimator compares with host arrival times.
- *session time* ``t_s`` (the ``t_s`` column of samples and session files):
  host seconds since the session's first sample. Per sample it advances by the
  nominal period corrected for the estimated drift, so it is monotonic and
  never follows notification delays.

``t_s`` is assigned block by block in index order with a :class:`BlockClock`
(``t0_s + (index − first_index) · period_s``). A new clock starts, continuous
with the previous one, only when the rate or the drift estimate changes, so a
recorder stores a handful of clocks per session and reproduces every ``t_s``
bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spineball.samples import BlockClock

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _RateSegment:
    first_index: int
    x0: float
    rate_hz: float


class NominalClock:
    """Nominal device seconds of one run, across rate changes."""

    def __init__(self, first_index: int, rate_hz: float) -> None:
        self._segments = [_RateSegment(first_index, 0.0, rate_hz)]

    @property
    def rate_hz(self) -> float:
        return self._segments[-1].rate_hz

    def set_rate(self, first_index: int, rate_hz: float) -> None:
        """The ball sends ``rate_hz`` from ``first_index`` on (only forward changes count)."""
        last = self._segments[-1]
        if rate_hz == last.rate_hz or first_index <= last.first_index:
            return
        x0 = last.x0 + (first_index - last.first_index) / last.rate_hz
        self._segments.append(_RateSegment(first_index, x0, rate_hz))

    def x(self, indices: IntArray) -> FloatArray:
        firsts = np.array([s.first_index for s in self._segments], dtype=np.int64)
        which = np.clip(np.searchsorted(firsts, indices, side="right") - 1, 0, None)
        x0 = np.array([s.x0 for s in self._segments])[which]
        rates = np.array([s.rate_hz for s in self._segments])[which]
        x: FloatArray = x0 + (indices - firsts[which]).astype(np.float64) / rates
        return x


class SessionTimebase:
    """Hands out the clock for each block, in index order."""

    def __init__(self) -> None:
        self._clock: BlockClock | None = None
        self._slope = 1.0  # host seconds per nominal device second (1 + drift)

    @property
    def drift_ppm(self) -> float:
        return (self._slope - 1.0) * 1e6

    def set_slope(self, slope: float) -> None:
        """Use this drift for blocks from now on (earlier times never change)."""
        self._slope = slope

    def clock_for(self, first_index: int, rate_hz: float) -> BlockClock:
        period = self._slope / rate_hz
        clock = self._clock
        if clock is None:
            clock = BlockClock(first_index, 0.0, period)
        elif period != clock.period_s:
            clock = BlockClock(first_index, clock.time(first_index), period)
        self._clock = clock
        return clock

    def time(self, index: int) -> float | None:
        """Session time of ``index`` on the current clock (None before the first block)."""
        return None if self._clock is None else self._clock.time(index)
