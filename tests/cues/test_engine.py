"""The engine's policy on exact, hand-made timelines (session time, 10 snapshots a second)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from spineball.analysis.advice import inflation_guide
from spineball.analysis.safety import Alarm, SymptomStop
from spineball.config import ConfigError
from spineball.cues import (
    Cue,
    CueEngine,
    CueKind,
    CueSettings,
    InflationUpdate,
    LinkLost,
    LinkRestored,
    Paused,
    Resumed,
    SessionEnded,
)
from spineball.cues.engine import ROUTINE_GAP_S, URGENT_QUIET_S
from spineball.protocol import BuzzPattern
from tests.cues.snaps import snap

Timeline = Callable[[float], dict[str, Any]]


def run(engine: CueEngine, start: float, end: float, state: Timeline) -> list[Cue]:
    cues: list[Cue] = []
    for t in np.round(np.arange(start, end, 0.1), 3):
        cues += engine.update(snap(float(t), **state(float(t))))
    return cues


def kinds(cues: list[Cue]) -> list[str]:
    return [c.kind.value for c in cues]


def test_flickering_red_is_one_excursion_with_timed_repeats() -> None:
    engine = CueEngine()
    # Position noise at the T12/L1 boundary: red and amber alternate every 0.2 s for 7 s.
    cues = run(
        engine,
        0.0,
        10.0,
        lambda t: {"lumbar": ("red" if int(t * 5) % 2 else "amber") if 1.0 <= t < 8.0 else "ok"},
    )
    reds = [c for c in cues if c.kind == CueKind.LUMBAR_RED]
    assert [c.repeat for c in reds] == [0, 1, 2]
    # Repeats come with the next red snapshot once 3 s have passed (red shows 0.2 s in 0.4 s).
    assert [c.t_s for c in reds] == pytest.approx([1.0, 4.2, 7.4])
    assert "lumbar_amber" not in kinds(cues)  # came in red: no "approaching", in or out


def test_hovering_near_t12_warns_once_and_rearms_after_leaving() -> None:
    engine = CueEngine()

    def state(t: float) -> dict[str, Any]:
        hovering = 1.0 <= t < 20.0 and int(t * 3) % 2 == 0  # amber flickers from 1.4 s to 20 s
        again = 25.0 <= t < 26.0  # a new approach after 5 s in the clear
        return {"lumbar": "amber" if hovering or again else "ok"}

    cues = run(engine, 0.0, 30.0, state)
    ambers = [c.t_s for c in cues if c.kind == CueKind.LUMBAR_AMBER]
    assert ambers == pytest.approx([1.4, 25.0])


def test_coming_straight_in_red_gives_no_amber_on_the_way_out() -> None:
    engine = CueEngine()
    cues = run(
        engine,
        0.0,
        8.0,
        lambda t: {"lumbar": "red" if 1.0 <= t < 2.0 else "amber" if 2.0 <= t < 3.0 else "ok"},
    )
    assert kinds(cues) == ["lumbar_red"]


def test_guard_needs_weight_on_the_ball() -> None:
    engine = CueEngine()
    cues = run(engine, 0.0, 3.0, lambda t: {"lumbar": "red", "on_ball": False})
    assert cues == []


def test_urgent_is_never_held_back_by_routine_cues() -> None:
    engine = CueEngine()
    cues = run(engine, 0.0, 12.0, lambda t: {"still_s": t, "in_spot": t >= 8.0})
    assert kinds(cues) == ["new_spot"]
    assert cues[0].t_s == pytest.approx(8.0)
    # 0.1 s later the guard goes red: said at once, inside the routine gap.
    (red,) = engine.update(snap(12.1, lumbar="red"))
    assert red.kind == CueKind.LUMBAR_RED
    assert red.t_s == 12.1
    assert red.buzz is not None
    assert red.buzz.pattern == BuzzPattern.ALARM


def test_routine_burst_says_the_most_important_and_drops_stale_ones() -> None:
    engine = CueEngine()
    # A rated spot where everything becomes due at once at 10 s: the person has bent
    # right, the rating reached the target, and it is a new spot.
    cues = run(engine, 0.0, 10.0, lambda t: {"still_s": 0.5})
    assert cues == []

    def spot(t: float) -> dict[str, Any]:
        return {
            "still_s": 9.0 + t - 10.0,
            "in_spot": True,
            "pain_first": 6,
            "pain_now": 4,
            "pain_target": 4,
            "pain_target_met": True,
            "sides_done": ("right",),
            "side_missing": "left",
        }

    cues = run(engine, 10.0, 40.0, spot)
    # Normal before info, one per routine gap; "new spot" is fresh for 6 s and just makes it.
    assert [(c.kind.value, c.t_s) for c in cues] == [
        ("pain_target", 10.0),
        ("side_bend_other", 10.0 + ROUTINE_GAP_S),
        ("new_spot", 10.0 + 2 * ROUTINE_GAP_S),
    ]
    # With one more normal cue in the way the info cue goes stale and is dropped, never queued.
    both = CueEngine()
    run(both, 0.0, 10.0, lambda t: {"still_s": 0.5})
    stale = run(both, 10.0, 40.0, lambda t: {**spot(t), "done_s": 200.0})
    assert sorted(kinds(stale)) == ["pain_target", "plan_reached", "side_bend_other"]
    assert "new_spot" not in kinds(both.history)


def test_no_routine_cues_while_past_l1_nor_just_after_an_urgent_one() -> None:
    engine = CueEngine()

    def state(t: float) -> dict[str, Any]:
        red = 9.0 <= t < 12.5
        return {"still_s": t, "in_spot": t >= 8.5, "lumbar": "red" if red else "ok"}

    cues = run(engine, 0.0, 30.0, state)
    assert kinds(cues) == ["new_spot", "lumbar_red", "lumbar_red"]
    engine2 = CueEngine()
    cues2 = run(engine2, 0.0, 30.0, lambda t: {**state(t), "in_spot": t >= 9.5})
    # The new spot became due during the red state and was stale (6 s) before the quiet ended.
    assert kinds(cues2) == ["lumbar_red", "lumbar_red"]
    last_urgent = cues2[-1].t_s
    assert not [c for c in engine2.history if last_urgent < c.t_s < last_urgent + URGENT_QUIET_S]


def test_spot_that_breaks_briefly_is_the_same_spot() -> None:
    engine = CueEngine()

    def state(t: float) -> dict[str, Any]:
        if 20.0 <= t < 21.0:  # a shift: the stay breaks for a second
            return {"still_s": 0.3, "position_mm": 126.0}
        since = 0.0 if t < 20.0 else 21.0
        return {"still_s": t - since, "in_spot": t - since >= 8.0, "position_mm": 126.0}

    cues = run(engine, 0.0, 40.0, state)
    assert kinds(cues) == ["new_spot"]
    # Moving on 5 cm is a new spot.
    cues = run(
        engine,
        40.0,
        60.0,
        lambda t: {"still_s": t - 40.0, "in_spot": t >= 48.0, "position_mm": 176.0},
    )
    assert kinds(cues) == ["new_spot"]


def test_side_bend_prompts() -> None:
    engine = CueEngine()

    def state(t: float) -> dict[str, Any]:
        sides: tuple[str, ...] = () if t < 25.0 else ("left",) if t < 35.0 else ("left", "right")
        return {
            "still_s": t,
            "in_spot": t >= 8.0,
            "pain_first": 6,
            "sides_done": sides,
            "side_missing": "right" if sides == ("left",) else None,
        }

    cues = run(engine, 0.0, 50.0, state)
    assert kinds(cues) == ["new_spot", "side_bend_both", "side_bend_other"]
    assert cues[1].t_s == pytest.approx(20.0)  # no bend after 20 s on a sore spot
    assert cues[2].text == "Now bend to the right."
    assert cues[2].t_s == pytest.approx(25.0)


def test_settings_switch_routine_cues_off_but_never_safety_cues() -> None:
    off = CueEngine(CueSettings(enabled=False))

    def state(t: float) -> dict[str, Any]:
        return {
            "still_s": t,
            "in_spot": t >= 8.0,
            "lumbar": "red" if 12 <= t < 13 else "ok",
            "symptom_stop": SymptomStop(15.0, "tingling") if t >= 15.0 else None,
        }

    assert kinds(run(off, 0.0, 16.0, state)) == ["lumbar_red", "symptom_stop"]
    some = CueEngine(CueSettings(disabled=frozenset({CueKind.NEW_SPOT})))
    assert kinds(run(some, 0.0, 16.0, state)) == ["lumbar_red", "symptom_stop"]
    assert kinds(run(CueEngine(), 0.0, 16.0, state)) == ["new_spot", "lumbar_red", "symptom_stop"]
    with pytest.raises(ConfigError, match="lumbar_red is a safety cue and cannot be switched off"):
        CueSettings(disabled=frozenset({CueKind.LUMBAR_RED}))


def test_symptom_stop_repeats_while_still_on_the_ball() -> None:
    engine = CueEngine()
    stop = SymptomStop(5.0, "electric")

    def state(t: float) -> dict[str, Any]:
        return {"symptom_stop": stop if t >= 5.0 else None, "on_ball": t < 27.0}

    cues = run(engine, 0.0, 60.0, state)
    assert [(c.kind.value, c.t_s, c.repeat) for c in cues] == [
        ("symptom_stop", 5.0, 0),
        ("symptom_stop", 15.0, 1),
        ("symptom_stop", 25.0, 2),
    ]
    assert "electric" in cues[0].short
    assert cues[0].safety


def test_pressure_alarms() -> None:
    engine = CueEngine()

    def state(t: float) -> dict[str, Any]:
        alarms = []
        if t >= 2.0:
            alarms.append(Alarm(2.0, min(t, 13.0), "over-pressure", "get off"))
        if t >= 3.0:  # someone knelt on it twice within a few seconds
            alarms.append(Alarm(3.0, min(t, 3.5), "sudden-rise", "do not stand"))
        if t >= 5.0:
            alarms.append(Alarm(5.0, min(t, 5.5), "sudden-rise", "do not stand"))
        return {"alarms": tuple(a for a in alarms if a.end_s >= t - 5.0)}

    cues = run(engine, 0.0, 20.0, state)
    assert [(c.kind.value, c.t_s) for c in cues] == [
        ("over_pressure", 2.0),
        ("sudden_rise", 3.0),
        ("over_pressure", 7.0),
        ("over_pressure", 12.0),
    ]


def test_link_lost_is_immediate_and_a_flapping_link_gives_one_pair() -> None:
    engine = CueEngine()
    assert kinds(engine.handle(LinkLost(10.0))) == ["link_lost"]
    assert engine.handle(LinkRestored(10.5)) == []
    assert engine.handle(LinkLost(11.0)) == []  # dropped again within 2 s: same episode
    assert engine.handle(LinkRestored(12.0)) == []
    assert engine.tick(13.9) == []
    (restored,) = engine.tick(14.0)
    assert restored.kind == CueKind.LINK_RESTORED
    assert engine.tick(20.0) == []
    assert kinds(engine.handle(LinkLost(30.0))) == ["link_lost"]
    assert engine.handle(LinkLost(30.5)) == []


def test_repeats_stop_when_snapshots_stop() -> None:
    engine = CueEngine()
    for t in np.arange(1.0, 3.55, 0.1):
        engine.update(snap(float(t), lumbar="red"))
    assert [c.repeat for c in engine.tick(4.0)] == [1]  # between snapshots: the tick repeats
    assert engine.tick(7.0) == []  # the last snapshot is 3.5 s old: the state is unknown


def test_inflation_assistant() -> None:
    engine = CueEngine()
    said: list[Cue] = []
    for t, kpa in [(0, 9.0), (1, 11.0), (2, 12.8), (3, 13.1), (4, 12.9), (5, 13.2), (9, 14.0)]:
        said += engine.handle(InflationUpdate(float(t), inflation_guide(kpa, 13.0)))
    assert [(c.kind.value, c.t_s) for c in said] == [("inflation_done", 2.0)]
    said = engine.handle(InflationUpdate(20.0, inflation_guide(11.0, 13.0)))
    said += engine.handle(InflationUpdate(24.0, inflation_guide(13.9, 13.0)))
    assert kinds(said) == ["inflation_over"]


def test_pause_holds_routine_cues_but_not_urgent_ones() -> None:
    engine = CueEngine()
    assert kinds(engine.handle(Paused(1.0))) == ["paused"]
    cues = run(engine, 1.0, 12.0, lambda t: {"still_s": t, "in_spot": t >= 8.0})
    assert cues == []
    assert kinds(engine.update(snap(12.0, lumbar="red"))) == ["lumbar_red"]
    assert kinds(engine.handle(Resumed(20.0))) == ["resumed"]
    assert kinds(engine.handle(SessionEnded(30.0))) == ["session_ended"]
    assert engine.handle(SessionEnded(31.0)) == []


def test_plan_reached_once() -> None:
    engine = CueEngine()
    cues = run(engine, 0.0, 20.0, lambda t: {"done_s": 140.0 + t})
    assert [(c.kind.value, c.t_s) for c in cues] == [("plan_reached", 10.0)]


def test_unstable_needs_three_seconds_and_calm_ends_an_episode() -> None:
    engine = CueEngine()

    def state(t: float) -> dict[str, Any]:
        return {"unstable": 1.0 <= t < 3.0 or 10.0 <= t < 20.0 or 35.0 <= t < 40.0}

    cues = run(engine, 0.0, 100.0, state)
    # 1–3 s too short; 10–20 s said at 13 s; 35–40 s is a new episode but within 60 s of the last.
    assert [(c.kind.value, c.t_s) for c in cues] == [("unstable", 13.0)]
    cues = run(engine, 100.0, 110.0, lambda t: {"unstable": True})
    assert [(c.kind.value, c.t_s) for c in cues] == [("unstable", 103.0)]


def test_out_of_order_inputs_use_the_latest_time() -> None:
    engine = CueEngine()
    engine.update(snap(10.0))
    (lost,) = engine.handle(LinkLost(9.5))  # reported a little late
    assert lost.t_s == 10.0
