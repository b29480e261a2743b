"""Timebase: drift against the host clock, immune to late and bursty notifications."""

from __future__ import annotations

import numpy as np
import pytest

from spineball import protocol as p
from spineball.samples import SampleBlock
from spineball.stream import StreamAssembler
from tests.stream.ball import Ball, arrivals, frames_of, make_raw


def run(
    ball: Ball, arrival: np.ndarray, batch_s: float = 0.05
) -> tuple[StreamAssembler, np.ndarray]:
    """Feed the ball's live frames as a pump would: everything that arrived per 50 ms."""
    frames = [f for f, _ in ball.live_frames()]
    stream = StreamAssembler(refit_interval_s=5.0)
    items = []
    slot = np.floor(arrival / batch_s)
    cuts = np.flatnonzero(np.diff(slot)) + 1
    for part in np.split(np.arange(len(frames)), cuts):
        items += stream.frames([frames[i] for i in part], arrival[part].tolist())
    items += stream.tick(float(arrival[-1]) + 10.0)
    t = np.concatenate([b.samples["t_s"] for b in items if isinstance(b, SampleBlock)])
    return stream, t


@pytest.mark.parametrize("ppm", [200.0, -200.0])
def test_drift_is_recovered_through_jitter_and_stuck_notifications(ppm: float) -> None:
    ball = Ball(n=12_000, drift_ppm=ppm, seed=1)  # 2 minutes at 100 Hz
    ready = np.array([t for _, t in ball.live_frames()])
    stream, t = run(ball, arrivals(ready, np.random.default_rng(1), interval_s=1e-6))
    health = stream.health()
    assert health.drift_ppm is not None
    assert health.drift_ppm == pytest.approx(ppm, abs=2.0)
    truth = ball.sample_time - ball.sample_time[0]
    # Nominal rate until 30 s of data: ≤ 200 ppm × 35 s ≈ 7 ms, then it stops growing.
    assert np.max(np.abs(t - truth)) < 0.010
    assert abs((t[-1] - t[6000]) - (truth[-1] - truth[6000])) < 0.0005


@pytest.mark.parametrize("ppm", [200.0, -200.0])
def test_drift_is_recovered_when_arrivals_snap_to_connection_events(ppm: float) -> None:
    """A 15 ms connection interval quantises arrivals; 5 minutes pin the drift down."""
    ball = Ball(n=30_000, drift_ppm=ppm, seed=2)
    ready = np.array([t for _, t in ball.live_frames()])
    stream, _ = run(ball, arrivals(ready, np.random.default_rng(2), interval_s=0.015), 0.25)
    assert stream.health().drift_ppm == pytest.approx(ppm, abs=3.0)


def test_delayed_notifications_do_not_bend_the_timebase() -> None:
    ball = Ball(n=6000, drift_ppm=120.0, seed=4)
    ready = np.array([t for _, t in ball.live_frames()])
    arrival = arrivals(ready, np.random.default_rng(4), interval_s=1e-6)
    # From 20 s to 26 s the link stalls more and more (up to 1.5 s) and then
    # delivers everything at once; later, a 3 s burst of 0.4 s delays.
    t_rel = ready - ready[0]
    stall = (t_rel > 20) & (t_rel < 26)
    arrival[stall] = ready[0] + 26.0 + 1e-4 * np.arange(int(stall.sum()))
    arrival[(t_rel > 40) & (t_rel < 43)] += 0.4
    arrival = np.maximum.accumulate(arrival)
    stream, t = run(ball, arrival)
    truth = ball.sample_time - ball.sample_time[0]
    by_arrival = np.repeat(arrival - arrival[0], 5)[: len(truth)]
    assert np.max(np.abs(by_arrival - truth)) > 1.0  # stamping by arrival would bend by > 1 s
    assert np.max(np.abs(t - truth)) < 0.010
    steps = np.diff(t)
    assert np.all(
        np.abs(steps - 0.01) < 0.01 * 400e-6
    )  # every step is one (drift-corrected) period
    assert stream.health().drift_ppm == pytest.approx(120.0, abs=3.0)
    assert stream.health().excess_delay_ms is not None


def test_session_time_of_a_host_moment_matches_the_sample_taken_then() -> None:
    ball = Ball(n=6000, drift_ppm=-150.0, seed=5)
    ready = np.array([t for _, t in ball.live_frames()])
    arrival = arrivals(ready, np.random.default_rng(5), interval_s=1e-6)
    stream, t = run(ball, arrival)
    # The user pressed "pain 6" when sample 5000 was taken (host clock).
    assert stream.session_time(float(ball.sample_time[5000])) == pytest.approx(t[5000], abs=0.005)


def test_a_rate_change_starts_a_new_clock_continuous_with_the_old_one() -> None:
    drift = 1 + 100e-6
    fast = make_raw(6000, rate=p.Rate.HZ_100, seed=6)  # 60 s at 100 Hz …
    slow = make_raw(3000, first_index=6000, rate=p.Rate.HZ_50, seed=7)  # … then 60 s at 50 Hz
    times = np.concatenate([np.arange(6000) * 0.01, 60.0 + np.arange(3000) * 0.02]) * drift
    frames = frames_of(fast, 5) + frames_of(slow, 3)
    ends = np.concatenate([np.arange(4, 6000, 5), 6000 + np.arange(2, 3000, 3)])
    arrival = arrivals(100.0 + times[ends], np.random.default_rng(6), interval_s=1e-6)
    stream = StreamAssembler(refit_interval_s=5.0)
    items = []
    for k in range(0, len(frames), 4):
        items += stream.frames(frames[k : k + 4], arrival[k : k + 4].tolist())
    blocks = [b for b in items if isinstance(b, SampleBlock)]
    assert {b.rate_hz for b in blocks if b.end_index <= 6000} == {100.0}
    assert {b.rate_hz for b in blocks if b.first_index >= 6000} == {50.0}
    t = np.concatenate([b.samples["t_s"] for b in blocks])
    assert np.max(np.abs(t - times)) < 0.010
    assert stream.health().drift_ppm == pytest.approx(100.0, abs=3.0)
