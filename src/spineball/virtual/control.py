"""The Control characteristic's command interpreter (docs/protocol.md §4).

One table maps each command type to its handler; every handler returns the
one response the ball notifies. Effects on the radio side (flushing live
frames, starting a backfill, dropping the link) go through :class:`BallHooks`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from spineball.protocol import (
    Backfill,
    BackfillPayload,
    Buzz,
    CalGet,
    CalPointPayload,
    CalSet,
    ClearBonds,
    Command,
    Identify,
    Opcode,
    PairingPayload,
    PairingWindow,
    ProtocolError,
    Rate,
    Response,
    Result,
    SetRate,
    Start,
    Stop,
    StopPayload,
    Tare,
    TarePayload,
    decode_command,
    encode_error_response,
    encode_response,
    result_for_error,
)
from spineball.virtual.bonds import BondStore
from spineball.virtual.bonds import PairingWindow as Window
from spineball.virtual.calibration import CalibrationStore
from spineball.virtual.clock import SimClock
from spineball.virtual.ring import RingSamples
from spineball.virtual.sampler import Sampler

U32: Final = 1 << 32
CLEAR_BONDS_DISCONNECT_S: Final = 0.100  # protocol §4.1: disconnect 100 ms after the response
MAX_PAIRING_LEFT: Final = 255


@dataclass(frozen=True, slots=True)
class BuzzEvent:
    """A BUZZ command as the ball's motor received it."""

    sim_time_s: float
    monotonic_s: float
    pattern: int
    repetitions: int


class BallHooks(Protocol):
    def flush_live(self) -> None: ...
    def backfill_running(self) -> bool: ...
    def begin_backfill(self, block: RingSamples) -> None: ...
    def new_run(self) -> None: ...
    def disconnect_after(self, sim_seconds: float) -> None: ...


@dataclass
class BallControlState:
    clock: SimClock
    sampler: Sampler
    bonds: BondStore
    calibration: CalibrationStore
    window: Window
    buzzes: list[BuzzEvent]
    identify_until: float = 0.0


Handler = Callable[[Any], Awaitable[tuple[Result, object | None]]]


class CommandInterpreter:
    def __init__(self, state: BallControlState, hooks: BallHooks) -> None:
        self.state = state
        self.hooks = hooks
        self._handlers: dict[type[Command], Handler] = {
            Start: self._start,
            Stop: self._stop,
            SetRate: self._set_rate,
            Tare: self._tare,
            Backfill: self._backfill,
            Identify: self._identify,
            ClearBonds: self._clear_bonds,
            CalGet: self._cal_get,
            CalSet: self._cal_set,
            PairingWindow: self._pairing_window,
            Buzz: self._buzz,
        }

    async def execute(self, data: bytes) -> bytes:
        """Run one Control write (≥ 2 bytes) and return the response to notify."""
        try:
            seq, command = decode_command(data)
        except ProtocolError as err:
            return encode_error_response(data[0], data[1], result_for_error(err))
        result, payload = await self._handlers[type(command)](command)
        op = Opcode(data[0])
        return encode_response(Response(op, seq, result, payload))  # type: ignore[arg-type]

    # ------------------------------------------------------------------ handlers

    async def _start(self, command: Start) -> tuple[Result, None]:
        self.hooks.flush_live()
        self.state.sampler.start(Rate(command.rate), self.state.clock.now())
        self.hooks.new_run()
        return Result.OK, None

    async def _stop(self, _command: Stop) -> tuple[Result, StopPayload]:
        sampler = self.state.sampler
        if sampler.streaming:
            sampler.stop(self.state.clock.now())
            self.hooks.flush_live()
        return Result.OK, StopPayload(sampler.next_index % U32)

    async def _set_rate(self, command: SetRate) -> tuple[Result, None]:
        sampler = self.state.sampler
        if not sampler.streaming:
            return Result.NOT_STREAMING, None
        now = self.state.clock.now()
        sampler.generate_until(now)
        self.hooks.flush_live()  # frames never mix rates
        sampler.set_rate(Rate(command.rate), now)
        return Result.OK, None

    async def _tare(self, _command: Tare) -> tuple[Result, TarePayload | None]:
        sampler = self.state.sampler
        if not sampler.streaming:
            return Result.NOT_STREAMING, None
        sampler.generate_until(self.state.clock.now())
        rest = sampler.rest_pressure_raw()
        if rest is None:
            return Result.SENSOR_FAULT, None
        return Result.OK, TarePayload(rest)

    async def _backfill(self, command: Backfill) -> tuple[Result, BackfillPayload | None]:
        sampler = self.state.sampler
        if not sampler.streaming:
            return Result.NOT_STREAMING, None
        if self.hooks.backfill_running():
            return Result.BUSY, None
        sampler.generate_until(self.state.clock.now())
        ring = sampler.ring
        newest_end = ring.next_index
        ahead = (command.from_index - newest_end) % U32
        if ahead < U32 // 2:  # from ≥ next_index (modulo wrap): nothing to send
            return Result.OK, BackfillPayload(command.from_index, 0)
        first = newest_end - (newest_end - command.from_index) % U32
        result = Result.OK
        if first < ring.oldest_index:
            result, first = Result.PARTIAL, ring.oldest_index
        end = newest_end if command.max_count == 0 else min(newest_end, first + command.max_count)
        if end > first:
            self.hooks.begin_backfill(ring.slice(first, end))
        return result, BackfillPayload(first % U32, end - first)

    async def _identify(self, command: Identify) -> tuple[Result, None]:
        self.state.identify_until = self.state.clock.now() + command.seconds
        return Result.OK, None

    async def _clear_bonds(self, _command: ClearBonds) -> tuple[Result, None]:
        try:
            await self.state.bonds.delete_all()
        except OSError:
            return Result.STORAGE_ERROR, None
        self.hooks.disconnect_after(CLEAR_BONDS_DISCONNECT_S)
        return Result.OK, None

    async def _cal_get(self, command: CalGet) -> tuple[Result, CalPointPayload]:
        load_n, pressure_pa = self.state.calibration.get(command.slot)
        return Result.OK, CalPointPayload(command.slot, load_n, pressure_pa)

    async def _cal_set(self, command: CalSet) -> tuple[Result, None]:
        try:
            self.state.calibration.set(command.slot, command.load_n, command.pressure_pa)
        except OSError:
            return Result.STORAGE_ERROR, None
        return Result.OK, None

    async def _pairing_window(self, command: PairingWindow) -> tuple[Result, PairingPayload]:
        if command.seconds == 0:
            self.state.window.close()
        else:
            self.state.window.open(command.seconds)
        return Result.OK, PairingPayload(min(MAX_PAIRING_LEFT, self.state.window.remaining_s))

    async def _buzz(self, command: Buzz) -> tuple[Result, None]:
        event = BuzzEvent(
            self.state.clock.now(), time.monotonic(), command.pattern, command.repetitions
        )
        self.state.buzzes.append(event)
        return Result.OK, None
