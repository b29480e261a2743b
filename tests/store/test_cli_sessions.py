"""``spineball sessions`` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from spineball.samples import Gap
from spineball.store import Database, DeviceInfo
from spineball.stream import StreamAssembler
from tests.store.test_recorder import META
from tests.stream.ball import frames_of, make_raw


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spineball", "sessions", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def make_db(path: Path) -> tuple[int, int]:
    db = Database.open(path)
    device = db.upsert_device(DeviceInfo("F1:22:33:44:55:66", "SB-5566"))
    stream = StreamAssembler()
    with db.start_session(META, device_id=device) as first:
        for item in stream.frames(frames_of(make_raw(6000), 5), [0.0] * 1200):
            first.add(item)
        first.add(Gap(6000, 6100, 60.0, 61.0, "overwritten"))
    second = db.start_session(META, source="virtual")
    second.append(StreamAssembler().frames(frames_of(make_raw(100), 5), [0.0] * 20)[0])
    second.abandon()  # the recorder died: the next open marks it interrupted
    db.close()
    return first.session_id, second.session_id


def test_lists_sessions_as_a_table_and_as_json(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first, second = make_db(path)
    table = run("--db", str(path))
    assert table.returncode == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split() == ["id", "start", "duration", "samples", "gaps", "device", "state"]
    assert rows[1].split()[0] == str(first)
    assert rows[1].split()[3:] == ["1:01", "6000", "1", "(1.0", "s)", "SB-5566", "finished"]
    assert rows[0].split()[-1] == "interrupted"
    assert "2 sessions in" in table.stderr
    listing = json.loads(run("--db", str(path), "--json").stdout)
    assert [s["id"] for s in listing] == [second, first]
    assert listing[1]["samples"] == 6000
    assert listing[1]["missing_samples"] == 100
    assert listing[1]["device"]["name"] == "SB-5566"
    assert listing[0]["state"] == "interrupted"


def test_default_database_lives_in_the_data_dir(tmp_path: Path) -> None:
    env = {"SPINEBALL_DATA_DIR": str(tmp_path), "PATH": ""}
    empty = run("--json", env=env)
    assert empty.returncode == 0
    assert json.loads(empty.stdout) == []
    assert "no sessions recorded yet" in empty.stderr
    make_db(tmp_path / "spineball.db")
    assert len(json.loads(run("--json", env=env).stdout)) == 2


def test_bad_database_paths_fail_with_one_line(tmp_path: Path) -> None:
    missing = run("--db", str(tmp_path / "nope.db"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"spineball: error: {tmp_path / 'nope.db'}: no such database"
    garbage = tmp_path / "g.db"
    garbage.write_text("hello")
    bad = run("--db", str(garbage))
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nope.db").exists()
