"""The daily plan: 2–3 minutes on the ball at first, 4–5 minutes after a few weeks.

Seed text: "Initially, spend about 2–3 minutes total. Over the course of a few
weeks, work up to about 4–5 minutes." The target rises linearly with the
number of earlier practice sessions (on the ball for at least a minute) over
three weeks of daily practice, from 2.5 to 4.5 minutes (range ±30 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

START_TARGET_S: Final = 150.0
FINAL_TARGET_S: Final = 270.0
HALF_RANGE_S: Final = 30.0
RAMP_SESSIONS: Final = 21  # "a few weeks" of daily sessions
PRACTICE_MIN_S: Final = 60.0


@dataclass(frozen=True, slots=True)
class DailyPlan:
    session_number: int  # 1 = first session
    target_s: float
    low_s: float
    high_s: float
    done_s: float

    @property
    def progress(self) -> float:
        return self.done_s / self.target_s

    @property
    def remaining_s(self) -> float:
        return max(self.target_s - self.done_s, 0.0)

    def to_json(self) -> dict[str, object]:
        return {
            "session_number": self.session_number,
            "target_s": self.target_s,
            "range_s": [self.low_s, self.high_s],
            "done_s": round(self.done_s, 1),
            "progress": round(self.progress, 3),
        }


def daily_plan(earlier_on_ball_s: Sequence[float], today_on_ball_s: float = 0.0) -> DailyPlan:
    """Today's target from the on-ball time of earlier sessions (oldest first)."""
    practised = sum(1 for s in earlier_on_ball_s if s >= PRACTICE_MIN_S)
    ramp = min(practised / RAMP_SESSIONS, 1.0)
    target = START_TARGET_S + ramp * (FINAL_TARGET_S - START_TARGET_S)
    return DailyPlan(
        len(earlier_on_ball_s) + 1,
        round(target, 1),
        round(target - HALF_RANGE_S, 1),
        round(target + HALF_RANGE_S, 1),
        today_on_ball_s,
    )
