"""SVG snapshots of the main screens at 80×24 and 120×40.

Deterministic: a fixed simulated person replayed to a fixed position and held
there; the screens show the session clock, never the wall clock (History's
dates are stored session times, shown in UTC here).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from spineball.dashboard.app import DashboardApp
from spineball.dashboard.screens.history import HistoryScreen
from tests.dashboard.conftest import (
    AT_SPOT_S,
    LUMBAR_S,
    SPOT_SEED,
    dashboard,
    reached,
    replay,
    settle,
)

SnapCompare = Callable[..., bool]
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def at(app: DashboardApp, t_s: float, *keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, reached(app, t_s))
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.3)
        await settle(pilot, reached(app, t_s))

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_on_a_spot(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = dashboard(replay(SPOT_SEED, AT_SPOT_S))
    assert snap_compare(app, terminal_size=size, run_before=at(app, AT_SPOT_S))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_session_lumbar_alarm(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    app = dashboard(replay(SPOT_SEED, LUMBAR_S))
    assert snap_compare(app, terminal_size=size, run_before=at(app, LUMBAR_S))


def test_symptom_stop_summary(snap_compare: SnapCompare) -> None:
    app = dashboard(replay(SPOT_SEED, AT_SPOT_S))
    assert snap_compare(app, terminal_size=(80, 24), run_before=at(app, AT_SPOT_S, "x", "e"))


def test_inflation_assistant(snap_compare: SnapCompare) -> None:
    app = dashboard(replay(SPOT_SEED, 1.5))

    async def run_before(pilot: Pilot[None]) -> None:
        await at(app, 1.5, "i", "plus", "plus", "plus", "plus")(pilot)
        await settle(pilot, lambda: "PUMP" in str(app.screen.query_one("#inflate-say").render()))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_calibration(snap_compare: SnapCompare) -> None:
    app = dashboard(replay(SPOT_SEED, 1.5))
    assert snap_compare(app, terminal_size=(80, 24), run_before=at(app, 1.5, "c", "enter"))


def test_help(snap_compare: SnapCompare) -> None:
    app = dashboard(replay(SPOT_SEED, 1.5))
    assert snap_compare(app, terminal_size=(120, 40), run_before=at(app, 1.5, "question_mark"))


def test_history(snap_compare: SnapCompare, history_db: Path) -> None:
    app = dashboard(replay(SPOT_SEED, 1.5), db_path=history_db)

    async def run_before(pilot: Pilot[None]) -> None:
        await at(app, 1.5, "h")(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await settle(pilot, lambda: screen.history is not None, timeout_s=20)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
