"""Fan-out of stream items to any number of asyncio consumers.

Publishing never blocks and never waits for a consumer: each subscription
has its own queue and the producer only does ``put_nowait``. Two policies:

- ``lossless`` (the default; the recorder and live analysis): the queue is
  unbounded, so a slow consumer loses nothing and delays nobody else; its
  backlog costs memory (≈ 64 B per sample, 23 MB per hour of backlog at
  100 Hz) and is logged as it doubles past 1 000 items.
- ``latest`` (displays, MQTT): a bounded queue that drops its *oldest* item
  when full, counting the drops, so a stalled display catches up on the newest
  data instead of replaying the past.

The end of the stream is a sentinel: iteration stops after the last item.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Final, Generic, Literal, TypeVar

log = logging.getLogger("spineball.stream")

T = TypeVar("T")
Policy = Literal["lossless", "latest"]

_BACKLOG_WARN_FIRST: Final = 1_000


class _End:
    pass


_END: Final = _End()


class Subscription(Generic[T]):
    def __init__(self, hub: Broadcast[T], name: str, policy: Policy, maxsize: int) -> None:
        self.name = name
        self.policy = policy
        self._hub = hub
        self._queue: asyncio.Queue[T | _End] = asyncio.Queue(
            maxsize=maxsize if policy == "latest" else 0
        )
        self.dropped = 0
        self._ended = False
        self._warn_at = _BACKLOG_WARN_FIRST

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    async def get(self) -> T | None:
        """The next item, or None once the stream has ended."""
        if self._ended:
            return None
        item = await self._queue.get()
        if isinstance(item, _End):
            self._ended = True
            return None
        return item

    def get_nowait(self) -> T | None:
        """The next item if one is queued (None if empty or ended)."""
        if self._ended or self._queue.empty():
            return None
        item = self._queue.get_nowait()
        if isinstance(item, _End):
            self._ended = True
            return None
        return item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        while (item := await self.get()) is not None:
            yield item

    def close(self) -> None:
        """Stop receiving (the hub forgets this subscription)."""
        self._hub.unsubscribe(self)

    def _offer(self, item: T | _End) -> None:
        if self.policy == "latest" and self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(item)
        if self.policy == "lossless" and self._queue.qsize() >= self._warn_at:
            log.warning("consumer %r is %d items behind the stream", self.name, self._warn_at)
            self._warn_at *= 2


class Broadcast(Generic[T]):
    def __init__(self) -> None:
        self._subscriptions: list[Subscription[T]] = []
        self._closed = False

    def subscribe(
        self, name: str, *, policy: Policy = "lossless", maxsize: int = 256
    ) -> Subscription[T]:
        """A new consumer; it receives items published from now on."""
        if policy == "latest" and maxsize < 1:
            raise ValueError("a 'latest' subscription needs maxsize ≥ 1")
        sub = Subscription(self, name, policy, maxsize)
        if self._closed:
            sub._offer(_END)
        self._subscriptions.append(sub)
        return sub

    def unsubscribe(self, sub: Subscription[T]) -> None:
        if sub in self._subscriptions:
            self._subscriptions.remove(sub)

    @property
    def subscriptions(self) -> tuple[Subscription[T], ...]:
        return tuple(self._subscriptions)

    def publish(self, items: Iterable[T]) -> None:
        for item in items:
            for sub in self._subscriptions:
                sub._offer(item)

    def close(self) -> None:
        """End of stream: every consumer's iteration finishes after its queued items."""
        if self._closed:
            return
        self._closed = True
        for sub in self._subscriptions:
            sub._offer(_END)
