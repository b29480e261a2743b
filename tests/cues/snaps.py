"""Hand-made live snapshots for exact engine tests."""

from __future__ import annotations

import dataclasses
from typing import Any

from spineball.analysis.advice import Advice
from spineball.analysis.live import LiveSnapshot
from spineball.analysis.plan import daily_plan

ADVICE = Advice("keep", 0.0, "the inflation suits you: keep it")


def snap(t: float, *, on_ball: bool = True, done_s: float = 0.0, **fields: Any) -> LiveSnapshot:
    """A snapshot at session time ``t``: on the ball, rolling, nothing special unless given."""
    plan = daily_plan([], done_s)
    base = LiveSnapshot(
        t_s=t,
        on_ball=on_ball,
        load_n=300.0 if on_ball else 0.0,
        load_sd_n=15.0,
        unstable=False,
        alarms=(),
        symptom_stop=None,
        on_ball_s=done_s,
        plan=plan,
        advice=ADVICE,
        warnings=(),
        position_mm=120.0,
        position_sd_mm=12.0,
        level="T6",
    )
    return dataclasses.replace(base, **fields) if fields else base
