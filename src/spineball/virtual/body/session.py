"""One simulated session: samples in the contract's body frame, sidecar metadata, truth."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Final

import numpy as np

from spineball import anatomy
from spineball.samples import Samples
from spineball.sessionfile import (
    Ball,
    CalibrationPoint,
    SessionFileError,
    SessionMeta,
    User,
    atomic_write,
    write_session,
)
from spineball.virtual.body import truth as rules
from spineball.virtual.body.physics import AirBall
from spineball.virtual.body.render import SampleTruth, render
from spineball.virtual.body.script import Script, build_script
from spineball.virtual.body.source import SimulatedSource
from spineball.virtual.body.specs import GRAVITY, Scenario
from spineball.virtual.source import FloatArray, SourceSamples

TRUTH_FORMAT: Final = "spineball-sim-truth"
TRUTH_VERSION: Final = 1


def truth_path(csv_path: Path) -> Path:
    """``NAME.csv`` → ``NAME.truth.json``."""
    return csv_path.with_suffix(".truth.json")


@dataclass(frozen=True, eq=False)
class SimulatedSession:
    """A simulated session.

    ``samples`` (SESSION_DTYPE, body frame) and ``meta`` (events, calibration)
    are what a recorder would write; ``truth`` is the truth JSON object;
    ``per_sample`` holds the truth arrays, one value per sample. The session is
    itself a :class:`~spineball.virtual.source.SampleSource` (the scenario's
    heading, sensor axes = body axes); use :meth:`source` for another view.
    """

    scenario: Scenario
    rate_hz: float
    samples: Samples
    meta: SessionMeta
    truth: dict[str, Any]
    per_sample: SampleTruth
    air_ball: AirBall

    @property
    def duration_s(self) -> float:
        return float(self.samples["t_s"][-1])

    def source(
        self, heading_deg: float | None = None, mount: FloatArray | None = None
    ) -> SimulatedSource:
        """The device's view: world frame turned by ``heading_deg``, sensor axes by ``mount``."""
        return SimulatedSource(self, heading_deg, mount)

    @cached_property
    def _default_source(self) -> SimulatedSource:
        return self.source()

    def read(self, t_s: FloatArray) -> SourceSamples:
        """``SampleSource``: the scenario's heading, pod axes = body axes."""
        return self._default_source.read(t_s)

    def write(self, csv_path: Path | str) -> tuple[Path, Path, Path]:
        """Write ``NAME.csv`` + ``NAME.json`` (interchange contract) and ``NAME.truth.json``."""
        path = write_session(csv_path, self.meta, self.samples)
        side = truth_path(path)
        try:
            atomic_write(side, [json.dumps(self.truth, indent=1).encode() + b"\n"])
        except OSError as err:
            raise SessionFileError(f"{side}: cannot write ({err.strerror or err})") from None
        return path, path.with_suffix(".json"), side


def _calibration(scenario: Scenario, ball: AirBall) -> tuple[CalibrationPoint, ...]:
    """1–3 bathroom-scale points at this inflation, taken before the session (room temperature).

    The scale shows 0.1 kg steps; the pressure is the settled reading with sensor noise.
    """
    rng = np.random.default_rng([scenario.seed, 3])
    count = int(rng.integers(1, 4))
    loads = np.sort(rng.uniform(180.0, 520.0, count if count == 1 else count - 1))
    true_loads = np.concatenate(([0.0], loads)) if count > 1 else loads
    pressure = ball.static_pressure(true_loads) + rng.normal(0.0, 2.0, len(true_loads))
    shown = np.round(true_loads / GRAVITY, 1) * GRAVITY
    return tuple(
        CalibrationPoint(round(float(f), 2), round(float(p), 2))
        for f, p in zip(shown, pressure, strict=True)
    )


def _r(x: float, digits: int = 4) -> float:
    return round(float(x), digits)


def _truth_json(
    scenario: Scenario, per: SampleTruth, meta: SessionMeta, ball: AirBall, script: Script
) -> dict[str, Any]:
    person, env, plan = scenario.person, scenario.env, scenario.script
    levels = person.positions_mm()
    rate = meta.sample_rate_hz
    events = meta.events
    spots = rules.spot_records(per, rate, events, levels, script.pains)
    return {
        "format": TRUTH_FORMAT,
        "version": TRUTH_VERSION,
        "seed": scenario.seed,
        "person": {
            "height_m": person.height_m,
            "mass_kg": person.mass_kg,
            "lying_load_fraction": _r(person.lying_load_fraction),
            "elbows_load_factor": _r(person.elbows_load_factor),
            "breathing_hz": _r(person.breathing_hz),
            "breathing_depth": _r(person.breathing_depth),
            "heart_hz": _r(person.heart_hz),
            "heart_depth": _r(person.heart_depth),
        },
        "ball": {
            "radius_m": scenario.ball.radius_m,
            "rest_gauge_kpa": scenario.ball.rest_gauge_kpa,
            "wall_kpa": _r(scenario.ball.wall_kpa),
            "relax_tau_s": _r(scenario.ball.relax_tau_s),
            "sensitivity_pa_per_n": _r(ball.sensitivity_pa_per_n(person.lying_load_n), 3),
        },
        "environment": {
            "atmosphere_pa": _r(env.atmosphere_pa, 1),
            "room_c": _r(env.room_c, 2),
            "gas_warming_k": _r(float(per.gas_temperature_c.max()) - env.room_c, 3),
            "sensor_tau_s": _r(env.sensor_tau_s, 1),
            "pressure_noise_pa": _r(env.pressure_noise_pa, 2),
        },
        "mm_per_degree": _r(person.mm_per_degree),
        "heading_deg": env.heading_deg,
        "level_positions_mm": {
            name: _r(mm, 2) for name, mm in zip(anatomy.LEVELS, levels, strict=True)
        },
        "first_landmark": plan.landmarks[0],
        "landmarks": [],  # filled by simulate() from the script's marks
        "session": {
            "duration_s": _r(per.t_s[-1], 3),
            "on_ball_s": _r(np.count_nonzero(per.on_ball) / rate, 2),
            "samples": len(per.t_s),
            "on_ball_plan_s": plan.on_ball_s,
        },
        "spots": spots,
        "flexions": rules.flexion_records(per),
        "lumbar_excursions": rules.lumbar_records(per),
        "instability": rules.instability_record(per, rate),
        "symptoms": rules.symptom_records(per, events),
        "expected_advice": None,
    }


def simulate(scenario: Scenario, rate_hz: float = 100.0) -> SimulatedSession:
    """Simulate ``scenario`` at ``rate_hz``; the same scenario always gives the same session."""
    if not 10.0 <= rate_hz <= 1000.0:
        raise ValueError(f"rate {rate_hz} Hz is not 10–1000 Hz")
    script = build_script(scenario, np.random.default_rng([scenario.seed, 1]))
    rendered = render(scenario, script, rate_hz, np.random.default_rng([scenario.seed, 2]))
    person = scenario.person
    meta = SessionMeta(
        sample_rate_hz=rate_hz,
        ball=Ball(scenario.ball.radius_m, scenario.ball.rest_gauge_kpa),
        user=User(person.height_m, person.mass_kg),
        calibration=_calibration(scenario, rendered.air_ball),
        events=tuple(script.events),
        extra={"started_at": scenario.env.started_at, "simulator": {"seed": scenario.seed}},
    )
    truth = _truth_json(scenario, rendered.truth, meta, rendered.air_ball, script)
    levels = person.positions_mm()
    per = rendered.truth
    script_first = scenario.script.landmarks[0]
    truth["landmarks"] = []
    for mark in script.marks:  # where the ball really was when the user marked the vertebra
        contact = float(np.interp(mark.t_s, per.t_s, np.nan_to_num(per.contact_mm)))
        truth_level = levels[anatomy.level_index(mark.level)]
        truth["landmarks"].append(
            {
                "t_s": mark.t_s,
                "level": mark.level,
                "position_mm": _r(contact - levels[anatomy.level_index(script_first)], 2),
                "error_mm": _r(contact - truth_level, 2),
            }
        )
    return SimulatedSession(
        scenario, rate_hz, rendered.samples, meta, truth, rendered.truth, rendered.air_ball
    )
