"""The dashboard's pure parts: ring buffer, alerts, settings, tallies, and what the widgets draw."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from spineball.analysis.safety import Alarm, SymptomStop
from spineball.anatomy import LEVELS
from spineball.cli import main
from spineball.config import ConfigError
from spineball.dashboard.alerts import current_alerts
from spineball.dashboard.format import clock, kg
from spineball.dashboard.ring import Ring
from spineball.dashboard.settings import DashboardSettings, dashboard_settings
from spineball.dashboard.source import SourceInfo
from spineball.dashboard.state import LiveView
from spineball.dashboard.widgets.bigtext import big
from spineball.dashboard.widgets.spine import level_coordinate, spine_rows
from spineball.dashboard.widgets.spot import spot_lines
from spineball.dashboard.widgets.trace import braille, scale_kg
from spineball.session import api
from tests.dashboard.conftest import AT_SPOT_S, SPOT_SEED, replay, simulated


def test_ring_keeps_the_newest_values_in_order() -> None:
    ring = Ring(5, 2)
    assert len(ring) == 0
    ring.append(np.arange(3.0), np.arange(3.0) * 10)
    ring.append(np.arange(3.0, 7.0), np.arange(3.0, 7.0) * 10)
    assert len(ring) == 5
    assert ring.latest()[0].tolist() == [2.0, 3.0, 4.0, 5.0, 6.0]
    assert ring.latest(2)[1].tolist() == [50.0, 60.0]
    assert ring.since(0, 4.5)[0].tolist() == [5.0, 6.0]
    ring.append(np.arange(10.0, 22.0), np.zeros(12))  # more than fits: the newest part
    assert ring.latest()[0].tolist() == [17.0, 18.0, 19.0, 20.0, 21.0]
    with pytest.raises(ValueError, match="columns"):
        ring.append(np.zeros(2))


def test_quit_note_says_whether_the_recording_goes_on() -> None:
    assert SourceInfo("replay", "s.csv").quit_note == ""
    note = SourceInfo("recorder", "SB-1A2B", keeps_recording=True).quit_note
    assert note.startswith("The recording goes on in the background")
    virtual = SourceInfo("recorder", "virtual", keeps_recording=True, stops_after_s=600.0)
    assert "stops by itself 10 minutes after it began" in virtual.quit_note


def test_formats() -> None:
    assert clock(None) == "–:––"
    assert clock(59.6) == "1:00"
    assert clock(3725) == "1:02:05"
    assert kg(392.3) == "40"
    assert kg(None) == "–"


def test_big_characters_line_up() -> None:
    rows = big("T6")
    assert len(rows) == 3
    assert len({len(r) for r in rows}) == 1
    assert rows[0] == "╶┬╴ ╭─╴"
    assert big("0:24")[1] == "│ │:╭─╯ ╰─┤"


def test_braille_draws_the_series_and_scales_in_steps() -> None:
    t = np.linspace(0.0, 10.0, 201)
    flat = np.full(201, 30.0)
    lines = braille(t, flat, 10.0, 10.0, 60.0, cols=10, rows=2)
    assert len(lines) == 2
    assert all(len(line) == 10 for line in lines)
    # 30 of 60 kg on 8 dot rows is dot row 4 (of 0–7): the bottom cell's top row, all columns
    assert lines[0] == "⠀" * 10
    assert lines[1] == "⠉" * 10
    gap = flat.copy()
    gap[100:] = np.nan  # no load known: nothing drawn
    assert braille(t, gap, 10.0, 10.0, 60.0, cols=10, rows=2)[1][6:] == "⠀" * 4
    assert scale_kg(np.array([41.0, 44.0])) == 50.0
    assert scale_kg(np.array([5.0])) == 20.0
    assert scale_kg(np.array([np.nan])) == 20.0


async def _snapshot_at(seed: int, t_s: float) -> api.SessionUpdate:
    client = replay(seed, t_s)
    async for update in client.updates():
        if update.snapshot.t_s >= t_s - 0.06:
            await client.close()
            return update
    raise AssertionError("no update")


@pytest.fixture(scope="module")
def on_spot() -> api.SessionUpdate:
    return asyncio.run(_snapshot_at(SPOT_SEED, AT_SPOT_S))


def test_level_coordinate_follows_the_level_edges(on_spot: api.SessionUpdate) -> None:
    snap = on_spot.snapshot
    assert snap.position_mm is not None
    assert snap.level is not None
    u = level_coordinate(snap, snap.position_mm)
    assert int(u) == LEVELS.index(snap.level)
    edges = snap.level_edges_mm
    assert level_coordinate(snap, edges[0]) == pytest.approx(1.0)
    assert level_coordinate(snap, edges[-1]) == pytest.approx(17.0)
    assert level_coordinate(snap, -1e4) == 0.0
    # a recorder that sends no edges: the centre of the named level
    bare = dataclasses.replace(snap, level_edges_mm=())
    assert level_coordinate(bare, snap.position_mm) == LEVELS.index(snap.level) + 0.5


def test_spine_rows_place_the_ball_with_its_band(on_spot: api.SessionUpdate) -> None:
    view = LiveView()
    view.apply(on_spot, 0.0)
    rows = spine_rows(on_spot.snapshot, view.tally, 76)
    place, labels = rows[0].plain, rows[1].plain
    marker = place.index("▼")
    cell = 76 // 18
    assert labels[marker - marker % cell : marker - marker % cell + cell].strip() == "T6"
    assert "─" in place[:marker]
    assert "─" in place[marker + 1 :]
    off = dataclasses.replace(on_spot.snapshot, on_ball=False)
    assert "off the ball" in spine_rows(off, view.tally, 76)[0].plain


def test_spot_lines_for_each_state(on_spot: api.SessionUpdate) -> None:
    snap = on_spot.snapshot
    assert "Waiting" in spot_lines(None).plain
    assert "Off the ball" in spot_lines(dataclasses.replace(snap, on_ball=False)).plain
    rolling = dataclasses.replace(snap, still_s=None, in_spot=False)
    assert "Rolling · T6" in spot_lines(rolling).plain
    text = spot_lines(snap).plain
    assert "Spot at T6" in text
    assert "Pain 6→6 target 4" in text
    assert "now RIGHT" in text
    red = dataclasses.replace(snap, lumbar="red", level="L1")
    assert "Low back · L1" in spot_lines(red).plain
    assert "Pain" not in spot_lines(red).plain  # never invite a stay there


def test_alerts_rank_safety_first_and_only_link_and_sway_can_be_hidden(
    on_spot: api.SessionUpdate,
) -> None:
    assert current_alerts(on_spot) == []
    snap = dataclasses.replace(
        on_spot.snapshot,
        lumbar="red",
        unstable=True,
        symptom_stop=SymptomStop(30.0, "electric"),
        alarms=(Alarm(29.0, 30.0, "sudden-rise", "pressure rose by more than 15 kPa"),),
    )
    lost = dataclasses.replace(on_spot.link, phase="reconnecting", backfill_pending=240)
    update = dataclasses.replace(on_spot, snapshot=snap, link=lost)
    alerts = current_alerts(update)
    assert [a.kind for a in alerts] == ["symptom", "lumbar", "sudden-rise", "link", "unstable"]
    assert alerts[0].title == "STOP — ELECTRIC PAIN: SEE A DOCTOR"
    assert "240 samples to fetch" in alerts[3].detail
    everything = frozenset({"symptom", "lumbar", "sudden-rise", "link", "unstable"})
    kept = current_alerts(update, hidden=everything)
    assert [a.kind for a in kept] == ["symptom", "lumbar", "sudden-rise"]
    # off the ball a stale position is no lumbar alarm
    off = dataclasses.replace(update, snapshot=dataclasses.replace(snap, on_ball=False))
    assert "lumbar" not in [a.kind for a in current_alerts(off)]
    assert current_alerts(on_spot, silent_s=3.0)[0].title == "NO DATA"
    full = dataclasses.replace(on_spot, store_error="database or disk is full")
    assert current_alerts(full)[0].title == "RECORDING NOT SAVED"
    assert current_alerts(full, hidden=everything)[0].kind == "store"  # never hidden
    assert current_alerts(None, attached=False)[0].title == "RECORDER NOT REACHABLE"


def test_settings_never_hide_safety_alerts() -> None:
    assert dashboard_settings({}) == DashboardSettings()
    assert dashboard_settings({"dashboard": {"hide_alerts": ["link"], "fps": 10}}).fps == 10
    for kind in ("lumbar", "symptom", "over-pressure"):
        with pytest.raises(ConfigError, match="cannot hide"):
            dashboard_settings({"dashboard": {"hide_alerts": [kind]}})
    with pytest.raises(ConfigError, match="fps"):
        dashboard_settings({"dashboard": {"fps": 60}})
    with pytest.raises(ConfigError, match="plot_seconds"):
        dashboard_settings({"dashboard": {"plot_seconds": 5}})
    with pytest.raises(ConfigError, match="unknown key"):
        dashboard_settings({"dashboard": {"colour": "red"}})


def test_tally_counts_dwell_per_level_from_the_updates() -> None:
    async def run() -> LiveView:
        view = LiveView()
        client = replay(SPOT_SEED, 78.0)
        async for update in client.updates():
            view.apply(update, 0.0)
            if update.snapshot.t_s >= 77.9:
                await client.close()
        return view

    view = asyncio.run(run())
    truth = simulated(SPOT_SEED).truth
    dwell = dict(zip(LEVELS, view.tally.dwell_s, strict=True))
    on_ball = sum(dwell.values())
    assert on_ball == pytest.approx(view.update.snapshot.on_ball_s, abs=2.0)  # type: ignore[union-attr]
    for spot in truth["spots"]:  # each spot's time lands within a level of its true one
        i = LEVELS.index(spot["level"])
        near = sum(view.tally.dwell_s[max(i - 1, 0) : i + 2])
        assert near >= 0.8 * spot["dwell_s"], spot
    assert view.tally.pain_first[LEVELS.index("T6")] == 6


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["dash", "--replay", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1
    assert missing.output.startswith("spineball: error: ")
    assert missing.output.count("\n") == 1
    both = runner.invoke(main, ["dash", "--replay", "x.csv", "--virtual"])
    assert both.exit_code == 1
    assert "--replay plays a file" in both.output
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('[dashboard]\nhide_alerts = ["lumbar"]\n')
    hidden = runner.invoke(
        main, ["dash", "--replay", "x.csv"], env={"SPINEBALL_CONFIG_DIR": str(config)}
    )
    assert hidden.exit_code == 1
    assert "cannot hide 'lumbar'" in hidden.output
