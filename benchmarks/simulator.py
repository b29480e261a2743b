"""Person-on-ball simulator speed: a 10-minute session at 100 Hz, and the pressure solver.

    python benchmarks/simulator.py [--minutes M] [--rate HZ]

Prints the time to simulate one session (best of 5) and its real-time factor,
the time to write it (CSV + sidecar + truth), and the vectorised load → depth →
pressure solve against a per-sample scalar solver measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spineball.virtual.body import AirBall, random_scenario, simulate


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def scalar_pressure(ball: AirBall, load: float) -> float:
    """What a straightforward solver does: bisection on F(d), one sample at a time."""
    lo, hi = 0.0, 0.9 * ball.radius_m
    for _ in range(40):
        mid = (lo + hi) / 2
        if float(ball.force_at_depth(np.array([mid]))[0]) < load:
            lo = mid
        else:
            hi = mid
    return float(ball.pressure_at_depth(np.array([lo]))[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()

    scenario = random_scenario(3, on_ball_s=args.minutes * 60.0 - 8.0)
    session = simulate(scenario, args.rate)
    n = len(session.samples)
    elapsed = best_of(5, lambda: simulate(scenario, args.rate))
    duration = session.duration_s
    print(
        f"simulate: {duration / 60:.1f} min at {args.rate:g} Hz ({n} samples) in "
        f"{elapsed * 1000:.0f} ms — {duration / elapsed:.0f}× real time, "
        f"{n / elapsed / 1e6:.2f} M samples/s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        write = best_of(3, lambda: session.write(Path(tmp) / "bench.csv"))
    print(f"write CSV + sidecar + truth: {write * 1000:.0f} ms")

    ball, loads = session.air_ball, session.per_sample.load_n
    fast = best_of(5, lambda: ball.static_pressure(loads))
    subset = loads[:: max(1, n // 2000)]
    slow = best_of(1, lambda: [scalar_pressure(ball, float(f)) for f in subset])
    fast_rate, slow_rate = n / fast, len(subset) / slow
    check = ball.static_pressure(subset) - np.array(
        [scalar_pressure(ball, float(f)) for f in subset]
    )
    print(
        f"pressure solve: vectorised {fast_rate / 1e6:.2f} M samples/s, per-sample "
        f"{slow_rate / 1e3:.1f} k samples/s, ratio {fast_rate / slow_rate:.0f}× "
        f"(max difference {np.max(np.abs(check)):.3f} Pa)"
    )


if __name__ == "__main__":
    main()
