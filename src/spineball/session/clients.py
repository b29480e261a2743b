"""Attached clients: each gets its own small queue of updates; none can slow the recorder.

Publishing is ``put_nowait``; a full queue drops its oldest update (a
client that lags sees the newest state, not the past). A client attaching
mid-session gets the latest update at once. The in-process client
(:class:`LocalClient`) is the same model without a socket, for tests and for
a dashboard running in the recorder's own process.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Final

from spineball.session.api import SessionUpdate, UserInput

QUEUE_UPDATES: Final = 32  # ≈ 3 s at 10 Hz: enough to ride out a busy moment

Apply = Callable[[UserInput], Awaitable[None]]


class UpdateFeed:
    def __init__(self, maxsize: int = QUEUE_UPDATES) -> None:
        self._queue: asyncio.Queue[SessionUpdate | None] = asyncio.Queue(maxsize)
        self.dropped = 0
        self.closed = False

    def offer(self, update: SessionUpdate | None) -> None:
        if self.closed:
            return
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped += 1
        self._queue.put_nowait(update)
        if update is None:
            self.closed = True

    async def get(self) -> SessionUpdate | None:
        """The next update; None once the session has ended."""
        return await self._queue.get()


class ClientHub:
    def __init__(self) -> None:
        self._feeds: list[UpdateFeed] = []
        self.latest: SessionUpdate | None = None
        self._ended = False

    @property
    def count(self) -> int:
        return len(self._feeds)

    def open(self) -> UpdateFeed:
        feed = UpdateFeed()
        if self.latest is not None:
            feed.offer(self.latest)
        if self._ended:
            feed.offer(None)
        self._feeds.append(feed)
        return feed

    def close(self, feed: UpdateFeed) -> None:
        if feed in self._feeds:
            self._feeds.remove(feed)

    def publish(self, update: SessionUpdate) -> None:
        self.latest = update
        for feed in self._feeds:
            feed.offer(update)

    def end(self) -> None:
        """No more updates: every client's iteration ends after what it has queued."""
        self._ended = True
        for feed in self._feeds:
            feed.offer(None)


class LocalClient:
    """A :class:`~spineball.session.api.SessionClient` in the recorder's own process."""

    def __init__(self, hub: ClientHub, apply: Apply) -> None:
        self._hub = hub
        self._apply = apply
        self._feed = hub.open()
        self._closed = False

    async def _iterate(self) -> AsyncIterator[SessionUpdate]:
        while not self._closed:
            update = await self._feed.get()
            if update is None:
                return
            yield update

    def updates(self) -> AsyncIterator[SessionUpdate]:
        return self._iterate()

    async def send(self, message: UserInput) -> None:
        if self._closed or self._feed.closed:
            raise ConnectionError("the recorder has ended this session")
        await self._apply(message)

    async def close(self) -> None:
        self._closed = True
        self._hub.close(self._feed)
