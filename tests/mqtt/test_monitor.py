"""``spineball monitor`` against a real broker with balls publishing from their own processes."""

from __future__ import annotations

import asyncio
import signal
import subprocess

import aiomqtt
from textual.pilot import Pilot

from spineball.mqtt.monitor import MonitorApp
from spineball.mqtt.monitor.widgets import AlertLog, BallTable, LinkBar
from spineball.mqtt.publisher import Publisher
from spineball.mqtt.schema import Alert, SessionSummary, encode_alert, encode_state
from spineball.mqtt.settings import settings_from
from tests.mqtt.broker import HOST, Broker, free_port
from tests.mqtt.conftest import plain_settings
from tests.mqtt.helpers import sample_state
from tests.mqtt.processes import ball_processes


async def settle(pilot: Pilot[None], condition: object, timeout_s: float = 5.0) -> None:
    """Let the app run until ``condition()`` holds."""
    assert callable(condition)
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the monitor did not reach the expected view in time")


async def test_monitor_shows_two_live_balls_alerts_stale_and_offline(
    broker: Broker, prefix: str
) -> None:
    settings = plain_settings(broker, prefix)
    app = MonitorApp(settings, stale_after_s=1.5)
    balls = (("ball-a", "Room 1", "A.B.", "T6"), ("ball-b", "Room 2", "C.D.", "L1", "red"))
    with ball_processes(broker.url, prefix, *balls) as (first, second):
        async with app.run_test(size=(80, 24)) as pilot:
            table = app.query_one(BallTable)
            await settle(pilot, lambda: len(table.query("BallLine")) == 2)
            room1, room2 = table.line("ball-a"), table.line("ball-b")
            assert "Room 1" in str(room1.render())
            assert "A.B." in str(room1.render())
            assert room1.has_class("-live")
            assert not room1.has_class("-red")
            assert room2.has_class("-red")  # lumbar guard red: highlighted
            assert "LUMBAR" in str(room2.render())
            assert "connected · 2 balls" in str(app.query_one(LinkBar).render())

            # an alert event shows in the log
            alert = Alert("lumbar_red", "Ball past L1: roll back up", "critical", 150.0)
            async with aiomqtt.Client(HOST, broker.plain_port) as other:
                await other.publish(f"{prefix}/ball-b/alert", encode_alert(alert, "ball-b"))
            log = app.query_one(AlertLog)
            await settle(pilot, lambda: log.has_class("-active"))
            assert "Room 2: Ball past L1" in str(log.render())

            # a hung client: online but silent → greyed as stale
            first.send_signal(signal.SIGSTOP)
            await settle(pilot, lambda: room1.has_class("-stale"))
            assert "stale" in str(room1.render())
            # a crashed client: the broker's last will → offline
            second.send_signal(signal.SIGKILL)
            await settle(pilot, lambda: room2.has_class("-offline"))
            assert not room2.has_class("-red")
            first.send_signal(signal.SIGCONT)
            await pilot.press("q")


async def test_monitor_without_a_broker_stays_responsive(prefix: str) -> None:
    settings = settings_from(
        {"topic_prefix": prefix}, url=f"mqtt://{HOST}:{free_port()}", environ={}
    )
    assert settings is not None
    app = MonitorApp(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(LinkBar)
        await settle(pilot, lambda: "not reachable" in str(bar.render()))
        assert bar.has_class("-down")
        await pilot.press("q")  # answers at once although the broker never did
    assert app.return_code == 0


def publish_retained(broker: Broker, prefix: str) -> None:
    """Two balls' retained state, published with the third-party ``mosquitto_pub``."""
    for state in (
        sample_state("ball-a", room="Room 1", person="A.B.", level="T6"),
        sample_state("ball-b", room="Room 2", person="C.D.", level="T12", lumbar="amber"),
    ):
        for topic, payload in (
            (f"{prefix}/{state.ball_id}/availability", b"online"),
            (f"{prefix}/{state.ball_id}/state", encode_state(state, 1732430000.0)),
        ):
            subprocess.run(
                [
                    "mosquitto_pub",
                    "-h",
                    HOST,
                    "-p",
                    str(broker.plain_port),
                    "-r",
                    "-q",
                    "1",
                    "-t",
                    topic,
                    "-s",
                ],
                input=payload,
                check=True,
                timeout=5,
            )


def test_monitor_snapshot_80x24(broker: Broker, prefix: str, snap_compare: object) -> None:
    publish_retained(broker, prefix)
    app = MonitorApp(plain_settings(broker, prefix))

    async def two_balls(pilot: Pilot[None]) -> None:
        table = app.query_one(BallTable)
        await settle(pilot, lambda: len(table.query("BallLine")) == 2)
        await pilot.pause(0.3)  # one redraw tick for the link bar

    assert callable(snap_compare)
    assert snap_compare(app, terminal_size=(80, 24), run_before=two_balls)


async def mosquitto_sub(broker: Broker, topic: str, *options: str) -> bytes:
    process = await asyncio.create_subprocess_exec(
        "mosquitto_sub",
        "-h",
        HOST,
        "-p",
        str(broker.plain_port),
        "-C",
        "1",
        "-W",
        "5",
        "-t",
        topic,
        *options,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _err = await process.communicate()
    assert process.returncode == 0, f"mosquitto_sub got nothing on {topic}"
    return out


async def test_mosquitto_sub_receives_state_and_retained_summary(
    broker: Broker, prefix: str
) -> None:
    """A third-party client (mosquitto_sub) reads what the publisher sends."""
    summary = SessionSummary(session_id="s-9", ball_id="ball-c", duration_s=120.0)
    async with Publisher(plain_settings(broker, prefix), "ball-c") as publisher:
        receiving = asyncio.create_task(mosquitto_sub(broker, f"{prefix}/ball-c/state"))
        await asyncio.sleep(0.2)  # let it subscribe
        publisher.update(sample_state("ball-c", room="Room 3"))
        state = await receiving
        publisher.summary(summary)
        assert await publisher.wait_delivered(5)
    assert b'"room":"Room 3"' in state
    assert b'"schema":1' in state
    late = await mosquitto_sub(broker, f"{prefix}/ball-c/summary", "-F", "%r %p")
    retained, payload = late.split(b" ", 1)
    assert retained == b"1"
    assert b'"session_id":"s-9"' in payload
