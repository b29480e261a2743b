"""Crash safety: kill -9 at random moments, a full disk, a read-only database."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from spineball.store import Database, StoreFullError
from spineball.store.reader import read_raw
from spineball.stream import StreamAssembler
from tests.store.record_child import truth
from tests.store.test_recorder import META
from tests.stream.ball import frames_of, make_raw

REPO = Path(__file__).resolve().parents[2]
KILLS = 20


class Child:
    """A recorder subprocess whose output lines are collected as they come."""

    def __init__(self, db: Path, seed: int, seconds: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store.record_child", str(db), str(seed), str(seconds)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.session = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())
            if line.startswith("session"):
                self.session.set()

    @property
    def session_id(self) -> int:
        return int(self.lines[0].split()[1])

    def last_fed(self) -> int:
        fed = [int(line.split()[1]) for line in list(self.lines) if line.startswith("fed")]
        return fed[-1] if fed else -1

    def kill(self) -> int:
        fed = self.last_fed()  # read BEFORE the kill: the child may have fed more since
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self._reader.join()
        return fed

    def wait(self) -> None:
        self.proc.wait(timeout=60)
        self._reader.join()
        assert self.proc.returncode == 0, self.proc.stderr.read() if self.proc.stderr else ""


def fingerprint(db: Database, sid: int) -> str:
    index, raw, _ = read_raw(db._conn, sid)
    return hashlib.sha256(index.tobytes() + raw.tobytes()).hexdigest()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def test_kill_9_at_random_moments_loses_at_most_the_last_second(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    rng = np.random.default_rng(2024)
    kept: dict[int, tuple[str, str]] = {}  # session → (state, fingerprint) once settled
    killed = finished = 0
    for run in range(KILLS + 2):
        clean = run in (3, 12)  # two recordings end normally between the kills
        seconds = 0.6 if clean else 30.0
        child = Child(path, seed=run, seconds=seconds)
        assert child.session.wait(30), child.proc.stderr.read() if child.proc.stderr else ""
        if clean:
            child.wait()
            fed = int(0.6 * 100) - 1
        else:
            time.sleep(float(rng.uniform(0.1, 1.3)))
            fed = child.kill()
        sid = child.session_id
        assert integrity(path) == "ok"
        db = Database.open(path)  # marks the killed session interrupted
        try:
            summary = db.session(sid)
            index, raw, _ = read_raw(db._conn, sid)
            want = truth(run, seconds)
            # What was stored is exactly the start of what was sent …
            assert np.array_equal(index, np.arange(len(index)))
            for name in ("pressure_raw", "q_omit", "q_kept", "temperature_raw"):
                assert np.array_equal(raw[name], want[name][: len(index)]), name
            # … and at most the last second (100 samples) of what was fed is missing.
            assert len(index) >= fed + 1 - 100, (run, len(index), fed)
            assert summary.samples == len(index)
            assert summary.state == ("finished" if clean else "interrupted")
            for other, (state, fp) in kept.items():
                assert db.session(other).state == state
                assert fingerprint(db, other) == fp
            kept[sid] = (summary.state, fingerprint(db, sid))
        finally:
            db.close()
        killed += not clean
        finished += clean
    assert (killed, finished) == (KILLS, 2)


def limited_child(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


RECORD_UNTIL_FULL = r"""
import resource, signal, sys
from pathlib import Path
import numpy as np
from spineball.sessionfile import SessionMeta
from spineball.store import Database, StoreError
from spineball.stream import StreamAssembler
from tests.stream.ball import frames_of, make_raw

path = Path(sys.argv[1])
db = Database.open(path)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of dying
limit = path.stat().st_size + 256 * 1024
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
recorder = db.start_session(SessionMeta(), source="virtual")
stream = StreamAssembler()
frames = frames_of(make_raw(200_000, seed=5), 5)
for k in range(0, len(frames), 20):
    for item in stream.frames(frames[k : k + 20], [k * 0.05] * 20):
        recorder.add(item)
    try:
        recorder.commit()
    except StoreError as err:
        print(f"saved-before-error {recorder.session_id}")
        print(f"error {err}")
        pending = recorder.pending_samples
        try:
            recorder.close()
        except StoreError as err2:
            print(f"close-error {err2}")
        print(f"pending {pending}")
        sys.exit(3)
print("never full")
"""


def test_a_full_disk_gives_a_clear_error_and_keeps_earlier_sessions(tmp_path: Path) -> None:
    path = tmp_path / "full.db"
    with Database.open(path) as db:
        stream = StreamAssembler()
        with db.start_session(META) as recorder:
            for item in stream.frames(frames_of(make_raw(5000), 5), [0.0] * 1000):
                recorder.add(item)
        earlier = recorder.session_id
        before = fingerprint(db, earlier)
    result = limited_child(RECORD_UNTIL_FULL, str(path))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert "cannot save session" in lines["error"]
    assert "everything saved before is intact" in lines["error"]
    assert lines["close-error"] == lines["error"]
    assert int(lines["pending"]) > 0  # what could not be written is still held, not dropped
    assert integrity(path) == "ok"
    with Database.open(path) as db:
        assert fingerprint(db, earlier) == before
        sid = int(lines["saved-before-error"])
        index, _, _ = read_raw(db._conn, sid)
        assert len(index) > 0
        assert np.array_equal(index, np.arange(len(index)))
        assert db.session(sid).state == "interrupted"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can enter (pytest's tmp dirs are private)."""
    path = Path(tempfile.mkdtemp(prefix="spineball-ro-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path)


def as_other_user(command: list[str]) -> list[str]:
    """Root ignores file permissions: run as 'nobody' so read-only means read-only."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "running the tests as root needs setpriv (util-linux)"
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]


def test_a_read_only_database_lists_but_refuses_to_record(shared_dir: Path) -> None:
    path = shared_dir / "ro.db"
    with Database.open(path) as db:
        db.start_session(META).close()
    path.chmod(0o444)
    before = path.read_bytes()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    listing = subprocess.run(
        as_other_user([sys.executable, "-m", "spineball", "sessions", "--db", str(path), "--json"]),
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert '"state": "finished"' in listing.stdout
    code = (
        "import sys\n"
        "from spineball.store import Database\n"
        "from spineball.sessionfile import SessionMeta\n"
        "db = Database.open(sys.argv[1])\n"
        "try:\n"
        "    db.start_session(SessionMeta())\n"
        "except Exception as err:\n"
        "    print(type(err).__name__, err)\n"
    )
    record = subprocess.run(
        as_other_user([sys.executable, "-c", code, str(path)]),
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert record.returncode == 0, record.stderr
    assert record.stdout.startswith("StoreReadOnlyError ")
    assert "read-only" in record.stdout
    assert path.read_bytes() == before


def test_sqlite_full_is_reported_and_nothing_pending_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "cap.db"
    db = Database.open(path)
    stream = StreamAssembler()
    frames = frames_of(make_raw(20_000), 5)
    items = [i for k in range(0, 4000, 10) for i in stream.frames(frames[k : k + 10], [0.0] * 10)]
    recorder = db.start_session(META)
    pages = recorder._conn.execute("PRAGMA page_count").fetchone()[0]
    recorder._conn.execute(f"PRAGMA max_page_count = {pages + 8}")  # room for ~3 000 samples
    errors: list[str] = []
    failed_at = 0
    for failed_at, item in enumerate(items):  # noqa: B007 - where it failed is used below
        recorder.add(item)
        try:
            recorder.commit()
        except StoreFullError as err:
            errors.append(str(err))
            break
    assert len(errors) == 1
    assert "the disk is full" in errors[0]
    saved = db.session(recorder.session_id).samples
    assert 0 < saved < 20_000
    assert recorder.pending_samples > 0
    recorder._conn.execute("PRAGMA max_page_count = 1000000")  # space freed: the retry saves all
    for item in items[failed_at + 1 :]:
        recorder.add(item)
    recorder.close()
    assert db.session(recorder.session_id).samples == 20_000
    assert np.array_equal(db.read_samples(recorder.session_id)["index"], np.arange(20_000))
