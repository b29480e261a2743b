"""The publisher against a real Mosquitto: rate cap, retained state and summary, alerts."""

from __future__ import annotations

import asyncio
import itertools
import json
import time

from spineball.mqtt.publisher import Publisher
from spineball.mqtt.schema import Alert, SessionSummary, SpotSummary, decode_state, decode_summary
from tests.mqtt.broker import Broker
from tests.mqtt.conftest import plain_settings
from tests.mqtt.helpers import recording, sample_state


async def test_state_is_coalesced_to_two_hertz_under_200_hz_updates(
    broker: Broker, prefix: str
) -> None:
    settings = plain_settings(broker, prefix, discovery=False)
    async with recording(broker.plain_port, f"{prefix}/#") as seen:
        async with Publisher(settings, "ball-1") as publisher:
            assert await publisher.wait_connected(5)
            start = time.monotonic()
            n = 0
            while (elapsed := time.monotonic() - start) < 3.0:
                # catch up if the loop fell behind, so the load is 200 Hz even on a busy machine
                while n < elapsed * 200:
                    publisher.update(sample_state(session_s=n / 200))
                    n += 1
                await asyncio.sleep(1 / 200)
            final_session_s = (n - 1) / 200
            await asyncio.sleep(0.7)
        states = [decode_state(m.payload) for m in seen.on(f"{prefix}/ball-1/state")]
    assert n >= 590  # the load really was 200 Hz
    # ≤ 2 Hz: ~3.5 s of updates give at most 8 messages, sent ≥ 0.5 s apart (sender's clock)
    assert 4 <= len(states) <= 8, len(states)
    sent_at = [ts for _state, ts in states if ts is not None]
    assert min(b - a for a, b in itertools.pairwise(sent_at)) >= 0.49
    # coalescing keeps the newest: the last message is the last update, not a stale one
    assert states[-1][0].session_s == final_session_s


async def test_retained_summary_reaches_a_late_subscriber(broker: Broker, prefix: str) -> None:
    settings = plain_settings(broker, prefix, discovery=False)
    summary = SessionSummary(
        session_id="2024-11-24T07:00:00-ball-1",
        ball_id="ball-1",
        duration_s=182.0,
        room="Room 3",
        spots=(SpotSummary(30.1, 62.4, 32.3, "T6", 118.0, pain_first=6, pain_last=4),),
    )
    async with Publisher(settings, "ball-1") as publisher:
        publisher.update(sample_state())
        publisher.summary(summary)
        assert await publisher.wait_delivered(5)
    # subscribe only now, after the publisher is gone
    async with recording(broker.plain_port, f"{prefix}/ball-1/summary") as seen:
        (message,) = await seen.wait_count(f"{prefix}/ball-1/summary", 1)
    assert message.retain
    assert decode_summary(message.payload) == summary
    assert json.loads(message.payload)["schema"] == 1


async def test_alerts_are_events_not_retained(broker: Broker, prefix: str) -> None:
    settings = plain_settings(broker, prefix, discovery=False)
    topic = f"{prefix}/ball-1/alert"
    async with (
        recording(broker.plain_port, topic) as seen,
        Publisher(settings, "ball-1") as publisher,
    ):
        publisher.alert(Alert("lumbar_red", "Ball past L1: roll back up", "critical", 150.2))
        (message,) = await seen.wait_count(topic, 1)
    body = json.loads(message.payload)
    assert body["kind"] == "lumbar_red"
    assert body["severity"] == "critical"
    assert body["ball_id"] == "ball-1"
    assert body["session_s"] == 150.2
    assert not message.retain
    async with recording(broker.plain_port, topic) as late:
        await asyncio.sleep(0.3)
    assert late.messages == []


async def test_availability_online_then_offline_on_close(broker: Broker, prefix: str) -> None:
    settings = plain_settings(broker, prefix, discovery=False)
    topic = f"{prefix}/ball-1/availability"
    async with recording(broker.plain_port, topic) as seen:
        async with Publisher(settings, "ball-1") as publisher:
            await seen.wait_count(topic, 1)
            assert publisher.status.connected
        await seen.wait_count(topic, 2)
    assert [m.payload for m in seen.on(topic)] == [b"online", b"offline"]
