"""Accuracy of ``spineball.analysis`` against the simulator's ground truth.

    python benchmarks/accuracy.py [--sessions 1-40] [--histories 1-24] [--verbose]

Simulates sessions with ``random_scenario(seed)`` (varied people, balls,
inflations, scripts) and multi-session histories with ``simulate_history``,
analyses them exactly as ``spineball analyze`` does, and prints the metrics
against the acceptance thresholds, with the seeds used. The default seeds are
evaluation seeds: no constant in the analysis was chosen by looking at them.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.analysis.scoring import THRESHOLDS, Tally, passes

from spineball.analysis.report import analyze, analyze_session, report
from spineball.sessionfile import SessionData
from spineball.virtual.body import random_scenario, simulate
from spineball.virtual.body.history import HISTORY_SCENARIOS, simulate_history

KINDS = list(HISTORY_SCENARIOS)


def _range(text: str) -> range:
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def one_session(
    seed: int,
) -> tuple[int, dict[str, Any], dict[str, Any], dict[str, float], dict[str, dict[str, Any]]]:
    sim = simulate(random_scenario(seed))
    result = analyze_session(SessionData(sim.meta, sim.samples))
    stripped = {
        "no calibration": dataclasses.replace(sim.meta, calibration=()),
        "no landmarks": dataclasses.replace(
            sim.meta, events=tuple(e for e in sim.meta.events if e.kind != "landmark")
        ),
    }
    degraded = {
        name: analyze_session(SessionData(meta, sim.samples)) for name, meta in stripped.items()
    }
    s = sim.scenario
    about = {
        "height_m": s.person.height_m,
        "mass_kg": s.person.mass_kg,
        "radius_m": s.ball.radius_m,
        "gauge_kpa": s.ball.rest_gauge_kpa,
        "duration_s": sim.duration_s,
    }
    return seed, sim.truth, result, about, degraded


def one_history(seed: int) -> tuple[int, str, int, str, str]:
    kind = KINDS[seed % len(KINDS)]
    n = 4 + seed % 5
    history = simulate_history(seed, n, kind)
    analyses = [analyze(SessionData(s.meta, s.samples)) for s in history.sessions]
    got = report(analyses[-1], analyses[:-1])["advice"]["action"]
    return seed, kind, n, history.expected_advice["action"], got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1-40", help="seed range, e.g. 1-40")
    parser.add_argument("--histories", default="1-24", help="seed range, e.g. 1-24")
    parser.add_argument("--verbose", action="store_true", help="one line per session")
    args = parser.parse_args()
    sessions, histories = _range(args.sessions), _range(args.histories)
    started = time.perf_counter()
    tally = Tally()
    with Pool(2) as pool:
        session_results = pool.map(one_session, sessions)
        history_results = pool.map(one_history, histories)
    abouts = []
    degraded: dict[str, Tally] = {}
    for seed, truth, result, about, others in session_results:
        tally.add_session(truth, result)
        for name, other in others.items():
            degraded.setdefault(name, Tally()).add_session(truth, other)
        abouts.append(about)
        if args.verbose:
            own = Tally()
            own.add_session(truth, result)
            m = own.metrics()
            print(
                f"  session {seed:4d}: spots {len(truth['spots'])}/{len(result['spots'])} "
                f"F1 {m['spot_f1']:.2f} dwell {m['dwell_mae_s']:.2f} s "
                f"load {m['load_error_mean'] * 100:.1f} % bends F1 {m['bend_f1']:.2f} "
                f"lumbar {own.lumbar_caught}/{own.lumbar_truth}"
            )
    for seed, kind, n, expected, got in history_results:
        tally.add_advice(expected, got)
        if args.verbose or expected != got:
            mark = "" if expected == got else "   <- wrong"
            print(f"  history {seed:4d} {kind:15s} {n} sessions: {expected:8s} got {got}{mark}")
    elapsed = time.perf_counter() - started

    def span(key: str, fmt: str) -> str:
        values = np.array([a[key] for a in abouts])
        return f"{format(values.min(), fmt)}–{format(values.max(), fmt)}"

    print(
        f"\n{len(sessions)} sessions (seeds {sessions.start}–{sessions.stop - 1}): "
        f"height {span('height_m', '.2f')} m, mass {span('mass_kg', '.0f')} kg, "
        f"ball radius {span('radius_m', '.3f')} m, inflation {span('gauge_kpa', '.1f')} kPa, "
        f"{span('duration_s', '.0f')} s long; "
        f"{tally.spot_truth} spots, {tally.bend_truth} side bends, "
        f"{tally.lumbar_truth} lumbar excursions"
    )
    print(
        f"{len(histories)} histories (seeds {histories.start}–{histories.stop - 1}, "
        f"{', '.join(KINDS)}), 4–8 sessions each\n"
    )
    metrics = tally.metrics()
    labels = {
        "spot_f1": "spot F1 (overlap ≥ 50 % of the shorter)",
        "dwell_mae_s": "dwell MAE (s)",
        "level_within_1": "level within ±1 vertebra",
        "load_error_mean": "per-spot mean load error (mean)",
        "bend_f1": "side-bend F1",
        "lumbar_recall": "lumbar excursion recall",
        "advice_accuracy": "inflation action correct",
    }
    print(f"| {'metric':42s} | {'value':>7s} | {'target':>7s} | ok  |")
    print(f"|{'-' * 44}|{'-' * 9}|{'-' * 9}|-----|")
    for name, label in labels.items():
        op, limit = THRESHOLDS[name]
        ok = "yes" if passes(name, metrics[name]) else "NO"
        print(f"| {label:42s} | {metrics[name]:7.3f} | {op}{limit:5.2f} | {ok:3s} |")
    print(f"| {'per-spot mean load error (90th pct)':42s} | {metrics['load_error_p90']:7.3f} |")
    print("\nDocumented fallbacks on the same sessions (no thresholds):")
    for name, t in degraded.items():
        m = t.metrics()
        print(
            f"  {name:15s} spot F1 {m['spot_f1']:.3f}, level ±1 {m['level_within_1']:.3f}, "
            f"load error {m['load_error_mean']:.3f} (p90 {m['load_error_p90']:.3f}), "
            f"lumbar recall {m['lumbar_recall']:.3f}"
        )
    print(f"\n{elapsed:.1f} s")


if __name__ == "__main__":
    main()
