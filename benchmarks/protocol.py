"""Sample-frame decode throughput, vectorised vs a naive struct decoder, plus a fuzz run.

    python benchmarks/protocol.py [--fuzz-frames N]

Prints samples/s of both decoders measured in the same run and their ratio,
then decodes N random and mutated frames (default 1 000 000) and reports how
many raised anything other than ProtocolError (must be 0).
"""

from __future__ import annotations

import argparse
import math
import struct
import time

import numpy as np

from spineball import protocol as p

SQRT2_SCALE = 32767.0 * math.sqrt(2.0)


def naive_decode(frames: list[bytes]) -> list[tuple[int, float, float, float, float, float, float]]:
    """What a straightforward decoder does: one struct.unpack per sample."""
    out = []
    for frame in frames:
        _version, _flags, first, count, temp = struct.unpack_from("<BBIBh", frame, 0)
        for i in range(count):
            b0, b1, b2, a, b, c = struct.unpack_from("<BBBhhh", frame, 9 + 9 * i)
            word = b0 | (b1 << 8) | (b2 << 16)
            kept = [a / SQRT2_SCALE, b / SQRT2_SCALE, c / SQRT2_SCALE]
            kept.insert(word >> 22, math.sqrt(max(0.0, 1.0 - sum(k * k for k in kept))))
            out.append((first + i, (word & 0x3FFFFF) / 16.0, temp / 100.0, *kept))
    return out


def make_frames(n_samples: int, per_frame: int) -> list[bytes]:
    rng = np.random.default_rng(1)
    angles = np.cumsum(rng.normal(0, 0.01, n_samples))
    quats = np.stack([np.cos(angles / 2), np.sin(angles / 2), 0 * angles, 0 * angles], axis=1)
    pressure = 114_300 + rng.normal(0, 500, n_samples)
    return [
        p.encode_frame(
            i, pressure[i : i + per_frame], quats[i : i + per_frame], 30.0, p.Rate.HZ_100
        )
        for i in range(0, n_samples, per_frame)
    ]


def best_of(repeats: int, fn: object) -> float:
    assert callable(fn)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def throughput(n_samples: int) -> None:
    print(f"{'frame size':>16} {'vectorised':>14} {'naive':>14} {'ratio':>7}")
    for per_frame in (26, 5, 1):
        frames = make_frames(n_samples, per_frame)
        fast = best_of(5, lambda frames=frames: p.decode_frames(frames))
        slow_frames = frames[: max(1, len(frames) // 10)]
        slow_n = sum(f[6] for f in slow_frames)
        slow = best_of(3, lambda slow_frames=slow_frames: naive_decode(slow_frames))
        fast_rate, slow_rate = n_samples / fast, slow_n / slow
        label = f"{per_frame} samples"
        ratio = fast_rate / slow_rate
        print(f"{label:>16} {fast_rate / 1e6:>9.2f} M/s {slow_rate / 1e6:>9.2f} M/s {ratio:>6.1f}×")


def fuzz(n_frames: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    good = make_frames(26 * 64, 26) + make_frames(5 * 64, 5) + make_frames(64, 1)
    crashes = rejected = accepted = 0
    batch = 10_000
    start = time.perf_counter()
    for done in range(0, n_frames, batch):
        frames: list[bytes] = []
        for k in range(min(batch, n_frames - done)):
            if k % 2:
                frames.append(rng.bytes(int(rng.integers(0, 260))))
            else:
                frame = bytearray(good[int(rng.integers(0, len(good)))])
                for _ in range(int(rng.integers(1, 4))):
                    frame[int(rng.integers(0, len(frame)))] = int(rng.integers(0, 256))
                if rng.random() < 0.1:
                    frame = frame[: int(rng.integers(0, len(frame)))]
                frames.append(bytes(frame))
        for frame in frames:
            try:
                p.decode_frames([frame])
                accepted += 1
            except p.ProtocolError:
                rejected += 1
            except Exception as err:  # the point of the fuzz run: count anything else
                crashes += 1
                print(f"CRASH {type(err).__name__}: {err} on {frame.hex()}")
    elapsed = time.perf_counter() - start
    print(
        f"fuzz: {n_frames} frames in {elapsed:.1f} s: {accepted} accepted, {rejected} rejected "
        f"with ProtocolError, {crashes} crashes"
    )
    if crashes:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1_000_000)
    parser.add_argument("--fuzz-frames", type=int, default=1_000_000)
    args = parser.parse_args()
    throughput(args.samples)
    fuzz(args.fuzz_frames)


if __name__ == "__main__":
    main()
