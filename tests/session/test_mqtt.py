"""The recorder publishes to a real Mosquitto: state ≤ 2 Hz, alerts, the summary at the end."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from spineball.mqtt import MqttSettings
from spineball.session.api import ReportSymptom
from tests.link.helpers import recording
from tests.mqtt.broker import HOST, Broker
from tests.mqtt.helpers import recording as subscribed

PREFIX = "clinic-test/spineball"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path / "mosquitto")
    running.start()
    yield running
    running.stop()


async def test_state_alerts_and_summary_reach_the_broker(tmp_path: Path, broker: Broker) -> None:
    settings = MqttSettings(HOST, broker.plain_port, topic_prefix=PREFIX, discovery=False)
    args = {"mqtt": settings, "ball_id": "room9-ball", "room": "Room 9", "person": "A.B."}
    async with (
        subscribed(broker.plain_port, f"{PREFIX}/#") as seen,
        recording(tmp_path, time_scale=2.0, recorder_args=args) as rec,
    ):
        states = await seen.wait_count(f"{PREFIX}/room9-ball/state", 5, timeout_s=6.0)
        gaps = [b.at - a.at for a, b in itertools.pairwise(states[1:])]
        client = rec.recorder.attach()
        await client.send(ReportSymptom("electric"))
        session_id = await rec.task
        await seen.wait_count(f"{PREFIX}/room9-ball/summary", 1, timeout_s=5.0)

    assert min(gaps) >= 0.45  # ≤ 2 Hz, though the recorder updates 10 times a second
    state = json.loads(seen.on(f"{PREFIX}/room9-ball/state")[-1].payload)
    assert (state["room"], state["person"]) == ("Room 9", "A.B.")
    assert state["link"]["connected"] is True
    assert state["battery_pct"] == 100
    alerts = [json.loads(m.payload) for m in seen.on(f"{PREFIX}/room9-ball/alert")]
    assert [(a["kind"], a["severity"]) for a in alerts] == [("symptom_stop", "critical")]
    async with subscribed(broker.plain_port, f"{PREFIX}/+/summary") as later:  # a late reader
        (summary_message,) = await later.wait_count(f"{PREFIX}/room9-ball/summary", 1)
    assert summary_message.retain
    summary = json.loads(summary_message.payload)
    assert summary["symptoms"] == ["electric"]
    assert summary["session_id"].endswith("-room9-ball")
    assert summary["duration_s"] > 0
    assert session_id == rec.recorder.session_id
