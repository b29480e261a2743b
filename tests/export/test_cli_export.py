"""`spineball export` as a user runs it: selection, targets, stdout, progress, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from spineball.cli import main
from spineball.sessionfile import read_session
from spineball.store import Database
from tests.export.builders import import_week, record_ball_session, week


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli") / "s.db"
    with Database.open(path) as db:
        import_week(db)  # 2025-01-06 … 2025-01-12, ids 1–7
        record_ball_session(db, week().sessions[0], started_at=1_736_900_000.0)  # id 8
    return path


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(("spineball: error: ", "Error: ")), result.stderr
    if code == 1:
        assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[-1]


def test_one_session_to_the_default_name(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", "8", "--db", db_path)
    assert result.exit_code == 0, result.output
    start = datetime.fromtimestamp(1_736_900_000.0).strftime("%Y-%m-%dT%H%M")
    assert result.stdout.split() == [f"{start}-SB-1A2B.csv", f"{start}-SB-1A2B.json"]
    data = read_session(tmp_path / f"{start}-SB-1A2B.csv")
    assert set(data.extra) == {"load_n", "position_mm", "level"}
    assert data.meta.extra["device"]["name"] == "SB-1A2B"


def test_date_range_and_last_go_into_a_directory(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("export", "--from", "2025-01-07", "--to", "2025-01-09", "-o", out, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.csv")) == [
        f"2025-01-0{d}T{t}-import.csv" for d, t in ((7, "1550"), (8, "1704"), (9, "1645"))
    ]
    result = run("export", "--last", "2", "-f", "jsonl", "-o", out, "--db", db_path)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.split()) == 2
    assert (out / "2025-01-12T0613-import.jsonl").exists()
    result = run("export", "--last", "-f", "parquet", "-o", out, "--db", db_path)
    assert result.stdout.split() == [
        str(out / f"{datetime.fromtimestamp(1_736_900_000.0):%Y-%m-%dT%H%M}-SB-1A2B.parquet")
    ]


def test_format_follows_the_suffix(db_path: Path, tmp_path: Path) -> None:
    result = run("export", "3", "-o", tmp_path / "three.parquet", "--db", db_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "three.parquet").read_bytes()[:4] == b"PAR1"


def test_stdout_streams_and_says_csv_has_no_sidecar(db_path: Path) -> None:
    result = run("export", "2", "-o", "-", "--db", db_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "t_s,pressure_pa,temperature_c,qw,qx,qy,qz,load_n,position_mm,level"
    assert len(lines) == 1 + len(week().sessions[1].samples)
    assert "no sidecar" in result.stderr
    jsonl = run("export", "2", "-f", "jsonl", "-o", "-", "--db", db_path)
    assert json.loads(jsonl.stdout.splitlines()[0])["meta"]["sample_rate_hz"] == 100.0
    assert jsonl.stderr == ""


def test_progress_bar_only_when_asked_or_on_a_terminal(db_path: Path, tmp_path: Path) -> None:
    quiet = run("export", "1", "-o", tmp_path / "a.csv", "--db", db_path)
    assert quiet.stderr == ""
    shown = run("export", "1", "-o", tmp_path / "b.csv", "--progress", "--db", db_path)
    assert shown.exit_code == 0
    assert "exporting" in shown.stderr


def test_missing_session_and_bad_names(db_path: Path, tmp_path: Path) -> None:
    one_line_error(run("export", "99", "--db", db_path), 1, "no session 99")
    one_line_error(run("export", "1", "-f", "xml", "--db", db_path), 2, "'xml' is not one of")
    one_line_error(run("export", "--db", db_path), 2, "choose sessions")
    one_line_error(run("export", "1", "2", "-o", "-", "--db", db_path), 2, "one session")
    one_line_error(run("export", "1", "-o", tmp_path / "x.txt", "-f", "csv", "--db", db_path), 2)
    one_line_error(
        run("export", "--from", "2030-01-01", "--db", db_path), 1, "no sessions on or after"
    )
    one_line_error(run("export", "1", "--db", tmp_path / "none.db"), 1, "no such database")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_leaves_nothing(db_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    one_line_error(run("export", "1", "-o", blocker / "x.csv", "--db", db_path), 1, "cannot write")
    one_line_error(run("export", "1", "2", "-o", blocker, "--db", db_path), 2, "directory")
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_a_failing_batch_removes_what_it_wrote(db_path: Path, tmp_path: Path) -> None:
    """The third session's sidecar cannot be written: the first two files go again."""
    out = tmp_path / "batch"
    out.mkdir()
    (out / "2025-01-08T1704-import.json").mkdir()  # a directory where the sidecar must go
    result = run("export", "1", "2", "3", "-o", out, "--force", "--db", db_path)
    one_line_error(result, 1, "cannot write")
    assert sorted(p.name for p in out.iterdir()) == ["2025-01-08T1704-import.json"]


def test_existing_files_need_force(db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "s.csv"
    assert run("export", "1", "-o", target, "--db", db_path).exit_code == 0
    one_line_error(run("export", "1", "-o", target, "--db", db_path), 1, "--force")
    assert run("export", "1", "-o", target, "--force", "--db", db_path).exit_code == 0


def test_broken_pipe_is_not_an_error(db_path: Path) -> None:
    """`spineball export ID -o - | head` as in a shell: a real subprocess and pipe."""
    producer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spineball",
            "export",
            "7",
            "-f",
            "jsonl",
            "-o",
            "-",
            "--db",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert producer.stdout is not None
    first = producer.stdout.readline()
    producer.stdout.close()
    _, err = producer.communicate(timeout=60)
    assert json.loads(first)["format"] == "spineball-session-jsonl"
    assert producer.returncode == 0
    assert b"Traceback" not in err
