"""Shared pieces for the dashboard tests: simulated sessions, replays, a history database."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from textual.pilot import Pilot

from spineball.dashboard.app import DashboardApp
from spineball.dashboard.replay import ReplayClient
from spineball.dashboard.source import SourceInfo
from spineball.sessionfile import SessionData
from spineball.store import Database, import_session
from spineball.virtual.body import SimulatedSession, random_scenario, simulate, simulate_history

#: seed 4: a rated sore spot at T6 (16–33 s, left bend, right missing), another at T10
#: (40–77 s, both bends), a lumbar excursion (79–83 s); seed 1: an unrated rest at T3/T4
#: (34–46 s) and a lumbar excursion (132–137 s)
SPOT_SEED = 4
AT_SPOT_S = 30.0
LUMBAR_S = 80.5
QUIET_SEED = 1
UNRATED_SPOT_S = 44.0


@cache
def simulated(seed: int) -> SimulatedSession:
    return simulate(random_scenario(seed))


def replay(seed: int, at_s: float, *, speed: float = 1.0, hold: bool = True) -> ReplayClient:
    """A replay of a simulated person, jumped ahead to ``at_s`` (and held there)."""
    sim = simulated(seed)
    return ReplayClient(
        SessionData(sim.meta, sim.samples),
        name=f"person {seed}",
        speed=speed,
        start_s=at_s,
        hold_at_s=at_s if hold else None,
    )


def dashboard(client: ReplayClient, db_path: Path | None = None) -> DashboardApp:
    return DashboardApp(client, SourceInfo("replay", client.name), db_path=db_path, speed=1.0)


async def settle(
    pilot: Pilot[None], condition: Callable[[], object], timeout_s: float = 8.0
) -> None:
    """Let the app run until ``condition()`` holds."""
    for _ in range(int(timeout_s / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the dashboard did not reach the expected state in time")


def reached(app: DashboardApp, t_s: float) -> Callable[[], bool]:
    def check() -> bool:
        update = app.view.update
        shown = app.drawn_version == app.view.version
        return update is not None and update.snapshot.t_s >= t_s - 0.06 and shown

    return check


@pytest.fixture(scope="session")
def history_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real SQLite store holding six simulated sessions over a week."""
    path = tmp_path_factory.mktemp("history") / "spineball.db"
    week = simulate_history(3, 6, "harder-to-find")
    with Database.open(path) as db:
        for session in week.sessions:
            import_session(db, SessionData(session.meta, session.samples))
    return path
