"""Replay a simulated session through the live analyser and the cue engine (as the recorder)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from spineball import anatomy
from spineball.analysis.live import LiveAnalyzer, LiveSnapshot
from spineball.cues import Cue, CueEngine, CueKind, CueSettings
from spineball.virtual.body import Scenario, SimulatedSession, random_scenario, simulate

BLOCK_S = 0.1  # the recorder snapshots at 10 Hz (the dashboard redraws at 10–20 fps)


@dataclass
class Replay:
    sim: SimulatedSession
    snaps: list[LiveSnapshot]
    cues: list[Cue]

    def of(self, *kinds: CueKind) -> list[Cue]:
        return [c for c in self.cues if c.kind in kinds]

    def first_seen(self, kind: CueKind) -> list[Cue]:
        return [c for c in self.of(kind) if c.repeat == 0]


def scenario(seed: int, **script: object) -> Scenario:
    sc = random_scenario(seed)
    return dataclasses.replace(sc, script=dataclasses.replace(sc.script, **script))


def replay(sc: Scenario, settings: CueSettings | None = None) -> Replay:
    """Feed the session in 0.1 s blocks; events reach the analyser once the stream passes them."""
    sim = simulate(sc)
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    engine = CueEngine(settings)
    events = list(sim.meta.events)
    samples = sim.samples
    step = round(BLOCK_S * sim.meta.sample_rate_hz)
    snaps: list[LiveSnapshot] = []
    for i in range(0, len(samples), step):
        block = samples[i : i + step]
        live.feed(block)
        now = float(block["t_s"][-1])
        while events and events[0].t_s <= now:
            live.add_event(events.pop(0))
        snap = live.snapshot()
        snaps.append(snap)
        engine.update(snap)
    return Replay(sim, snaps, list(engine.history))


def truth_level_crossings(sim: SimulatedSession, level: str) -> list[float]:
    """Times the true contact point first passes *below* ``level`` (into the next vertebra)."""
    truth = sim.per_sample
    below = truth.level_index > anatomy.level_index(level)
    starts = np.flatnonzero(below[1:] & ~below[:-1]) + 1
    return [float(truth.t_s[i]) for i in starts]
