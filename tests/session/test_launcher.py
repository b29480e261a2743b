"""The dashboard's view: a recorder process that outlives it, and kill -9 of a recorder."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from spineball.session.api import EndSession, SessionUpdate
from spineball.session.launcher import ensure_recorder
from spineball.session.radio import RadioSpec
from spineball.session.runtime import running_sockets
from spineball.session.socket_client import SocketClient
from spineball.store import Database, StoreError

RADIO = RadioSpec(virtual=True, seed=4, time_scale=5.0)

#: A stand-in dashboard: attach (starting a recorder), report the session, wait to be killed.
DASHBOARD = """
import asyncio, sys
from spineball.session.launcher import ensure_recorder
from spineball.session.radio import RadioSpec

async def main():
    client = await ensure_recorder(radio=RadioSpec(virtual=True, seed=4, time_scale=5.0),
                                   db=sys.argv[1])
    async for update in client.updates():
        if update.session_id is not None:
            print(update.session_id, flush=True)
            break
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def recording_update(client: SocketClient, within_s: float = 30.0) -> SessionUpdate:
    async with asyncio.timeout(within_s):
        async for update in client.updates():
            if update.state == "recording" and update.trace.t_s:
                return update
    raise AssertionError("the recorder ended")


async def test_a_killed_dashboard_leaves_the_recording_running_and_we_reattach(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sessions.db"
    dashboard = subprocess.Popen(  # noqa: ASYNC220 (started once, not awaited on)
        [sys.executable, "-c", DASHBOARD, str(db)],
        stdout=subprocess.PIPE,
        start_new_session=True,
        text=True,
    )
    assert dashboard.stdout is not None
    session_id = int(await asyncio.to_thread(dashboard.stdout.readline))
    os.killpg(dashboard.pid, signal.SIGKILL)  # the dashboard and its whole process group
    dashboard.wait()

    first = await ensure_recorder(radio=RADIO, db=db)  # attaches: no second recorder
    second = await ensure_recorder(radio=RADIO, db=db)
    a, b = await recording_update(first), await recording_update(second)
    assert a.session_id == b.session_id == session_id
    assert len(running_sockets()) == 1
    await first.close()  # one dashboard quits
    await asyncio.sleep(0.5)
    later = await recording_update(second)
    assert later.trace.t_s[-1] > b.trace.t_s[-1]  # still recording
    await second.send(EndSession())
    updates = [u async for u in second.updates()]
    assert updates[-1].state == "ended"
    await second.close()

    async with asyncio.timeout(10.0):
        while running_sockets():  # noqa: ASYNC110 (the recorder process removes its socket)
            await asyncio.sleep(0.05)
    with Database.open(db) as store:
        summary = store.session(session_id)
        assert summary.state == "finished"
        assert summary.source == "virtual"
        assert summary.samples > 0


async def test_kill_9_of_a_recorder_leaves_a_readable_interrupted_session(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    recorder = subprocess.Popen(  # noqa: ASYNC220 (started once, not awaited on)
        [
            sys.executable,
            "-m",
            "spineball",
            "record",
            "--virtual",
            "--time-scale",
            "5",
            "--db",
            str(db),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30.0
        committed = 0
        while committed < 500 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            if db.exists():
                try:
                    with Database.open(db, readonly=True) as store:
                        committed = sum(s.samples for s in store.sessions())
                except StoreError:
                    continue  # the recorder is still creating the database
        assert committed >= 500
    finally:
        recorder.kill()  # SIGKILL: no clean-up of any kind
        recorder.wait()
    with Database.open(db) as store:
        (summary,) = store.sessions()
        assert summary.state == "interrupted"
        samples = store.read_samples(summary.id)
    assert len(samples) >= committed
    assert (samples["index"] == range(len(samples))).all()
