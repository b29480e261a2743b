"""Cue latency against the simulator's truth, cue counts, and the engine's cost.

    python benchmarks/cues.py

Sessions: seeds 1–20, each with two lumbar excursions and 80 s planned on the
ball (sore spots, side bends and rests as drawn), fed to the live analyser in
0.1 s blocks with a snapshot after each (10 Hz, as the recorder does); the
cue engine gets every snapshot.

Latency is cue time minus the moment the simulator's per-sample truth says
the contact point passed T12 into L1 ("past L1" alarm) or T11 into T12 (the
first lumbar cue of the approach, amber or red); negative means the guard
spoke first (it adds half the position uncertainty). Cost: the engine's time
per snapshot against the live analyser's snapshot, measured in the same run.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from spineball import anatomy
from spineball.analysis.live import LiveAnalyzer
from spineball.cues import Cue, CueEngine, CueKind
from spineball.virtual.body import SimulatedSession, random_scenario, simulate

SEEDS = range(1, 21)
BOUND_S = 0.3


def crossings(sim: SimulatedSession, level: str) -> list[float]:
    below = sim.per_sample.level_index > anatomy.level_index(level)
    starts = np.flatnonzero(below[1:] & ~below[:-1]) + 1
    return [float(sim.per_sample.t_s[i]) for i in starts]


def run(seed: int) -> tuple[SimulatedSession, list[Cue], float, float, int]:
    sc = random_scenario(seed)
    sc = dataclasses.replace(
        sc, script=dataclasses.replace(sc.script, on_ball_s=80.0, lumbar_excursions=2)
    )
    sim = simulate(sc)
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    engine = CueEngine()
    events = list(sim.meta.events)
    snap_s = engine_s = 0.0
    n = 0
    for i in range(0, len(sim.samples), 10):
        block = sim.samples[i : i + 10]
        live.feed(block)
        while events and events[0].t_s <= float(block["t_s"][-1]):
            live.add_event(events.pop(0))
        t0 = time.perf_counter()
        snap = live.snapshot()
        t1 = time.perf_counter()
        engine.update(snap)
        t2 = time.perf_counter()
        snap_s += t1 - t0
        engine_s += t2 - t1
        n += 1
    return sim, engine.history, snap_s, engine_s, n


def stats(values: list[float]) -> str:
    v = np.array(values)
    return (
        f"min {v.min():+.2f}  median {np.median(v):+.2f}  p95 {np.percentile(v, 95):+.2f}"
        f"  max {v.max():+.2f} s  (n={len(v)})"
    )


def main() -> None:
    red_lat: list[float] = []
    first_lat: list[float] = []
    guard_lat: list[float] = []
    late: list[str] = []
    reds_per_excursion: list[int] = []
    ambers_per_approach: list[int] = []
    spot_ratio: list[float] = []
    routine_per_min: list[float] = []
    snap_total = engine_total = 0.0
    snapshots = 0
    for seed in SEEDS:
        sim, cues, snap_s, engine_s, n = run(seed)
        snap_total, engine_total, snapshots = (
            snap_total + snap_s,
            engine_total + engine_s,
            snapshots + n,
        )
        reds = [c for c in cues if c.kind == CueKind.LUMBAR_RED]
        lumbar = [c for c in cues if c.kind in (CueKind.LUMBAR_RED, CueKind.LUMBAR_AMBER)]
        into_l1 = crossings(sim, "T12")
        for ex, cross in zip(sim.truth["lumbar_excursions"], into_l1, strict=True):
            first = [c for c in reds if c.repeat == 0 and c.t_s >= cross - 5.0]
            red_lat.append(first[0].t_s - cross if first else float("inf"))
            if red_lat[-1] > BOUND_S:
                late.append(f"seed {seed} at {cross:.2f} s: {red_lat[-1]:+.2f} s")
            clear = sim.per_sample.on_ball & (
                sim.per_sample.level_index <= anatomy.level_index("T10")
            )
            last_clear = float(sim.per_sample.t_s[clear & (sim.per_sample.t_s < cross)][-1])
            approach = [c.t_s for c in lumbar if c.t_s >= last_clear]
            guard_lat.append(approach[0] - cross if approach else float("inf"))
            window = [c for c in reds if ex["start_s"] - 3 <= c.t_s <= ex["end_s"] + 1.7]
            reds_per_excursion.append(len(window))
            ambers = [
                c for c in lumbar
                if c.kind == CueKind.LUMBAR_AMBER and cross - 10 <= c.t_s <= cross
            ]  # fmt: skip
            ambers_per_approach.append(len(ambers))
        truth = sim.per_sample
        clear = truth.on_ball & (truth.level_index <= anatomy.level_index("T10"))
        for entering in crossings(sim, "T11"):
            if not any(0 <= x - entering <= 20 for x in into_l1):
                continue
            last_clear = float(truth.t_s[clear & (truth.t_s < entering)][-1])
            said = [c.t_s for c in lumbar if c.t_s >= last_clear]
            first_lat.append(said[0] - entering if said else float("inf"))
        spots = sim.truth["spots"]
        if spots:
            spot_ratio.append(sum(c.kind == CueKind.NEW_SPOT for c in cues) / len(spots))
        minutes = sim.truth["session"]["duration_s"] / 60.0
        routine_per_min.append(sum(not c.urgent for c in cues) / minutes)
    print(f"Sessions: seeds {SEEDS.start}–{SEEDS.stop - 1}, {len(red_lat)} lumbar excursions")
    print(f"  'past L1' cue vs truth entering L1    {stats(red_lat)}")
    print(f"  first lumbar cue vs truth entering L1  {stats(guard_lat)}")
    print(f"  first lumbar cue vs truth entering T12 {stats(first_lat)}")
    for name, values in (("past L1", red_lat), ("any, L1", guard_lat), ("any, T12", first_lat)):
        share = sum(x <= BOUND_S for x in values) / len(values)
        print(f"  within {BOUND_S} s ({name}): {100 * share:.0f} %")
    print(f"  'past L1' later than {BOUND_S} s: {'; '.join(late) or 'none'}")
    print(f"  'past L1' cues per excursion (first + repeats): {sorted(set(reds_per_excursion))}")
    print(f"  'approaching' cues per approach: {sorted(set(ambers_per_approach))}")
    print(f"  'new spot' cues per true spot: mean {np.mean(spot_ratio):.3f}")
    print(f"  routine cues per minute: median {np.median(routine_per_min):.1f}")
    print(f"Cost over {snapshots} snapshots:")
    print(f"  CueEngine.update       {1e6 * engine_total / snapshots:8.1f} µs per snapshot")
    print(
        f"  LiveAnalyzer.snapshot  {1e6 * snap_total / snapshots:8.1f} µs per snapshot (baseline)"
    )
    print(f"  ratio                  {engine_total / snap_total:8.4f} ×")


if __name__ == "__main__":
    main()
