"""The recorder: inputs become events, updates reach clients and the cue hook, the end is clean."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest

from spineball.analysis.safety import SYMPTOM_ADVICE
from spineball.session.api import (
    AddNote,
    MarkLandmark,
    MarkSore,
    Pause,
    RatePain,
    ReportSymptom,
    Resume,
    SessionUpdate,
    StartInflation,
    StopInflation,
)
from spineball.store import Database
from tests.link.helpers import recording
from tests.virtual.helpers import WavingBall


async def next_update(
    updates: AsyncIterator[SessionUpdate],
    predicate: Callable[[SessionUpdate], bool],
    within_s: float = 5.0,
) -> SessionUpdate:
    async with asyncio.timeout(within_s):
        async for update in updates:
            if predicate(update):
                return update
    raise AssertionError("updates ended")


async def test_inputs_become_events_and_act_on_the_session(tmp_path: Path) -> None:
    async with recording(tmp_path) as rec:
        client = rec.recorder.attach()
        updates = client.updates()
        await rec.world.ball.clock.sleep(2.0)
        for message in (MarkLandmark("T1"), RatePain(6), MarkSore(), AddNote("left shoulder")):
            await client.send(message)
        await client.send(RatePain(11))  # not a rating: ignored, nothing recorded
        await client.send(Pause())
        paused = await next_update(updates, lambda u: u.state == "paused")
        await client.send(Resume())
        await next_update(updates, lambda u: u.state == "recording")
        await client.send(StartInflation(target_kpa=14.0))
        guided = await next_update(updates, lambda u: u.inflation is not None)
        await client.send(StopInflation())
        after = await next_update(updates, lambda u: u.seq > guided.seq + 2)
        session_id = await rec.finish()
        await client.close()

    assert paused.session_id == session_id
    assert after.inflation is None
    assert guided.inflation is not None
    truth_kpa = (WavingBall().pressure(np.array([guided.snapshot.t_s])) - 101_300.0) / 1000.0
    assert guided.inflation.current_kpa == pytest.approx(float(truth_kpa[0]), abs=0.6)
    assert guided.inflation.target_kpa == 14.0
    events = Database.open(tmp_path / "sessions.db").read_events(session_id)
    kinds = [(e.kind, e.level, e.value) for e in events if e.kind != "advice"]
    assert kinds[:4] == [
        ("landmark", "T1", None),
        ("pain", None, 6),
        ("sore", None, None),
        ("note", None, "left shoulder"),
    ]
    assert [e.value for e in events if e.kind == "note"][1:] == [
        "paused",
        "resumed",
        "inflation assistant started (target 14.0 kPa)",
    ]
    (inflation,) = [e for e in events if e.kind == "inflation"]
    assert isinstance(inflation.value, float)
    assert 9.0 < inflation.value < 17.0  # the ball's gauge pressure when the assistant stopped
    assert [e.kind for e in events][-1] == "advice"
    assert all(e.t_s >= 0 for e in events)


async def test_a_nerve_symptom_ends_the_session_with_the_doctor_advice(tmp_path: Path) -> None:
    async with recording(tmp_path) as rec:
        client = rec.recorder.attach()
        await rec.world.ball.clock.sleep(6.0)
        await client.send(ReportSymptom("tingling"))
        updates = [u async for u in client.updates()]
        session_id = await rec.task  # ended by the input, not by us

    final = updates[-1]
    assert final.state == "ended"
    assert final.result is not None
    stop = final.result["symptom_stop"]
    assert isinstance(stop, dict)
    assert stop["symptom"] == "tingling"
    assert stop["advice"] == SYMPTOM_ADVICE
    db = Database.open(tmp_path / "sessions.db")
    assert db.session(session_id).state == "finished"
    events = db.read_events(session_id)
    assert ("symptom", "tingling") in [(e.kind, e.value) for e in events]
    (alert,) = [e for e in events if e.kind == "alert"]
    assert alert.value == "symptom_stop"
    assert alert.data == {"advice": SYMPTOM_ADVICE}
    with pytest.raises(ConnectionError):
        await client.send(RatePain(3))


async def test_updates_feed_the_cue_hook_and_the_heading_is_stored(tmp_path: Path) -> None:
    seen: list[SessionUpdate] = []

    def broken(_update: SessionUpdate) -> None:
        raise RuntimeError("a cue engine bug")

    async with recording(tmp_path) as rec:
        rec.recorder.live_consumers += [seen.append, broken]
        await rec.world.ball.clock.sleep(8.0)  # the waving ball rolls ±23°: enough for a heading
        heading = rec.recorder.live.heading
        session_id = await rec.finish()

    assert rec.recorder.live_consumers == [seen.append]  # the failing one was dropped
    assert seen[-1].state == "ended"
    seqs = [u.seq for u in seen]
    assert seqs == sorted(seqs)
    t = np.concatenate([u.trace.t_s for u in seen])
    assert np.all(np.diff(t) > 0)
    gauge = np.concatenate([u.trace.gauge_kpa for u in seen])
    truth = (WavingBall().pressure(t) - 101_300.0) / 1000.0
    assert np.max(np.abs(gauge - truth)) < 0.2  # 0.1 s means of a 0.7 Hz wave
    assert heading is not None
    extra = Database.open(tmp_path / "sessions.db").session_data(session_id).meta.extra
    assert extra["orientation_frame"] == "device"
    stored = extra["device_heading"]
    assert stored["angle_rad"] == pytest.approx(heading.angle_rad)
    assert stored["sign_from"] == heading.sign_from
