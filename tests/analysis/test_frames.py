from __future__ import annotations

import numpy as np

from spineball.analysis.frames import FRAME_S, FrameBuilder, build_frames
from spineball.samples import SAMPLE_DTYPE
from tests.analysis.synth import session_samples


def _samples(rate: float = 100.0, seconds: float = 30.0) -> np.ndarray:
    rng = np.random.default_rng(3)
    t = np.arange(0, seconds, 1 / rate) + 0.003
    p = 114_300 + rng.normal(0, 3, len(t))
    roll = np.cumsum(rng.normal(0, 2, len(t)))  # wanders through several turns
    return session_samples(t, p, roll, rng.normal(0, 1, len(t)), rng.normal(0, 3, len(t)))


def test_frames_do_not_depend_on_block_boundaries() -> None:
    samples = _samples()
    whole, stats = build_frames(samples, 100.0)
    rng = np.random.default_rng(7)
    cuts = np.sort(rng.choice(np.arange(1, len(samples)), 300, replace=False))
    builder = FrameBuilder(100.0)
    parts = [builder.push(block) for block in np.split(samples, cuts)]
    parts.append(builder.flush())
    pieced = np.concatenate(parts)
    assert pieced.tobytes() == whole.tobytes()  # bit-identical
    assert stats.samples == builder.stats.samples == len(samples)


def test_frame_timing_and_sample_dtype() -> None:
    s = _samples(rate=200.0, seconds=2.0)
    with_index = np.zeros(len(s), dtype=SAMPLE_DTYPE)
    for name in s.dtype.names or ():
        with_index[name] = s[name]
    with_index["index"] = np.arange(len(s))
    frames, _ = build_frames(with_index, 200.0)
    assert len(frames) == round(2.0 / FRAME_S)
    assert np.all(frames["n"] == 10)
    assert np.all(np.diff(frames["t_s"]) > 0)


def test_nan_pressure_and_quaternion_are_skipped_not_spread() -> None:
    s = _samples(seconds=5.0)
    s["pressure_pa"][100:110] = np.nan
    s["qw"][200:230] = np.nan
    frames, _ = build_frames(s, 100.0)
    assert np.isnan(frames["pressure_pa"]).sum() == 2  # the two fully NaN frames
    assert np.isfinite(frames["roll_deg"]).sum() >= len(frames) - 6
    assert np.isfinite(frames["pressure_pa"][-1])
    assert np.isfinite(frames["roll_deg"][-1])


def test_gaps_are_measured_and_late_samples_dropped() -> None:
    s = _samples(seconds=10.0)
    s = np.concatenate((s[:300], s[550:]))  # 2.5 s missing
    builder = FrameBuilder(100.0)
    builder.push(s[:400])
    builder.push(s[350:450])  # 50 repeated samples, 50 new
    builder.push(s[450:])
    builder.flush()
    assert builder.dropped == 50
    assert builder.stats.samples == len(s)
    assert abs(builder.stats.gaps_s - 2.5) < 0.011
    assert abs(builder.stats.duration_s - 10.0) < 0.011
