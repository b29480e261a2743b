"""What a simulated session is made of: the person, the ball, the room and the script.

All specs are frozen dataclasses with realistic defaults; :func:`random_scenario`
draws every value from a seed (ranges from the domain notes) and lets the
caller pin height, mass, ball radius, inflation and heading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from spineball import anatomy
from spineball.sessionfile import SYMPTOMS

FloatArray = npt.NDArray[np.float64]
Side: TypeAlias = Literal["left", "right"]

GRAVITY: Final = 9.81
SIDES: Final[tuple[Side, Side]] = ("left", "right")
#: Over-inflation (above the domain's starting point) that makes the person unstable.
UNSTABLE_EXCESS_KPA: Final = 6.0


def recommended_gauge_kpa(mass_kg: float) -> float:
    """Domain notes' starting inflation: 13 kPa + 0.35 kPa/kg × (mass − 75 kg), 3–35 kPa."""
    return float(np.clip(13.0 + 0.35 * (mass_kg - 75.0), 3.0, 35.0))


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class PersonSpec:
    """The person on the ball. ``level_positions_mm`` (C7 … L5 from C7) defaults to the prior."""

    height_m: float = 1.75
    mass_kg: float = 75.0
    mm_per_degree: float = 1.5  # domain: 1.2–1.9 mm along the back per degree of ball roll
    level_positions_mm: tuple[float, ...] = ()
    lying_load_fraction: float = 0.42  # domain: 0.30–0.55 × body weight while lying on it
    elbows_load_factor: float = 0.65  # propped on the elbows takes weight off the ball
    breathing_hz: float = 0.25  # domain: 0.18–0.32 Hz
    breathing_depth: float = 0.04  # domain: modulates load 2–6 %
    heart_hz: float = 1.15
    heart_depth: float = 0.006  # domain: 0.3–1 %

    def __post_init__(self) -> None:
        _check(1.40 <= self.height_m <= 2.10, f"height {self.height_m} m is not 1.40–2.10 m")
        _check(40.0 <= self.mass_kg <= 150.0, f"mass {self.mass_kg} kg is not 40–150 kg")
        _check(1.0 <= self.mm_per_degree <= 2.2, "mm_per_degree must be 1.0–2.2")
        _check(0.25 <= self.lying_load_fraction <= 0.6, "lying_load_fraction must be 0.25–0.6")
        _check(0.4 <= self.elbows_load_factor <= 0.9, "elbows_load_factor must be 0.4–0.9")
        _check(0.15 <= self.breathing_hz <= 0.4, "breathing_hz must be 0.15–0.4")
        _check(0.0 <= self.breathing_depth <= 0.1, "breathing_depth must be 0–0.1")
        _check(0.8 <= self.heart_hz <= 2.0, "heart_hz must be 0.8–2.0")
        _check(0.0 <= self.heart_depth <= 0.02, "heart_depth must be 0–0.02")
        if self.level_positions_mm:
            pos = np.asarray(self.level_positions_mm)
            _check(len(pos) == len(anatomy.LEVELS), "level_positions_mm needs C7 … L5")
            _check(bool(np.all(np.diff(pos) > 0)), "level_positions_mm must increase")

    @property
    def weight_n(self) -> float:
        return self.mass_kg * GRAVITY

    @property
    def lying_load_n(self) -> float:
        return self.lying_load_fraction * self.weight_n

    def positions_mm(self) -> FloatArray:
        """Where C7 … L5 lie on this person's back, mm from C7."""
        if self.level_positions_mm:
            return np.asarray(self.level_positions_mm, dtype=np.float64)
        return anatomy.level_positions_mm(self.height_m)


@dataclass(frozen=True, slots=True)
class BallSpec:
    radius_m: float = 0.115  # a 6-lb medicine ball is 20–26 cm across
    rest_gauge_kpa: float = 13.0  # domain: starting point for 75 kg
    wall_kpa: float = 8.0  # rubber wall as an equivalent pressure (see physics.py)
    relax_tau_s: float = 10.0  # domain: adiabatic overshoot relaxes over 4–20 s

    def __post_init__(self) -> None:
        _check(0.09 <= self.radius_m <= 0.14, f"ball radius {self.radius_m} m is not 0.09–0.14 m")
        _check(
            3.0 <= self.rest_gauge_kpa <= 35.0,
            f"inflation {self.rest_gauge_kpa} kPa is outside the safe 3–35 kPa gauge",
        )
        _check(0.0 <= self.wall_kpa <= 20.0, "wall_kpa must be 0–20")
        _check(4.0 <= self.relax_tau_s <= 20.0, "relax_tau_s must be 4–20 s")


@dataclass(frozen=True, slots=True)
class Environment:
    """The room and the sensor pod."""

    atmosphere_pa: float = 101_300.0  # domain: ≈ 101.3 kPa, varies a little with weather
    room_c: float = 22.0
    warming_k: float = 3.5  # gas temperature the body would reach (domain: 1–4 K over minutes)
    warming_tau_s: float = 160.0
    sensor_tau_s: float = 40.0  # the pod on the valve lags the gas
    sensor_offset_k: float = 0.3  # the pod's electronics warm it a little
    pressure_noise_pa: float = 3.0  # MPRLS-class sensor at full rate: a few Pa RMS
    heading_deg: float = 0.0  # world heading of the body frame (the client estimates it)
    started_at: str = "2025-01-06T07:30:00Z"

    def __post_init__(self) -> None:
        _check(95_000 <= self.atmosphere_pa <= 106_000, "atmosphere must be 95–106 kPa")
        _check(5.0 <= self.room_c <= 35.0, "room temperature must be 5–35 °C")
        _check(0.0 <= self.warming_k <= 6.0, "warming_k must be 0–6 K")
        _check(self.warming_tau_s > 0 and self.sensor_tau_s > 0, "time constants must be > 0")


@dataclass(frozen=True, slots=True)
class SoreSpot:
    """A tender place the person finds, rates and works on."""

    level: str
    pain_first: int = 6
    tau_s: float = 40.0  # domain: pain decays with τ 20–60 s
    stay_to_target: bool = True  # False: the person moves on before the one-third drop
    sides: tuple[Side, ...] = SIDES  # side bends done here (a missing one is realistic)

    def __post_init__(self) -> None:
        anatomy.level_index(self.level)
        _check(self.level in anatomy.THORACIC, f"sore spot {self.level} must be thoracic")
        _check(2 <= self.pain_first <= 10, "pain_first must be 2–10")
        _check(5.0 <= self.tau_s <= 120.0, "tau_s must be 5–120 s")
        _check(all(s in SIDES for s in self.sides), "sides must be 'left' and/or 'right'")


@dataclass(frozen=True, slots=True)
class ScriptSpec:
    """What the person does. Timing details are drawn from the scenario's seed."""

    landmarks: tuple[str, str] = ("T1", "T8")  # domain: T1/C7, then the scapula tips ≈ T8
    sore_spots: tuple[SoreSpot, ...] = (SoreSpot("T4"), SoreSpot("T6", 5), SoreSpot("T10", 7))
    rests: int = 1  # unflagged stays ≥ 8 s (spots without a sore flag)
    pauses: int = 2  # brief stops < 5 s while exploring (not spots)
    lumbar_excursions: int = 0  # rolls past T12/L1 and back
    unstable: bool = False  # over-inflated: lateral sway 0.5–3 Hz above 2 °/s RMS
    symptom: str | None = None  # burning / tingling / electric at a sore spot → gets off
    on_ball_s: float = 180.0  # planned time on the ball (domain: 2–3 min, later 4–5)
    roll_speed_mm_s: float = 22.0
    elbows: bool = True  # props on the elbows during some moves

    def __post_init__(self) -> None:
        first, second = self.landmarks
        _check(first in ("C7", "T1"), "the first landmark must be C7 or T1")
        _check(
            second in anatomy.THORACIC and anatomy.level_index(second) >= anatomy.level_index("T5"),
            "the second landmark must be T5–T12",
        )
        _check(
            self.symptom is None or self.symptom in SYMPTOMS, f"symptom must be one of {SYMPTOMS}"
        )
        _check(self.rests >= 0 and self.pauses >= 0 and self.lumbar_excursions >= 0, "counts >= 0")
        _check(30.0 <= self.on_ball_s <= 900.0, "on_ball_s must be 30–900 s")
        _check(8.0 <= self.roll_speed_mm_s <= 60.0, "roll_speed_mm_s must be 8–60 mm/s")
        levels = [anatomy.level_index(s.level) for s in self.sore_spots]
        _check(len(set(levels)) == len(levels), "sore spots must be at different levels")
        _check(
            not {s.level for s in self.sore_spots} & set(self.landmarks),
            "a sore spot cannot be at a landmark level",
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything :func:`spineball.virtual.body.simulate` needs; the seed drives the details."""

    seed: int
    person: PersonSpec = field(default_factory=PersonSpec)
    ball: BallSpec = field(default_factory=BallSpec)
    env: Environment = field(default_factory=Environment)
    script: ScriptSpec = field(default_factory=ScriptSpec)
