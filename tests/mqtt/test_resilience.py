"""A broker that is down, restarts, or loses us abruptly: nothing blocks, nothing is lost."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from spineball.mqtt.publisher import Publisher
from spineball.mqtt.schema import Alert, SessionSummary, decode_summary
from spineball.mqtt.settings import settings_from
from tests.conftest import REPO
from tests.mqtt.broker import HOST, Broker, free_port
from tests.mqtt.conftest import plain_settings
from tests.mqtt.helpers import recording, sample_state, wait_until


def summary(session_id: str = "s-1") -> SessionSummary:
    return SessionSummary(session_id=session_id, ball_id="ball-1", duration_s=150.0)


def pending_rows(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(
            db.execute("SELECT COUNT(*) FROM outbox WHERE delivered_unix_s IS NULL").fetchone()[0]
        )


async def test_a_down_broker_never_blocks_or_crashes_the_caller(tmp_path: Path) -> None:
    settings = settings_from({}, url=f"mqtt://{HOST}:{free_port()}", environ={})
    assert settings is not None
    outbox = tmp_path / "outbox.db"
    started = time.monotonic()
    async with Publisher(settings, "ball-1", outbox_path=outbox) as publisher:
        entered = time.monotonic() - started
        for n in range(2000):
            publisher.update(sample_state(session_s=n / 200))
        publisher.alert(Alert("pressure_spike", "Pressure rose 18 kPa in 1 s"))
        publisher.summary(summary())
        calls = time.monotonic() - started - entered
        await asyncio.sleep(0.5)  # the background task keeps retrying meanwhile
        status = publisher.status
        closing = time.monotonic()
    closed = time.monotonic() - closing
    assert max(entered * 5, calls, closed) < 0.5, (entered, calls, closed)
    assert not status.connected
    assert status.pending == 2
    assert status.last_error is not None
    assert "not reachable" in status.last_error
    assert pending_rows(outbox) == 2  # kept for the next run


async def test_broker_restart_reconnects_fast_and_loses_no_summary(
    own_broker: Broker, prefix: str, tmp_path: Path
) -> None:
    settings = plain_settings(own_broker, prefix, discovery=False)
    outbox = tmp_path / "outbox.db"
    async with Publisher(settings, "ball-1", outbox_path=outbox) as publisher:
        publisher.update(sample_state())
        assert await publisher.wait_connected(5)
        own_broker.stop()
        await wait_until(lambda: not publisher.status.connected)
        publisher.summary(summary())  # the session ends while the broker is away
        publisher.update(sample_state(session_s=150.0))
        await asyncio.sleep(1.0)
        assert pending_rows(outbox) == 1
        own_broker.start()
        back = time.monotonic()
        assert await publisher.wait_connected(5)
        reconnect_s = time.monotonic() - back
        assert await publisher.wait_delivered(5)
        assert publisher.status.reconnects == 1
    assert reconnect_s <= 5.0
    assert pending_rows(outbox) == 0
    async with recording(own_broker.plain_port, f"{prefix}/ball-1/#") as late:
        await late.wait_count(f"{prefix}/ball-1/summary", 1)
    assert decode_summary(late.on(f"{prefix}/ball-1/summary")[0].payload) == summary()
    assert [m.payload for m in late.on(f"{prefix}/ball-1/availability")] == [b"offline"]


async def test_queued_summary_survives_a_client_restart_and_is_sent_once(
    own_broker: Broker, prefix: str, tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox.db"
    settings = plain_settings(own_broker, prefix, discovery=False)
    own_broker.stop()
    # run 1: the broker is down for the whole session
    async with Publisher(settings, "ball-1", outbox_path=outbox) as first_run:
        first_run.summary(summary())
    assert pending_rows(outbox) == 1
    own_broker.start()
    topic = f"{prefix}/ball-1/summary"
    async with recording(own_broker.plain_port, topic) as seen:
        # run 2: delivers what run 1 left behind
        async with Publisher(settings, "ball-1", outbox_path=outbox) as second_run:
            assert await second_run.wait_delivered(5)
        # run 3: the same summary handed in again (e.g. a re-run export) is not sent twice
        async with Publisher(settings, "ball-1", outbox_path=outbox) as third_run:
            assert await third_run.wait_connected(5)
            third_run.summary(summary())
            third_run.summary(summary("s-2"))
            assert await third_run.wait_delivered(5)
        await seen.wait_count(topic, 2)
        await asyncio.sleep(0.2)
    keys = [decode_summary(m.payload).session_id for m in seen.on(topic)]
    assert keys == ["s-1", "s-2"]


async def test_unwritable_outbox_keeps_messages_in_memory(
    broker: Broker, prefix: str, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    settings = plain_settings(broker, prefix, discovery=False)
    topic = f"{prefix}/ball-1/summary"
    async with (
        recording(broker.plain_port, topic) as seen,
        Publisher(settings, "ball-1", outbox_path=blocker / "outbox.db") as publisher,
    ):
        publisher.summary(summary())
        await seen.wait_count(topic, 1)


def test_last_will_marks_a_killed_client_offline(broker: Broker, prefix: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [broker.url, prefix, "ball-9", "Room 9", "K.L.", "T4"]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.mqtt.ball_process", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    topic = f"{prefix}/ball-9/availability"
    watcher = subprocess.Popen(
        ["mosquitto_sub", "-h", HOST, "-p", str(broker.plain_port), "-t", topic, "-v"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert watcher.stdout is not None
        assert child.stdout.readline().strip() == "connected"
        assert watcher.stdout.readline().split() == [topic, "online"]
        child.send_signal(signal.SIGKILL)  # no goodbye: only the broker's last will can tell
        child.wait(5)
        assert watcher.stdout.readline().split() == [topic, "offline"]
    finally:
        for process in (child, watcher):
            if process.poll() is None:
                process.kill()
            process.wait()
            if process.stdout:
                process.stdout.close()
