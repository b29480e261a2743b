"""The recorder drives the cue engine: a lumbar excursion buzzes the ball, cues reach clients,
the dashboard's cue settings reach the engine, earlier sessions reach the plan."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from spineball.cues import CueService, CueSettings
from spineball.protocol import BuzzPattern
from spineball.session.api import MarkLandmark, SetCues
from spineball.session.cue_bridge import CueBridge
from spineball.session.history import HISTORY_KEY, PastSession
from spineball.virtual.body import simulate
from tests.cues.replay import scenario, truth_level_crossings
from tests.link.helpers import recording

TIME_SCALE = 5.0


async def test_lumbar_excursion_through_the_recorder_buzzes_the_ball(tmp_path: Path) -> None:
    sim = simulate(
        scenario(3, sore_spots=(), rests=0, pauses=0, on_ball_s=30.0, lumbar_excursions=1)
    )
    (into_l1,) = truth_level_crossings(sim, "T12")
    settings = CueSettings(outputs=("buzz",))
    async with recording(tmp_path, source=sim.source(), time_scale=TIME_SCALE) as rec:
        cues = CueService(settings, speech=None, player=None, bell=lambda _n: None)
        async with cues:
            bridge = CueBridge(cues, rec.recorder.note_cue)
            rec.recorder.live_consumers.append(bridge.on_update)
            rec.recorder.input_consumers.append(bridge.on_input)
            cues.attach_buzz(rec.recorder.send_buzz)
            client = rec.recorder.attach()
            await client.send(SetCues(volume=0.25))
            assert cues.board.volume == 0.25
            # the user marks the landmarks as the simulated person did
            marks = [e for e in sim.meta.events if e.kind == "landmark" and e.level]
            async with asyncio.timeout((into_l1 + 10.0) / TIME_SCALE + 20.0):
                async for update in client.updates():
                    while marks and update.snapshot.t_s >= marks[0].t_s:
                        await client.send(MarkLandmark(str(marks.pop(0).level)))
                    if any(c.kind == "lumbar_red" for c in update.cues):
                        break
            async with asyncio.timeout(5.0):
                while not any(b.pattern == BuzzPattern.ALARM for b in rec.world.ball.buzzes):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            await client.close()
        alarm = next(b for b in rec.world.ball.buzzes if b.pattern == BuzzPattern.ALARM)
        start = rec.world.ball.sample_time(0)
        # it belongs to the excursion (timing bounds are the cue engine's own tests)
        assert alarm.sim_time_s - start == pytest.approx(into_l1, abs=1.5)
        note = next(c for c in rec.recorder.hub.latest.cues if c.kind == "lumbar_red")
        assert note.priority == "urgent"


async def test_earlier_sessions_set_the_plan_and_are_cached(tmp_path: Path) -> None:
    async with recording(tmp_path) as first:
        await asyncio.sleep(0.5)
        first_id = await first.finish()
        entry = first.db.session_meta(first_id).extra[HISTORY_KEY]
        analysis = first.recorder.live.analysis
        assert analysis is not None
        assert PastSession.from_json(entry) == PastSession.of(analysis)
    async with recording(tmp_path) as second:
        async with asyncio.timeout(10.0):
            while second.recorder.live.snapshot().plan.session_number != 2:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        assert len(second.recorder.history) == 1
        assert second.recorder.history[0] == PastSession.from_json(entry)
        await second.finish()
