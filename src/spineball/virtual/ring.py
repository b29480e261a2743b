"""The ball's ring buffer of quantised samples (docs/protocol.md §6).

Indices are consecutive Python ints counting from 0 at START (the wire
carries them modulo 2³²). A sample lives at slot ``index % capacity``, so
appending and slicing are single numpy fancy-index operations.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

RING_CAPACITY: Final = 8192  # the reference firmware's buffer (protocol §6)

#: One quantised sample as the ball keeps it: wire integers plus its sample time.
RING_DTYPE: Final = np.dtype(
    [
        ("index", "<i8"),
        ("t_s", "<f8"),  # simulated time the sample was taken
        ("rate", "u1"),  # Rate code in force for this sample
        ("pressure_raw", "<u4"),
        ("q_omit", "u1"),
        ("q_kept", "<i2", (3,)),
        ("temperature_raw", "<i2"),
    ]
)

RingSamples = npt.NDArray[np.void]


class SampleRing:
    def __init__(self, capacity: int = RING_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("ring capacity must be at least 1")
        self.capacity = capacity
        self._slots = np.zeros(capacity, dtype=RING_DTYPE)
        self._next = 0
        self._count = 0

    def clear(self) -> None:
        self._next = 0
        self._count = 0

    @property
    def next_index(self) -> int:
        return self._next

    @property
    def oldest_index(self) -> int:
        return self._next - self._count

    def __len__(self) -> int:
        return self._count

    def append(self, block: RingSamples) -> None:
        """Add samples whose indices continue from :attr:`next_index`."""
        if len(block) == 0:
            return
        if int(block["index"][0]) != self._next:
            raise ValueError(f"ring expects index {self._next}, got {int(block['index'][0])}")
        kept = block[-self.capacity :]
        self._slots[kept["index"] % self.capacity] = kept
        self._next += len(block)
        self._count = min(self.capacity, self._count + len(block))

    def slice(self, first: int, end: int) -> RingSamples:
        """A copy of samples ``first … end-1``; the range must be held."""
        if first < self.oldest_index or end > self._next or first > end:
            raise IndexError(
                f"samples {first} … {end - 1} not in ring ({self.oldest_index} … {self._next - 1})"
            )
        return self._slots[np.arange(first, end) % self.capacity]

    def latest(self, n: int) -> RingSamples:
        n = min(n, self._count)
        return self.slice(self._next - n, self._next)
