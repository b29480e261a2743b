"""Samples going out: live frames, backfill answers, and the radio's faults.

Live frames follow protocol §3.1: a frame is sent when it holds
``samples_per_frame(rate, mtu)`` samples or when its oldest sample is 50 ms
old. Backfill frames (§6) are cut from a snapshot of the ring buffer taken
when the command arrived, as large as the MTU allows, never mixing rates,
and interleave with live frames. The frame encoder is pluggable so the
firmware's C encoder can be checked against the Python one end to end.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.protocol import Rate, max_samples_for_mtu, samples_per_frame
from spineball.protocol.frames import MAX_BATCH_DELAY_S, make_flags
from spineball.virtual.clock import SimClock
from spineball.virtual.faults_state import LinkFaults
from spineball.virtual.ring import RingSamples
from spineball.virtual.sampler import Sampler

#: Same signature as :func:`spineball.protocol.encode_raw_frame`.
RawFrameEncoder = Callable[[int, int, int, npt.ArrayLike, npt.ArrayLike, npt.ArrayLike], bytes]
IDLE_GENERATION_PERIOD_S: Final = 0.050  # keep the ring current when nobody listens
U32_MASK: Final = 0xFFFFFFFF


class FrameSender:
    def __init__(
        self,
        sampler: Sampler,
        clock: SimClock,
        faults: LinkFaults,
        encode: RawFrameEncoder,
        send: Callable[[bytes], None],
        on_backfill_change: Callable[[], None],
    ) -> None:
        self._sampler = sampler
        self._clock = clock
        self._faults = faults
        self._encode = encode
        self._send = send
        self._on_backfill_change = on_backfill_change
        self.active = False  # a central is subscribed to Samples
        self.mtu = 23
        self._live_start = 0
        self._backfill: asyncio.Task[None] | None = None
        self._delayed: collections.deque[tuple[float, bytes]] = collections.deque()
        self._delay_task: asyncio.Task[None] | None = None
        self.frames_sent = 0

    # ----------------------------------------------------------------- lifecycle

    def subscribe(self, mtu: int) -> None:
        self.active = True
        self.mtu = mtu
        self._live_start = self._sampler.next_index

    def unsubscribe(self) -> None:
        self.active = False
        self.cancel_backfill()
        self._delayed.clear()

    def new_run(self) -> None:
        self.cancel_backfill()
        self._live_start = self._sampler.next_index

    # ---------------------------------------------------------------------- live

    def flush(self, now: float, *, force: bool = False) -> None:
        """Send every live frame that is due (full, or its oldest sample 50 ms old).

        ``force`` also sends a partial frame: before a rate change (frames never
        mix rates), a new run, or the response to STOP.
        """
        sampler = self._sampler
        if not self.active:
            self._live_start = sampler.next_index
            return
        self._live_start = max(self._live_start, sampler.ring.oldest_index)
        per_frame = samples_per_frame(sampler.rate, self.mtu)
        while sampler.next_index - self._live_start >= per_frame:
            self._send_live(self._live_start + per_frame)
        if sampler.next_index > self._live_start:
            oldest_t = float(sampler.ring.slice(self._live_start, self._live_start + 1)["t_s"][0])
            if force or now - oldest_t >= MAX_BATCH_DELAY_S - 1e-9:
                self._send_live(sampler.next_index)

    def _send_live(self, end: int) -> None:
        chunk = self._sampler.ring.slice(self._live_start, end)
        self._live_start = end
        self._emit(self._frame(chunk))

    def next_wake(self, now: float) -> float:
        """Simulated time at which the next live frame falls due."""
        sampler = self._sampler
        if not self.active:
            return now + IDLE_GENERATION_PERIOD_S
        per_frame = samples_per_frame(sampler.rate, self.mtu)
        full_at = sampler.time_of(self._live_start + per_frame - 1)
        if sampler.next_index > self._live_start:
            oldest_t = float(sampler.ring.slice(self._live_start, self._live_start + 1)["t_s"][0])
            return min(full_at, oldest_t + MAX_BATCH_DELAY_S)
        return full_at

    # ------------------------------------------------------------------ backfill

    def backfill_running(self) -> bool:
        return self._backfill is not None and not self._backfill.done()

    def begin_backfill(self, block: RingSamples) -> None:
        self._backfill = asyncio.get_running_loop().create_task(self._run_backfill(block))
        self._on_backfill_change()

    def cancel_backfill(self) -> None:
        if self.backfill_running():
            assert self._backfill is not None
            self._backfill.cancel()
        self._backfill = None

    async def _run_backfill(self, block: RingSamples) -> None:
        try:
            chunks = _split(block, max_samples_for_mtu(self.mtu))
            for number, chunk in enumerate(chunks):
                # Yield first so the response and live frames go out in between.
                await asyncio.sleep(0)
                last = number == len(chunks) - 1
                self._emit(self._frame(chunk, backfill=True, backfill_end=last))
        finally:
            self._backfill = None
            self._on_backfill_change()

    # --------------------------------------------------------------------- radio

    def _frame(
        self, chunk: RingSamples, *, backfill: bool = False, backfill_end: bool = False
    ) -> bytes:
        flags = make_flags(
            Rate(int(chunk["rate"][0])), backfill=backfill, backfill_end=backfill_end
        )
        return self._encode(
            int(chunk["index"][0]) & U32_MASK,
            flags,
            int(chunk["temperature_raw"][0]),
            chunk["pressure_raw"],
            chunk["q_omit"],
            chunk["q_kept"],
        )

    def _emit(self, frame: bytes) -> None:
        if self._faults.lose_this_one():
            return
        if self._faults.delay_s <= 0.0 and not self._delayed:
            self._transmit(frame)
            return
        self._delayed.append((self._clock.now() + self._faults.delay_s, frame))
        if self._delay_task is None or self._delay_task.done():
            self._delay_task = asyncio.get_running_loop().create_task(self._drain_delayed())

    async def _drain_delayed(self) -> None:
        while self._delayed:
            due, frame = self._delayed[0]
            await self._clock.sleep_until(due)
            if self._delayed and self._delayed[0][1] is frame:
                self._delayed.popleft()
                self._transmit(frame)

    def _transmit(self, frame: bytes) -> None:
        self.frames_sent += 1
        self._send(frame)

    async def aclose(self) -> None:
        self.unsubscribe()
        for task in (self._delay_task,):
            if task is not None and not task.done():
                task.cancel()


def _split(block: RingSamples, per_frame: int) -> list[RingSamples]:
    """Cut a run of samples into frames of ≤ per_frame that never mix rates."""
    rate_breaks = np.flatnonzero(np.diff(block["rate"].astype(np.int16))) + 1
    chunks: list[RingSamples] = []
    for segment in np.split(block, rate_breaks):
        chunks.extend(segment[i : i + per_frame] for i in range(0, len(segment), per_frame))
    return chunks
