"""Draw a realistic scenario from a seed (ranges from the domain notes)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from spineball import anatomy
from spineball.sessionfile import SYMPTOMS
from spineball.virtual.body.specs import (
    SIDES,
    UNSTABLE_EXCESS_KPA,
    BallSpec,
    Environment,
    PersonSpec,
    Scenario,
    ScriptSpec,
    Side,
    SoreSpot,
    recommended_gauge_kpa,
)

_EPOCH = dt.datetime(2025, 1, 6, tzinfo=dt.UTC)


def draw_person(
    rng: np.random.Generator, height_m: float | None = None, mass_kg: float | None = None
) -> PersonSpec:
    height = float(np.clip(rng.normal(1.72, 0.09), 1.50, 1.98)) if height_m is None else height_m
    if mass_kg is None:
        bmi = float(np.clip(rng.normal(25.0, 3.5), 19.0, 35.0))
        mass_kg = float(np.clip(bmi * height * height, 45.0, 130.0))
    # Per-person anatomy: overall length ±3 %, each interval ±4 % (a few %, kept increasing).
    prior = anatomy.level_positions_mm(height)
    scale = float(np.clip(rng.normal(1.0, 0.03), 0.94, 1.06))
    gaps = np.diff(prior) * scale * np.clip(rng.normal(1.0, 0.04, len(prior) - 1), 0.9, 1.1)
    positions = tuple(round(float(p), 2) for p in np.concatenate(([0.0], np.cumsum(gaps))))
    return PersonSpec(
        height_m=round(height, 3),
        mass_kg=round(mass_kg, 1),
        mm_per_degree=round(float(rng.uniform(1.2, 1.9)), 4),
        level_positions_mm=positions,
        lying_load_fraction=round(float(rng.uniform(0.30, 0.55)), 4),
        elbows_load_factor=round(float(rng.uniform(0.55, 0.75)), 4),
        breathing_hz=round(float(rng.uniform(0.18, 0.32)), 4),
        breathing_depth=round(float(rng.uniform(0.02, 0.06)), 4),
        heart_hz=round(float(rng.uniform(1.0, 1.4)), 4),
        heart_depth=round(float(rng.uniform(0.003, 0.01)), 5),
    )


def draw_ball(
    rng: np.random.Generator,
    mass_kg: float,
    radius_m: float | None = None,
    inflation_kpa: float | None = None,
) -> BallSpec:
    radius = round(float(rng.uniform(0.10, 0.13)), 4) if radius_m is None else radius_m
    if inflation_kpa is None:
        inflation_kpa = recommended_gauge_kpa(mass_kg) + float(rng.normal(0.0, 1.5))
        if rng.random() < 0.2:  # pumped too hard
            inflation_kpa += float(rng.uniform(7.0, 12.0))
        inflation_kpa = round(float(np.clip(inflation_kpa, 3.0, 35.0)), 2)
    return BallSpec(
        radius_m=radius,
        rest_gauge_kpa=inflation_kpa,
        wall_kpa=round(float(rng.uniform(7.5, 9.0)), 3),
        relax_tau_s=round(float(rng.uniform(6.0, 15.0)), 3),
    )


def draw_environment(
    rng: np.random.Generator, heading_deg: float = 0.0, day: int | None = None
) -> Environment:
    day = int(rng.integers(0, 365)) if day is None else day
    start = _EPOCH + dt.timedelta(days=day, minutes=int(rng.integers(6 * 60, 21 * 60)))
    return Environment(
        atmosphere_pa=round(float(np.clip(rng.normal(101_300.0, 500.0), 99_500.0, 103_000.0)), 1),
        room_c=round(float(rng.uniform(19.0, 25.0)), 2),
        warming_k=round(float(rng.uniform(3.0, 4.0)), 3),
        warming_tau_s=round(float(rng.uniform(110.0, 220.0)), 1),
        sensor_tau_s=round(float(rng.uniform(20.0, 60.0)), 1),
        sensor_offset_k=round(float(rng.uniform(0.1, 0.6)), 3),
        pressure_noise_pa=round(float(rng.uniform(2.0, 4.0)), 2),
        heading_deg=heading_deg,
        started_at=start.strftime("%Y-%m-%dT%H:%M:00Z"),
    )


def sore_levels(rng: np.random.Generator, count: int, landmarks: tuple[str, str]) -> list[str]:
    """``count`` thoracic levels ≥ 2 apart from each other and from the landmarks."""
    taken = [anatomy.level_index(lm) for lm in landmarks]
    candidates = [anatomy.level_index(f"T{i}") for i in range(2, 12)]
    chosen: list[int] = []
    for index in rng.permutation(candidates):
        if all(abs(int(index) - other) >= 2 for other in taken + chosen):
            chosen.append(int(index))
        if len(chosen) == count:
            break
    return [anatomy.LEVELS[i] for i in sorted(chosen)]


def draw_sore_spots(
    rng: np.random.Generator,
    levels: list[str],
    pain_range: tuple[int, int] = (4, 8),
    tau_range: tuple[float, float] = (20.0, 60.0),
    stay_probability: float = 0.8,
) -> tuple[SoreSpot, ...]:
    spots = []
    for level in levels:
        sides: tuple[Side, ...] = SIDES
        if rng.random() < 0.25:  # some spots miss one side (the client prompts for it)
            sides = (SIDES[int(rng.integers(2))],)
        spots.append(
            SoreSpot(
                level,
                pain_first=int(rng.integers(pain_range[0], pain_range[1] + 1)),
                tau_s=round(float(rng.uniform(*tau_range)), 2),
                stay_to_target=bool(rng.random() < stay_probability),
                sides=sides,
            )
        )
    return tuple(spots)


def draw_landmarks(rng: np.random.Generator) -> tuple[str, str]:
    first = "T1" if rng.random() < 0.7 else "C7"
    second = str(rng.choice(["T7", "T8", "T8", "T8", "T8", "T9"]))  # scapula tips ≈ T8
    return first, second


def random_scenario(
    seed: int,
    *,
    height_m: float | None = None,
    mass_kg: float | None = None,
    radius_m: float | None = None,
    inflation_kpa: float | None = None,
    heading_deg: float = 0.0,
    unstable: bool | None = None,
    on_ball_s: float | None = None,
) -> Scenario:
    """A realistic session drawn from ``seed``; keyword arguments pin what they name.

    ``unstable`` defaults to whether the ball is over-inflated for the person
    (more than 6 kPa above the domain's starting point for their mass).
    """
    rng = np.random.default_rng([seed, 0])
    person = draw_person(rng, height_m, mass_kg)
    ball = draw_ball(rng, person.mass_kg, radius_m, inflation_kpa)
    env = draw_environment(rng, heading_deg)
    if unstable is None:
        unstable = ball.rest_gauge_kpa > recommended_gauge_kpa(person.mass_kg) + UNSTABLE_EXCESS_KPA
    plan_s = round(float(rng.uniform(120.0, 300.0)), 1) if on_ball_s is None else on_ball_s
    landmarks = draw_landmarks(rng)
    count = min(int(rng.integers(2, 5)), max(2, int((plan_s - 40.0) // 40.0)))
    spots = draw_sore_spots(rng, sore_levels(rng, count, landmarks))
    excursions = int(rng.choice([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]))
    symptom = str(rng.choice(SYMPTOMS)) if rng.random() < 0.12 else None
    script = ScriptSpec(
        landmarks=landmarks,
        sore_spots=spots,
        rests=int(rng.integers(0, 2)),
        pauses=int(rng.integers(1, 4)),
        lumbar_excursions=excursions,
        unstable=unstable,
        symptom=symptom,
        on_ball_s=plan_s,
        roll_speed_mm_s=round(float(rng.uniform(15.0, 32.0)), 2),
        elbows=bool(rng.random() < 0.6),
    )
    return Scenario(seed, person, ball, env, script)
