"""The live stream: cheap synchronous inputs, an asyncio pump, many consumers.

The BLE notify callback calls :meth:`SampleStream.feed_notification`, which
only appends the payload and its arrival time to an inbox (no decoding, no
awaiting). The pump task (:meth:`SampleStream.run`) drains the inbox —
decoding whole batches at once — through the :class:`StreamAssembler` and
publishes the resulting blocks and gaps to every subscriber (see
:mod:`spineball.stream.hub` for the consumer policies). Queries
(:meth:`next_needed_index`, :meth:`health` …) drain the inbox first, so they
always reflect everything fed so far.

All methods are meant for the event-loop thread (bleak delivers callbacks
there); from another thread use ``loop.call_soon_threadsafe(stream.feed_notification, …)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

from spineball.protocol import Response, Status
from spineball.stream.assembler import Hole, StreamAssembler, StreamItem
from spineball.stream.health import LinkHealth
from spineball.stream.hub import Broadcast, Policy, Subscription


@dataclass(frozen=True, slots=True)
class _Frame:
    payload: bytes
    host_time: float


@dataclass(frozen=True, slots=True)
class _Call:
    """A non-frame input, replayed on the assembler in arrival order."""

    apply: Callable[[StreamAssembler], list[StreamItem]]


_TICK_S: Final = 0.25  # how often timeouts and the drift fit are looked at without input


class SampleStream:
    def __init__(
        self,
        *,
        start_index: int | None = None,
        hold_timeout_s: float = 10.0,
        max_held_samples: int = 30_000,
        refit_interval_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._assembler = StreamAssembler(
            start_index=start_index,
            hold_timeout_s=hold_timeout_s,
            max_held_samples=max_held_samples,
            refit_interval_s=refit_interval_s,
        )
        self._hub: Broadcast[StreamItem] = Broadcast()
        self._inbox: deque[_Frame | _Call] = deque()
        self._wakeup = asyncio.Event()
        self._clock = clock

    # ---------------------------------------------------------------- producer side

    def feed_notification(
        self, payload: bytes | bytearray | memoryview, host_time: float | None = None
    ) -> None:
        """A Samples notification (call from the notify callback; returns at once)."""
        self._inbox.append(_Frame(bytes(payload), self._now(host_time)))
        self._wakeup.set()

    def feed_status(self, status: Status, host_time: float | None = None) -> None:
        """A Status read/notification. Feed the one read after (re)connecting first."""
        t = self._now(host_time)
        self._push(lambda a: a.status(status, t))

    def feed_backfill_response(
        self, from_index: int, response: Response, host_time: float | None = None
    ) -> None:
        """The ball's answer to ``BACKFILL(from_index, …)`` (``PARTIAL`` → exact gap)."""
        t = self._now(host_time)
        self._push(lambda a: a.backfill_response(from_index, response, t))

    def give_up(self, host_time: float | None = None) -> None:
        """No more backfill will be asked for the pending holes: record them as gaps."""
        t = self._now(host_time)
        self._push(lambda a: a.give_up(t))

    def finish(self, end_device_index: int | None = None, host_time: float | None = None) -> None:
        """End of session; consumers' iterations end after the last item."""
        t = self._now(host_time)
        self._push(lambda a: a.finish(t, end_device_index))

    # ---------------------------------------------------------------- consumers

    def subscribe(
        self, name: str, *, policy: Policy = "lossless", maxsize: int = 256
    ) -> Subscription[StreamItem]:
        return self._hub.subscribe(name, policy=policy, maxsize=maxsize)

    async def run(self) -> None:
        """The pump: drain inputs, publish items; returns after :meth:`finish`."""
        try:
            while not self._assembler.finished:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), timeout=_TICK_S)
                self._wakeup.clear()
                self.process_pending()
                self._hub.publish(self._assembler.tick(self._clock()))
        finally:
            self.process_pending()
            self._hub.close()

    def process_pending(self) -> None:
        """Drain the inbox now (frames are decoded a batch at a time)."""
        batch: list[_Frame] = []
        while self._inbox:
            item = self._inbox.popleft()
            if isinstance(item, _Frame):
                batch.append(item)
                continue
            self._flush_frames(batch)
            batch = []
            self._hub.publish(item.apply(self._assembler))
        self._flush_frames(batch)

    # ---------------------------------------------------------------- queries

    def next_needed_index(self) -> int | None:
        """u32 device index for ``BACKFILL(from)``: first missing, or newest + 1."""
        self.process_pending()
        return self._assembler.next_needed_index()

    def pending_holes(self) -> list[Hole]:
        self.process_pending()
        return self._assembler.pending_holes()

    @property
    def last_contiguous_index(self) -> int | None:
        self.process_pending()
        return self._assembler.last_contiguous_index

    def session_time(self, host_time: float | None = None) -> float:
        """``t_s`` of a host-clock moment (default: now) — for timestamping events."""
        self.process_pending()
        return self._assembler.session_time(self._now(host_time))

    def health(self) -> LinkHealth:
        self.process_pending()
        drops = {sub.name: sub.dropped for sub in self._hub.subscriptions if sub.dropped}
        return replace(self._assembler.health(), consumer_drops=drops)

    # ---------------------------------------------------------------- internals

    def _now(self, host_time: float | None) -> float:
        return self._clock() if host_time is None else host_time

    def _push(self, apply: Callable[[StreamAssembler], list[StreamItem]]) -> None:
        self._inbox.append(_Call(apply))
        self._wakeup.set()

    def _flush_frames(self, batch: list[_Frame]) -> None:
        if batch:
            items = self._assembler.frames([f.payload for f in batch], [f.host_time for f in batch])
            self._hub.publish(items)
