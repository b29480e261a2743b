"""Decimated points for the live plot: one per tenth of a second of session time.

The dashboard plots gauge pressure (and load) against the session clock; it
needs no more than 10–20 points a second, whatever the sample rate. Samples
are averaged per 0.1 s bucket of ``t_s`` (numpy, no per-sample loop), so a
burst of backfilled samples becomes the points it covers, in time order.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from spineball.analysis.load import atmosphere_from
from spineball.samples import Samples
from spineball.session.api import TracePoints
from spineball.sessionfile import Ball

BUCKET_S: Final = 0.1


class TraceBuffer:
    def __init__(self, ball: Ball) -> None:
        self._ball = ball
        self.atmosphere_pa: float | None = None
        self._t: list[float] = []
        self._gauge: list[float] = []
        self._pressure: list[float] = []  # absolute, for the dashboard's calibration wizard
        self._partial: tuple[int, float, float, int] | None = None  # bucket, Σt, Σp, n
        self.latest_gauge_kpa: float | None = None

    def add(self, samples: Samples) -> None:
        pressure = np.asarray(samples["pressure_pa"], dtype=np.float64)
        good = np.isfinite(pressure)
        if not good.any():
            return
        t = np.asarray(samples["t_s"], dtype=np.float64)[good]
        p = pressure[good]
        if self.atmosphere_pa is None:
            # The ball is unloaded at the start: its reading less the recorded inflation.
            self.atmosphere_pa = atmosphere_from(float(p[0]), self._ball)
        buckets = np.floor(t / BUCKET_S).astype(np.int64)
        edges = np.flatnonzero(np.diff(buckets)) + 1
        starts = np.concatenate(([0], edges))
        sum_t = np.add.reduceat(t, starts)
        sum_p = np.add.reduceat(p, starts)
        counts = np.diff(np.concatenate((starts, [len(t)])))
        keys = buckets[starts]
        if self._partial is not None and self._partial[0] == keys[0]:
            _, st, sp, n = self._partial
            sum_t[0] += st
            sum_p[0] += sp
            counts[0] += n
        elif self._partial is not None:
            self._close(self._partial[1], self._partial[2], self._partial[3])
        for i in range(len(keys) - 1):  # one iteration per 0.1 s bucket, not per sample
            self._close(float(sum_t[i]), float(sum_p[i]), int(counts[i]))
        self._partial = (int(keys[-1]), float(sum_t[-1]), float(sum_p[-1]), int(counts[-1]))
        self.latest_gauge_kpa = (float(p[-1]) - self.atmosphere_pa) / 1000.0

    def _close(self, sum_t: float, sum_p: float, count: int) -> None:
        assert self.atmosphere_pa is not None
        self._t.append(round(sum_t / count, 3))
        self._gauge.append(round((sum_p / count - self.atmosphere_pa) / 1000.0, 4))
        self._pressure.append(round(sum_p / count, 2))

    def take(self, load_n: float | None) -> TracePoints:
        """The points completed since the last call; the newest carries the current load."""
        t, gauge, pressure = tuple(self._t), tuple(self._gauge), tuple(self._pressure)
        self._t.clear()
        self._gauge.clear()
        self._pressure.clear()
        load: tuple[float | None, ...] = tuple(None for _ in t)
        if t:
            load = (*load[:-1], None if load_n is None else round(load_n, 1))
        return TracePoints(t_s=t, gauge_kpa=gauge, load_n=load, pressure_pa=pressure)
