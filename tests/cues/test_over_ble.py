"""A lumbar excursion buzzes the ball: simulator → virtual ball → bleak → analysis → cue → BUZZ.

Everything real except the radio: the virtual ball streams a simulated
session over a Bumble link through the real bleak API, the client is paired
and subscribed, the live analyser reads the device-frame stream, and the cue
service writes BUZZ commands back through bleak. The ball's own record of
the BUZZ commands it received (with its simulated time) is compared with the
simulator's truth of when the contact point passed T12.

To keep the test short, the session's first 20 s (getting on, both landmarks,
the roll that fixes the heading) reach the analyser as if received earlier in
the session — the same device-frame values the ball would send — and the ball
streams from there on, at twice real time, through the approach and the excursion.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from spineball.analysis.live import LiveAnalyzer
from spineball.cues import BuzzUnsupportedError, CueKind, CueService
from spineball.protocol import RATE_HZ, Buzz, BuzzPattern, Rate, Result, Start, decode_frames
from spineball.samples import SAMPLE_DTYPE, Samples
from spineball.virtual.body import simulate
from spineball.virtual.source import SampleSource, SourceSamples
from spineball.virtual.world import VirtualWorld
from tests.cues.replay import scenario, truth_level_crossings
from tests.virtual.helpers import BallSession, ball_session

TIME_SCALE = 2.0  # simulated seconds per wall second (link delays count double)
EARLIER_S = 20.0  # received before this test's connection
RATE = Rate.HZ_100
LATENCY_BOUND_S = 0.3
SNAPSHOT_SAMPLES = 10  # a snapshot per 0.1 s of stream, as the recorder does


@dataclass(frozen=True)
class Later:
    """The simulated session from ``offset_s`` on (what the ball samples after START)."""

    source: SampleSource
    offset_s: float

    def read(self, t_s: npt.NDArray[np.float64]) -> SourceSamples:
        return self.source.read(np.asarray(t_s) + self.offset_s)


def earlier_samples(source: SampleSource) -> Samples:
    """The session's first ``EARLIER_S`` in device frame, as the ball sent them before."""
    n = round(EARLIER_S * RATE_HZ[RATE])
    t = np.arange(n) / RATE_HZ[RATE]
    read = source.read(t)
    out = np.zeros(n, dtype=SAMPLE_DTYPE)
    out["index"], out["t_s"] = np.arange(n), t
    out["pressure_pa"], out["temperature_c"] = read.pressure_pa, read.temperature_c
    for k, name in enumerate(("qw", "qx", "qy", "qz")):
        out[name] = read.quaternion[:, k]
    return out


def to_samples(session: BallSession, start: int, first_index: int) -> Samples:
    """Frames ``start …`` as a sample array on the session's device timebase."""
    decoded = decode_frames(session.frames[start:])
    out = np.zeros(len(decoded), dtype=SAMPLE_DTYPE)
    out["index"] = first_index + decoded["index"].astype(np.int64)
    out["t_s"] = out["index"] / RATE_HZ[RATE]
    for name in ("pressure_pa", "temperature_c", "qw", "qx", "qy", "qz"):
        out[name] = decoded[name]
    return out


async def test_lumbar_excursion_makes_the_ball_buzz_the_alarm(tmp_path: Path) -> None:
    sim = simulate(
        scenario(3, sore_spots=(), rests=0, pauses=0, on_ball_s=30.0, lumbar_excursions=1)
    )
    (crossing,) = truth_level_crossings(sim, "T12")  # the contact passes T12 into L1
    events = sorted(sim.meta.events, key=lambda e: e.t_s)
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()), orientation="device")
    source = sim.source()
    before = earlier_samples(source)
    cues = CueService(speech=None, player=None, bell=lambda _n: None)

    def analyse(block: Samples) -> None:
        live.feed(block)
        now = float(block["t_s"][-1])
        while events and events[0].t_s <= now:  # the user marks landmarks
            live.add_event(events.pop(0))
        cues.update(live.snapshot())

    for i in range(0, len(before), SNAPSHOT_SAMPLES):
        analyse(before[i : i + SNAPSHOT_SAMPLES])
    assert live.heading is not None, "the heading is fixed in the first 20 s"
    assert not cues.engine.history, "nothing to say before the approach"
    async with (
        VirtualWorld(
            state_dir=tmp_path, source=Later(source, EARLIER_S), time_scale=TIME_SCALE
        ) as world,
        ball_session(world.stack) as session,  # scanned, connected, paired, subscribed
    ):

        async def send_buzz(buzz: Buzz) -> None:
            response = await session.command(buzz)
            if response.result is Result.UNKNOWN_OPCODE:
                raise BuzzUnsupportedError("the ball's firmware has no buzz motor")
            assert response.result is Result.OK, response

        async with cues:
            cues.attach_buzz(send_buzz)  # the link is up and paired
            assert (await session.command(Start(RATE))).result is Result.OK
            used, pending = 0, np.zeros(0, dtype=SAMPLE_DTYPE)
            deadline = time.monotonic() + (crossing - EARLIER_S + 3.0) / TIME_SCALE + 10.0
            while not any(b.pattern == BuzzPattern.ALARM for b in world.ball.buzzes):
                assert time.monotonic() < deadline, "no alarm buzz"
                await session.frame_event.wait()
                session.frame_event.clear()
                new = to_samples(session, used, len(before))
                used = len(session.frames)
                pending = np.concatenate((pending, new))
                while len(pending) >= SNAPSHOT_SAMPLES:
                    block, pending = pending[:SNAPSHOT_SAMPLES], pending[SNAPSHOT_SAMPLES:]
                    analyse(block)

    # Simulator time: the ball's first sample after START is EARLIER_S into the session.
    start = world.ball.sample_time(0) - EARLIER_S
    alarm = next(b for b in world.ball.buzzes if b.pattern == BuzzPattern.ALARM)
    latency = alarm.sim_time_s - start - crossing
    print(f"alarm buzz {latency:+.3f} s (simulated) after the contact passed T12")
    assert latency <= LATENCY_BOUND_S, f"alarm {latency:+.3f} s after the crossing"
    assert latency > -5.0  # and it belongs to this excursion
    said = [e.cue.kind for e in cues.board.last]
    assert CueKind.LUMBAR_RED in said
    assert "buzz" in cues.board.last[0].outputs
    # The approach was announced with a long buzz before the alarm, and nothing else buzzed.
    assert [b.pattern for b in world.ball.buzzes] == [BuzzPattern.LONG, BuzzPattern.ALARM]
    assert cues.board.problems == []
