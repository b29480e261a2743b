"""The recorder: inputs become events, updates reach clients and the cue hook, the end is clean."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from spineball.analysis.safety import SYMPTOM_ADVICE
from spineball.export.stored import load_session, recorded_heading
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
from spineball.virtual.source import SourceSamples, StillBall
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


@dataclass(frozen=True)
class PumpedBall:
    """A ball being pumped up slowly while nobody lies on it: 13 kPa + 0.05 kPa/s."""

    def gauge_kpa(self, t_s: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return 13.0 + 0.05 * np.asarray(t_s)

    def read(self, t_s: npt.NDArray[np.float64]) -> SourceSamples:
        t = np.asarray(t_s, dtype=np.float64)
        still = StillBall().read(t)
        return SourceSamples(
            101_300.0 + 1000.0 * self.gauge_kpa(t), still.quaternion, still.temperature_c
        )


async def test_inputs_become_events_and_act_on_the_session(tmp_path: Path) -> None:
    ball = PumpedBall()
    async with recording(tmp_path, source=ball) as rec:
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
        started = rec.world.ball.sample_time(0)
        guided_truth = float(ball.gauge_kpa(np.array(rec.world.ball.clock.now() - started)))
        await client.send(StopInflation())
        stop_truth = float(ball.gauge_kpa(np.array(rec.world.ball.clock.now() - started)))
        after = await next_update(updates, lambda u: u.seq > guided.seq + 2)
        session_id = await rec.finish()
        await client.close()

    assert paused.session_id == session_id
    assert after.inflation is None
    assert guided.inflation is not None
    # The assistant shows the ball's gauge pressure now (the atmosphere is taken from the
    # first reading less the recorded inflation), a moment behind the ball at most.
    assert guided_truth - 0.3 <= guided.inflation.current_kpa <= guided_truth + 0.01
    assert guided.inflation.direction == "pump"
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
    assert guided_truth - 0.3 <= inflation.value <= stop_truth + 0.01  # the gauge at the stop
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
    with Database.open(tmp_path / "sessions.db") as db:
        extra = db.session_data(session_id).meta.extra
        stored = load_session(db, session_id)
    assert extra["heading"]["angle_deg"] == pytest.approx(math.degrees(heading.angle_rad) % 360)
    assert extra["heading"]["sign_from"] == heading.sign_from
    assert stored.heading == recorded_heading(extra)  # the export aligns with the live heading
