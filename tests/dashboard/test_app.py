"""The dashboard driven with Textual's Pilot over a real data source (a replayed simulated person).

Every screen and key: what a person lying on the ball sees, and what reaches the recorder.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from spineball.dashboard.app import DashboardApp
from spineball.dashboard.screens.calibrate import CalibrateScreen
from spineball.dashboard.screens.dialogs import ConfirmEnd, LandmarkPicker, SymptomPicker
from spineball.dashboard.screens.help import HelpScreen
from spineball.dashboard.screens.history import HistoryScreen
from spineball.dashboard.screens.inflate import InflateScreen
from spineball.dashboard.screens.session import SessionScreen
from spineball.dashboard.screens.summary import SummaryScreen
from spineball.dashboard.source import SourceInfo
from spineball.dashboard.widgets.spine import SpineMap
from spineball.dashboard.widgets.trace import TracePlot
from spineball.session import api
from tests.dashboard.conftest import (
    AT_SPOT_S,
    LUMBAR_S,
    QUIET_SEED,
    SPOT_SEED,
    UNRATED_SPOT_S,
    dashboard,
    reached,
    replay,
    settle,
)


def text(app: DashboardApp, selector: str) -> str:
    """The plain text a Line (or the spine map) shows on the current screen."""
    found = app.screen.query(selector)
    if not found:
        return ""  # not composed yet
    rendered = found.first().render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def footer_keys(app: DashboardApp) -> dict[str, str]:
    return {
        b.binding.key: b.binding.description
        for b in app.screen.active_bindings.values()
        if b.binding.show and b.enabled
    }


async def test_the_session_view_shows_spot_spine_plot_plan_and_link() -> None:
    app = dashboard(replay(SPOT_SEED, AT_SPOT_S))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, AT_SPOT_S))
        await pilot.pause(0.1)
        assert isinstance(app.screen, SessionScreen)
        status = text(app, "#status")
        assert "REPLAY" in status
        assert "0:30" in status
        assert "guidance, not diagnosis" in status
        spot = text(app, "#spot-text")
        assert "Spot at T6" in spot
        assert "Pain 6→6 target 4" in spot
        assert "now RIGHT" in spot  # bent left already: the missing side
        spine = app.screen.query_one(SpineMap).render().plain
        assert "▼" in spine
        assert "T6 ±" in spine
        assert "L5" in spine
        trace = app.screen.query_one(TracePlot)
        assert str(trace.border_title).startswith("Load ")
        assert any(ch in trace.render().plain for ch in "⣀⣤⣶⣿⠉⠒")  # a line is drawn
        assert "of 2:30 on the ball" in text(app, "#plan")
        assert "Replay of person 4" in text(app, "#link")
        assert "No alerts" in text(app, "#banner")
        keys = footer_keys(app)
        for key in ("1", "s", "l", "x", "p", "e", "i", "c", "h", "question_mark", "q"):
            assert key in keys, key
        assert keys["q"] == "Quit"


async def test_pain_keys_rate_the_current_spot_and_zero_means_ten() -> None:
    client = replay(QUIET_SEED, UNRATED_SPOT_S)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, UNRATED_SPOT_S))
        assert "Pain? press 1–9" in text(app, "#spot-text")
        await pilot.press("6")
        await settle(pilot, lambda: "target 4" in text(app, "#spot-text"))
        assert "Pain 6→6 target 4" in text(app, "#spot-text")
        await pilot.press("4")
        await settle(pilot, lambda: "✓" in text(app, "#spot-text"))
        assert "Pain 6→4 target 4 ✓" in text(app, "#spot-text")
        await pilot.press("0")
        await settle(pilot, lambda: "6→10" in text(app, "#spot-text"))
        mine = [e for e in client.events if e.t_s == pytest.approx(UNRATED_SPOT_S, abs=0.06)]
        assert [(e.kind, e.value) for e in mine] == [("pain", 6), ("pain", 4), ("pain", 10)]
        # the spine map remembers the ratings given at the level
        await settle(pilot, lambda: "6→10" in app.screen.query_one(SpineMap).render().plain)


async def test_sore_and_landmark_keys_reach_the_recorder() -> None:
    client = replay(QUIET_SEED, UNRATED_SPOT_S)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, UNRATED_SPOT_S))
        await pilot.press("s")
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LandmarkPicker))
        await pilot.press("8")  # quick key: the shoulder-blade tips
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LandmarkPicker))
        await pilot.press("down", "enter")  # the list: T1, then C7
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.press("l", "escape")  # changed my mind
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause(0.2)
        mine = [e for e in client.events if e.t_s == pytest.approx(UNRATED_SPOT_S, abs=0.06)]
        assert [(e.kind, e.level) for e in mine] == [
            ("sore", None),
            ("landmark", "T8"),
            ("landmark", "C7"),
        ]


async def test_pause_key_pauses_and_resumes() -> None:
    client = replay(SPOT_SEED, 10.0, hold=False)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, 10.0))
        await pilot.press("p")
        await settle(pilot, lambda: "PAUSED" in text(app, "#status"))
        assert client.paused
        await pilot.press("p")
        await settle(pilot, lambda: "REPLAY" in text(app, "#status"))
        assert not client.paused


async def test_end_asks_first_then_shows_the_summary() -> None:
    app = dashboard(replay(SPOT_SEED, AT_SPOT_S))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, AT_SPOT_S))
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmEnd))
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        await pilot.pause(0.2)
        assert not app.view.ended
        await pilot.press("e", "y")
        await settle(pilot, lambda: isinstance(app.screen, SummaryScreen))
        summary = app.screen
        assert isinstance(summary, SummaryScreen)
        body = " ".join(str(s.render()) for s in summary.query("#summary Static"))
        assert "on the ball" in body
        assert "ENDED" in text(app, "#status")
        spots = summary.result["spots"]
        assert isinstance(spots, list)
        assert any(s["level"] == "T6" for s in spots)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert "ENDED" in text(app, "#status")


async def test_symptom_stop_ends_the_session_with_the_doctor_advice() -> None:
    client = replay(SPOT_SEED, AT_SPOT_S)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, AT_SPOT_S))
        await pilot.press("x")
        await settle(pilot, lambda: isinstance(app.screen, SymptomPicker))
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(app.screen, SummaryScreen))
        doctor = str(app.screen.query_one("#doctor").render())
        assert "TINGLING" in doctor
        assert "see a doctor" in doctor
        banner = app.screen.query_one("#banner")
        assert banner.has_class("-stop")
        assert "SEE A DOCTOR" in text(app, "#banner")
        await pilot.press("x")  # ended: nothing more to stop
        await pilot.pause(0.1)
        assert not isinstance(app.screen, SymptomPicker)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert "SEE A DOCTOR" in text(app, "#banner")  # stays on the session view too
    symptoms = [e for e in client.events if e.kind == "symptom"]
    assert [e.value for e in symptoms] == ["tingling"]


async def test_the_lumbar_alarm_fills_the_banner_and_the_spot_says_roll_up() -> None:
    app = dashboard(replay(SPOT_SEED, LUMBAR_S))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, LUMBAR_S))
        await pilot.pause(0.1)
        banner = app.screen.query_one("#banner")
        assert banner.has_class("-alarm")
        assert "LOW BACK — ROLL BACK UP NOW" in text(app, "#banner")
        assert "past L1" in text(app, "#banner")
        assert "Roll back up" in text(app, "#spot-text")
        assert "Low back" in text(app, "#spot-text")
        assert "STOP: past L1 — roll back up" in text(app, "#cues")  # the cue, newest first


async def test_inflation_assistant_pump_target_and_done() -> None:
    client = replay(SPOT_SEED, 1.5)  # the ball at rest, before the person gets on
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, 1.5))
        await pilot.press("i")
        await settle(pilot, lambda: isinstance(app.screen, InflateScreen))
        await settle(pilot, lambda: "DONE" in text(app, "#inflate-say"))  # first session: keep
        assert "target 11.5 kPa" in text(app, "#inflate-head")
        await pilot.press("plus", "plus", "plus", "plus")
        await settle(pilot, lambda: "PUMP" in text(app, "#inflate-say"))
        await settle(pilot, lambda: "target 13.5 kPa" in text(app, "#inflate-head"))
        assert "2.0 kPa to go" in text(app, "#inflate-say")
        assert "strokes)" in text(app, "#inflate-say")
        await pilot.press("minus", "minus", "minus", "minus", "minus", "minus")
        await settle(pilot, lambda: "LET AIR OUT" in text(app, "#inflate-say"))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        await settle(
            pilot, lambda: app.view.update is not None and app.view.update.inflation is None
        )


async def test_calibration_wizard_and_landmarks() -> None:
    client = replay(SPOT_SEED, 1.5)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, 1.5))
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(app.screen, CalibrateScreen))
        await settle(pilot, lambda: "● steady" in text(app, "#cal-steady"))
        await pilot.press("f")  # too early
        await settle(pilot, lambda: "take an unloaded" in text(app, "#cal-reply"))
        await pilot.press("enter")
        await settle(pilot, lambda: "✓ unloaded" in text(app, "#cal-reply"))
        assert "step 2" in text(app, "#cal-title")
        # lying on the ball and breathing: not steady enough for a reading
        client.seek(30.0)
        await settle(pilot, reached(app, 30.0))
        await settle(pilot, lambda: "○ hold still" in text(app, "#cal-steady"))
        await pilot.press("enter")
        await pilot.press(*"35", "enter")
        await settle(pilot, lambda: "not steady" in text(app, "#cal-reply"))
        # still, later on: accepted
        client.seek(70.0)
        await settle(pilot, reached(app, 70.0))
        await pilot.press("enter")
        await pilot.press(*"35", "enter")
        await settle(pilot, lambda: "343 N" in text(app, "#cal-reply"))
        assert "35.0 kg → +" in text(app, "#cal-points")
        await pilot.press("8")  # landmark: under the shoulder-blade tips
        await pilot.press("f")
        await settle(pilot, lambda: "sent" in text(app, "#cal-reply"))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
    assert any(e.kind == "landmark" and e.level == "T8" and e.t_s > 69 for e in client.events)


async def test_history_lists_sessions_trends_and_the_plan(history_db: Path) -> None:
    app = dashboard(replay(SPOT_SEED, AT_SPOT_S), db_path=history_db)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot, reached(app, AT_SPOT_S))
        await pilot.press("h")
        await settle(pilot, lambda: isinstance(app.screen, HistoryScreen))
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await settle(pilot, lambda: screen.history is not None, timeout_s=20)
        assert screen.history is not None
        assert len(screen.history.rows) == 6
        assert "6 sessions" in text(app, "#history-status")
        assert "Next session #7" in str(screen.query_one("#history-plan").render())
        assert screen.history.rows[-1].advice == "+1.5 kPa"  # harder to find: pump up
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))


async def test_history_without_a_database_says_so(tmp_path: Path) -> None:
    app = dashboard(replay(SPOT_SEED, 1.0), db_path=tmp_path / "none.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await settle(pilot, lambda: "No sessions recorded yet" in text(app, "#history-status"))


async def test_help_lists_every_key() -> None:
    app = dashboard(replay(SPOT_SEED, 1.0))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        body = " ".join(console.export_text().split())
        for words in ("rate the pain", "sore", "landmark", "STOP", "pause", "end the session"):
            assert words in body
        assert "never be hidden" in body
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))


async def test_quit_detaches_from_the_source() -> None:
    client = replay(SPOT_SEED, 1.0)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, 1.0))
        await pilot.press("q")
        await pilot.pause(0.1)
    assert app.return_code == 0
    with pytest.raises(ConnectionError):
        await client.send(api.RatePain(3))


async def test_a_lost_source_is_shown_not_hidden() -> None:
    client = replay(SPOT_SEED, AT_SPOT_S)
    app = dashboard(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, AT_SPOT_S))
        await client.close()  # the stream stops without the session ending
        await settle(pilot, lambda: "RECORDER NOT REACHABLE" in text(app, "#banner"))
        await pilot.press("6")  # an input now cannot be delivered: the user is told
        await pilot.pause(0.2)
        assert any("not delivered" in str(n.message) for n in app._notifications)


async def test_with_a_recorder_q_says_the_recording_goes_on() -> None:
    client = replay(SPOT_SEED, 1.0)
    app = DashboardApp(client, SourceInfo("recorder", "SB-4455", keeps_recording=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, 1.0))
        assert footer_keys(app)["q"] == "Quit (recording goes on)"
        assert "REC" in text(app, "#status")


@pytest.fixture
def private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Data (bonds of the virtual world), config and the recorder's socket in temp dirs."""
    monkeypatch.setenv("SPINEBALL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SPINEBALL_CONFIG_DIR", str(tmp_path / "config"))
    with tempfile.TemporaryDirectory(prefix="sb-", dir="/tmp") as run:  # sockets: short paths
        monkeypatch.setenv("SPINEBALL_RUNTIME_DIR", run)
        yield tmp_path


async def test_pair_screen_scans_and_pairs_the_virtual_ball(private_dirs: Path) -> None:
    from spineball.dashboard.connect import BallFinder
    from spineball.dashboard.screens.pair import PairScreen
    from spineball.session.radio import RadioSpec

    finder = BallFinder(RadioSpec(virtual=True, seed=5))
    app = dashboard(replay(SPOT_SEED, 1.0))
    chosen: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, reached(app, 1.0))
        app.push_screen(PairScreen(app.ctx, finder, "no paired ball in reach"), chosen.append)
        await settle(pilot, lambda: isinstance(app.screen, PairScreen))
        screen = app.screen
        assert isinstance(screen, PairScreen)
        await settle(pilot, lambda: "no paired ball in reach" in text(app, "#pair-problem"))
        assert "hold the ball's button for 3 s" in text(app, "#pair-help")
        await settle(pilot, lambda: bool(screen.balls), timeout_s=30)
        ball = screen.balls[0]
        assert ball.name is not None
        assert ball.name.startswith("SB-")
        assert not ball.paired
        assert ball.pairing_open  # a new ball with no bonds: its window is open
        assert "1 found" in text(app, "#pair-progress")
        await pilot.press("enter")
        await settle(pilot, lambda: chosen != [], timeout_s=30)
    assert chosen == [ball.address]
    again = await finder.scan()
    assert [b.paired for b in again] == [True]


async def test_without_a_recorder_the_pair_screen_says_why(private_dirs: Path) -> None:
    from spineball.dashboard.connect import BallFinder, RecorderConnection
    from spineball.dashboard.screens.pair import PairScreen
    from spineball.session.radio import RadioSpec

    nowhere = RadioSpec(transport="tcp-client:127.0.0.1:9")  # no HCI controller listens there
    app = DashboardApp(
        None,
        SourceInfo("recorder", "your ball", keeps_recording=True),
        connection=RecorderConnection(nowhere, None, None, ("--duration", "5")),
        finder=BallFinder(nowhere),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        assert "CONNECTING" in text(app, "#banner")
        await settle(pilot, lambda: isinstance(app.screen, PairScreen), timeout_s=60)
        await settle(pilot, lambda: "Could not start recording" in text(app, "#pair-problem"))
        await settle(pilot, lambda: "Scanning failed" in text(app, "#pair-progress"), timeout_s=30)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, SessionScreen))
        assert "RECORDER NOT REACHABLE" in text(app, "#banner")
