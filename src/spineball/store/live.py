"""Recording a live stream: the recorder as an asyncio consumer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Final, Protocol

from spineball.samples import Gap, SampleBlock
from spineball.store.errors import StoreError
from spineball.store.recorder import Recorder

log = logging.getLogger("spineball.store")

_MIN_WAIT_S: Final = 0.01


class ItemSource(Protocol):
    """What :func:`record_stream` reads: a stream subscription (None = end of stream)."""

    async def get(self) -> SampleBlock | Gap | None: ...


async def record_stream(
    source: ItemSource,
    recorder: Recorder,
    *,
    on_error: Callable[[StoreError], None] | None = None,
) -> None:
    """Record every block and gap until the stream ends, then close the session.

    Commits run when due (≤ ``recorder.commit_interval_s``) in a worker thread,
    so the event loop never waits for the disk. A failed commit (disk full,
    read-only) is logged, passed to ``on_error`` and retried one interval
    later; nothing is dropped meanwhile. If the task is cancelled the session
    is still closed as finished with everything received.
    """
    try:
        while True:
            try:
                item = await asyncio.wait_for(
                    source.get(), timeout=max(_MIN_WAIT_S, recorder.seconds_until_due())
                )
            except TimeoutError:
                pass
            else:
                if item is None:
                    break
                recorder.add(item)
            if recorder.seconds_until_due() == 0:
                try:
                    await asyncio.to_thread(recorder.commit)
                except StoreError as err:
                    log.error("%s", err)
                    if on_error is not None:
                        on_error(err)
    finally:
        recorder.close()
