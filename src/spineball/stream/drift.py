"""Clock drift of the ball against the host, from notification arrival times.

Each live frame gives a point (x = nominal device time of its last sample,
y = host arrival time). Transport delay is never negative, so every point
lies on or above the line ``y = offset + slope·x`` that says when samples
were really taken (plus the smallest latency of the link). Delays are
bursty — connection events, retransmissions, a busy host, backfill bursts —
so a least-squares fit would bend towards them. Instead the estimate is the
*lower envelope*: of all lines below every point, the one closest to them on
average. That linear program's optimum is the edge of the points' lower
convex hull above the mean x (Moon, Skelly & Towsley, "Estimation and
removal of clock skew from network delay measurements", INFOCOM 1999).
Late points lie above the hull and cannot move it, however late they are.

Only hull vertices are kept between fits (the hull of all points equals the
hull of the previous hull plus the new points), so memory stays small over
hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Ball clocks (crystal or IMU oscillator) are within a few hundred ppm; an
#: estimate beyond this is a broken link, not a clock, and is not applied.
MAX_ABS_DRIFT_PPM: Final = 20_000.0


@dataclass(frozen=True, slots=True)
class Envelope:
    """``host_time = offset + slope * device_time`` (the earliest possible arrival)."""

    offset: float
    slope: float

    @property
    def drift_ppm(self) -> float:
        return (self.slope - 1.0) * 1e6

    def host_time(self, device_time: float) -> float:
        return self.offset + self.slope * device_time


class DriftEstimator:
    def __init__(self, *, min_span_s: float = 30.0) -> None:
        self.min_span_s = min_span_s
        # Hull vertices as (x, r) with r = y − x: subtracting the nominal slope
        # keeps the cross products well conditioned (an affine shear keeps the hull).
        self._hull_x: FloatArray = np.empty(0)
        self._hull_r: FloatArray = np.empty(0)
        self._new_x: list[FloatArray] = []
        self._new_r: list[FloatArray] = []
        self._sum_x = 0.0
        self._n = 0
        self._min_x = np.inf
        self._max_x = -np.inf

    @property
    def points(self) -> int:
        return self._n

    def add(self, device_time: npt.ArrayLike, host_time: npt.ArrayLike) -> None:
        x = np.asarray(device_time, dtype=np.float64).reshape(-1)
        y = np.asarray(host_time, dtype=np.float64).reshape(-1)
        if len(x) == 0:
            return
        self._new_x.append(x)
        self._new_r.append(y - x)
        self._sum_x += float(x.sum())
        self._n += len(x)
        self._min_x = min(self._min_x, float(x.min()))
        self._max_x = max(self._max_x, float(x.max()))

    def fit(self) -> Envelope | None:
        """The lower envelope, or None until the points span ``min_span_s``."""
        self._update_hull()
        if self._max_x - self._min_x < self.min_span_s or len(self._hull_x) < 2:
            return None
        mean_x = self._sum_x / self._n
        hx, hr = self._hull_x, self._hull_r
        edge = int(np.clip(np.searchsorted(hx, mean_x) - 1, 0, len(hx) - 2))
        dr = (hr[edge + 1] - hr[edge]) / (hx[edge + 1] - hx[edge])
        if abs(dr) * 1e6 > MAX_ABS_DRIFT_PPM:
            return None
        slope = 1.0 + dr
        offset = hr[edge] + hx[edge] - slope * hx[edge]
        return Envelope(float(offset), float(slope))

    def _update_hull(self) -> None:
        if not self._new_x:
            return
        x = np.concatenate([self._hull_x, *self._new_x])
        r = np.concatenate([self._hull_r, *self._new_r])
        self._new_x.clear()
        self._new_r.clear()
        order = np.lexsort((r, x))
        x, r = x[order], r[order]
        first_of_x = np.ones(len(x), dtype=bool)
        first_of_x[1:] = x[1:] != x[:-1]  # same x: only the lowest point can be on the hull
        x, r = x[first_of_x], r[first_of_x]
        hull: list[int] = []
        # Andrew's monotone chain (lower half). The loop runs over the previous hull plus the
        # points since the last fit (tens to hundreds), once per refit, not per sample.
        xs, rs = x.tolist(), r.tolist()
        for i in range(len(xs)):
            while len(hull) >= 2:
                o, a = hull[-2], hull[-1]
                cross = (xs[a] - xs[o]) * (rs[i] - rs[o]) - (rs[a] - rs[o]) * (xs[i] - xs[o])
                if cross > 0:
                    break
                hull.pop()
            hull.append(i)
        self._hull_x, self._hull_r = x[hull], r[hull]
