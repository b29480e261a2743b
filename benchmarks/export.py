"""Export of a 1-hour 100 Hz session in each format, against pandas in the same run.

python benchmarks/export.py [--minutes 60]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spineball.export import ExportFormat, ExportInput, write_export
from spineball.samples import SESSION_COLUMNS, SESSION_DTYPE
from spineball.sessionfile import SessionData, SessionMeta


def session(minutes: float) -> ExportInput:
    n = int(minutes * 60 * 100)
    rng = np.random.default_rng(0)
    s = np.zeros(n, dtype=SESSION_DTYPE)
    s["t_s"] = np.arange(n) / 100
    s["pressure_pa"] = np.round((114_300 + rng.normal(0, 900, n)) * 16) / 16
    s["temperature_c"] = np.round(rng.uniform(25, 33, n) * 100) / 100
    angle = np.cumsum(rng.normal(0, 0.002, n))
    s["qw"], s["qx"] = np.cos(angle / 2), np.sin(angle / 2)
    extra = {
        "load_n": np.round(rng.uniform(0, 600, n), 1),
        "position_mm": np.round(rng.uniform(0, 400, n), 1),
        "level": np.array(["T4", "T5", "T6", "T7"])[rng.integers(0, 4, n)],
    }
    return ExportInput("bench", SessionData(SessionMeta(), s, extra))


def best(fn: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    inp = session(args.minutes)
    print(f"{len(inp)} samples ({args.minutes:g} min at 100 Hz), best of 3")
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for fmt in ExportFormat:
            path = Path(tmp) / f"bench{fmt.suffix}"
            results[fmt.value] = best(lambda fmt=fmt, path=path: write_export(inp, fmt, path))
            per_sample = path.stat().st_size / len(inp)
            seconds = results[fmt.value]
            print(f"  spineball {fmt.value:8} {seconds:6.2f} s  {per_sample:5.1f} B/sample")
        try:
            import pandas as pd
        except ImportError:
            print("  pandas not installed: no baseline")
            return
        frame = pd.DataFrame({c: inp.data.samples[c] for c in SESSION_COLUMNS} | inp.data.extra)
        baseline = best(lambda: frame.to_csv(io.StringIO(), index=False), repeats=1)
        print(f"  pandas   to_csv   {baseline:6.2f} s")
        print(f"  CSV speed-up over pandas: {baseline / results['csv']:.1f}×")


if __name__ == "__main__":
    main()
