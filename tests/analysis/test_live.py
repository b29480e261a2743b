"""The live analyser: same final result as the offline analysis, sensible running state."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest

from spineball.analysis.live import LiveAnalyzer, LiveSnapshot
from spineball.analysis.orientation import from_euler_zyx
from spineball.analysis.report import analyze, analyze_session
from spineball.anatomy import LEVELS
from spineball.samples import SAMPLE_DTYPE, SESSION_COLUMNS
from spineball.sessionfile import SessionData
from spineball.virtual.body import SimulatedSession, random_scenario, simulate

SEED = 502  # four sore spots, six side bends, a lumbar excursion


@cache
def session() -> SimulatedSession:
    return simulate(random_scenario(SEED))


def _stream(
    live: LiveAnalyzer,
    samples: np.ndarray,
    sim: SimulatedSession,
    rng: np.random.Generator,
    every_s: float = 0.0,
) -> list[LiveSnapshot]:
    """Feed random-sized blocks, hand over each event once the stream has passed it."""
    events = list(sim.meta.events)
    snaps: list[LiveSnapshot] = []
    i, next_snap = 0, 0.0
    while i < len(samples):
        n = int(rng.integers(1, 40))
        block = samples[i : i + n]
        i += n
        live.feed(block)
        now = float(block["t_s"][-1])
        while events and events[0].t_s <= now:
            live.add_event(events.pop(0))
        if every_s and now >= next_snap:
            snaps.append(live.snapshot())
            next_snap = now + every_s
    for e in events:
        live.add_event(e)
    return snaps


def test_live_result_equals_offline_result() -> None:
    sim = session()
    offline = analyze_session(SessionData(sim.meta, sim.samples))
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    _stream(live, sim.samples, sim, np.random.default_rng(1))
    assert live.result() == offline
    assert offline["spots"]
    assert offline["flexions"]
    assert offline["lumbar_alerts"]


def test_snapshots_follow_the_session() -> None:
    sim = session()
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    snaps = _stream(live, sim.samples, sim, np.random.default_rng(2), every_s=0.5)
    truth = sim.truth

    def at(t: float) -> LiveSnapshot:
        return min(snaps, key=lambda s: abs(s.t_s - t))

    assert not at(0.5).on_ball
    for spot in truth["spots"]:
        late = at(spot["end_s"] - 0.6)
        assert late.on_ball, spot
        assert late.in_spot, spot
        assert late.still_s == pytest.approx(spot["dwell_s"] - 0.6, abs=2.0)
        assert late.load_n == pytest.approx(spot["mean_load_n"], rel=0.25)
        if spot["pain_first"] is not None:
            assert late.pain_first == spot["pain_first"]
            assert late.pain_target == spot["pain_target"]
        assert late.position_sd_mm is not None
        assert late.position_sd_mm > 0
    for excursion in truth["lumbar_excursions"]:
        during = [s for s in snaps if excursion["start_s"] <= s.t_s <= excursion["end_s"]]
        assert any(s.lumbar == "red" for s in during)
    rolling = [s for s in snaps if s.on_ball and not s.in_spot and s.lumbar == "ok"]
    assert rolling, "rolling between spots is not a spot"
    final = snaps[-1]
    assert final.plan.target_s == 150.0
    assert final.on_ball_s == pytest.approx(truth["session"]["on_ball_s"], abs=2.0)


def test_level_edges_bracket_the_level_shown() -> None:
    sim = session()
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    snaps = _stream(live, sim.samples, sim, np.random.default_rng(4), every_s=1.0)
    placed = [s for s in snaps if s.position_mm is not None]
    assert len(placed) > 20
    for snap in placed:
        assert len(snap.level_edges_mm) == len(LEVELS) - 1
        assert list(snap.level_edges_mm) == sorted(snap.level_edges_mm)
        assert snap.level is not None
        assert snap.position_mm is not None
        # the level shown lies between the edges around it (edges rounded to 0.1 mm)
        i = LEVELS.index(snap.level)
        assert snap.position_mm >= (snap.level_edges_mm[i - 1] - 0.1 if i else -np.inf)
        assert snap.position_mm <= (snap.level_edges_mm[i] + 0.1 if i < 17 else np.inf)


@pytest.mark.parametrize("samples", [6, 11, 16])
def test_snapshot_after_the_first_frames(samples: int) -> None:
    sim = session()
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    live.feed(sim.samples[:samples])  # 100 Hz: one, two, three 50 ms frames
    snap = live.snapshot()
    assert snap.t_s >= 0.0
    assert not snap.unstable


def test_side_prompt_names_the_missing_side() -> None:
    sim = session()
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()))
    snaps = _stream(live, sim.samples, sim, np.random.default_rng(3), every_s=0.25)
    first = sim.truth["flexions"][0]
    after = [s for s in snaps if first["end_s"] + 0.5 < s.t_s < first["end_s"] + 1.5]
    assert after
    assert all(first["side"] in s.sides_done for s in after)
    other = "left" if first["side"] == "right" else "right"
    assert any(s.side_missing == other for s in after)


def _device_stream(sim: SimulatedSession) -> np.ndarray:
    """Quaternions as the ball sends them (world frame, unknown heading, pod mounted anywhere)."""
    mount = from_euler_zyx(np.array(0.3), np.array(-1.1), np.array(2.5))
    source = sim.source(heading_deg=137.0, mount=mount)
    t = sim.samples["t_s"]
    read = source.read(t)
    device = np.zeros(len(t), dtype=SAMPLE_DTYPE)
    device["index"] = np.arange(len(t))
    device["t_s"] = t
    device["pressure_pa"] = read.pressure_pa
    device["temperature_c"] = read.temperature_c
    for k, name in enumerate(("qw", "qx", "qy", "qz")):
        device[name] = read.quaternion[:, k]
    return device


def test_device_frame_stream_shows_load_before_the_heading_is_known() -> None:
    """Until the ball has rolled enough to show its axis, load and time are live already."""
    sim = session()
    device = _device_stream(sim)
    on = np.flatnonzero(sim.per_sample.on_ball)[0]
    settled = on + int(3 * sim.meta.sample_rate_hz)  # 3 s after getting on
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()), orientation="device")
    live.feed(device[:settled])
    snap = live.snapshot()
    assert live.heading is None
    assert snap.t_s == pytest.approx(device["t_s"][settled - 1], abs=0.2)
    assert snap.on_ball
    truth = float(np.mean(sim.per_sample.load_n[settled - 100 : settled]))
    assert snap.load_n == pytest.approx(truth, rel=0.15)
    assert snap.position_mm is None  # no direction of roll yet: no position either


def test_device_frame_stream_is_aligned_live() -> None:
    sim = session()
    device = _device_stream(sim)
    live = LiveAnalyzer(dataclasses.replace(sim.meta, events=()), orientation="device")
    _stream(live, device, sim, np.random.default_rng(4))
    got = live.result()
    assert live.heading is not None
    body = analyze_session(SessionData(sim.meta, sim.samples))
    assert len(got["spots"]) == len(body["spots"])
    for a, b in zip(got["spots"], body["spots"], strict=True):
        assert a["start_s"] == pytest.approx(b["start_s"], abs=0.5)
        assert a["end_s"] == pytest.approx(b["end_s"], abs=0.5)
        assert a["level"] == b["level"]
    assert [f["side"] for f in got["flexions"]] == [f["side"] for f in body["flexions"]]


def test_live_accepts_session_dtype_and_is_quiet_before_data() -> None:
    sim = session()
    live = LiveAnalyzer(sim.meta)
    empty = live.snapshot()
    assert empty.load_n is None
    assert not empty.on_ball
    assert empty.lumbar == "ok"
    assert "starting inflation" in empty.advice.reason
    assert sim.samples.dtype.names == SESSION_COLUMNS
    live.feed(sim.samples[:500])
    # The newest frame may still be filling: the clock lags by at most two frames.
    assert live.snapshot().t_s == pytest.approx(sim.samples["t_s"][499], abs=0.1)


def test_history_feeds_the_plan_and_the_advice() -> None:
    sim = session()
    earlier = [analyze(SessionData(sim.meta, sim.samples)) for _ in range(7)]
    live = LiveAnalyzer(sim.meta, history=earlier)
    snap = live.snapshot()
    assert snap.plan.session_number == 8
    assert snap.plan.target_s > 150.0
    assert snap.advice.action in {"increase", "decrease", "keep"}
