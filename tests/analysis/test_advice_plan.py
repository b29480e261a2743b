from __future__ import annotations

import pytest

from spineball.analysis.advice import (
    SessionSummary,
    inflation_advice,
    inflation_guide,
    starting_inflation_kpa,
)
from spineball.analysis.plan import daily_plan


def _s(
    inflation: float = 13.0,
    sore: int = 3,
    pain: float | None = 6.0,
    time: float | None = 40.0,
    sway: float = 0.7,
    max_pain: int | None = 7,
    symptom: bool = False,
) -> SessionSummary:
    return SessionSummary(inflation, sore, pain, time, sway, max_pain, symptom)


def test_starting_inflation() -> None:
    assert starting_inflation_kpa(75.0) == 13.0
    assert starting_inflation_kpa(95.0) == pytest.approx(20.0)
    assert starting_inflation_kpa(30.0) == 3.0
    assert starting_inflation_kpa(200.0) == 35.0


def test_decrease_for_instability_and_for_too_much_pain() -> None:
    assert inflation_advice(_s(sway=3.5), []).action == "decrease"
    assert inflation_advice(_s(pain=8.0, max_pain=9), []).delta_kpa == -1.5
    assert inflation_advice(_s(inflation=3.5, sway=3.5), []).delta_kpa == pytest.approx(-0.5)


def test_increase_when_sore_spots_get_harder_to_find() -> None:
    history = [
        _s(sore=4, pain=7.0, time=50.0),
        _s(sore=3, pain=6.0, time=40.0),
        _s(sore=3, pain=5.5, time=35.0),
    ]
    advice = inflation_advice(_s(sore=1, pain=4.0, time=20.0), history)
    assert advice.action == "increase"
    assert advice.delta_kpa == 1.5
    assert "harder to find" in advice.reason


def test_keep_when_steady_or_inflation_changed_or_too_few_sessions() -> None:
    steady = [_s(sore=3, pain=6.0), _s(sore=2, pain=6.5), _s(sore=3, pain=6.0)]
    assert inflation_advice(_s(sore=3, pain=6.0), steady).action == "keep"
    changed = [_s(inflation=11.0, sore=4, pain=7.0, time=50.0)] * 3
    assert inflation_advice(_s(sore=1, pain=4.0, time=20.0), changed).action == "keep"
    assert inflation_advice(_s(sore=1, pain=4.0, time=20.0), [_s()]).action == "keep"
    assert inflation_advice(_s(sway=5.0, symptom=True), []).action == "keep"  # see a doctor first


def test_inflation_guide() -> None:
    pump = inflation_guide(11.0, 13.0)
    assert (pump.direction, pump.strokes) == ("pump", 2)
    release = inflation_guide(15.0, 13.0)
    assert release.direction == "release"
    assert release.remaining_kpa == pytest.approx(2.0)
    assert inflation_guide(13.2, 13.0).direction == "done"
    assert inflation_guide(20.0, 50.0).target_kpa == 35.0  # never past the safety limit


def test_plan_ramps_from_two_and_a_half_to_four_and_a_half_minutes() -> None:
    first = daily_plan([])
    assert (first.low_s, first.high_s, first.session_number) == (120.0, 180.0, 1)
    weeks = daily_plan([200.0] * 30, today_on_ball_s=135.0)
    assert (weeks.low_s, weeks.high_s) == (240.0, 300.0)
    assert weeks.progress == pytest.approx(0.5)
    halfway = daily_plan([200.0] * 10 + [20.0] * 5)  # short tries do not count as practice
    assert 150.0 < halfway.target_s < 270.0
    assert halfway.session_number == 16
