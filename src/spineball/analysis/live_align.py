"""Live alignment of device-frame quaternions to the body frame.

Samples are held back until the ball has rolled enough (≥ 20° about a
horizontal axis) to show the rolling axis; then the heading is fixed, the
held samples are released in the body frame and later ones follow. Meanwhile
:meth:`DeviceAligner.provisional` gives them with heading 0, good for
everything but the direction of roll (load, time, pressure alarms). The sign
comes from the largest roll excursion so far (the exercise works down from
the upper back); two landmarks of different levels can overturn it later,
which mirrors roll and sway of everything analysed so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np

from spineball.analysis.orientation import (
    Heading,
    conjugate,
    estimate_heading,
    multiply,
    normalize,
    to_body,
)
from spineball.anatomy import level_index
from spineball.samples import SESSION_COLUMNS, SESSION_DTYPE, Samples, quaternions
from spineball.sessionfile import Event

if TYPE_CHECKING:
    from spineball.analysis.frames import FrameBuilder
    from spineball.analysis.live import _Buffer

MAX_HOLD_S: Final = 60.0  # fix the best heading so far after this long, rolling or not
CHECK_EVERY_S: Final = 1.0


def _landmarks(events: Sequence[Event]) -> list[tuple[float, str]]:
    return [(e.t_s, e.level) for e in events if e.kind == "landmark" and e.level]


class DeviceAligner:
    def __init__(self) -> None:
        self.heading: Heading | None = None
        self._held: list[Samples] = []
        self._first_q: np.ndarray | None = None
        self._last_check = -np.inf

    @property
    def locked(self) -> bool:
        return self.heading is not None

    def _convert(self, samples: Samples) -> Samples:
        assert self.heading is not None
        assert self._first_q is not None
        out = np.zeros(len(samples), dtype=SESSION_DTYPE)
        for name in SESSION_COLUMNS:
            out[name] = samples[name]
        q = multiply(quaternions(samples), conjugate(self._first_q))
        body = to_body(q, self.heading.angle_rad)
        for i, name in enumerate(("qw", "qx", "qy", "qz")):
            out[name] = body[:, i]
        return out

    def provisional(self, samples: Samples) -> Samples:
        """Samples relative to the start with heading 0: right except for roll vs sway."""
        if self._first_q is None:
            self._first_q = np.array([1.0, 0.0, 0.0, 0.0])
        out = np.zeros(len(samples), dtype=SESSION_DTYPE)
        for name in SESSION_COLUMNS:
            out[name] = samples[name]
        q = multiply(quaternions(samples), conjugate(self._first_q))
        for i, name in enumerate(("qw", "qx", "qy", "qz")):
            out[name] = q[:, i]
        return out

    def push(self, samples: Samples, events: Sequence[Event]) -> Samples:
        if self._first_q is None:
            q = quaternions(samples)
            ok = np.all(np.isfinite(q), axis=1)
            if ok.any():
                self._first_q = normalize(q[int(np.argmax(ok))])
        if self.locked:
            return self._convert(samples)
        self._held.append(samples)
        t_now = float(samples["t_s"][-1])
        if t_now - self._last_check < CHECK_EVERY_S:
            return samples[:0]
        self._last_check = t_now
        held = np.concatenate(self._held)
        heading = estimate_heading(quaternions(held), held["t_s"], _landmarks(events))
        if heading.confident or t_now - float(held["t_s"][0]) >= MAX_HOLD_S:
            return self._release(heading, held)
        return samples[:0]

    def flush(self, events: Sequence[Event]) -> Samples:
        if self.locked or not self._held:
            return np.zeros(0, dtype=SESSION_DTYPE)
        held = np.concatenate(self._held)
        return self._release(
            estimate_heading(quaternions(held), held["t_s"], _landmarks(events)), held
        )

    def _release(self, heading: Heading, held: Samples) -> Samples:
        if self._first_q is None:
            self._first_q = np.array([1.0, 0.0, 0.0, 0.0])
        self.heading = heading
        self._held = []
        return self._convert(held)

    def check_sign(self, events: Sequence[Event], buf: _Buffer, builder: FrameBuilder) -> None:
        """With two landmarks of different levels, make the caudal one the larger roll."""
        marks = sorted(_landmarks(events), key=lambda m: level_index(m[1]))
        if self.heading is None or buf.n < 2 or len({m[1] for m in marks}) < 2:
            return
        if self.heading.sign_from == "landmarks":
            return
        t = buf.frames["t_s"][: buf.n]
        roll = buf.frames["roll_deg"][: buf.n]
        good = np.isfinite(roll)
        if marks[-1][0] > t[-1] or marks[0][0] > t[-1] or not good.any():
            return
        r_first = float(np.interp(marks[0][0], t[good], roll[good]))
        r_last = float(np.interp(marks[-1][0], t[good], roll[good]))
        flip = r_last < r_first
        self.heading = Heading(
            self.heading.angle_rad + (np.pi if flip else 0.0),
            self.heading.rolling_deg,
            "landmarks",
        )
        if flip:
            buf.frames["roll_deg"][: buf.n] *= -1.0
            buf.frames["sway_deg"][: buf.n] *= -1.0
            builder.mirror()
