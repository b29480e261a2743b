"""``spineball analyze`` as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from spineball.sessionfile import read_meta, read_session, write_session
from spineball.virtual.body import SimulatedSession, random_scenario, simulate

CONTRACT_KEYS = {"session", "spots", "flexions", "lumbar_alerts", "advice"}


@cache
def _sims() -> tuple[SimulatedSession, SimulatedSession]:
    return simulate(random_scenario(503)), simulate(random_scenario(504))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    first, second = _sims()
    return first.write(tmp_path / "monday.csv")[0], second.write(tmp_path / "tuesday.csv")[0]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spineball", "analyze", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("spineball: error: ")
    for word in words:
        assert word in lines[0]


def test_json_output_follows_the_contract(files: tuple[Path, Path]) -> None:
    result = run(*files, "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= CONTRACT_KEYS
    session = out["session"]
    assert set(session) == {"duration_s", "on_ball_s", "samples", "gaps_s"}
    assert session["samples"] == len(_sims()[1].samples)
    spot = out["spots"][0]
    assert {
        "start_s",
        "end_s",
        "dwell_s",
        "level",
        "position_mm",
        "mean_load_n",
        "peak_load_n",
        "pain_first",
        "pain_last",
        "pain_target_met",
    } <= set(spot)
    assert out["advice"]["action"] in {"increase", "decrease", "keep"}
    assert isinstance(out["advice"]["delta_kpa"], float)
    assert out["plan"]["session_number"] == 2  # monday.csv was the history
    assert result.stderr == ""


def test_text_output_for_people(files: tuple[Path, Path]) -> None:
    result = run(files[1])
    assert result.returncode == 0, result.stderr
    assert "Spots:" in result.stdout
    assert "Lumbar guard" in result.stdout
    assert "not diagnosis" in result.stdout


def test_missing_sidecar_calibration_and_landmarks_are_fallbacks(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    data = read_session(files[1])
    bare = tmp_path / "bare.csv"
    write_session(bare, data.meta, data.samples)
    bare.with_suffix(".json").unlink()
    result = run(bare, "--json")
    assert result.returncode == 0
    assert "bare.json not found" in result.stderr
    assert "no calibration" in result.stderr
    assert "no landmarks" in result.stderr
    assert json.loads(result.stdout)["spots"]


@pytest.mark.parametrize(
    ("mangle", "words"),
    [
        (lambda text: text.replace("\n1", "\nx1", 1), ["garbled"]),
        (lambda text: text[: len(text) // 2], ["garbled"]),  # cut mid-row
        (lambda text: "hello,world\n1,2\n", ["missing column"]),
        (lambda text: "", ["missing column"]),
        (lambda text: _swap_rows(text, 100, 101), ["not increasing"]),
        (lambda text: _set_field(text, 200, 0, "nan"), ["time"]),
    ],
    ids=["garbled-number", "truncated", "not-a-session", "empty", "time-backwards", "nan-time"],
)
def test_bad_csv_gives_one_clear_line(files: tuple[Path, Path], mangle, words) -> None:  # type: ignore[no-untyped-def]
    path = files[1]
    path.write_text(mangle(path.read_text()))
    _one_line_error(run(path), str(path.name), *words)


def _set_field(text: str, row: int, column: int, value: str) -> str:
    lines = text.splitlines(keepends=True)
    fields = lines[row].split(",")
    fields[column] = value
    lines[row] = ",".join(fields)
    return "".join(lines)


def _swap_rows(text: str, i: int, j: int) -> str:
    lines = text.splitlines(keepends=True)
    lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def test_missing_file_and_bad_sidecar(files: tuple[Path, Path], tmp_path: Path) -> None:
    _one_line_error(run(tmp_path / "nope.csv"), "nope.csv", "not found")
    _one_line_error(run(tmp_path / "nope.csv", files[1]), "nope.csv")  # history file missing
    side = files[1].with_suffix(".json")
    side.write_text(side.read_text()[:-20])
    _one_line_error(run(files[1]), "not valid JSON")
    side.write_text(json.dumps({"format": "spineball-session", "version": 7}))
    _one_line_error(run(files[1]), "version")
    _one_line_error(run(tmp_path), "cannot read")  # a directory


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    _one_line_error(run(path), "noise.csv")


def test_no_arguments_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Usage" in result.stderr


def test_nan_readings_are_skipped_not_fatal(files: tuple[Path, Path]) -> None:
    data = read_session(files[1])
    samples = data.samples.copy()
    samples["pressure_pa"][2000:2400] = np.nan  # sensor fault for 4 s
    samples["qw"][5000:5050] = np.nan
    write_session(files[1], read_meta(files[1].with_suffix(".json")), samples)
    result = run(files[1], "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["spots"]
    assert all(
        v is None or np.isfinite(v)
        for s in out["spots"]
        for v in s.values()
        if isinstance(v, float)
    )
