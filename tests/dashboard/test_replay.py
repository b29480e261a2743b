"""The replay client: a session file played through the live analysis, inputs applied as events."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path

import pytest

from spineball.analysis import analyze_session
from spineball.dashboard.replay import ReplayClient
from spineball.session import api
from spineball.sessionfile import CalibrationPoint, SessionData, SessionFileError
from tests.dashboard.conftest import (
    AT_SPOT_S,
    QUIET_SEED,
    SPOT_SEED,
    UNRATED_SPOT_S,
    replay,
    simulated,
)


class Follow:
    """One reader of a replay's updates (they can be followed once)."""

    def __init__(self, client: ReplayClient) -> None:
        self.updates = client.updates()

    async def next(self) -> api.SessionUpdate:
        return await anext(self.updates)

    async def until(self, t_s: float) -> api.SessionUpdate:
        """The first update at or past ``t_s`` on the session clock (or the final one)."""
        async for update in self.updates:
            if update.snapshot.t_s >= t_s - 0.06 or update.state == "ended":
                return update
        raise AssertionError("the replay ended early")


async def test_jumping_ahead_sends_the_past_as_updates_and_holds() -> None:
    client = replay(SPOT_SEED, AT_SPOT_S)
    seen: list[api.SessionUpdate] = []
    async for update in client.updates():
        seen.append(update)
        if update.snapshot.t_s >= AT_SPOT_S - 0.06 and len(seen) > 120:
            break
    # one update per half second of data, the last 3 s at 20 a second, then the held position
    assert len(seen) >= (AT_SPOT_S - 3.0) / 0.5 + 3.0 * 20
    times = [u.trace.t_s[0] for u in seen if u.trace.t_s]
    assert times == sorted(times)
    assert times[-1] == pytest.approx(AT_SPOT_S, abs=0.02)
    assert [u.seq for u in seen] == list(range(1, len(seen) + 1))
    last = seen[-1].snapshot
    truth = simulated(SPOT_SEED).truth["spots"][0]  # the T6 spot, 16–33 s
    assert truth["start_s"] < AT_SPOT_S < truth["end_s"]
    assert last.in_spot
    assert last.pain_first == truth["pain_first"]
    assert all(u.state == "recording" for u in seen)
    await client.close()


async def test_a_rating_during_the_replay_sets_the_spots_pain_and_target() -> None:
    client = replay(QUIET_SEED, UNRATED_SPOT_S)
    follow = Follow(client)
    before = await follow.until(UNRATED_SPOT_S)
    assert before.snapshot.in_spot
    assert before.snapshot.pain_first is None  # a rest the person did not rate
    await client.send(api.RatePain(6))
    after = await follow.next()
    assert after.snapshot.pain_first == 6
    assert after.snapshot.pain_target == 4  # two thirds of 6 (seed text: 6 → 4)
    assert after.snapshot.pain_target_met is False
    await client.send(api.RatePain(4))
    assert (await follow.next()).snapshot.pain_target_met is True
    await client.close()


async def test_paced_replay_follows_the_clock_and_pauses() -> None:
    client = replay(SPOT_SEED, 10.0, speed=10.0, hold=False)
    follow = Follow(client)
    first = await follow.until(10.0)
    started = time.monotonic()
    await follow.until(first.snapshot.t_s + 5.0)
    elapsed = time.monotonic() - started
    assert 0.35 < elapsed < 1.5  # 5 s of data at ×10
    await client.send(api.Pause())
    paused = await follow.next()
    assert paused.state == "paused"
    await asyncio.sleep(0.3)
    still = await follow.next()
    assert still.state == "paused"
    assert still.snapshot.t_s == pytest.approx(paused.snapshot.t_s, abs=0.01)
    await client.send(api.Resume())
    moving = await asyncio.wait_for(follow.until(paused.snapshot.t_s + 1.0), 1.0)
    assert moving.state == "recording"
    await client.close()


def test_bad_speed_and_empty_sessions_are_refused() -> None:
    sim = simulated(SPOT_SEED)
    data = SessionData(sim.meta, sim.samples)
    with pytest.raises(ValueError, match="speed"):
        ReplayClient(data, speed=0.0)
    with pytest.raises(ValueError, match="no samples"):
        ReplayClient(SessionData(sim.meta, sim.samples[:0]))


def test_a_garbled_file_gives_a_session_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("t_s,pressure_pa\n0.0,notanumber\n")
    with pytest.raises(SessionFileError):
        ReplayClient.from_file(bad)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (api.RatePain(11), "1–10"),
        (api.MarkLandmark("T13"), "unknown level"),
        (api.ReportSymptom("itchy"), "symptom"),  # type: ignore[arg-type]
        (api.StartInflation(float("nan")), "number"),
        (api.SetCalibration(()), "at least one"),
    ],
)
async def test_inputs_a_recorder_would_refuse_raise_value_error(
    message: api.UserInput, words: str
) -> None:
    client = replay(SPOT_SEED, 1.0)
    with pytest.raises(ValueError, match=words):
        await client.send(message)


async def test_end_session_gives_the_offline_analysis_of_what_was_replayed() -> None:
    client = replay(QUIET_SEED, UNRATED_SPOT_S)
    follow = Follow(client)
    await follow.until(UNRATED_SPOT_S)
    await client.send(api.RatePain(6))
    await client.send(api.EndSession())
    update = await follow.until(1e9)
    assert update.state == "ended"
    assert update.result is not None
    # the same as `spineball analyze` on the samples played, with the events given
    sim = simulated(QUIET_SEED)
    played = sim.samples[sim.samples["t_s"] <= UNRATED_SPOT_S]
    events = tuple(e for e in sim.meta.events if e.t_s <= UNRATED_SPOT_S)
    rating = [e for e in client.events if e.kind == "pain" and e.value == 6]
    assert len(rating) == 1
    assert rating[0].t_s == pytest.approx(UNRATED_SPOT_S, abs=0.06)
    meta = dataclasses.replace(sim.meta, events=(*events, *rating))
    assert update.result == analyze_session(SessionData(meta, played))
    spots = update.result["spots"]
    assert isinstance(spots, list)
    spot = [s for s in spots if s["start_s"] < UNRATED_SPOT_S <= s["end_s"] + 0.1]
    assert spot[0]["pain_first"] == 6
    with pytest.raises(ConnectionError):
        await client.send(api.RatePain(3))


async def test_a_symptom_report_ends_the_session_with_the_doctor_advice() -> None:
    client = replay(SPOT_SEED, AT_SPOT_S)
    follow = Follow(client)
    await follow.until(AT_SPOT_S)
    await client.send(api.ReportSymptom("tingling"))
    update = await follow.until(1e9)
    assert update.state == "ended"
    stop = update.snapshot.symptom_stop
    assert stop is not None
    assert stop.symptom == "tingling"
    assert "doctor" in stop.advice
    assert update.result is not None
    assert update.result["symptom_stop"]["symptom"] == "tingling"  # type: ignore[index]


async def test_landmarks_sore_spots_and_notes_become_events() -> None:
    client = replay(QUIET_SEED, UNRATED_SPOT_S)
    follow = Follow(client)
    await follow.until(UNRATED_SPOT_S)
    for message in (api.MarkSore(), api.MarkLandmark("T4"), api.AddNote("left side tight")):
        await client.send(message)
    update = await follow.next()
    added = [e for e in client.events if e.t_s == pytest.approx(UNRATED_SPOT_S, abs=0.06)]
    kinds = {(e.kind, e.level, e.value) for e in added}
    assert ("sore", None, None) in kinds
    assert ("landmark", "T4", None) in kinds
    assert ("note", None, "left side tight") in kinds
    assert update.snapshot.level in ("T3", "T4", "T5")
    await client.close()


async def test_inflation_assistant_compares_the_gauge_with_the_target() -> None:
    client = replay(SPOT_SEED, 1.5)  # before the person gets on: the ball at rest
    follow = Follow(client)
    first = await follow.until(1.5)
    assert first.inflation is None
    rest = simulated(SPOT_SEED).meta.ball.rest_gauge_kpa
    await client.send(api.StartInflation(rest + 2.0))
    update = await follow.next()
    assert update.inflation is not None
    assert update.inflation.direction == "pump"
    assert update.inflation.remaining_kpa == pytest.approx(2.0, abs=0.5)
    assert update.inflation.strokes >= 2
    await client.send(api.StartInflation(None))  # the advised inflation: keep for a first session
    update = await follow.next()
    assert update.inflation is not None
    assert update.inflation.direction == "done"
    await client.send(api.StopInflation())
    update = await follow.next()
    assert update.inflation is None
    await client.close()


async def test_a_new_calibration_reanalyses_the_session_so_far() -> None:
    client = replay(SPOT_SEED, AT_SPOT_S)
    follow = Follow(client)
    before = await follow.until(AT_SPOT_S)
    assert before.snapshot.load_n is not None
    points = simulated(SPOT_SEED).meta.calibration
    heavier = tuple(CalibrationPoint(p.load_n * 1.3, p.pressure_pa) for p in points)
    await client.send(api.SetCalibration(heavier))
    after = await follow.next()
    assert after.snapshot.load_n is not None
    assert after.snapshot.load_n == pytest.approx(before.snapshot.load_n * 1.3, rel=0.08)
    assert after.snapshot.level == before.snapshot.level  # positions do not depend on load
    await client.close()


async def test_seek_jumps_ahead_and_the_recent_past_arrives_at_the_live_rate() -> None:
    client = replay(SPOT_SEED, 2.0)
    follow = Follow(client)
    await follow.until(2.0)
    client.seek(70.0)
    seen = []
    while not seen or seen[-1].snapshot.t_s < 70.0 - 0.06:
        seen.append(await follow.next())
    points = [u.trace.t_s[0] for u in seen if u.trace.t_s]
    assert points == sorted(points)
    last_3s = [t for t in points if t > 67.0]
    assert len(last_3s) >= 55  # 20 a second: enough for the calibration's 2 s window
    assert seen[-1].snapshot.in_spot  # the T10 spot, 40–77 s
    client.seek(10.0)  # backwards: a replay only goes forwards
    assert (await follow.next()).snapshot.t_s == pytest.approx(seen[-1].snapshot.t_s, abs=0.06)
    await client.close()
