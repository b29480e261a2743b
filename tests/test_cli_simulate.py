"""``spineball simulate`` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from spineball.sessionfile import read_session


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spineball", "simulate", *args], capture_output=True, text=True
    )


def test_writes_a_session_with_truth(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    args = ["--seed", "5", "--out", str(out), "--rate", "25", "--height", "1.62", "--mass", "58"]
    result = run(*args, "--inflation", "9.5", "--heading", "30")
    assert result.returncode == 0, result.stderr
    assert str(out / "sim-5.csv") in result.stdout
    session = read_session(out / "sim-5.csv")
    assert session.meta.sample_rate_hz == 25.0
    assert session.meta.user.height_m == 1.62
    assert session.meta.ball.rest_gauge_kpa == 9.5
    truth = json.loads((out / "sim-5.truth.json").read_text())
    assert truth["format"] == "spineball-sim-truth"
    assert truth["heading_deg"] == 30.0
    assert truth["session"]["samples"] == len(session.samples)
    again = run(*args, "--inflation", "9.5", "--heading", "30", "--name", "again")
    assert again.returncode == 0
    assert (out / "again.csv").read_bytes() == (out / "sim-5.csv").read_bytes()


def test_writes_a_history(tmp_path: Path) -> None:
    result = run("--seed", "2", "--out", str(tmp_path), "--rate", "25", "--sessions", "4",
                 "--scenario", "harder-to-find")  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    assert "expected advice: increase" in lines[-1]
    index = json.loads((tmp_path / "sim-2-harder-to-find.history.json").read_text())
    assert len(index["sessions"]) == 4
    assert all((tmp_path / s["csv"]).exists() for s in index["sessions"])


def test_bad_arguments_give_one_line(tmp_path: Path) -> None:
    for args in (
        ["--inflation", "60"],
        ["--scenario", "unstable"],
        ["--sessions", "0"],
    ):
        result = run("--out", str(tmp_path), *args)
        assert result.returncode == 1, args
        assert result.stderr.startswith("spineball: error: ")
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())
