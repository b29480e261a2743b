"""Vectorised signal building blocks for the simulator: keyframe tracks, filters, noise, runs.

Everything here works on whole arrays; the only Python loops run over blocks
or keyframes (tens to hundreds), never over samples.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


def smoothstep(u: FloatArray) -> FloatArray:
    """0 → 1 with zero slope at both ends (a natural start and stop of a movement)."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


class KeyTrack:
    """A value that moves between keyframes with smoothstep transitions.

    ``set(t, v)`` adds a keyframe; between consecutive keyframes the value eases
    from one to the next; before the first and after the last it is constant.
    ``hold(t)`` repeats the last value at time ``t`` (a move then starts there).
    """

    def __init__(self, t0: float, value: float) -> None:
        self.times: list[float] = [t0]
        self.values: list[float] = [value]

    @property
    def last(self) -> float:
        return self.values[-1]

    def hold(self, t: float) -> None:
        if t > self.times[-1]:
            self.times.append(t)
            self.values.append(self.values[-1])

    def set(self, t: float, value: float) -> None:
        if t < self.times[-1]:
            raise ValueError(f"keyframe at {t:.3f} s is before the previous one")
        if t == self.times[-1]:
            self.values[-1] = value
        else:
            self.times.append(t)
            self.values.append(value)

    def move(self, t_start: float, t_end: float, value: float) -> None:
        """Hold until ``t_start``, then ease to ``value`` by ``t_end``."""
        self.hold(t_start)
        self.set(t_end, value)

    def render(self, t: FloatArray) -> FloatArray:
        times = np.asarray(self.times)
        values = np.asarray(self.values)
        k = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 1)
        k_next = np.minimum(k + 1, len(times) - 1)
        span = times[k_next] - times[k]
        u = np.where(span > 0, (t - times[k]) / np.where(span > 0, span, 1.0), 0.0)
        result: FloatArray = values[k] + (values[k_next] - values[k]) * smoothstep(u)
        return result


def lowpass(x: FloatArray, dt: float, tau: float, y0: float | None = None) -> FloatArray:
    """First-order low-pass y' = (x − y)/τ, exact for a sampled input, vectorised in blocks.

    Within a block of L samples the recurrence y[k] = a·y[k−1] + (1−a)·x[k] has
    the closed form a^k·(y_start + Σ a^−i (1−a) x[i]); L is chosen so a^−L stays
    ≤ e⁵ (no loss of precision). A short loop carries the state across blocks.
    """
    n = len(x)
    if n == 0:
        return np.zeros(0)
    start = float(x[0]) if y0 is None else y0
    if tau <= 0:
        return np.asarray(x, dtype=np.float64).copy()
    a = math.exp(-dt / tau)
    block = max(1, min(n, int(5.0 * tau / dt)))
    n_blocks = -(-n // block)
    padded = np.zeros(n_blocks * block)
    padded[:n] = x
    j = np.arange(block)
    grow = a ** (-j.astype(np.float64))
    decay = a ** (j.astype(np.float64) + 1.0)
    local = (a**j) * np.cumsum((1.0 - a) * padded.reshape(n_blocks, block) * grow, axis=1)
    carry = np.empty(n_blocks)
    state = start
    last = local[:, -1]
    a_block = a**block
    for m in range(n_blocks):  # one iteration per block, not per sample
        carry[m] = state
        state = float(last[m]) + a_block * state
    return (local + decay[None, :] * carry[:, None]).reshape(-1)[:n]


def smooth_noise(rng: np.random.Generator, n: int, dt: float, tau: float) -> FloatArray:
    """Low-pass filtered white noise scaled to unit RMS (slow wander)."""
    if n == 0:
        return np.zeros(0)
    raw = lowpass(rng.standard_normal(n), dt, tau, 0.0)
    raw -= raw.mean()
    rms = float(np.sqrt(np.mean(raw * raw)))
    return raw / rms if rms > 0 else raw


def band_noise(rng: np.random.Generator, n: int, dt: float, f_lo: float, f_hi: float) -> FloatArray:
    """Noise with a flat spectrum between ``f_lo`` and ``f_hi`` Hz, unit RMS."""
    if n < 4:
        return np.zeros(n)
    freqs = np.fft.rfftfreq(n, dt)
    spectrum = rng.standard_normal(len(freqs)) + 1j * rng.standard_normal(len(freqs))
    spectrum[(freqs < f_lo) | (freqs > f_hi)] = 0.0
    out = np.fft.irfft(spectrum, n)
    rms = float(np.sqrt(np.mean(out * out)))
    return out / rms if rms > 0 else out


def band_rate_rms(angle_deg: FloatArray, dt: float, f_lo: float, f_hi: float) -> float:
    """RMS of the angular rate (°/s) of ``angle_deg`` within a frequency band (FFT band-pass)."""
    n = len(angle_deg)
    if n < 4:
        return 0.0
    freqs = np.fft.rfftfreq(n, dt)
    spectrum = np.fft.rfft(angle_deg - angle_deg.mean())
    spectrum *= 2j * np.pi * freqs
    spectrum[(freqs < f_lo) | (freqs > f_hi)] = 0.0
    rate = np.fft.irfft(spectrum, n)
    return float(np.sqrt(np.mean(rate * rate)))


def runs(mask: BoolArray) -> tuple[IntArray, IntArray]:
    """(first, last) sample indices (inclusive) of each run of True in ``mask``."""
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return edges[0::2], edges[1::2] - 1
