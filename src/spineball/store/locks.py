"""Which sessions are being recorded right now, across processes.

A recorder holds an exclusive ``flock`` on ``<database>-recording/<id>.lock``
for as long as it records. The kernel drops the lock when the process dies,
however it dies (kill -9 included), so "state is 'recording' but nobody holds
the lock" means the recording was interrupted. ``flock`` locks belong to the
open file, so a reader in the same process that checks the lock does not
release the recorder's.

Where ``fcntl`` is missing (Windows) a session counts as recording while its
last commit is younger than :data:`STALE_AFTER_S`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import ModuleType
from typing import Final

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

#: Without file locks: a recorder commits every ≤ 1 s, so 30 s of silence is a dead one.
STALE_AFTER_S: Final = 30.0


def locks_supported() -> bool:
    return fcntl is not None


def lock_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-recording")


class RecordingLock:
    def __init__(self, db_path: Path, session_id: int) -> None:
        self.path = lock_dir(db_path) / f"{session_id}.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        if fcntl is None:  # pragma: no cover - Windows
            return
        self.path.parent.mkdir(exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # a checker holds LOCK_SH for microseconds only
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)
        os.close(self._fd)  # closing the file drops the lock
        self._fd = None


def is_recording(db_path: Path, session_id: int, last_commit_at: float | None) -> bool:
    """Is a live process still recording this session?"""
    if fcntl is None:  # pragma: no cover - Windows
        return last_commit_at is not None and time.time() - last_commit_at < STALE_AFTER_S
    path = lock_dir(db_path) / f"{session_id}.lock"
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def remove_stale(db_path: Path, session_id: int) -> None:
    (lock_dir(db_path) / f"{session_id}.lock").unlink(missing_ok=True)
