"""Multi-session histories: the trends each scenario advertises, and its expected advice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from spineball.sessionfile import read_session
from spineball.virtual.body import HISTORY_SCENARIOS, SimulatedHistory, simulate_history

N = 24  # about four weeks of daily sessions


@pytest.fixture(scope="module")
def histories() -> dict[str, SimulatedHistory]:
    return {name: simulate_history(8, N, name, rate_hz=25.0) for name in HISTORY_SCENARIOS}


def sore(session: object) -> list[dict[str, object]]:
    return [sp for sp in session.truth["spots"] if sp["sore"]]  # type: ignore[attr-defined]


def thirds(values: list[float]) -> tuple[float, float]:
    k = len(values) // 3
    return float(np.mean(values[:k])), float(np.mean(values[-k:]))


def trend(h: SimulatedHistory) -> dict[str, tuple[float, float]]:
    counts = [len(sore(s)) for s in h.sessions]
    firsts = [float(np.mean([sp["pain_first"] for sp in sore(s)])) for s in h.sessions]
    taus = [float(np.mean([sp["pain_tau_s"] for sp in sore(s)])) for s in h.sessions]
    return {"count": thirds(counts), "first": thirds(firsts), "tau": thirds(taus)}


def test_expected_advice_is_labelled_on_the_last_session(
    histories: dict[str, SimulatedHistory],
) -> None:
    for name, h in histories.items():
        action, delta, _reason = HISTORY_SCENARIOS[name]
        assert h.expected_advice["action"] == action
        assert h.sessions[-1].truth["expected_advice"] == h.expected_advice
        assert all(s.truth["expected_advice"] is None for s in h.sessions[:-1])
        assert np.sign(h.expected_advice["delta_kpa"]) == np.sign(delta)
        # at unchanged inflation, one person, one ball
        assert {s.meta.ball.rest_gauge_kpa for s in h.sessions} == {h.inflation_kpa}
        assert len({s.meta.user for s in h.sessions}) == 1
        assert [s.truth["history"]["day"] for s in h.sessions] == list(h.days)
        assert list(h.days) == sorted(set(h.days))


def test_harder_to_find_sore_spots_at_unchanged_inflation(
    histories: dict[str, SimulatedHistory],
) -> None:
    t = trend(histories["harder-to-find"])
    assert t["count"][1] < t["count"][0] - 0.7  # fewer sore flags
    assert t["first"][1] < t["first"][0] - 1.5  # lower first ratings
    assert t["tau"][1] < 0.7 * t["tau"][0]  # the pain drops to target sooner
    met = [
        sp["time_to_target_s"]
        for s in histories["harder-to-find"].sessions
        for sp in sore(s)
        if sp["time_to_target_s"] is not None
    ]
    early, late = met[: len(met) // 3], met[-len(met) // 3 :]
    assert np.mean(late) < np.mean(early)


def test_steady_history_has_no_trend_and_stays_stable(
    histories: dict[str, SimulatedHistory],
) -> None:
    h = histories["steady"]
    t = trend(h)
    assert abs(t["first"][1] - t["first"][0]) < 1.0
    assert abs(t["count"][1] - t["count"][0]) < 0.7
    assert not any(s.truth["instability"]["unstable"] for s in h.sessions)


def test_unstable_history_sways(histories: dict[str, SimulatedHistory]) -> None:
    h = histories["unstable"]
    assert all(s.truth["instability"]["unstable"] for s in h.sessions)
    assert all(s.truth["instability"]["sway_rms_deg_s"] > 2.5 for s in h.sessions)
    assert h.inflation_kpa > histories["steady"].inflation_kpa + 5.0


def test_too_painful_history(histories: dict[str, SimulatedHistory]) -> None:
    h = histories["too-painful"]
    spots = [sp for s in h.sessions for sp in sore(s)]
    assert min(sp["pain_first"] for sp in spots) >= 8
    assert np.mean([bool(sp["pain_target_met"]) for sp in spots]) < 0.4
    assert not any(s.truth["instability"]["unstable"] for s in h.sessions)


def test_session_length_progresses_over_weeks(histories: dict[str, SimulatedHistory]) -> None:
    for h in histories.values():
        on_ball = [s.truth["session"]["on_ball_s"] for s in h.sessions]
        assert 110.0 <= on_ball[0] <= 200.0  # 2–3 minutes at first
        later = [x for x, day in zip(on_ball, h.days, strict=True) if day >= 21]
        assert later
        assert all(225.0 <= x <= 320.0 for x in later)  # 4–5 minutes after three weeks


def test_history_files(tmp_path: Path) -> None:
    h = simulate_history(3, 2, "steady", rate_hz=25.0)
    written = h.write(tmp_path, "week")
    names = sorted(p.name for p in written)
    assert names == sorted(
        [f"week-0{i}.{ext}" for i in (1, 2) for ext in ("csv", "json", "truth.json")]
        + ["week.history.json"]
    )
    index = json.loads((tmp_path / "week.history.json").read_text())
    assert index["format"] == "spineball-sim-history"
    assert [s["csv"] for s in index["sessions"]] == ["week-01.csv", "week-02.csv"]
    assert index["expected_advice"]["action"] == "keep"
    first, second = (read_session(tmp_path / f"week-0{i}.csv") for i in (1, 2))
    assert first.meta.extra["started_at"] < second.meta.extra["started_at"]


def test_bad_history_requests() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        simulate_history(1, 3, "sideways")
    with pytest.raises(ValueError, match="needs 4"):
        simulate_history(1, 2, "harder-to-find")
