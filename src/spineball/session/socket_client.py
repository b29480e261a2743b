"""A client of a recorder over its Unix socket (the dashboard's side)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from spineball.session.api import SessionUpdate, UserInput
from spineball.session.wire import MAX_LINE_BYTES, WireError, decode_update, encode_input


class SocketClient:
    """A :class:`~spineball.session.api.SessionClient` over the recorder's socket."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: Path
    ) -> None:
        self._reader = reader
        self._writer = writer
        self.path = path

    @classmethod
    async def connect(cls, path: Path) -> SocketClient:
        """Attach to the recorder serving ``path`` (OSError if none does)."""
        reader, writer = await asyncio.open_unix_connection(str(path), limit=MAX_LINE_BYTES)
        return cls(reader, writer, path)

    async def _iterate(self) -> AsyncIterator[SessionUpdate]:
        while True:
            try:
                line = await self._reader.readline()
            except (ConnectionError, ValueError, asyncio.LimitOverrunError):
                return
            if not line:
                return
            try:
                yield decode_update(line)
            except WireError:
                return

    def updates(self) -> AsyncIterator[SessionUpdate]:
        return self._iterate()

    async def send(self, message: UserInput) -> None:
        if self._writer.is_closing():
            raise ConnectionError("detached from the recorder")
        try:
            self._writer.write(encode_input(message))
            await self._writer.drain()
        except OSError as err:
            raise ConnectionError(f"the recorder is gone: {err}") from None

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()
