from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.frames import FRAME_S
from spineball.analysis.spots import coverage, current_stay, find_spots, pain_in, pain_target
from spineball.sessionfile import Event


@pytest.mark.parametrize(
    ("first", "target"),
    [(10, 7), (9, 6), (8, 5), (7, 5), (6, 4), (5, 3), (4, 3), (3, 2), (2, 1), (1, 0)],
)
def test_pain_target_is_two_thirds_and_at_least_one_lower(first: int, target: int) -> None:
    assert pain_target(first) == target


def _track(points: list[tuple[float, float]], seconds: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(0, seconds, FRAME_S)
    times, values = zip(*points, strict=True)
    return t, np.interp(t, times, values)


def test_stays_become_spots_rolling_does_not() -> None:
    # stay 0–20 s at 0 mm, roll to 100 mm by 25 s, stay to 40 s, roll slowly away.
    t, pos = _track([(0, 0), (20, 0), (25, 100), (40, 100), (70, 250)], 70)
    pos = pos + np.random.default_rng(1).normal(0, 1.0, len(t))
    spots = find_spots(pos, np.ones(len(t), bool), FRAME_S)
    assert len(spots) == 2
    (a0, b0), (a1, b1) = spots
    assert t[a0] == pytest.approx(0.0, abs=0.3)
    assert t[b0 - 1] == pytest.approx(20.5, abs=1.0)  # the band reaches a little into the roll
    assert t[a1] == pytest.approx(24.5, abs=1.0)
    assert 40.0 < t[b1 - 1] < 44.0  # the band reaches a few seconds into a slow roll


def test_short_stays_and_off_ball_stays_are_not_spots() -> None:
    t, pos = _track([(0, 0), (6, 0), (10, 80), (30, 80)], 30)
    on = np.ones(len(t), bool)
    on[(t > 15) & (t < 18)] = False  # got off for 3 s in the middle of the second stay
    spots = find_spots(pos, on, FRAME_S)
    # 0–6 s and 10–15 s are too short; after getting back on at 18 s a new stay starts.
    assert [(round(t[a]), round(t[b - 1])) for a, b in spots] == [(18, 30)]


def test_a_wandering_stay_splits_where_it_leaves_the_band() -> None:
    t, pos = _track([(0, 0), (20, 0), (22, 25), (45, 25)], 45)
    spots = find_spots(pos, np.ones(len(t), bool), FRAME_S)
    assert len(spots) == 2
    assert all(np.ptp(pos[a:b]) <= 30.0 for a, b in spots)


def test_current_stay_counts_back_to_the_last_move() -> None:
    t, pos = _track([(0, 0), (10, 100), (30, 100)], 30)
    frames = current_stay(pos, np.ones(len(t), bool))
    assert frames * FRAME_S == pytest.approx(20.0 + 1.0, abs=1.0)


def test_pain_events_and_coverage() -> None:
    events = [
        Event(9.0, "pain", value=6),
        Event(20.0, "pain", value=5),
        Event(40.0, "pain", value=3),
    ]
    assert pain_in(events, 10.0, 30.0) == (6, 5)  # said just before settling still counts
    assert pain_in(events, 31.0, 35.0) == (None, None)
    levels, share = coverage(["T1"] * 100 + ["T2"] * 10 + ["L1"] * 100, FRAME_S)
    assert levels == ["T1"]  # T2 for 0.5 s only; L1 is not thoracic
    assert share == pytest.approx(1 / 12)
