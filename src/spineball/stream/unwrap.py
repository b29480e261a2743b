"""Device sample indices: u32 on the wire, int64 in the client (docs/protocol.md §3).

The ball counts samples from 0 at ``START`` and wraps at 2³² (248 days at
200 Hz). The client numbers every sample of a session with an int64 that
never wraps: ``base + device index`` counted past every wrap, where ``base``
places a run (one ``run_id`` of the ball) on the session's index line.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

U32: Final = 1 << 32
_HALF: Final = 1 << 31

IntArray = npt.NDArray[np.int64]


class IndexUnwrapper:
    """Unwraps one run's u32 indices to int64.

    Each index is taken as the unwrapped value nearest the newest index seen,
    so reordering, duplicates and backfill are handled as long as they stay
    within 2³¹ samples (124 days at 200 Hz) of the newest one.
    """

    def __init__(self, base: int = 0, newest_device_index: int | None = None) -> None:
        self.base = base
        self._newest: int | None = newest_device_index  # unwrapped, without base

    def unwrap(self, device_indices: npt.ArrayLike) -> IntArray:
        d = np.asarray(device_indices, dtype=np.int64).reshape(-1)
        if len(d) == 0:
            return d
        if self._newest is None:
            self._newest = int(d[0])
        ref = self._newest
        delta = (d - ref + _HALF) % U32 - _HALF
        out = ref + delta
        self._newest = max(ref, int(out.max()))
        return out + self.base

    def unwrap_one(self, device_index: int) -> int:
        return int(self.unwrap([device_index])[0])

    def wrap(self, index: int) -> int:
        """Session index → the u32 device index the ball knows it by."""
        return (index - self.base) % U32
