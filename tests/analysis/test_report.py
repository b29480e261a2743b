"""Odd sessions through the whole analysis: gaps, nothing on the ball, sensor faults, stops."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pytest

from spineball.analysis.live import LiveAnalyzer
from spineball.analysis.report import analyze_session, render_text
from spineball.sessionfile import Event, SessionData, SessionMeta
from spineball.virtual.body import SimulatedSession, random_scenario, simulate
from tests.analysis.synth import session_samples


@cache
def _sim() -> SimulatedSession:
    return simulate(random_scenario(501))


def test_gaps_are_reported_and_end_stays() -> None:
    sim = _sim()
    whole = analyze_session(SessionData(sim.meta, sim.samples))
    spot = max(whole["spots"], key=lambda s: s["dwell_s"])
    t = sim.samples["t_s"]
    middle = (spot["start_s"] + spot["end_s"]) / 2
    keep = (t < middle - 1.5) | (t >= middle + 1.5)  # 3 s of samples never arrived
    gapped = analyze_session(SessionData(sim.meta, sim.samples[keep]))
    assert gapped["session"]["gaps_s"] == pytest.approx(3.0, abs=0.02)
    assert gapped["session"]["samples"] == whole["session"]["samples"] - 300
    halves = [s for s in gapped["spots"] if spot["start_s"] - 1 <= s["start_s"] <= spot["end_s"]]
    assert len(halves) == 2  # the stay is split at the gap, not bridged


def test_nobody_on_the_ball() -> None:
    t = np.arange(0, 60, 0.01)
    samples = session_samples(t, np.full(len(t), 114_300.0))
    result = analyze_session(SessionData(SessionMeta(), samples))
    assert result["session"]["on_ball_s"] == 0.0
    assert result["spots"] == []
    assert result["flexions"] == []
    assert result["lumbar_alerts"] == []
    assert result["advice"]["action"] == "keep"
    assert "Spots: 0" in render_text(result)


@pytest.mark.parametrize("length", [1, 2, 30])
def test_tiny_sessions(length: int) -> None:
    samples = _sim().samples[:length]
    result = analyze_session(SessionData(_sim().meta, samples))
    assert result["session"]["samples"] == length
    assert result["spots"] == []


def test_pressure_sensor_dead_all_session() -> None:
    sim = _sim()
    samples = sim.samples.copy()
    samples["pressure_pa"] = np.nan
    result = analyze_session(SessionData(sim.meta, samples))
    assert result["spots"] == []
    assert result["session"]["on_ball_s"] == 0.0


def test_symptom_stop_is_reported_and_recorded() -> None:
    sim = _sim()
    meta = dataclasses.replace(sim.meta, events=())
    live = LiveAnalyzer(meta)
    live.feed(sim.samples[:6000])
    stop = live.report_symptom(59.0, "electric")
    assert "see a doctor" in stop.advice
    assert live.snapshot().symptom_stop == stop
    assert Event(59.0, "symptom", value="electric") in live.events
    result = live.result()
    assert result["symptom_stop"]["symptom"] == "electric"
    assert result["advice"]["action"] == "keep"
    assert "STOP" in render_text(result)
    with pytest.raises(ValueError, match="symptom"):
        live.report_symptom(60.0, "itching")
