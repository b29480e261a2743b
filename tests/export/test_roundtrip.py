"""Store → export (each format) → read back / import: the same samples, the same analysis."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from spineball.cli import main
from spineball.export.formats import ExportFormat
from spineball.export.run import Job, export_files
from spineball.export.stored import load_session
from spineball.samples import SESSION_COLUMNS, quaternions
from spineball.sessionfile import read_session
from spineball.store import Database, import_session
from tests.export.builders import import_week, record_ball_session, week

DERIVED = ("load_n", "position_mm", "level")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[int], int]]:
    db = Database.open(tmp_path_factory.mktemp("roundtrip") / "s.db")
    ids = import_week(db)
    ball = record_ball_session(db, week().sessions[2], gaps_s=[(30.0, 31.25)])
    yield db, ids, ball
    db.close()


def _export(db: Database, sid: int, fmt: ExportFormat, folder: Path) -> Path:
    target = folder / f"s{sid}{fmt.suffix}"
    export_files(db, [Job(sid, 0, target)], fmt)
    return target


def _assert_same(
    got: dict[str, np.ndarray], want: np.ndarray, extra: dict[str, np.ndarray]
) -> None:
    for name in SESSION_COLUMNS:
        assert np.array_equal(got[name], want[name], equal_nan=True), name
    for name in ("load_n", "position_mm"):
        assert np.array_equal(got[name], extra[name], equal_nan=True), name
    assert list(got["level"]) == list(extra["level"])


def test_csv_read_with_the_csv_module_is_bit_identical(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    db, _, ball = store
    stored = load_session(db, ball)
    path = _export(db, ball, ExportFormat.CSV, tmp_path)
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = {
        name: np.array([float(r[name]) for r in rows]) for name in (*SESSION_COLUMNS, *DERIVED[:2])
    }
    got["level"] = np.array([r["level"] for r in rows])
    _assert_same(got, stored.data.samples, stored.derived_columns())
    side = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert side["format"] == "spineball-session"
    assert side["gaps"] == [
        {"start_s": 30.0, "end_s": 31.25, "missing_samples": 125, "cause": "overwritten"}
    ]
    assert side["orientation"]["aligned"] is True
    # Pressure as recorded, bit for bit; times within the documented 0.5 µs.
    raw = db.read_samples(ball)
    assert np.array_equal(got["pressure_pa"], raw["pressure_pa"], equal_nan=True)
    assert np.max(np.abs(got["t_s"] - raw["t_s"])) <= 5e-7
    assert np.max(np.abs(got["temperature_c"] - raw["temperature_c"])) < 1e-9


def test_csv_read_with_pandas_and_numpy(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    db, _, ball = store
    stored = load_session(db, ball)
    path = _export(db, ball, ExportFormat.CSV, tmp_path)
    frame = pd.read_csv(path, keep_default_na=False, na_values=["nan"])
    got = {c: frame[c].to_numpy() for c in (*SESSION_COLUMNS, *DERIVED)}
    _assert_same(got, stored.data.samples, stored.derived_columns())
    data = read_session(path)
    for name in SESSION_COLUMNS:
        assert np.array_equal(data.samples[name], stored.data.samples[name], equal_nan=True)


def test_jsonl_read_with_the_json_module(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    db, _, ball = store
    stored = load_session(db, ball)
    lines = _export(db, ball, ExportFormat.JSONL, tmp_path).read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    assert head["samples"] == len(lines) - 1 == len(stored.data.samples)
    assert head["meta"]["gaps"][0]["missing_samples"] == 125
    assert head["units"]["load_n"] == "N"
    rows = [json.loads(line) for line in lines[1:]]
    got = {
        name: np.array([np.nan if r[name] is None else r[name] for r in rows], dtype=float)
        for name in (*SESSION_COLUMNS, *DERIVED[:2])
    }
    got["level"] = np.array([r["level"] for r in rows])
    _assert_same(got, stored.data.samples, stored.derived_columns())


def test_parquet_read_with_pyarrow_and_pandas(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    db, _, ball = store
    stored = load_session(db, ball)
    path = _export(db, ball, ExportFormat.PARQUET, tmp_path)
    table = pq.read_table(path)
    assert str(table.schema.field("t_s").type) == "double"
    assert str(table.schema.field("level").type).startswith("dictionary")
    got = {c: table[c].to_numpy() for c in (*SESSION_COLUMNS, *DERIVED[:2])}
    got["level"] = np.array(table["level"].to_pylist())
    _assert_same(got, stored.data.samples, stored.derived_columns())
    meta = json.loads(table.schema.metadata[b"spineball"])
    assert meta["meta"]["sample_rate_hz"] == 100.0
    assert meta["meta"]["gaps"][0]["cause"] == "overwritten"
    frame = pd.read_parquet(path)
    assert np.array_equal(frame["pressure_pa"].to_numpy(), stored.data.samples["pressure_pa"])


def test_csv_import_round_trip_is_exact(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    """An exported CSV imported into another store gives the very same samples and gap."""
    db, _, ball = store
    path = _export(db, ball, ExportFormat.CSV, tmp_path)
    with Database.open(tmp_path / "other.db") as other:
        sid = import_session(other, read_session(path))
        again = load_session(other, sid)
        gaps = other.read_gaps(sid)
    original = load_session(db, ball)
    # Times, pressure and temperature are exact; the body-frame quaternions are stored
    # at the protocol's resolution (≈ 2.2·10⁻⁵ per component) like every import.
    for name in ("t_s", "pressure_pa", "temperature_c"):
        assert np.array_equal(again.data.samples[name], original.data.samples[name]), name
    q_new, q_old = quaternions(again.data.samples), quaternions(original.data.samples)
    q_error = np.minimum(np.abs(q_new - q_old).max(axis=1), np.abs(q_new + q_old).max(axis=1))
    assert q_error.max() <= 2.2e-5  # q and −q are the same rotation
    assert [(g.start_s, g.end_s, g.missing) for g in gaps] == [(30.0, 31.25, 125)]
    assert again.data.meta.events == original.data.meta.events
    assert again.data.meta.calibration == original.data.meta.calibration


def test_imported_session_exports_and_reimports_bit_identically(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    db, ids, _ = store
    path = _export(db, ids[0], ExportFormat.CSV, tmp_path)
    with Database.open(tmp_path / "again.db") as other:
        sid = import_session(other, read_session(path))
        got, want = other.read_samples(sid), db.read_samples(ids[0])
    for name in ("index", *SESSION_COLUMNS):
        assert np.array_equal(got[name], want[name], equal_nan=True), name


def _cli(*args: str | Path) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_analyze_exported_csv_equals_analyze_by_id(
    store: tuple[Database, list[int], int], tmp_path: Path
) -> None:
    """`spineball analyze ID` (history from the store) = the exported files, oldest first."""
    db, ids, ball = store
    out = tmp_path / "week"
    listed = _cli("export", *ids, "-o", out, "--db", db.path).split()
    files = sorted(Path(p) for p in listed if p.endswith(".csv"))
    assert len(files) == len(ids)
    by_id = json.loads(_cli("analyze", ids[-1], "--json", "--db", db.path))
    by_file = json.loads(_cli("analyze", *files, "--json"))
    assert by_id == by_file
    assert by_id["plan"]["session_number"] == len(ids)
    ball_csv = _cli("export", ball, "-o", tmp_path / "ball.csv", "--db", db.path).split()[0]
    assert json.loads(_cli("analyze", ball, "--json", "--db", db.path)) == json.loads(
        _cli("analyze", ball_csv, "--json")
    )


def test_analyze_an_unknown_session_is_one_clear_line(
    store: tuple[Database, list[int], int],
) -> None:
    db, _, _ = store
    result = CliRunner().invoke(main, ["analyze", "99", "--db", str(db.path)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"spineball: error: {db.path}: no session 99 (see 'spineball sessions')"
    ]
