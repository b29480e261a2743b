"""Exporting a stored 1-hour 100 Hz session end-to-end, against pandas in the same run.

python benchmarks/export.py [--minutes 60]

The session is recorded into a temporary database the way a ball's stream is
(device-frame quaternions with an arbitrary heading, the stream's clock,
calibration points and landmarks), so an export does everything a user's
does: read the blocks, turn the quaternions into the body frame, analyse the
session for the per-sample load_n / position_mm / level columns, and write
the file. Baseline: pandas ``DataFrame.to_csv`` of the same columns (values
already in memory), measured in the same run. Best of 3.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from spineball.analysis import analyze
from spineball.export.formats import ExportFormat, write_export
from spineball.export.run import Job, export_files
from spineball.export.stored import heading_json, load_session
from spineball.samples import SAMPLE_DTYPE, SESSION_COLUMNS, BlockClock, SampleBlock
from spineball.sessionfile import Event, SessionMeta
from spineball.store import Database, DeviceInfo
from spineball.virtual.body import random_scenario, simulate

RATE = 100.0


def record_session(db: Database, minutes: float) -> int:
    """Simulated 15-minute sessions back to back, as the ball would send them."""
    parts, events = [], []
    offset, meta = 0.0, None
    seeds = iter(range(11, 1000))
    while offset < minutes * 60.0 - 1.0:
        on_ball = min(880.0, max(30.0, minutes * 60.0 - offset - 20.0))
        sim = simulate(random_scenario(next(seeds), on_ball_s=on_ball, height_m=1.75, mass_kg=75))
        source = sim.source(heading_deg=137.0)
        t = sim.samples["t_s"]
        read = source.read(t)
        s = np.zeros(len(t), dtype=SAMPLE_DTYPE)
        s["t_s"] = t + offset
        s["pressure_pa"] = read.pressure_pa
        s["temperature_c"] = read.temperature_c
        for k, name in enumerate(("qw", "qx", "qy", "qz")):
            s[name] = read.quaternion[:, k]
        parts.append(s)
        events += [Event(e.t_s + offset, e.kind, e.level, e.value) for e in sim.meta.events]
        meta = meta or sim.meta
        offset = float(s["t_s"][-1]) + 1.0 / RATE
    assert meta is not None
    samples = np.concatenate(parts)
    samples = samples[samples["t_s"] < minutes * 60.0]
    samples["index"] = np.arange(len(samples))
    samples["t_s"] = samples["index"] / RATE  # one clock for the whole stream
    session_meta = SessionMeta(RATE, meta.ball, meta.user, meta.calibration, tuple(events))
    ball = db.upsert_device(DeviceInfo("F0:0D:CA:FE:00:01", "SB-1A2B"))
    clock = BlockClock(0, 0.0, 1.0 / RATE)
    with db.start_session(session_meta, device_id=ball, source="virtual") as recorder:
        for start in range(0, len(samples), 50):  # the stream's 0.5 s blocks
            recorder.append(SampleBlock(samples[start : start + 50], RATE, clock=clock))
            if start % 5000 == 0:
                recorder.commit()
        return recorder.session_id


def end_to_end(db: Database, sid: int, fmt: ExportFormat, path: Path) -> None:
    for written in export_files(db, [Job(sid, 0, path)], fmt):
        written.unlink()


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
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.db")
        sid = record_session(db, args.minutes)
        row = db.session(sid)
        print(f"stored session: {row.samples} samples ({row.duration_s / 60:.1f} min at 100 Hz)")

        read = best(lambda: db.session_data(sid))
        body = best(lambda: load_session(db, sid))
        stored = load_session(db, sid)
        analysis = best(lambda: analyze(stored.data))
        columns = best(lambda: load_session(db, sid).derived_columns())
        print(f"  read from the database          {read:6.3f} s")
        print(f"  + body frame (heading, rotate)  {body:6.3f} s")
        print(f"  analysis alone                  {analysis:6.3f} s")
        print(f"  all of it + per-sample columns  {columns:6.3f} s")

        inp = stored.export_input()
        results = {}
        for fmt in ExportFormat:
            path = Path(tmp) / f"bench{fmt.suffix}"
            path.unlink(missing_ok=True)
            results[fmt.value] = best(lambda fmt=fmt, path=path: end_to_end(db, sid, fmt, path))
            write_only = best(lambda fmt=fmt, path=path: write_export(inp, fmt, path))
            size = path.stat().st_size / row.samples
            print(
                f"  export {fmt.value:8} end-to-end {results[fmt.value]:6.2f} s"
                f"  (writing alone {write_only:5.2f} s)  {size:5.1f} B/sample"
            )
        # What a session recorded by spineball holds: the live analysis's heading.
        assert stored.heading is not None
        db.update_extra(sid, {"heading": heading_json(stored.heading)})
        recorded = best(lambda: end_to_end(db, sid, ExportFormat.CSV, Path(tmp) / "r.csv"))
        print(f"  export csv, heading recorded live {recorded:5.2f} s")
        try:
            import pandas as pd
        except ImportError:
            print("  pandas not installed: no baseline")
            return
        frame = pd.DataFrame(
            {c: inp.data.samples[c] for c in SESSION_COLUMNS} | dict(inp.data.extra)
        )
        baseline = best(lambda: frame.to_csv(io.StringIO(), index=False), repeats=1)
        print(f"  pandas to_csv (in memory)        {baseline:5.2f} s")
        print(f"  CSV end-to-end vs pandas to_csv: {baseline / results['csv']:.1f}× faster")
        db.close()


if __name__ == "__main__":
    main()
