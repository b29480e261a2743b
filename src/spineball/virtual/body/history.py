"""Sessions over days and weeks, with the inflation advice they call for.

One person and one ball; a session most days (sometimes a day is skipped).
Planned time on the ball grows from 2–3 minutes to 4–5 minutes over about
three weeks (domain notes, "The exercise"). How tender the back is drives how
many sore spots are found, how much they hurt and how fast the pain drops:

- ``steady``: tenderness stays about the same → ``keep``;
- ``harder-to-find``: the back loosens at unchanged inflation — fewer sore
  flags, lower first ratings, shorter time to the pain target → ``increase``;
- ``unstable``: the ball is pumped well above the starting point for the
  person's mass, lateral sway above 2 °/s → ``decrease``;
- ``too-painful``: first ratings 8–10 and the pain does not drop in time →
  ``decrease``.

The advice is labelled on the last session only: it is what an analysis of
that session with all the earlier ones as history should recommend.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from spineball.sessionfile import SessionFileError, atomic_write
from spineball.virtual.body.draw import (
    draw_ball,
    draw_environment,
    draw_landmarks,
    draw_person,
    draw_sore_spots,
    sore_levels,
)
from spineball.virtual.body.session import SimulatedSession, simulate
from spineball.virtual.body.specs import Scenario, ScriptSpec, recommended_gauge_kpa

HISTORY_FORMAT: Final = "spineball-sim-history"
STEP_KPA: Final = 1.5  # domain: a slight increment is +1–2 kPa (1–2 pump strokes)

#: scenario → (action, signed delta in kPa, reason)
HISTORY_SCENARIOS: Final[dict[str, tuple[str, float, str]]] = {
    "steady": ("keep", 0.0, "sore spots are still found and the ball is stable"),
    "harder-to-find": ("increase", STEP_KPA, "sore spots are getting harder to find"),
    "unstable": ("decrease", -STEP_KPA, "unstable on the ball (lateral sway above 2 °/s)"),
    "too-painful": ("decrease", -STEP_KPA, "too much pain at this inflation"),
}
_MIN_SESSIONS: Final = {"harder-to-find": 4}  # a trend needs a few sessions to show


@dataclass(frozen=True, eq=False)
class SimulatedHistory:
    seed: int
    scenario: str
    sessions: tuple[SimulatedSession, ...]
    days: tuple[int, ...]
    expected_advice: dict[str, Any]

    @property
    def inflation_kpa(self) -> float:
        return self.sessions[0].scenario.ball.rest_gauge_kpa

    def summary(self) -> dict[str, Any]:
        """The ``STEM.history.json`` object (names filled in by :meth:`write`)."""
        return {
            "format": HISTORY_FORMAT,
            "version": 1,
            "seed": self.seed,
            "scenario": self.scenario,
            "inflation_kpa": self.inflation_kpa,
            "sessions": [
                {
                    "day": day,
                    "started_at": s.scenario.env.started_at,
                    "on_ball_s": s.truth["session"]["on_ball_s"],
                    "sore_spots": sum(1 for sp in s.truth["spots"] if sp["sore"]),
                    "unstable": s.truth["instability"]["unstable"],
                }
                for day, s in zip(self.days, self.sessions, strict=True)
            ],
            "expected_advice": self.expected_advice,
        }

    def write(self, out_dir: Path | str, stem: str) -> list[Path]:
        """``STEM-01.csv`` … (each with sidecar and truth) and ``STEM.history.json``."""
        out = Path(out_dir)
        written: list[Path] = []
        summary = self.summary()
        for i, (session, entry) in enumerate(
            zip(self.sessions, summary["sessions"], strict=True), start=1
        ):
            paths = session.write(out / f"{stem}-{i:02d}.csv")
            entry["csv"] = paths[0].name
            written.extend(paths)
        index = out / f"{stem}.history.json"
        try:
            atomic_write(index, [json.dumps(summary, indent=1).encode() + b"\n"])
        except OSError as err:
            raise SessionFileError(f"{index}: cannot write ({err.strerror or err})") from None
        return [*written, index]


def _days(rng: np.random.Generator, n: int) -> list[int]:
    gaps = np.where(rng.random(n - 1) < 0.2, 2, 1) if n > 1 else np.zeros(0, int)
    return [0, *np.cumsum(gaps).tolist()]


def planned_on_ball_s(day: int, start_s: float, later_s: float) -> float:
    """Domain: 2–3 minutes at first, working up to 4–5 minutes over a few weeks."""
    return start_s + (later_s - start_s) * min(day / 21.0, 1.0)


def _tenderness(scenario: str, progress: float, rng: np.random.Generator) -> float:
    noise = float(rng.normal(0.0, 0.05))
    if scenario == "harder-to-find":
        return float(np.clip(0.85 - 0.7 * progress + noise, 0.05, 1.0))
    if scenario == "too-painful":
        return 1.0
    return float(np.clip(0.55 + noise, 0.3, 0.8))


def _script(
    scenario: str, tenderness: float, plan_s: float, unstable: bool, rng: np.random.Generator
) -> ScriptSpec:
    landmarks = draw_landmarks(rng)
    capacity = max(1, int((plan_s - 30.0) // 30.0))
    count = int(np.clip(round(0.5 + 3.5 * tenderness + rng.normal(0.0, 0.3)), 1, min(4, capacity)))
    levels = sore_levels(rng, count, landmarks)
    if scenario == "too-painful":
        spots = draw_sore_spots(rng, levels, (8, 10), (55.0, 60.0), stay_probability=0.2)
    else:
        first = int(np.clip(round(3 + 5 * tenderness), 2, 9))
        tau = 15.0 + 45.0 * tenderness
        spots = draw_sore_spots(rng, levels, (max(2, first - 1), first + 1), (tau - 3, tau + 3))
    return ScriptSpec(
        landmarks=landmarks,
        sore_spots=spots,
        rests=int(rng.integers(0, 2)),
        pauses=int(rng.integers(1, 3)),
        lumbar_excursions=int(rng.random() < 0.15),
        unstable=unstable,
        on_ball_s=round(plan_s, 1),
        roll_speed_mm_s=round(float(rng.uniform(15.0, 32.0)), 2),
        elbows=bool(rng.random() < 0.5),
    )


def simulate_history(
    seed: int,
    n_sessions: int,
    scenario: str = "steady",
    rate_hz: float = 100.0,
    *,
    height_m: float | None = None,
    mass_kg: float | None = None,
    radius_m: float | None = None,
    inflation_kpa: float | None = None,
    heading_deg: float = 0.0,
) -> SimulatedHistory:
    """``n_sessions`` sessions of one person on one ball, oldest first (see module notes)."""
    if scenario not in HISTORY_SCENARIOS:
        raise ValueError(
            f"unknown scenario {scenario!r}; use one of {', '.join(HISTORY_SCENARIOS)}"
        )
    least = _MIN_SESSIONS.get(scenario, 1)
    if not least <= n_sessions <= 200:
        raise ValueError(f"scenario {scenario!r} needs {least}–200 sessions, not {n_sessions}")
    rng = np.random.default_rng([seed, 10])
    person = draw_person(rng, height_m, mass_kg)
    start = recommended_gauge_kpa(person.mass_kg)
    if inflation_kpa is None:
        if scenario == "unstable":
            inflation_kpa = min(35.0, start + float(rng.uniform(8.0, 11.0)))
        elif scenario == "too-painful":
            inflation_kpa = min(35.0, start + float(rng.uniform(3.0, 5.0)))
        else:
            inflation_kpa = float(np.clip(start + rng.normal(0.0, 1.0), 3.0, 35.0))
    ball = draw_ball(rng, person.mass_kg, radius_m, round(inflation_kpa, 2))
    early, later = float(rng.uniform(130.0, 170.0)), float(rng.uniform(250.0, 290.0))
    days = _days(rng, n_sessions)
    action, delta, reason = HISTORY_SCENARIOS[scenario]
    sessions = []
    for index, day in enumerate(days):
        progress = index / max(1, n_sessions - 1)
        plan = float(np.clip(planned_on_ball_s(day, early, later) + rng.normal(0, 6), 120, 300))
        script = _script(
            scenario, _tenderness(scenario, progress, rng), plan, scenario == "unstable", rng
        )
        env = draw_environment(rng, heading_deg, day)
        session = simulate(Scenario(seed * 1000 + index, person, ball, env, script), rate_hz)
        session.truth["history"] = {
            "scenario": scenario,
            "index": index,
            "n_sessions": n_sessions,
            "day": day,
        }
        sessions.append(session)
    advice = {"action": action, "delta_kpa": delta, "reason": reason}
    sessions[-1].truth["expected_advice"] = advice
    return SimulatedHistory(seed, scenario, tuple(sessions), tuple(days), advice)
