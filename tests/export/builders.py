"""Stored test sessions from the person-on-ball simulator: imports and ball recordings."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from spineball.samples import SAMPLE_DTYPE, BlockClock, Gap, SampleBlock
from spineball.sessionfile import SessionData
from spineball.store import Database, DeviceInfo, import_session
from spineball.virtual.body import (
    ScriptSpec,
    SimulatedHistory,
    SimulatedSession,
    random_scenario,
    simulate,
    simulate_history,
)

RATE = 100.0


@cache
def week(seed: int = 5, sessions: int = 7) -> SimulatedHistory:
    return simulate_history(seed, sessions, "steady")


@cache
def stopped_session(seed: int = 41) -> SimulatedSession:
    """A session with a lumbar excursion that ends with tingling (symptom stop)."""
    scenario = random_scenario(seed, height_m=1.78, mass_kg=80.0)
    script = dataclasses.replace(
        scenario.script, lumbar_excursions=1, symptom="tingling", on_ball_s=120.0
    )
    assert isinstance(script, ScriptSpec)
    return simulate(dataclasses.replace(scenario, script=script))


def import_week(db: Database, seed: int = 5, sessions: int = 7) -> list[int]:
    return [
        import_session(db, SessionData(s.meta, s.samples)) for s in week(seed, sessions).sessions
    ]


def device_samples(sim: SimulatedSession, heading_deg: float) -> np.ndarray:
    """The session as the ball sends it: gravity-referenced quaternions, arbitrary heading."""
    t = sim.samples["t_s"]
    read = sim.source(heading_deg=heading_deg).read(t)
    out = np.zeros(len(t), dtype=SAMPLE_DTYPE)
    out["index"] = np.arange(len(t))
    out["t_s"] = t
    out["pressure_pa"] = read.pressure_pa
    out["temperature_c"] = read.temperature_c
    for k, name in enumerate(("qw", "qx", "qy", "qz")):
        out[name] = read.quaternion[:, k]
    return out


def record_ball_session(
    db: Database,
    sim: SimulatedSession,
    *,
    heading_deg: float = 137.0,
    gaps_s: Sequence[tuple[float, float]] = (),
    started_at: float = 1_736_150_400.0,
    ball: str = "SB-1A2B",
    extra: dict[str, object] | None = None,
) -> int:
    """Store ``sim`` as a recording from a (virtual) ball: device-frame quaternions, the
    stream's clock, and the given spans missing as gaps (never filled in)."""
    samples = device_samples(sim, heading_deg)
    t = samples["t_s"]
    keep = np.ones(len(t), dtype=bool)
    for a, b in gaps_s:
        keep &= ~((t >= a) & (t < b))
    device = db.upsert_device(DeviceInfo("F0:0D:CA:FE:00:01", ball, "0001", "SpineBall", "1.0"))
    meta = sim.meta if extra is None else dataclasses.replace(sim.meta, extra=extra)
    clock = BlockClock(0, 0.0, 1.0 / RATE)
    with db.start_session(meta, device_id=device, source="virtual", started_at=started_at) as rec:
        runs = np.split(np.arange(len(t)), np.flatnonzero(np.diff(keep.astype(np.int8))) + 1)
        for run in runs:
            if keep[run[0]]:
                rec.append(SampleBlock(samples[run], RATE, clock=clock))
            else:
                first, end = int(run[0]), int(run[-1]) + 1
                rec.add_gap(Gap(first, end, clock.time(first), clock.time(end), "overwritten"))
        return rec.session_id


def open_db(path: Path) -> Database:
    return Database.open(path)
