"""`spineball history` and the shareable summary, against the simulator's truth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from spineball.cli import main
from spineball.sessionfile import SessionData
from spineball.store import Database, import_session
from tests.export.builders import import_week, stopped_session, week


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("history") / "s.db"
    with Database.open(path) as db:
        import_week(db)
        stop = stopped_session()
        import_session(db, SessionData(stop.meta, stop.samples))  # id 8: another person
    return path


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, [str(a) for a in args])


def test_history_json_matches_the_truth(db_path: Path) -> None:
    result = run("history", "--json", "--to", "2025-01-12", "--db", db_path)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rows = doc["sessions"]
    assert [r["id"] for r in rows] == list(range(1, 8))
    truths = [s.truth for s in week().sessions]
    for row, truth in zip(rows, truths, strict=True):
        assert row["spots"] == len(truth["spots"])
        assert row["sore_spots"] == sum(1 for s in truth["spots"] if s["sore"])
        assert row["on_ball_s"] == pytest.approx(truth["session"]["on_ball_s"], abs=3.0)
        # Every excursion is caught; the guard warns early when the position is uncertain.
        assert row["lumbar_alerts"] >= len(truth["lumbar_excursions"])
        assert row["advice"]["action"] == "keep"  # a steady history
    assert [r["plan"]["session_number"] for r in rows] == list(range(1, 8))
    total_truth = sum(s["dwell_s"] for t in truths for s in t["spots"])
    total = sum(c["dwell_s"] for cells in doc["levels"].values() for c in cells)
    assert total == pytest.approx(total_truth, rel=0.05)
    sore_truth = sum(1 for t in truths for s in t["spots"] if s["sore"])
    assert sum(c["sore_sessions"] for cells in doc["levels"].values() for c in cells) == sore_truth
    assert doc["plan"]["next"]["session_number"] == 8
    assert doc["plan"]["weeks"][0]["sessions"] == 7


def test_history_text_lists_sessions_levels_and_plan(db_path: Path) -> None:
    result = run("history", "--db", db_path)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.splitlines()[1].split()[:3] == ["id", "date", "length"]
    assert "STOP: tingling" in text  # the stopped session is flagged in its row
    assert "Per vertebral level, by week" in text
    # The plan belongs to the newest session's person: session 8 was someone's first.
    assert "Next session (no. 2)" in text
    assert "not diagnosis" in text
    week_only = run("history", "--to", "2025-01-12", "--db", db_path).stdout
    assert "Next session (no. 8)" in week_only


def test_summary_has_results_not_samples(db_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text('[user]\nalias = "J.D."\n')
    out = tmp_path / "share.json"
    result = run(
        "export",
        "7",
        "8",
        "-f",
        "summary",
        "-o",
        out,
        "--db",
        db_path,
        env={"SPINEBALL_CONFIG_DIR": str(config)},
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "spineball-summary"
    assert doc["person"] == "J.D."
    assert "not diagnosis" in doc["note"]
    assert out.stat().st_size < 20_000  # results only, no raw samples
    assert "pressure_pa" not in out.read_text()
    current, stopped = doc["sessions"]
    truth = week().sessions[-1].truth
    assert [s["level"] for s in current["spots"]] == [s["level"] for s in truth["spots"]]
    assert [s["pain_first"] for s in current["spots"]] == [s["pain_first"] for s in truth["spots"]]
    assert current["side_bends"]["left"] + current["side_bends"]["right"] == len(truth["flexions"])
    assert current["plan"]["session_number"] == 7
    stop_truth = stopped_session().truth
    assert [s["symptom"] for s in stopped["symptoms"]] == ["tingling"]
    assert stopped["symptom_stop"]["symptom"] == "tingling"
    assert len(stopped["lumbar_alerts"]) >= len(stop_truth["lumbar_excursions"])
    assert stopped["advice"]["action"] == "keep"  # after a symptom stop: see a doctor first


def test_summary_to_stdout_with_a_person_option(db_path: Path) -> None:
    result = run(
        "export", "--last", "-f", "summary", "-o", "-", "--person", "P-17", "--db", db_path
    )
    doc = json.loads(result.stdout)
    assert doc["person"] == "P-17"
    assert [s["id"] for s in doc["sessions"]] == [8]


def test_history_without_sessions_says_so(tmp_path: Path) -> None:
    result = run("history", env={"SPINEBALL_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no sessions recorded or imported yet" in result.stderr
    Database.open(tmp_path / "empty.db").close()
    empty = run("history", "--db", tmp_path / "empty.db")
    assert empty.exit_code == 0
    assert "no sessions" in empty.stderr
