from __future__ import annotations

import numpy as np

from spineball.analysis.frames import FRAME_S
from spineball.analysis.position import PositionMap
from spineball.analysis.safety import (
    STATE_NAMES,
    lumbar_alerts,
    lumbar_state,
    pressure_alarms,
    symptom_stop,
)
from spineball.anatomy import level_positions_mm
from spineball.sessionfile import Event

PMAP = PositionMap("T1", 0.0, 1.5, 0.08, 8.0, 1.75, 2)


def _at(level: str) -> float:
    anat = level_positions_mm(1.75)
    from spineball.anatomy import level_index

    return float(anat[level_index(level)] - anat[level_index("T1")])


def test_lumbar_states_with_uncertainty() -> None:
    pos = np.array([_at("T8"), _at("T11"), _at("T12"), _at("L1"), _at("L3")])
    certain = lumbar_state(pos, np.full(5, 2.0), PMAP)
    assert [STATE_NAMES[s] for s in certain] == ["ok", "ok", "amber", "red", "red"]
    unsure = lumbar_state(pos, np.full(5, 40.0), PMAP)
    assert [STATE_NAMES[s] for s in unsure] == ["ok", "amber", "red", "red", "red"]


def test_lumbar_alerts_are_intervals_on_the_ball() -> None:
    t = np.arange(0, 20, FRAME_S)
    state = np.where((t > 5) & (t < 8), 2, 0).astype(np.int8)
    state[(t > 12) & (t < 14)] = 2
    on = t < 10  # the second red stretch is off the ball (the ball rolled away)
    alerts = lumbar_alerts(t, state, on, FRAME_S)
    assert len(alerts) == 1
    assert abs(alerts[0][0] - 5.05) < 0.1


def test_pressure_alarms() -> None:
    t = np.arange(0, 30, FRAME_S)
    atmosphere = 101_300.0
    p = np.full(len(t), atmosphere + 13_000.0)
    p[(t > 10) & (t < 12)] += 40_000.0  # someone stands on it: +40 kPa at once
    unloaded = np.ones(len(t), bool)
    unloaded[(t > 10) & (t < 12)] = False
    kinds = {a.kind for a in pressure_alarms(t, p, atmosphere, unloaded, FRAME_S)}
    assert kinds == {"sudden-rise", "over-pressure"}
    hard = np.full(len(t), atmosphere + 36_000.0)
    alarms = pressure_alarms(t, hard, atmosphere, np.ones(len(t), bool), FRAME_S)
    assert [a.kind for a in alarms] == ["over-inflated"]
    assert (
        pressure_alarms(t, np.full(len(t), atmosphere + 13_000.0), atmosphere, unloaded, FRAME_S)
        == []
    )


def test_symptom_stop() -> None:
    assert symptom_stop([Event(3.0, "pain", value=5)]) is None
    stop = symptom_stop([Event(3.0, "pain", value=5), Event(9.0, "symptom", value="tingling")])
    assert stop is not None
    assert stop.symptom == "tingling"
    assert "see a doctor" in stop.advice
