"""Small vectorised helpers shared by the analysis and the simulator."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def running_max(x: FloatArray, window: int) -> FloatArray:
    """Max of x[i : i + window] for every full window (van Herk / Gil-Werman, O(n))."""
    n = len(x)
    if window <= 0 or window > n:
        return np.empty(0)
    blocks = -(-n // window)
    padded = np.full(blocks * window, -np.inf)
    padded[:n] = x
    shaped = padded.reshape(blocks, window)
    prefix = np.maximum.accumulate(shaped, axis=1).reshape(-1)
    suffix = np.maximum.accumulate(shaped[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    starts = np.arange(n - window + 1)
    return np.asarray(np.maximum(suffix[starts], prefix[starts + window - 1]))
