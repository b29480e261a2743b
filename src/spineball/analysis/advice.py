"""Inflation advice: a starting point, session-to-session changes, and the pump assistant.

Rules (domain notes, "Inflation advice"):

- Starting inflation: 13 kPa + 0.35 kPa/kg × (mass − 75 kg), clamped to 3–35 kPa.
- Decrease by a slight increment (−1.5 kPa) when the ball was unstable
  (lateral sway rate RMS in 0.5–3 Hz above 2 °/s over the time on the ball)
  or the pain was too much (first ratings averaging 7.5 or more, or any 9–10).
- Increase by a slight increment (+1.5 kPa, "1–2 pump strokes") when sore
  spots are getting harder to find over the recent sessions at unchanged
  inflation: over the last up-to-six sessions at today's inflation (at least
  three), at least two of the sore-spot count, the mean first rating and the
  mean time to the pain target fall by a quarter or more along their
  least-squares trend.
- Keep otherwise, after a nerve-symptom stop, and never advise past 3–35 kPa.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, Protocol

import numpy as np

MIN_INFLATION_KPA: Final = 3.0
MAX_INFLATION_KPA: Final = 35.0  # safety limit at rest (domain notes)
STEP_KPA: Final = 1.5  # "slight increment" = 1–2 kPa, about one pump stroke per kPa
SAME_INFLATION_KPA: Final = 0.5
RECENT_SESSIONS: Final = 6  # the trend is judged over the last week or so
MIN_TREND_SESSIONS: Final = 3
CLEAR_DROP: Final = 0.25  # a fall of a quarter across those sessions is more than day-to-day noise
UNSTABLE_DEG_S: Final = 2.0  # domain notes: lateral sway rate RMS in 0.5–3 Hz above 2 °/s
SEVERE_MEAN_PAIN: Final = 7.5  # first ratings averaging "severe" …
EXTREME_PAIN: Final = 9  # … or any spot at 9–10
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
    sway_rms_deg_s: float  # lateral sway rate, 0.5–3 Hz, over the time on the ball
    max_first_pain: int | None
    symptom: bool = False


class PastSession(Protocol):
    """What the plan and the advice need of an earlier session (a SessionAnalysis will do)."""

    @property
    def on_ball_s(self) -> float: ...

    def summary(self) -> SessionSummary: ...


@dataclass(frozen=True, slots=True)
class Advice:
    action: Action
    delta_kpa: float
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"action": self.action, "delta_kpa": self.delta_kpa, "reason": self.reason}


def starting_inflation_kpa(mass_kg: float) -> float:
    return float(np.clip(13.0 + 0.35 * (mass_kg - 75.0), MIN_INFLATION_KPA, MAX_INFLATION_KPA))


def _trend(values: Sequence[float | None]) -> float | None:
    """Least-squares change across the sessions, relative to their mean (None: too few)."""
    pts = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(pts) < MIN_TREND_SESSIONS:
        return None
    x = np.array([p[0] for p in pts], dtype=np.float64)
    y = np.array([p[1] for p in pts], dtype=np.float64)
    mean = float(y.mean())
    if mean <= 0:
        return None
    slope = float(np.polyfit(x, y, 1)[0])
    return slope * float(np.ptp(x)) / mean


def _harder_to_find(sessions: Sequence[SessionSummary]) -> list[str]:
    """Which signs of 'harder to find' the sessions (oldest first, same inflation) show."""
    signs: list[str] = []
    checks = (
        ("fewer sore spots", [float(s.sore_spots) for s in sessions]),
        ("lower pain ratings", [s.mean_first_pain for s in sessions]),
        ("pain easing faster", [s.mean_time_to_target_s for s in sessions]),
    )
    for name, values in checks:
        change = _trend(values)
        if change is not None and change <= -CLEAR_DROP:
            signs.append(name)
    return signs


def _too_painful(s: SessionSummary) -> bool:
    mean_high = s.mean_first_pain is not None and s.mean_first_pain >= SEVERE_MEAN_PAIN
    any_extreme = s.max_first_pain is not None and s.max_first_pain >= EXTREME_PAIN
    return mean_high or any_extreme


def inflation_advice(current: SessionSummary, history: Sequence[SessionSummary]) -> Advice:
    if current.symptom:
        return Advice("keep", 0.0, "session stopped for nerve symptoms: see a doctor first")
    room_down = current.inflation_kpa - MIN_INFLATION_KPA
    room_up = MAX_INFLATION_KPA - current.inflation_kpa
    if current.sway_rms_deg_s > UNSTABLE_DEG_S and room_down > 0.1:
        delta = -min(STEP_KPA, room_down)
        return Advice(
            "decrease", delta, "the ball rocked sideways a lot: a softer ball is steadier"
        )
    if _too_painful(current) and room_down > 0.1:
        delta = -min(STEP_KPA, room_down)
        return Advice("decrease", delta, "pain was very high: a softer ball presses less")
    same: list[SessionSummary] = []
    for s in reversed(history[-(RECENT_SESSIONS - 1) :]):
        if abs(s.inflation_kpa - current.inflation_kpa) > SAME_INFLATION_KPA:
            break  # only the run of sessions at today's inflation counts
        same.insert(0, s)
    if len(same) + 1 >= MIN_TREND_SESSIONS and room_up > 0.1:
        signs = _harder_to_find([*same, current])
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
