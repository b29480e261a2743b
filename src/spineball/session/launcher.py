"""Attach to the running recorder of a ball, or start one that outlives the caller.

The dashboard calls :func:`ensure_recorder`. If a recorder already serves
the ball it attaches; otherwise it starts ``spineball record … --serve`` as
a detached process (its own session: it keeps recording when the dashboard
quits or is killed, and a new dashboard attaches to it again), waits for
its socket and attaches. The child's messages go to a log file beside the
socket; if it dies before serving, its last message is the error.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Final

from spineball.session.radio import RadioSpec
from spineball.session.runtime import log_path, running_sockets, socket_path
from spineball.session.server import socket_alive
from spineball.session.socket_client import SocketClient

START_TIMEOUT_S: Final = 60.0  # scanning, connecting and pairing a real ball take seconds
POLL_S: Final = 0.1
_DETACHED: list[subprocess.Popen[bytes]] = []


class RecorderStartError(RuntimeError):
    """The recorder process could not be started or died before serving."""


def _alive(path: Path) -> bool:
    return path.exists() and socket_alive(path)


def find_recorder(ball: str | None) -> Path | None:
    """The socket of the running recorder for ``ball`` (any one, if only one runs)."""
    path = socket_path(ball)
    if _alive(path):
        return path
    if ball is None:
        alive = [p for p in running_sockets() if _alive(p)]
        if len(alive) == 1:
            return alive[0]
    return None


@contextlib.asynccontextmanager
async def _starting_lock(path: Path) -> AsyncIterator[None]:
    """One starter at a time per ball, across processes (two dashboards opened at once)."""
    try:
        import fcntl
    except ImportError:  # Windows: no Unix sockets for the recorder either
        raise RecorderStartError(
            "a background recorder needs Linux or macOS; run 'spineball record' instead"
        ) from None
    with path.with_suffix(".lock").open("a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(POLL_S)  # the other starter is waiting for its recorder
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recorder_command(
    ball: str | None, radio: RadioSpec, db: Path | None, extra: Sequence[str]
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "spineball",
        "record",
        *([ball] if ball else []),
        "--serve",
        *radio.args(),
        *(["--db", str(db)] if db is not None else []),
        *extra,
    ]


def _last_line(log: Path) -> str:
    with contextlib.suppress(OSError):
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()]
        if lines:
            return lines[-1].removeprefix("spineball: error: ")
    return "no message"


async def ensure_recorder(
    ball: str | None = None,
    *,
    radio: RadioSpec | None = None,
    db: Path | None = None,
    extra_args: Sequence[str] = (),
    start_timeout_s: float = START_TIMEOUT_S,
) -> SocketClient:
    """Attach to the recorder of ``ball``, starting a detached one if none runs."""
    existing = find_recorder(ball)
    if existing is not None:
        return await SocketClient.connect(existing)
    path = socket_path(ball)
    radio = radio or RadioSpec()
    async with _starting_lock(path):
        existing = find_recorder(ball)
        if existing is not None:
            return await SocketClient.connect(existing)
        log = log_path(ball)
        with log.open("ab") as out:
            os.chmod(log, 0o600)
            child = await asyncio.to_thread(
                subprocess.Popen,
                recorder_command(ball, radio, db, extra_args),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,  # Ctrl-C or a killed dashboard must not reach it
                close_fds=True,
            )
        _DETACHED.append(child)  # it outlives us on purpose; keep it from being reaped noisily
        deadline = time.monotonic() + start_timeout_s
        while time.monotonic() < deadline:
            if _alive(path):
                return await SocketClient.connect(path)
            if child.poll() is not None:
                raise RecorderStartError(f"the recorder stopped: {_last_line(log)}")
            await asyncio.sleep(POLL_S)
    child.terminate()
    raise RecorderStartError(
        f"the recorder did not start within {start_timeout_s:g} s: {_last_line(log)}"
    )
