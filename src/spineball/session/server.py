"""Serving a recorder on a local Unix socket: JSON lines out (updates), JSON lines in (inputs).

The socket lives in the user's private runtime directory and is made
readable and writable by its owner only (0600). Any number of clients may
attach. Each has its own bounded queue of updates (see
:mod:`spineball.session.clients`) and its own writer task; a client that
stops reading is disconnected after :data:`WRITE_TIMEOUT_S`, one that sends
garbage is disconnected at once, and neither ever delays the recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from pathlib import Path
from typing import Final

from spineball.session.clients import Apply, ClientHub, UpdateFeed
from spineball.session.wire import MAX_LINE_BYTES, WireError, decode_input, encode_update

log = logging.getLogger("spineball.session")

WRITE_TIMEOUT_S: Final = 5.0  # a client that takes longer to accept an update is dropped


class RecorderRunningError(OSError):
    """Another live recorder already serves this socket."""


def socket_alive(path: Path) -> bool:
    """Does a process accept connections on this socket?"""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError, TimeoutError, OSError):
            return False
        return True


class RecorderServer:
    def __init__(self, hub: ClientHub, apply: Apply, path: Path) -> None:
        self.hub = hub
        self.apply = apply
        self.path = path
        self._server: asyncio.Server | None = None
        self._clients: set[asyncio.Task[None]] = set()
        self.served = 0

    @property
    def clients(self) -> int:
        """Clients attached now."""
        return len(self._clients)

    async def start(self) -> None:
        if self.path.exists():
            if socket_alive(self.path):
                raise RecorderRunningError(f"a recorder is already serving {self.path}")
            self.path.unlink()  # left behind by a recorder that died
        self._server = await asyncio.start_unix_server(
            self._serve, path=str(self.path), limit=MAX_LINE_BYTES
        )
        os.chmod(self.path, 0o600)
        log.info("serving clients on %s", self.path)

    async def close(self, *, flush_s: float = 2.0) -> None:
        """Stop accepting; let clients take their last updates (up to ``flush_s``)."""
        if self._server is not None:
            self._server.close()
        if self._clients:
            _done, pending = await asyncio.wait(self._clients, timeout=flush_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._clients.add(task)
        self.served += 1
        feed = self.hub.open()
        sender = asyncio.create_task(self._send(feed, writer))
        receiver = asyncio.create_task(self._receive(reader))
        try:
            await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.hub.close(feed)
            feed.offer(None)
            for part in (sender, receiver):
                part.cancel()
            await asyncio.gather(sender, receiver, return_exceptions=True)
            writer.close()
            try:
                async with asyncio.timeout(1.0):  # a peer that does not read never lets it flush
                    await writer.wait_closed()
            except (TimeoutError, OSError):
                writer.transport.abort()
            finally:
                self._clients.discard(task)

    async def _send(self, feed: UpdateFeed, writer: asyncio.StreamWriter) -> None:
        while (update := await feed.get()) is not None:
            writer.write(encode_update(update))
            try:
                # asyncio.timeout, not wait_for: wait_for in Python 3.11 can swallow a
                # cancellation that races with the drain finishing.
                async with asyncio.timeout(WRITE_TIMEOUT_S):
                    await writer.drain()
            except (TimeoutError, ConnectionError) as err:
                log.info("client dropped: %s", str(err) or "it stopped reading updates")
                return

    async def _receive(self, reader: asyncio.StreamReader) -> None:
        while True:
            try:
                line = await reader.readline()
            except (ValueError, asyncio.LimitOverrunError, ConnectionError) as err:
                log.warning("client dropped: %s", err)
                return
            if not line:
                return  # the client went away
            try:
                message = decode_input(line)
            except WireError as err:
                log.warning("client dropped: %s", err)
                return
            try:
                await self.apply(message)
            except ConnectionError:
                return
