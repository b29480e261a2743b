"""`spineball import`: contract files in, validated, all or nothing per file."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from spineball.cli import main
from spineball.sessionfile import SessionData, write_session
from spineball.store import Database, StoreError, import_session
from tests.export.builders import week


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [s.write(tmp_path / f"day{i}.csv")[0] for i, s in enumerate(week().sessions[:3])]


def _counts(db_path: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db_path)
    try:
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("sessions", "sample_blocks", "calibrations")
        )
    finally:
        conn.close()


def test_import_prints_new_ids_and_skips_duplicates(files: list[Path], tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    result = run("import", *files, "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["1", "day0.csv"],
        ["2", "day1.csv"],
        ["3", "day2.csv"],
    ]
    assert lines[0].endswith(f"{len(week().sessions[0].samples)} samples")
    again = run("import", files[0], "--db", db)
    assert again.exit_code == 0
    assert again.stdout == ""
    assert "already stored as session 1" in again.stderr
    forced = run("import", files[0], "--again", "--db", db)
    assert forced.stdout.split()[0] == "4"
    with Database.open(db) as store:
        stored = store.read_samples(1)
        assert store.session(1).source == "import"
    want = week().sessions[0].samples
    assert len(stored) == len(want)
    assert np.array_equal(stored["pressure_pa"], want["pressure_pa"])


def test_a_bad_file_means_nothing_is_imported(files: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    text = files[1].read_text().splitlines()
    text[500] = "12.34,not-a-number,20,1,0,0,0"
    broken.write_text("\n".join(text) + "\n")
    broken.with_suffix(".json").write_text(files[1].with_suffix(".json").read_text())
    db = tmp_path / "s.db"
    result = run("import", files[0], broken, files[2], "--db", db)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("spineball: error: ")
    assert "broken.csv" in result.stderr
    assert not db.exists()


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda csv, side: csv.write_text("t_s,pressure_pa\n0,1\n"), "missing column"),
        (lambda csv, side: csv.write_bytes(np.random.default_rng(1).bytes(3000)), "cannot read"),
        (lambda csv, side: side.write_text("{not json"), "not valid JSON"),
        (
            lambda csv, side: side.write_text(
                side.read_text().replace('"version": 1', '"version": 9')
            ),
            "version",
        ),
        (
            lambda csv, side: csv.write_text(
                csv.read_text().replace("\n0.010000,", "\n0.000000,", 1)
            ),
            "not increasing",
        ),
        (lambda csv, side: csv.write_text(csv.read_text().splitlines()[0] + "\n"), "no samples"),
    ],
)
def test_non_conformant_files_are_refused(
    files: list[Path], tmp_path: Path, mutate: object, words: str
) -> None:
    csv_path = files[0]
    assert callable(mutate)
    mutate(csv_path, csv_path.with_suffix(".json"))
    db = tmp_path / "s.db"
    result = run("import", csv_path, "--db", db)
    assert result.exit_code == 1, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert not db.exists()


def test_missing_sidecar_imports_with_a_warning(files: list[Path], tmp_path: Path) -> None:
    files[0].with_suffix(".json").unlink()
    result = run("import", files[0], "--db", tmp_path / "s.db")
    assert result.exit_code == 0
    assert "day0.json not found: using defaults" in result.stderr


def test_values_the_store_cannot_hold_leave_no_half_import(tmp_path: Path) -> None:
    """A pressure beyond the wire's 262 kPa, late in the file: the session is rolled back."""
    sim = week().sessions[0]
    samples = sim.samples.copy()
    samples["pressure_pa"][-10] = 300_000.0
    path = write_session(tmp_path / "over.csv", sim.meta, samples)
    db_path = tmp_path / "s.db"
    with Database.open(db_path) as db:
        import_session(db, SessionData(sim.meta, sim.samples))
    before = _counts(db_path)
    result = run("import", path, "--again", "--db", db_path)
    assert result.exit_code == 1
    assert "262" in result.stderr
    assert _counts(db_path) == before


def test_an_import_killed_midway_is_removed_on_next_open(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    sim = week().sessions[0]
    with Database.open(db_path) as db:
        recorder = db.start_session(sim.meta, source="import")
        recorder.abandon()  # what a kill -9 leaves: a 'recording' import, lock released
        assert len(db.sessions()) == 1
    with Database.open(db_path) as db:
        assert db.sessions() == []
    assert _counts(db_path) == (0, 0, 0)


def test_delete_session_refuses_read_only(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    with Database.open(db_path) as db:
        sid = import_session(
            db,
            SessionData(dataclasses.replace(week().sessions[0].meta), week().sessions[0].samples),
        )
    with Database.open(db_path, readonly=True) as ro, pytest.raises(StoreError, match="read-only"):
        ro.delete_session(sid)


def test_spreadsheet_csv_with_bom_and_crlf(files: list[Path], tmp_path: Path) -> None:
    """What a spreadsheet saves as "CSV UTF-8": a byte-order mark and CRLF line ends."""
    sheet = tmp_path / "sheet.csv"
    text = files[0].read_text(encoding="utf-8")
    sheet.write_bytes(("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))
    sheet.with_suffix(".json").write_text(files[0].with_suffix(".json").read_text())
    result = run("import", sheet, "--db", tmp_path / "s.db")
    assert result.exit_code == 0, result.output
    with Database.open(tmp_path / "s.db") as db:
        got = db.read_samples(1)
    assert np.array_equal(got["pressure_pa"], week().sessions[0].samples["pressure_pa"])
