"""Accuracy against the simulator's ground truth on a small fixed set (the full table is
``benchmarks/accuracy.py``). The seeds here were never used to choose any constant."""

from __future__ import annotations

import pytest

from spineball.analysis.report import analyze, analyze_session, report
from spineball.sessionfile import SessionData
from spineball.virtual.body import random_scenario, simulate
from spineball.virtual.body.history import HISTORY_SCENARIOS, simulate_history
from tests.analysis.scoring import THRESHOLDS, Tally, passes

SESSION_SEEDS = range(500, 512)
HISTORY_SEEDS = range(600, 608)


@pytest.fixture(scope="module")
def tally() -> Tally:
    t = Tally()
    for seed in SESSION_SEEDS:
        sim = simulate(random_scenario(seed))
        t.add_session(sim.truth, analyze_session(SessionData(sim.meta, sim.samples)))
    kinds = list(HISTORY_SCENARIOS)
    for seed in HISTORY_SEEDS:
        history = simulate_history(seed, 4 + seed % 3, kinds[seed % len(kinds)])
        analyses = [analyze(SessionData(s.meta, s.samples)) for s in history.sessions]
        got = report(analyses[-1], analyses[:-1])["advice"]["action"]
        t.add_advice(history.expected_advice["action"], got)
    return t


@pytest.mark.parametrize("metric", list(THRESHOLDS))
def test_metric_meets_its_threshold(tally: Tally, metric: str) -> None:
    value = tally.metrics()[metric]
    assert passes(metric, value), f"{metric} = {value:.3f}, needs {THRESHOLDS[metric]}"


def test_the_set_exercises_every_metric(tally: Tally) -> None:
    assert tally.spot_truth >= 30
    assert tally.bend_truth >= 30
    assert tally.lumbar_truth >= 3
    assert tally.advice_total == len(HISTORY_SEEDS)
