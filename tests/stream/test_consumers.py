"""One producer, many consumers: same blocks for all, nobody blocks the producer."""

from __future__ import annotations

import asyncio
import time

import numpy as np

from spineball.samples import SampleBlock
from spineball.stream import SampleStream, StreamItem, Subscription
from tests.stream.ball import frames_of, make_raw


async def collect(
    sub: Subscription[StreamItem], gate: asyncio.Event | None = None
) -> list[StreamItem]:
    if gate is not None:
        await gate.wait()
    return [item async for item in sub]


async def test_every_consumer_gets_the_same_blocks_and_a_blocked_one_stalls_nobody() -> None:
    raw = make_raw(20_000)
    frames = frames_of(raw, 5)
    stream = SampleStream()
    fast = stream.subscribe("analysis")
    recorder = stream.subscribe("recorder")  # lossless but not reading until the end
    display = stream.subscribe("display", policy="latest", maxsize=8)  # never reads
    pump = asyncio.create_task(stream.run())
    gate = asyncio.Event()
    fast_task = asyncio.create_task(collect(fast))
    slow_task = asyncio.create_task(collect(recorder, gate))

    slowest_feed = 0.0
    for k, frame in enumerate(frames):
        start = time.perf_counter()
        stream.feed_notification(frame, host_time=k * 0.05)  # what the BLE callback does
        slowest_feed = max(slowest_feed, time.perf_counter() - start)
        if k % 50 == 0:
            await asyncio.sleep(0)  # let the pump and the fast consumer run
    stream.finish(host_time=len(frames) * 0.05)
    fast_items = await asyncio.wait_for(fast_task, 10)
    # The producer and the fast consumer got to the end while the recorder had read nothing.
    assert not slow_task.done()
    assert recorder.backlog == len(fast_items) + 1  # + end-of-stream
    gate.set()
    slow_items = await asyncio.wait_for(slow_task, 10)
    await asyncio.wait_for(pump, 10)

    assert slow_items == fast_items
    idx = np.concatenate([b.samples["index"] for b in fast_items if isinstance(b, SampleBlock)])
    assert np.array_equal(idx, np.arange(20_000))
    assert display.backlog == 8 + 0
    assert display.dropped == len(fast_items) + 1 - 8
    assert stream.health().consumer_drops == {"display": display.dropped}
    assert slowest_feed < 0.05  # a queue append, no decoding (generous for a busy CI box)


async def test_queries_see_everything_fed_so_far_and_late_subscribers_see_the_end() -> None:
    raw = make_raw(100)
    frames = frames_of(raw, 5)
    stream = SampleStream()
    for frame in frames[:10] + frames[12:]:
        stream.feed_notification(frame, host_time=1.0)
    assert stream.next_needed_index() == 50  # no pump running: the query drained the inbox
    assert stream.last_contiguous_index == 49
    assert stream.health().held == 40
    stream.give_up(host_time=2.0)
    stream.finish(host_time=2.0)
    await asyncio.wait_for(stream.run(), 5)
    late = stream.subscribe("late")
    assert await late.get() is None
