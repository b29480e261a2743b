"""Clients over the local socket: many at once, private, and never in the recorder's way."""

from __future__ import annotations

import asyncio
import socket
import stat
from pathlib import Path

import pytest

from spineball.session import server as server_module
from spineball.session.api import AddNote, MarkSore, RatePain, SessionUpdate
from spineball.session.runtime import runtime_dir, socket_path
from spineball.session.server import RecorderRunningError, RecorderServer
from spineball.session.socket_client import SocketClient
from spineball.store import Database
from tests.link.helpers import recording


def read_to_end(sock: socket.socket, within_s: float = 5.0) -> int:
    """Bytes received until the other side hangs up."""
    sock.settimeout(within_s)
    total = 0
    while chunk := sock.recv(1 << 16):
        total += len(chunk)
    return total


async def first(client: SocketClient, within_s: float = 5.0) -> SessionUpdate:
    """The first update of the recording session (not of the connecting phase)."""
    async with asyncio.timeout(within_s):
        async for update in client.updates():
            if update.session_id is not None:
                return update
    raise AssertionError("no update")


async def test_two_clients_attach_send_inputs_and_a_dead_one_disturbs_nothing(
    tmp_path: Path,
) -> None:
    async with recording(tmp_path) as rec:
        server = RecorderServer(rec.recorder.hub, rec.recorder.apply, socket_path("SB-1101"))
        await server.start()
        mode = server.path.stat().st_mode
        assert stat.S_ISSOCK(mode)
        assert stat.S_IMODE(mode) == 0o600
        assert stat.S_IMODE(runtime_dir().stat().st_mode) == 0o700
        with pytest.raises(RecorderRunningError):
            await RecorderServer(rec.recorder.hub, rec.recorder.apply, server.path).start()

        a = await SocketClient.connect(server.path)
        b = await SocketClient.connect(server.path)
        ua, ub = await first(a), await first(b)
        assert ua.session_id == ub.session_id == rec.recorder.session_id
        await a.send(RatePain(5))
        await b.send(MarkSore())

        # A client that sends garbage, and one killed mid-session.
        garbage = socket.socket(socket.AF_UNIX)
        garbage.connect(str(server.path))
        garbage.sendall(b"this is not json\n")
        a._writer.transport.abort()  # the dashboard process died
        before = rec.link.stream.health().delivered
        await rec.world.ball.clock.sleep(5.0)
        seqs = []
        async with asyncio.timeout(3.0):
            async for update in b.updates():
                seqs.append(update.seq)
                if len(seqs) == 10:
                    break
        await b.send(AddNote("still here"))
        assert rec.link.stream.health().delivered > before + 300  # recording went on
        assert seqs == sorted(seqs)
        assert await asyncio.to_thread(read_to_end, garbage) > 0  # updates, then hung up on
        session_id = await rec.finish()
        await server.close()
        await b.close()

    assert not server.path.exists()
    events = Database.open(tmp_path / "sessions.db").read_events(session_id)
    assert [(e.kind, e.value) for e in events if e.kind in ("pain", "sore", "note")] == [
        ("pain", 5),
        ("sore", None),
        ("note", "still here"),
    ]


async def test_a_client_that_stops_reading_is_dropped_and_nobody_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "WRITE_TIMEOUT_S", 0.5)
    async with recording(tmp_path, update_hz=50.0) as rec:
        server = RecorderServer(rec.recorder.hub, rec.recorder.apply, socket_path(None))
        await server.start()
        silent = socket.socket(socket.AF_UNIX)
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        silent.connect(str(server.path))
        listener = await SocketClient.connect(server.path)
        await first(listener)
        async with asyncio.timeout(15.0):
            while server.clients > 1:  # noqa: ASYNC110 (the server's own bookkeeping)
                await asyncio.sleep(0.05)  # the silent one is dropped once its buffers fill
        before = rec.link.stream.health().delivered
        latest = await first(listener)
        await rec.world.ball.clock.sleep(2.0)
        assert rec.link.stream.health().delivered > before + 150
        assert (await first(listener)).seq > latest.seq
        assert await asyncio.to_thread(read_to_end, silent) > 0
        await listener.close()
        await rec.finish()
        await server.close()
        silent.close()


async def test_a_stale_socket_is_replaced(tmp_path: Path) -> None:
    path = socket_path("SB-1101")
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(path))  # bound, never listening: what a killed recorder leaves
    dead.close()
    async with recording(tmp_path) as rec:
        server = RecorderServer(rec.recorder.hub, rec.recorder.apply, path)
        await server.start()
        client = await SocketClient.connect(path)
        assert (await first(client)).session_id == rec.recorder.session_id
        await client.close()
        await server.close()
