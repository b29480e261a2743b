"""Inflation advice: a starting point, session-to-session changes, and the pump assistant.

Rules (domain notes, "Inflation advice"):

- Starting inflation: 13 kPa + 0.35 kPa/kg × (mass − 75 kg), clamped to 3–35 kPa.
- Decrease by a slight increment when the ball was unstable (lateral sway
  above 2 °/s for more than 15 % of the time on the ball) or the pain was
  excessive (a first rating of 8 or more).
- Increase by a slight increment (+1.5 kPa, "1–2 pump strokes") when sore
  spots are getting harder to find over the recent sessions at unchanged
  inflation: at least two of fewer sore spots, lower first ratings and
  shorter time to the pain target, comparing this session with the earlier
  ones at the same inflation (at least two sessions in all).
- Keep otherwise, and never advise past the 3–35 kPa range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

MIN_INFLATION_KPA: Final = 3.0
MAX_INFLATION_KPA: Final = 35.0  # safety limit at rest (domain notes)
STEP_KPA: Final = 1.5  # "slight increment" = 1–2 kPa, about one pump stroke per kPa
SAME_INFLATION_KPA: Final = 0.5
RECENT_SESSIONS: Final = 3
UNSTABLE_FRACTION: Final = 0.15
EXCESSIVE_PAIN: Final = 8
DONE_BAND_KPA: Final = 0.3  # the inflation assistant says "done" within ± this
KPA_PER_STROKE: Final = 1.0

Action = Literal["increase", "decrease", "keep"]


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What the advice needs from one session."""

    inflation_kpa: float
    sore_spots: int
    mean_first_pain: float | None
    mean_time_to_target_s: float | None
    unstable_fraction: float
    max_first_pain: int | None
    symptom: bool = False


@dataclass(frozen=True, slots=True)
class Advice:
    action: Action
    delta_kpa: float
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"action": self.action, "delta_kpa": self.delta_kpa, "reason": self.reason}


def starting_inflation_kpa(mass_kg: float) -> float:
    return float(np.clip(13.0 + 0.35 * (mass_kg - 75.0), MIN_INFLATION_KPA, MAX_INFLATION_KPA))


def _harder_to_find(current: SessionSummary, earlier: Sequence[SessionSummary]) -> list[str]:
    """Which signs of 'harder to find' this session shows against the earlier ones."""
    signs: list[str] = []
    if current.sore_spots < np.mean([s.sore_spots for s in earlier]):
        signs.append("fewer sore spots")
    firsts = [s.mean_first_pain for s in earlier if s.mean_first_pain is not None]
    if firsts and (current.mean_first_pain is None or current.mean_first_pain < np.mean(firsts)):
        signs.append("lower pain ratings")
    times = [s.mean_time_to_target_s for s in earlier if s.mean_time_to_target_s is not None]
    if times and (
        current.mean_time_to_target_s is None or current.mean_time_to_target_s < np.mean(times)
    ):
        signs.append("pain easing faster")
    return signs


def inflation_advice(current: SessionSummary, history: Sequence[SessionSummary]) -> Advice:
    if current.symptom:
        return Advice("keep", 0.0, "session stopped for nerve symptoms: see a doctor first")
    room_down = current.inflation_kpa - MIN_INFLATION_KPA
    room_up = MAX_INFLATION_KPA - current.inflation_kpa
    if current.unstable_fraction > UNSTABLE_FRACTION and room_down > 0.1:
        delta = -min(STEP_KPA, room_down)
        return Advice(
            "decrease", delta, "the ball rocked sideways a lot: a softer ball is steadier"
        )
    if (
        current.max_first_pain is not None
        and current.max_first_pain >= EXCESSIVE_PAIN
        and room_down > 0.1
    ):
        delta = -min(STEP_KPA, room_down)
        return Advice("decrease", delta, "pain was very high: a softer ball presses less")
    same = [
        s
        for s in history[-(RECENT_SESSIONS - 1) :]
        if abs(s.inflation_kpa - current.inflation_kpa) <= SAME_INFLATION_KPA
    ]
    if same and room_up > 0.1:
        signs = _harder_to_find(current, same)
        if len(signs) >= 2:
            return Advice(
                "increase",
                min(STEP_KPA, room_up),
                "sore spots are getting harder to find (" + ", ".join(signs) + ")",
            )
    return Advice("keep", 0.0, "the inflation suits you: keep it")


@dataclass(frozen=True, slots=True)
class InflationGuide:
    """Live help while the user pumps or releases air."""

    current_kpa: float
    target_kpa: float
    direction: Literal["pump", "release", "done"]
    remaining_kpa: float
    strokes: int  # approximate pump strokes still needed (0 when releasing or done)
    message: str


def inflation_guide(
    current_gauge_kpa: float, target_gauge_kpa: float, band_kpa: float = DONE_BAND_KPA
) -> InflationGuide:
    target = float(np.clip(target_gauge_kpa, MIN_INFLATION_KPA, MAX_INFLATION_KPA))
    diff = target - current_gauge_kpa
    if abs(diff) <= band_kpa:
        return InflationGuide(
            current_gauge_kpa, target, "done", 0.0, 0, "done: inflation on target"
        )
    if diff > 0:
        strokes = max(int(np.ceil(diff / KPA_PER_STROKE)), 1)
        return InflationGuide(
            current_gauge_kpa,
            target,
            "pump",
            diff,
            strokes,
            f"pump: {diff:.1f} kPa to go (about {strokes} stroke{'s' if strokes > 1 else ''})",
        )
    return InflationGuide(
        current_gauge_kpa, target, "release", -diff, 0, f"release air: {-diff:.1f} kPa too high"
    )
