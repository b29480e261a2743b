"""Test helpers: an independent subscriber that records what reaches the broker."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import aiomqtt

from spineball.mqtt.schema import BallState, InflationAdvice, LinkHealth, Pain, SideBends
from tests.mqtt.broker import HOST


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retain: bool
    at: float  # time.monotonic() on arrival


@dataclass
class Recorder:
    messages: list[Received] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def on(self, topic: str) -> list[Received]:
        return [m for m in self.messages if m.topic == topic]

    async def wait_for(
        self, predicate: Callable[[list[Received]], bool], timeout_s: float = 5.0
    ) -> None:
        deadline = time.monotonic() + timeout_s
        while not predicate(self.messages):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                topics = sorted({m.topic for m in self.messages})
                raise AssertionError(f"condition not met in {timeout_s} s; seen topics {topics}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)

    async def wait_count(self, topic: str, count: int, timeout_s: float = 5.0) -> list[Received]:
        await self.wait_for(lambda _m: len(self.on(topic)) >= count, timeout_s)
        return self.on(topic)


@contextlib.asynccontextmanager
async def recording(port: int, *filters: str) -> AsyncIterator[Recorder]:
    """Subscribe (plain listener, anonymous) and record everything until the block ends."""
    recorder = Recorder()
    async with aiomqtt.Client(HOST, port, timeout=5) as client:
        for topic_filter in filters:
            await client.subscribe(topic_filter, qos=1)

        async def pump() -> None:
            async for message in client.messages:
                payload = message.payload
                assert isinstance(payload, bytes)
                recorder.messages.append(
                    Received(message.topic.value, payload, message.retain, time.monotonic())
                )
                recorder.changed.set()

        task = asyncio.create_task(pump())
        try:
            yield recorder
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
                await task


async def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout_s} s")
        await asyncio.sleep(0.01)


def sample_state(ball_id: str = "ball-1", **changes: object) -> BallState:
    """A plausible mid-session snapshot (a sore spot at T6, pain easing)."""
    values: dict[str, object] = {
        "ball_id": ball_id,
        "room": "Room 3",
        "person": "J.D.",
        "session_s": 95.5,
        "planned_min": 3.0,
        "load_n": 310.5,
        "level": "T6",
        "position_mm": 118.0,
        "position_uncertainty_mm": 12.0,
        "spot_dwell_s": 22.4,
        "pain": Pain(first=6, now=5, target=4),
        "side_bends": SideBends(left=1, right=0),
        "lumbar": "none",
        "alarms": (),
        "battery_pct": 82,
        "link": LinkHealth(connected=True, rssi_dbm=-61, loss_pct=0.4, reconnects=1),
        "advice": InflationAdvice("increase", 1.5, "sore spots are getting harder to find"),
    }
    values.update(changes)
    return BallState(**values)  # type: ignore[arg-type]
