"""Export formats round-trip the samples within the documented precision."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from spineball.export import ExportError, ExportFormat, ExportInput, GapSpan, write_export
from spineball.samples import SESSION_COLUMNS, SESSION_DTYPE
from spineball.sessionfile import Event, SessionData, SessionMeta, read_session

# Documented precision of the text formats (docs/export.md): t 1 µs, pressure exact
# (1/16 Pa), temperature exact (0.01 °C), quaternion 5·10⁻⁹, load/position 0.05.
TOLERANCE = {
    "t_s": 5e-7,
    "pressure_pa": 0.0,
    "temperature_c": 5e-3 + 1e-9,
    "qw": 5e-9,
    "qx": 5e-9,
    "qy": 5e-9,
    "qz": 5e-9,
}


def make_input(n: int = 2500) -> ExportInput:
    rng = np.random.default_rng(3)
    s = np.zeros(n, dtype=SESSION_DTYPE)
    s["t_s"] = np.arange(n) / 100 + 0.0031
    s["pressure_pa"] = np.round((114_300 + rng.normal(0, 900, n)) * 16) / 16
    s["pressure_pa"][17 % n] = np.nan  # the ball had no valid reading
    s["temperature_c"] = np.round(rng.uniform(20, 35, n) * 100) / 100
    q = rng.normal(size=(n, 4))
    q /= np.linalg.norm(q, axis=1)[:, None]
    s["qw"], s["qx"], s["qy"], s["qz"] = q.T
    extra = {
        "load_n": np.round(rng.uniform(0, 600, n), 1),
        "position_mm": np.round(rng.uniform(-20, 400, n), 1),
        "level": np.array(["T1", "T2", 'odd,"x"'] * (n // 3) + ["T3"] * (n % 3)),
    }
    meta = SessionMeta(events=(Event(3.0, "landmark", "T1"), Event(9.5, "pain", value=6)))
    return ExportInput("s1", SessionData(meta, s, extra), (GapSpan(10.0, 12.5, 250),))


def assert_samples_close(got: dict[str, np.ndarray], inp: ExportInput) -> None:
    for name in SESSION_COLUMNS:
        want = inp.data.samples[name]
        assert np.allclose(got[name], want, atol=TOLERANCE[name], rtol=0, equal_nan=True), name


def test_csv_round_trip(tmp_path: Path) -> None:
    inp = make_input()
    written = write_export(inp, ExportFormat.CSV, tmp_path / "s1.csv")
    assert [p.name for p in written] == ["s1.csv", "s1.json"]
    data = read_session(tmp_path / "s1.csv")
    assert_samples_close({n: data.samples[n] for n in SESSION_COLUMNS}, inp)
    assert data.meta.events == inp.data.meta.events
    assert data.meta.extra["gaps"] == [
        {"start_s": 10.0, "end_s": 12.5, "missing_samples": 250, "cause": "lost"}
    ]
    assert data.extra["level"].tolist() == inp.data.extra["level"].tolist()
    assert np.array_equal(data.extra["load_n"], inp.data.extra["load_n"])


def test_jsonl_round_trip_with_stdlib_json(tmp_path: Path) -> None:
    inp = make_input()
    write_export(inp, ExportFormat.JSONL, tmp_path / "s1.jsonl")
    lines = (tmp_path / "s1.jsonl").read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    assert head["format"] == "spineball-session-jsonl"
    assert head["meta"]["gaps"][0]["missing_samples"] == 250
    assert head["units"]["pressure_pa"] == "Pa"
    rows = [json.loads(line) for line in lines[1:]]
    assert len(rows) == len(inp)
    assert rows[17]["pressure_pa"] is None
    got = {n: np.array([np.nan if r[n] is None else r[n] for r in rows]) for n in SESSION_COLUMNS}
    assert_samples_close(got, inp)
    assert [r["level"] for r in rows] == inp.data.extra["level"].tolist()


def test_parquet_round_trip_is_exact(tmp_path: Path) -> None:
    inp = make_input()
    write_export(inp, ExportFormat.PARQUET, tmp_path / "s1.parquet")
    table = pq.read_table(tmp_path / "s1.parquet")
    for name in SESSION_COLUMNS:
        assert np.array_equal(table[name].to_numpy(), inp.data.samples[name], equal_nan=True)
    assert table["level"].to_pylist() == inp.data.extra["level"].tolist()
    meta = json.loads(table.schema.metadata[b"spineball"])
    assert meta["meta"]["events"][1] == {"t_s": 9.5, "kind": "pain", "value": 6}


def test_stream_target_gets_the_same_bytes(tmp_path: Path) -> None:
    inp = make_input(300)
    write_export(inp, ExportFormat.JSONL, tmp_path / "f.jsonl")
    stream = io.BytesIO()
    assert write_export(inp, ExportFormat.JSONL, stream) == []
    assert stream.getvalue() == (tmp_path / "f.jsonl").read_bytes()


def test_progress_reports_every_row(tmp_path: Path) -> None:
    inp = make_input(250_001)
    seen: list[int] = []
    write_export(inp, ExportFormat.CSV, tmp_path / "big.csv", seen.append)
    assert sum(seen) == 250_001
    assert len(seen) == 3


def test_unwritable_target_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ExportError, match="cannot write"):
        write_export(make_input(10), ExportFormat.CSV, blocker / "x.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
