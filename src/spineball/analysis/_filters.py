"""Small vectorised signal helpers shared by the analysis modules (numpy only)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_CHUNK = 64  # keeps the running product of decay factors far from underflow


def ema(x: FloatArray, dt: FloatArray, tau_s: float, y0: float | None) -> tuple[FloatArray, float]:
    """First-order low-pass y' = (x − y)/τ with per-step dt; NaN inputs hold the output.

    Returns (y, last y). Vectorised in chunks: y_i = P_i (y_0 + Σ_j (1−a_j) x_j / P_j)
    with a_j = exp(−dt_j/τ) and P_i = Π a_j.
    """
    n = len(x)
    y = np.empty(n)
    if n == 0:
        return y, (np.nan if y0 is None else y0)
    good = np.isfinite(x)
    a = np.where(good, np.exp(-np.clip(dt, 0.0, None) / tau_s), 1.0)
    xs = np.where(good, x, 0.0)
    state = y0
    if state is None or not np.isfinite(state):
        first = np.flatnonzero(good)
        state = float(xs[first[0]]) if len(first) else np.nan
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        p = np.cumprod(a[lo:hi])
        y[lo:hi] = p * (state + np.cumsum((1.0 - a[lo:hi]) * xs[lo:hi] / p))
        state = float(y[hi - 1])
    return y, state


def centered_mean(x: FloatArray, window: int) -> FloatArray:
    """Mean over a centred window of ``window`` samples, ignoring NaN (edges use what exists)."""
    n = len(x)
    if n == 0:
        return np.empty(0)
    half = max(window // 2, 0)
    good = np.isfinite(x)
    cs = np.concatenate(([0.0], np.cumsum(np.where(good, x, 0.0))))
    cn = np.concatenate(([0], np.cumsum(good)))
    idx = np.arange(n)
    lo = np.clip(idx - half, 0, n)
    hi = np.clip(idx + half + 1, 0, n)
    count = cn[hi] - cn[lo]
    return np.asarray(np.divide(cs[hi] - cs[lo], count, out=np.full(n, np.nan), where=count > 0))


def trailing_stats(
    x: FloatArray, window: int, tail: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean and standard deviation over the last ``window`` values, carrying ``tail``.

    ``tail`` holds up to ``window − 1`` earlier values; returns (mean, std, new tail).
    Windows with NaN give NaN.
    """
    full = np.concatenate((tail, x))
    offset = len(tail)
    good = np.isfinite(full)
    # Centre on the first value so the squares keep their precision.
    ref = float(full[good][0]) if good.any() else 0.0
    z = np.where(good, full - ref, 0.0)
    cs = np.concatenate(([0.0], np.cumsum(z)))
    cs2 = np.concatenate(([0.0], np.cumsum(z * z)))
    bad = np.concatenate(([0], np.cumsum(~good)))
    end = np.arange(offset, len(full)) + 1
    start = np.maximum(end - window, 0)
    count = (end - start).astype(np.float64)
    mean = (cs[end] - cs[start]) / count
    var = np.maximum((cs2[end] - cs2[start]) / count - mean * mean, 0.0)
    invalid = (bad[end] - bad[start]) > 0
    mean[invalid] = np.nan
    var[invalid] = np.nan
    new_tail = full[-(window - 1) :] if window > 1 else full[:0]
    return mean + ref, np.sqrt(var), new_tail


def hysteresis(value: FloatArray, on: float, off: float, state: bool) -> tuple[BoolArray, bool]:
    """True once ``value`` exceeds ``on`` until it falls below ``off`` (NaN keeps the state)."""
    n = len(value)
    decided = np.full(n, -1, dtype=np.int8)
    decided[value > on] = 1
    decided[value < off] = 0
    idx = np.where(decided >= 0, np.arange(n), -1)
    last = np.maximum.accumulate(idx) if n else idx
    out = np.where(last >= 0, decided[np.maximum(last, 0)] == 1, state)
    return out.astype(bool), bool(out[-1]) if n else state


def runs(mask: BoolArray) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(starts, ends) of runs of True; ``ends`` are exclusive."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.diff(padded)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def fill_short_gaps(mask: BoolArray, max_len: int) -> BoolArray:
    """Set runs of False no longer than ``max_len`` that lie between True runs."""
    out = mask.copy()
    starts, ends = runs(~mask)
    for s, e in zip(starts, ends, strict=True):
        if s > 0 and e < len(mask) and e - s <= max_len:
            out[s:e] = True
    return out


def drop_short_runs(mask: BoolArray, min_len: int) -> BoolArray:
    out = mask.copy()
    starts, ends = runs(mask)
    for s, e in zip(starts, ends, strict=True):
        if e - s < min_len:
            out[s:e] = False
    return out
