"""Safety rules: lumbar guard, pressure alarms, symptom stop. Never hidden by settings.

- Lumbar guard (domain notes): never roll over the lumbar spine. *Amber* when
  the ball may be at T12 (position + 1σ past the T11/T12 boundary), *red*
  when it may be past L1 (position + 1σ past the T12/L1 boundary). Adding the
  uncertainty makes the guard warn earlier the less sure the position is.
- Pressure: inflation at rest ≤ 35 kPa gauge, loaded ≤ 50 kPa, and a rise of
  more than 15 kPa within 1 s means someone stood or knelt on the ball.
- Symptom stop: burning, tingling or electric pain means a nerve may be
  irritated: stop the exercise and see a doctor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from spineball.analysis._filters import drop_short_runs, fill_short_gaps, runs
from spineball.analysis.position import PositionMap
from spineball.sessionfile import Event

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
LumbarState = Literal["ok", "amber", "red"]

GUARD_SIGMA: Final = 0.5  # red from half a σ before the T12/L1 boundary
REST_MAX_GAUGE_PA: Final = 35_000.0
LOADED_MAX_GAUGE_PA: Final = 50_000.0
SUDDEN_RISE_PA: Final = 15_000.0
SUDDEN_RISE_WINDOW_S: Final = 1.0
ALERT_BRIDGE_S: Final = 1.0
ALERT_MIN_S: Final = 0.3
SYMPTOM_ADVICE: Final = (
    "Stop the exercise now and see a doctor: burning, tingling or electric pain "
    "means a nerve may be irritated."
)


@dataclass(frozen=True, slots=True)
class Alarm:
    start_s: float
    end_s: float
    kind: Literal["over-inflated", "over-pressure", "sudden-rise"]
    message: str


@dataclass(frozen=True, slots=True)
class SymptomStop:
    t_s: float
    symptom: str
    advice: str = SYMPTOM_ADVICE


def lumbar_state(
    position_mm: FloatArray, uncertainty_mm: FloatArray, pmap: PositionMap
) -> npt.NDArray[np.int8]:
    """0 = ok, 1 = amber, 2 = red for each position."""
    reach = np.asarray(position_mm) + GUARD_SIGMA * np.asarray(uncertainty_mm)
    state = np.zeros(len(reach), dtype=np.int8)
    state[reach >= pmap.level_boundary_mm("T11")] = 1
    state[reach >= pmap.level_boundary_mm("T12")] = 2
    return state


STATE_NAMES: Final[tuple[LumbarState, ...]] = ("ok", "amber", "red")


def intervals(
    t: FloatArray, mask: BoolArray, frame_s: float, bridge_s: float = ALERT_BRIDGE_S
) -> list[tuple[float, float]]:
    """Merged runs of ``mask`` as (start_s, end_s)."""
    m = fill_short_gaps(mask, round(bridge_s / frame_s))
    m = drop_short_runs(m, max(round(ALERT_MIN_S / frame_s), 1))
    return [(float(t[s]), float(t[e - 1])) for s, e in zip(*runs(m), strict=True)]


def lumbar_alerts(
    t: FloatArray, state: npt.NDArray[np.int8], on_ball: BoolArray, frame_s: float
) -> list[tuple[float, float]]:
    return intervals(t, (state >= 2) & on_ball, frame_s)


def sudden_rise(t: FloatArray, pressure_pa: FloatArray, frame_s: float) -> BoolArray:
    """Frames whose pressure is > 15 kPa above the lowest of the preceding second."""
    n = len(pressure_pa)
    w = max(round(SUDDEN_RISE_WINDOW_S / frame_s), 1)
    p = np.where(np.isfinite(pressure_pa), pressure_pa, np.inf)
    padded = np.concatenate((np.full(w, np.inf), p))
    windows = np.lib.stride_tricks.sliding_window_view(padded[:-1], w)
    lowest = windows.min(axis=1) if n else np.empty(0)
    return np.asarray(np.isfinite(pressure_pa) & (pressure_pa - lowest > SUDDEN_RISE_PA))


def pressure_alarms(
    t: FloatArray,
    pressure_max_pa: FloatArray,
    atmosphere_pa: float,
    unloaded: BoolArray,
    frame_s: float,
) -> list[Alarm]:
    gauge = pressure_max_pa - atmosphere_pa
    out: list[Alarm] = []
    for start, end in intervals(t, unloaded & (gauge > REST_MAX_GAUGE_PA), frame_s):
        out.append(
            Alarm(start, end, "over-inflated", "inflation above 35 kPa at rest: release some air")
        )
    for start, end in intervals(t, gauge > LOADED_MAX_GAUGE_PA, frame_s):
        out.append(Alarm(start, end, "over-pressure", "pressure above 50 kPa: get off the ball"))
    for start, end in intervals(t, sudden_rise(t, pressure_max_pa, frame_s), frame_s):
        out.append(
            Alarm(
                start,
                end,
                "sudden-rise",
                "pressure rose by more than 15 kPa within a second: "
                "do not stand or kneel on the ball",
            )
        )
    return sorted(out, key=lambda a: a.start_s)


def symptom_stop(events: Sequence[Event]) -> SymptomStop | None:
    for e in events:
        if e.kind == "symptom":
            return SymptomStop(e.t_s, str(e.value))
    return None
