"""Cost of the analysis: offline on a 1-hour 100 Hz session, live at 200 Hz.

    python benchmarks/analysis.py

Offline: ``analyze_session`` on one hour of simulated 100 Hz samples (four
15-minute sessions back to back), best of 3, against a baseline measured in
the same run: converting every sample's quaternion to angles once (the least
any orientation analysis must do).

Live: a 200 Hz session fed to :class:`LiveAnalyzer` in 10-sample blocks (the
ball's 50 ms batches at 200 Hz) with a snapshot 4 times a second (a dashboard
refresh), as CPU time per second of stream (% of one core), against a
baseline consumer that only keeps the blocks (what a recorder must do at
least), measured in the same run.
"""

from __future__ import annotations

import time

import numpy as np

from spineball.analysis.live import LiveAnalyzer
from spineball.analysis.orientation import euler_zyx
from spineball.analysis.report import analyze_session
from spineball.samples import Samples, quaternions
from spineball.sessionfile import Event, SessionData, SessionMeta
from spineball.virtual.body import random_scenario, simulate

BLOCK = 10  # samples per block at 200 Hz
SNAPSHOT_HZ = 4.0


def one_hour() -> SessionData:
    parts: list[Samples] = []
    events: list[Event] = []
    offset = 0.0
    meta: SessionMeta | None = None
    for seed in (11, 12, 13, 14):
        sim = simulate(random_scenario(seed, on_ball_s=880.0, height_m=1.75, mass_kg=75.0))
        s = sim.samples.copy()
        s["t_s"] += offset
        parts.append(s)
        events += [Event(e.t_s + offset, e.kind, e.level, e.value) for e in sim.meta.events]
        meta = meta or sim.meta
        offset = float(s["t_s"][-1]) + 0.01
    assert meta is not None
    samples = np.concatenate(parts)
    return SessionData(
        SessionMeta(100.0, meta.ball, meta.user, meta.calibration, tuple(events)), samples
    )


def best_of(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def offline() -> None:
    data = one_hour()
    hours = data.duration_s / 3600.0
    analysis = best_of(3, lambda: analyze_session(data))
    baseline = best_of(3, lambda: euler_zyx(quaternions(data.samples)))
    print(f"Offline: {len(data.samples)} samples ({hours:.2f} h at 100 Hz)")
    print(f"  analyze_session        {analysis:7.3f} s   (goal ≤ 0.5 s)")
    print(f"  baseline (angles once) {baseline:7.3f} s")
    print(f"  ratio                  {analysis / baseline:7.1f} ×")


def live() -> None:
    sim = simulate(random_scenario(22, on_ball_s=300.0), rate_hz=200.0)
    samples = sim.samples
    stream_s = float(samples["t_s"][-1] - samples["t_s"][0])
    blocks = [samples[i : i + BLOCK] for i in range(0, len(samples), BLOCK)]
    events = list(sim.meta.events)

    def run_live() -> float:
        live = LiveAnalyzer(SessionMeta(200.0, sim.meta.ball, sim.meta.user, sim.meta.calibration))
        pending = list(events)
        next_snap = 0.0
        start = time.process_time()
        for block in blocks:
            live.feed(block)
            now = float(block["t_s"][-1])
            while pending and pending[0].t_s <= now:
                live.add_event(pending.pop(0))
            if now >= next_snap:
                live.snapshot()
                next_snap = now + 1.0 / SNAPSHOT_HZ
        return time.process_time() - start

    def run_baseline() -> float:
        kept: list[Samples] = []
        start = time.process_time()
        for block in blocks:
            kept.append(block.copy())
        np.concatenate(kept)
        return time.process_time() - start

    cpu = min(run_live() for _ in range(3))
    base = min(run_baseline() for _ in range(3))
    live_final = LiveAnalyzer(sim.meta)
    for block in blocks:
        live_final.feed(block)
    start = time.perf_counter()
    live_final.result()
    finish = time.perf_counter() - start
    print(f"Live: {len(samples)} samples at 200 Hz ({stream_s:.0f} s), {len(blocks)} blocks")
    print(
        f"  LiveAnalyzer.feed + {SNAPSHOT_HZ:g} Hz snapshots  {cpu:6.3f} s CPU"
        f" = {100 * cpu / stream_s:5.2f} % of one core   (goal ≤ 2 %)"
    )
    print(
        f"  baseline (keep the blocks)          {base:6.3f} s CPU"
        f" = {100 * base / stream_s:5.2f} % of one core"
    )
    print(f"  ratio                               {cpu / base:6.1f} ×")
    print(f"  final result at the end             {finish:6.3f} s")


if __name__ == "__main__":
    offline()
    live()
