"""Samples → 20 Hz analysis frames, block by block, with identical results however split.

Everything after this step works on frames: time bins of :data:`FRAME_S`
holding the mean pressure, temperature and orientation angles of their
samples. Frame boundaries are fixed on the session clock (``floor(t / FRAME_S)``),
and a bin that may still receive samples is held back (its raw samples are
carried into the next block), so feeding a session in one block or in many
gives bit-identical frames. Roll and yaw are unwrapped per sample with an
integer turn count, so a ball rolled through several turns keeps a continuous
angle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.analysis.orientation import euler_zyx
from spineball.samples import Samples, quaternions

FloatArray = npt.NDArray[np.float64]

#: Frame length: 20 Hz keeps side bends (> 1 s) and sway up to 3 Hz (domain notes).
FRAME_S: Final = 0.05
GAP_FACTOR: Final = 1.5  # an interval this many sample periods long has missing samples

FRAME_DTYPE: Final = np.dtype(
    [
        ("t_s", "<f8"),  # mean sample time
        ("pressure_pa", "<f8"),  # mean absolute pressure (NaN: no valid reading)
        ("pressure_max_pa", "<f8"),
        ("temperature_c", "<f8"),
        ("roll_deg", "<f8"),  # unwrapped, body frame
        ("sway_deg", "<f8"),
        ("yaw_deg", "<f8"),  # unwrapped
        ("n", "<i4"),  # samples in the frame
    ]
)

Frames = npt.NDArray[np.void]
_TURN = 2.0 * np.pi


def _unwrap(angle: FloatArray, last_raw: float, turns: int) -> tuple[FloatArray, float, int]:
    """Continuous angle from wrapped angles, continuing after ``last_raw``/``turns``."""
    good = np.isfinite(angle)
    out = np.full(len(angle), np.nan)
    if not good.any():
        return out, last_raw, turns
    raw = angle[good]
    prev = np.concatenate(([last_raw if np.isfinite(last_raw) else raw[0]], raw[:-1]))
    jumps = -np.rint((raw - prev) / _TURN).astype(np.int64)
    total = turns + np.cumsum(jumps)
    out[good] = raw + _TURN * total
    return out, float(raw[-1]), int(total[-1])


@dataclass(slots=True)
class StreamStats:
    """Counts over the samples seen: how many, the time they span, and missing time."""

    rate_hz: float
    samples: int = 0
    first_t: float = math.nan
    last_t: float = math.nan
    gaps_s: float = 0.0

    @property
    def duration_s(self) -> float:
        if self.samples == 0:
            return 0.0
        return self.last_t - self.first_t + 1.0 / self.rate_hz

    def update(self, t: FloatArray) -> None:
        if len(t) == 0:
            return
        if self.samples == 0:
            self.first_t = float(t[0])
            steps = np.diff(t)
        else:
            steps = np.diff(np.concatenate(([self.last_t], t)))
        period = 1.0 / self.rate_hz
        late = steps[steps > GAP_FACTOR * period]
        self.gaps_s += float(np.sum(late - period))
        self.samples += len(t)
        self.last_t = float(t[-1])


class FrameBuilder:
    """Turns consecutive sample blocks (SESSION_DTYPE or SAMPLE_DTYPE) into frames.

    Samples not later than the last one seen (a repeated or late block) are
    dropped and counted in :attr:`dropped`.
    """

    def __init__(self, rate_hz: float) -> None:
        self.stats = StreamStats(rate_hz)
        self.dropped = 0
        self._pending: Samples | None = None  # raw samples of the unfinished bin
        self._roll_raw = np.nan
        self._roll_turns = 0
        self._yaw_raw = np.nan
        self._yaw_turns = 0
        self._last_t = -np.inf

    def mirror(self) -> None:
        """Turn the body frame by 180° about the vertical (x and y reversed): roll and sway
        change sign for the samples still held back and for the unwrapping state."""
        if self._pending is not None:
            for name in ("roll", "sway", "qx", "qy"):
                self._pending[name] *= -1.0
        self._roll_raw = -self._roll_raw
        self._roll_turns = -self._roll_turns

    def push(self, samples: Samples) -> Frames:
        """Frames completed by this block (the last, possibly unfinished bin is held back)."""
        return self._process(samples, final=False)

    def flush(self) -> Frames:
        """The held-back bin, at the end of the stream."""
        return self._process(None, final=True)

    def _process(self, samples: Samples | None, final: bool) -> Frames:
        block = self._join(samples)
        if block is None or len(block) == 0:
            return np.zeros(0, dtype=FRAME_DTYPE)
        bins = np.floor(block["t_s"] / FRAME_S).astype(np.int64)
        starts = np.concatenate(([0], np.flatnonzero(np.diff(bins)) + 1))
        if final:
            done, self._pending = len(block), None
        else:
            done = int(starts[-1])
            starts = starts[:-1]
            self._pending = block[done:].copy()
        if done == 0:
            return np.zeros(0, dtype=FRAME_DTYPE)
        return self._frames(block[:done], starts)

    def _join(self, samples: Samples | None) -> Samples | None:
        if samples is not None and len(samples):
            t = samples["t_s"]
            before = np.maximum.accumulate(np.concatenate(([self._last_t], t)))[:-1]
            fresh = np.isfinite(t) & (t > before)
            if not fresh.all():
                self.dropped += int(np.count_nonzero(~fresh))
                samples, t = samples[fresh], t[fresh]
                if len(samples) == 0:
                    return self._pending
            self._last_t = float(t[-1])
            self.stats.update(t)
            fields = [(name, samples[name]) for name in ("t_s", "pressure_pa", "temperature_c")]
            fields += [(name, samples[name]) for name in ("qw", "qx", "qy", "qz")]
            own = np.empty(len(samples), dtype=_RAW_DTYPE)
            for name, values in fields:
                own[name] = values
            self._derive_angles(own)
            if self._pending is not None and len(self._pending):
                return np.concatenate((self._pending, own))
            return own
        return self._pending

    def _derive_angles(self, raw: Samples) -> None:
        roll, sway, yaw = euler_zyx(quaternions(raw))
        raw["roll"], self._roll_raw, self._roll_turns = _unwrap(
            roll, self._roll_raw, self._roll_turns
        )
        raw["sway"] = sway
        raw["yaw"], self._yaw_raw, self._yaw_turns = _unwrap(yaw, self._yaw_raw, self._yaw_turns)

    @staticmethod
    def _frames(block: Samples, starts: npt.NDArray[np.int64]) -> Frames:
        out = np.zeros(len(starts), dtype=FRAME_DTYPE)
        counts = np.diff(np.concatenate((starts, [len(block)])))
        out["n"] = counts
        out["t_s"] = np.add.reduceat(block["t_s"], starts) / counts
        out["pressure_pa"] = _nanmean(block["pressure_pa"], starts)
        p = np.where(np.isfinite(block["pressure_pa"]), block["pressure_pa"], -np.inf)
        out["pressure_max_pa"] = np.maximum.reduceat(p, starts)
        out["pressure_max_pa"][~np.isfinite(out["pressure_max_pa"])] = np.nan
        out["temperature_c"] = _nanmean(block["temperature_c"], starts)
        out["roll_deg"] = np.degrees(_nanmean(block["roll"], starts))
        out["sway_deg"] = np.degrees(_nanmean(block["sway"], starts))
        out["yaw_deg"] = np.degrees(_nanmean(block["yaw"], starts))
        return out


_RAW_DTYPE: Final = np.dtype(
    [
        (name, "<f8")
        for name in (
            "t_s",
            "pressure_pa",
            "temperature_c",
            "qw",
            "qx",
            "qy",
            "qz",
            "roll",
            "sway",
            "yaw",
        )
    ]
)


def _nanmean(values: FloatArray, starts: npt.NDArray[np.int64]) -> FloatArray:
    good = np.isfinite(values)
    sums = np.add.reduceat(np.where(good, values, 0.0), starts)
    counts = np.add.reduceat(good.astype(np.float64), starts)
    return np.asarray(np.divide(sums, counts, out=np.full(len(starts), np.nan), where=counts > 0))


def build_frames(samples: Samples, rate_hz: float) -> tuple[Frames, StreamStats]:
    """All frames of a whole session (the offline path of :class:`FrameBuilder`)."""
    builder = FrameBuilder(rate_hz)
    head = builder.push(samples)
    return np.concatenate((head, builder.flush())), builder.stats
