"""A fixed-size numpy ring buffer for the live plot: append in blocks, read the newest span."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class Ring:
    """``columns`` float series of equal length; the oldest values are overwritten."""

    def __init__(self, capacity: int, columns: int) -> None:
        if capacity < 1 or columns < 1:
            raise ValueError("a ring needs room for at least one value in one column")
        self._data = np.full((columns, capacity), np.nan)
        self._capacity = capacity
        self._count = 0  # values ever appended

    def __len__(self) -> int:
        return min(self._count, self._capacity)

    def append(self, *columns: FloatArray) -> None:
        """Add equally long arrays, one per column (longer than the ring: the newest part)."""
        block = np.vstack([np.asarray(c, dtype=np.float64) for c in columns])
        if block.shape[0] != self._data.shape[0]:
            raise ValueError(f"expected {self._data.shape[0]} columns, got {block.shape[0]}")
        n = block.shape[1]
        if n > self._capacity:  # only the newest part fits
            skipped = n - self._capacity
            block, n = block[:, skipped:], self._capacity
            self._count += skipped
        start = self._count % self._capacity
        first = min(n, self._capacity - start)
        self._data[:, start : start + first] = block[:, :first]
        self._data[:, : n - first] = block[:, first:]
        self._count += n

    def latest(self, n: int | None = None) -> FloatArray:
        """The newest ``n`` values (all if None), oldest first, as a (columns, n) array copy."""
        size = len(self)
        n = size if n is None else min(n, size)
        end = self._count % self._capacity
        idx = np.arange(end - n, end) % self._capacity
        return self._data[:, idx]

    def since(self, column: int, value: float) -> FloatArray:
        """Rows whose ``column`` (increasing, e.g. time) is at least ``value``."""
        data = self.latest()
        start = int(np.searchsorted(data[column], value, side="left"))
        return data[:, start:]
