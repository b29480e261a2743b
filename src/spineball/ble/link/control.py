"""Control-characteristic requests: one response per command, matched by ``seq``.

The ball answers every command with exactly one notification carrying the
command's ``seq`` (protocol §4). :class:`ControlChannel` numbers commands,
keeps one future per ``seq`` in flight, resolves it from the notify callback
(synchronous and cheap, as bleak callbacks should be) and fails every waiter
when the link drops. A response nobody waits for (late, after a timeout) is
logged and dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from spineball.ble.link.errors import CommandError, LinkLostError
from spineball.protocol import (
    Command,
    Opcode,
    ProtocolError,
    Response,
    Result,
    decode_response,
    encode_command,
)

log = logging.getLogger("spineball.ble")

COMMAND_TIMEOUT_S: Final = 2.0  # protocol §4: "with a timeout (2 s recommended)"

Write = Callable[[bytes], Awaitable[None]]


class ControlChannel:
    def __init__(self, write: Write, *, timeout_s: float = COMMAND_TIMEOUT_S) -> None:
        self._write = write
        self.timeout_s = timeout_s
        self._seq = 0
        self._waiting: dict[int, tuple[Opcode, asyncio.Future[Response]]] = {}
        self.unexpected = 0

    def _next_seq(self) -> int:
        for _ in range(256):
            self._seq = (self._seq + 1) & 0xFF
            if self._seq not in self._waiting:
                return self._seq
        raise CommandError("256 control commands are waiting for an answer; the ball is stuck")

    async def request(self, command: Command, *, timeout_s: float | None = None) -> Response:
        """Send one command and wait for its response (any result; see :meth:`checked`)."""
        seq = self._next_seq()
        data = encode_command(command, seq)
        op = Opcode(data[0])
        waiter: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._waiting[seq] = (op, waiter)
        try:
            await self._write(data)
            async with asyncio.timeout(self.timeout_s if timeout_s is None else timeout_s):
                return await waiter
        except TimeoutError:
            raise CommandError(f"the ball did not answer {op.name} in time") from None
        finally:
            self._waiting.pop(seq, None)
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # failed by fail_all while the write was still going
            else:
                waiter.cancel()

    async def checked(self, command: Command, *, accept: tuple[Result, ...] = ()) -> Response:
        """Like :meth:`request`, but any result other than OK (or ``accept``) is an error."""
        response = await self.request(command)
        if response.result is not Result.OK and response.result not in accept:
            raise CommandError(
                f"the ball refused {response.op.name}: {response.result.name.replace('_', ' ')}"
            )
        return response

    def on_notification(self, data: bytes | bytearray) -> None:
        """The Control notify callback."""
        try:
            response = decode_response(data)
        except ProtocolError as err:
            log.warning("malformed control response %s: %s", bytes(data).hex(), err)
            return
        op, waiter = self._waiting.get(response.seq, (None, None))
        if waiter is None or waiter.done() or op is not response.op:
            self.unexpected += 1
            log.info("control response %s seq %d nobody waits for", response.op.name, response.seq)
            return
        waiter.set_result(response)

    def fail_all(self, reason: str) -> None:
        """The link dropped: every waiting request fails with :class:`LinkLostError`."""
        for _op, waiter in self._waiting.values():
            if not waiter.done():
                waiter.set_exception(LinkLostError(reason))
        self._waiting.clear()
