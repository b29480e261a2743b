"""Recorder throughput, commit latency and size on disk vs a naive row-per-sample table.

    python benchmarks/store.py [--minutes 10]

Both stores get the same 100 Hz session (stream blocks of 50 samples, one
commit per 0.5 s of data, as the live recorder does) in the same run, in WAL
mode with synchronous=NORMAL. Prints sustained insert rate, commit latency
(median / 99th percentile / max), read-back rate, and bytes per sample on
disk (the whole file after a checkpoint, fixed schema overhead included).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from spineball import protocol as p
from spineball.samples import SampleBlock
from spineball.sessionfile import SessionMeta
from spineball.store import Database
from spineball.stream import StreamAssembler

COMMIT_EVERY = 10  # blocks of 50 samples = 0.5 s at 100 Hz


def make_frames(n: int) -> list[bytes]:
    """n samples as a ball sends them: random-walk pressure and roll, 5 per frame."""
    rng = np.random.default_rng(11)
    angle = np.cumsum(rng.normal(0, 0.01, n))
    quats = np.stack([np.cos(angle / 2), np.sin(angle / 2), 0.05 + 0 * angle, 0 * angle], axis=1)
    pressure = 114_300 + np.cumsum(rng.normal(0, 5, n))
    temperature = 25 + np.cumsum(rng.integers(-1, 2, n // 5)) / 800
    return [
        p.encode_frame(i, pressure[i : i + 5], quats[i : i + 5], temperature[i // 5], p.Rate.HZ_100)
        for i in range(0, n, 5)
    ]


def make_blocks(minutes: float) -> list[SampleBlock]:
    frames = make_frames(int(minutes * 60 * 100))
    stream = StreamAssembler()
    blocks = []
    for k in range(0, len(frames), 10):
        items = stream.frames(frames[k : k + 10], [k * 0.05] * len(frames[k : k + 10]))
        blocks += [i for i in items if isinstance(i, SampleBlock)]
    return blocks


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def run_store(path: Path, blocks: list[SampleBlock]) -> tuple[float, list[float], float, int]:
    db = Database.open(path)
    recorder = db.start_session(SessionMeta(), source="virtual", commit_interval_s=1e9)
    latencies = []
    start = time.perf_counter()
    for k, block in enumerate(blocks, start=1):
        recorder.append(block)
        if k % COMMIT_EVERY == 0:
            t = time.perf_counter()
            recorder.commit()
            latencies.append(time.perf_counter() - t)
    recorder.close()
    elapsed = time.perf_counter() - start
    t = time.perf_counter()
    samples = db.read_samples(recorder.session_id)
    read_s = time.perf_counter() - t
    assert len(samples) == sum(len(b) for b in blocks)
    db.close()
    Database.open(path).close()  # the last close checkpoints the WAL into the file
    return elapsed, latencies, read_s, file_size(path)


NAIVE_SCHEMA = """
CREATE TABLE samples (session_id INTEGER, idx INTEGER, t_s REAL, pressure_pa REAL,
    temperature_c REAL, qw REAL, qx REAL, qy REAL, qz REAL, PRIMARY KEY (session_id, idx))
"""


def run_naive(path: Path, blocks: list[SampleBlock]) -> tuple[float, list[float], float, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(NAIVE_SCHEMA)
    latencies = []
    pending: list[tuple[float, ...]] = []
    start = time.perf_counter()
    for k, block in enumerate(blocks, start=1):
        s = block.samples
        pending += [(1, *row) for row in s.tolist()]
        if k % COMMIT_EVERY == 0 or k == len(blocks):
            t = time.perf_counter()
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", pending)
            conn.execute("COMMIT")
            latencies.append(time.perf_counter() - t)
            pending = []
    elapsed = time.perf_counter() - start
    t = time.perf_counter()
    rows = conn.execute("SELECT * FROM samples WHERE session_id = 1 ORDER BY idx").fetchall()
    read_s = time.perf_counter() - t
    assert len(rows) == sum(len(b) for b in blocks)
    conn.close()
    return elapsed, latencies, read_s, file_size(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    blocks = make_blocks(args.minutes)
    n = sum(len(b) for b in blocks)
    print(f"{args.minutes:g} min at 100 Hz = {n} samples, {len(blocks)} blocks, commit per 0.5 s")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["store"] = run_store(Path(tmp) / "store.db", blocks)
        results["naive"] = run_naive(Path(tmp) / "naive.db", blocks)
    print(
        f"{'':>6} {'insert rate':>16} {'commit p50':>11} {'p99':>9} {'max':>9} "
        f"{'read rate':>14} {'bytes/sample':>13}"
    )
    for name, (elapsed, lat, read_s, size) in results.items():
        ms = np.array(lat) * 1000
        print(
            f"{name:>6} {n / elapsed / 1e3:>10.0f} k/s {np.median(ms):>8.2f} ms "
            f"{np.percentile(ms, 99):>6.2f} ms {ms.max():>6.2f} ms "
            f"{n / read_s / 1e6:>9.2f} M/s {size / n:>13.2f}"
        )
    s, v = results["store"], results["naive"]
    print(
        f"ratio  insert {v[0] / s[0]:.1f}× faster, commit p50 "
        f"{np.median(v[1]) / np.median(s[1]):.1f}× shorter, read {v[2] / s[2]:.1f}× faster, "
        f"{v[3] / s[3]:.1f}× smaller"
    )


if __name__ == "__main__":
    main()
