"""The buzz on the ball: cues become BUZZ commands (protocol §4.1) through a sender.

The recorder owns the BLE link; it hands this output a *sender*, an async
callable that writes one :class:`~spineball.protocol.Buzz` to the ball's
Control characteristic and waits for the ball's response::

    async def send(buzz: Buzz) -> None:
        response = await link.command(buzz)        # the link's own command call
        if response.result == Result.UNKNOWN_OPCODE:
            raise BuzzUnsupportedError("firmware before 1.1 has no buzz motor")
        ...

    buzz_output.attach(send)      # when the link is up and paired
    buzz_output.detach()          # when it drops

Writes are serialised (one command in flight, as the Control characteristic
wants); while one is in flight a single pending slot keeps the most important
next buzz: an urgent buzz replaces a routine one, a routine buzz never waits
behind an urgent one. Failures are reported once and never reach the live path.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Final, Literal, TypeAlias

from spineball.cues.model import PRIORITY_RANK, Cue
from spineball.protocol import Buzz

BuzzSender: TypeAlias = Callable[[Buzz], Awaitable[None]]
BuzzDecision = Literal["send", "pending", "drop", "off"]

#: Protocol §4: a client waits for the Control response with a timeout, 2 s recommended.
BUZZ_TIMEOUT_S: Final = 2.0


class BuzzUnsupportedError(Exception):
    """The ball has no buzz motor (firmware before 1.1 answers UNKNOWN_OPCODE)."""


class BuzzOutput:
    def __init__(
        self,
        sender: BuzzSender | None = None,
        on_problem: Callable[[str], None] | None = None,
        timeout_s: float = BUZZ_TIMEOUT_S,
    ) -> None:
        self._sender = sender
        self.timeout_s = timeout_s
        self._on_problem = on_problem or (lambda _message: None)
        self._in_flight: Cue | None = None
        self._pending: Cue | None = None
        self._task: asyncio.Task[None] | None = None
        self.unsupported = False
        self.sent: list[Buzz] = []  # buzzes the ball acknowledged, in order

    @property
    def connected(self) -> bool:
        return self._sender is not None and not self.unsupported

    def attach(self, sender: BuzzSender) -> None:
        """The link is up: buzz through ``sender`` (a new ball may support buzz again)."""
        self._sender = sender
        self.unsupported = False

    def detach(self) -> None:
        """The link is down: buzzes are dropped until :meth:`attach`."""
        self._sender = None
        self._pending = None

    def offer(self, cue: Cue) -> BuzzDecision:
        if cue.buzz is None or not self.connected:
            return "off"
        if self._in_flight is None:
            self._start(cue)
            return "send"
        pending = self._pending
        if pending is not None and _rank(pending) > _rank(cue):
            return "drop"
        if _rank(self._in_flight) > _rank(cue) and not cue.urgent:
            return "drop"  # a routine buzz does not wait behind an urgent one
        self._pending = cue
        return "pending"

    def _start(self, cue: Cue) -> None:
        self._in_flight = cue
        self._task = asyncio.get_running_loop().create_task(self._send(cue))

    async def _send(self, cue: Cue) -> None:
        sender, buzz = self._sender, cue.buzz
        assert buzz is not None
        try:
            if sender is not None:
                await asyncio.wait_for(sender(buzz), self.timeout_s)
                self.sent.append(buzz)
        except BuzzUnsupportedError as err:
            self.unsupported = True
            self._on_problem(f"buzz: {err or 'the ball has no buzz motor'}")
        except TimeoutError:
            self._on_problem(f"buzz: no answer from the ball within {self.timeout_s:g} s")
        except Exception as err:  # the link's errors are many and not ours to type
            self._on_problem(f"buzz: {type(err).__name__}: {err}")
        finally:
            self._in_flight = None
            nxt, self._pending = self._pending, None
            if nxt is not None and self.connected:
                self._start(nxt)

    async def aclose(self) -> None:
        self._pending = None
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _rank(cue: Cue) -> tuple[int, int]:
    return PRIORITY_RANK[cue.priority], cue.rank
