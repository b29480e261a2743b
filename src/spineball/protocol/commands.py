"""Control characteristic: commands and their responses (docs/protocol.md §4).

Each command is a frozen dataclass; one table gives its opcode, parameter
layout and parameter bounds, and one table gives each response payload, so
encoding, decoding and validation are the same code for every message.
"""

from __future__ import annotations

import math
import struct
from dataclasses import astuple, dataclass, fields
from enum import IntEnum
from typing import Final, TypeAlias

from spineball.protocol.errors import ProtocolError

RESPONSE_BIT: Final = 0x80
MAX_CONTROL_PAYLOAD: Final = 20  # ATT MTU 23 − 3: every command and response fits


class Opcode(IntEnum):
    START = 0x01
    STOP = 0x02
    SET_RATE = 0x03
    TARE = 0x04
    BACKFILL = 0x05
    IDENTIFY = 0x06
    CLEAR_BONDS = 0x07
    CAL_GET = 0x08
    CAL_SET = 0x09
    PAIRING_WINDOW = 0x0A
    BUZZ = 0x0B


class Result(IntEnum):
    OK = 0
    UNKNOWN_OPCODE = 1
    BAD_LENGTH = 2
    BAD_VALUE = 3
    BUSY = 4
    NOT_STREAMING = 5
    PARTIAL = 6
    SENSOR_FAULT = 7
    STORAGE_ERROR = 8


class BuzzPattern(IntEnum):
    TICK = 0
    DOUBLE = 1
    LONG = 2
    ALARM = 3


# ----------------------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class Start:
    rate: int


@dataclass(frozen=True, slots=True)
class Stop:
    pass


@dataclass(frozen=True, slots=True)
class SetRate:
    rate: int


@dataclass(frozen=True, slots=True)
class Tare:
    pass


@dataclass(frozen=True, slots=True)
class Backfill:
    from_index: int
    max_count: int = 0


@dataclass(frozen=True, slots=True)
class Identify:
    seconds: int


@dataclass(frozen=True, slots=True)
class ClearBonds:
    pass


@dataclass(frozen=True, slots=True)
class CalGet:
    slot: int


@dataclass(frozen=True, slots=True)
class CalSet:
    slot: int
    load_n: float
    pressure_pa: float


@dataclass(frozen=True, slots=True)
class PairingWindow:
    seconds: int


@dataclass(frozen=True, slots=True)
class Buzz:
    pattern: int
    repetitions: int = 1


Command: TypeAlias = (
    Start
    | Stop
    | SetRate
    | Tare
    | Backfill
    | Identify
    | ClearBonds
    | CalGet
    | CalSet
    | PairingWindow
    | Buzz
)

Bounds: TypeAlias = tuple[tuple[int, int] | None, ...]


@dataclass(frozen=True, slots=True)
class _Layout:
    op: Opcode
    kind: type[Command]
    fmt: str  # struct format of the parameters (little-endian)
    bounds: Bounds  # inclusive integer bounds per field; None = any value of the type


_COMMANDS: Final[tuple[_Layout, ...]] = (
    _Layout(Opcode.START, Start, "<B", ((0, 3),)),
    _Layout(Opcode.STOP, Stop, "<", ()),
    _Layout(Opcode.SET_RATE, SetRate, "<B", ((0, 3),)),
    _Layout(Opcode.TARE, Tare, "<", ()),
    _Layout(Opcode.BACKFILL, Backfill, "<IH", (None, None)),
    _Layout(Opcode.IDENTIFY, Identify, "<B", ((1, 60),)),
    _Layout(Opcode.CLEAR_BONDS, ClearBonds, "<", ()),
    _Layout(Opcode.CAL_GET, CalGet, "<B", ((0, 2),)),
    _Layout(Opcode.CAL_SET, CalSet, "<Bff", ((0, 2), None, None)),
    _Layout(Opcode.PAIRING_WINDOW, PairingWindow, "<B", (None,)),
    _Layout(Opcode.BUZZ, Buzz, "<BB", ((0, 3), (1, 10))),
)
_BY_OP: Final = {layout.op: layout for layout in _COMMANDS}
_BY_KIND: Final = {layout.kind: layout for layout in _COMMANDS}


def _check_bounds(name: str, values: tuple[object, ...], bounds: Bounds) -> None:
    for value, bound in zip(values, bounds, strict=False):
        if bound is not None and isinstance(value, int) and not bound[0] <= value <= bound[1]:
            raise ProtocolError("range", f"{name}: value {value} outside {bound[0]} … {bound[1]}")


def _check_cal_point(cmd: CalSet) -> None:
    load_nan, pressure_nan = math.isnan(cmd.load_n), math.isnan(cmd.pressure_pa)
    if load_nan != pressure_nan:
        raise ProtocolError("range", "CAL_SET: load and pressure must both be NaN to empty a slot")
    if not load_nan and not (0.0 <= cmd.load_n <= 5000.0 and 0.0 < cmd.pressure_pa < 262144.0):
        raise ProtocolError(
            "range", f"CAL_SET: point ({cmd.load_n} N, {cmd.pressure_pa} Pa) is not plausible"
        )


def encode_command(command: Command, seq: int) -> bytes:
    layout = _BY_KIND[type(command)]
    values = astuple(command)
    _check_bounds(layout.op.name, values, layout.bounds)
    if isinstance(command, CalSet):
        _check_cal_point(command)
    try:
        params = struct.pack(layout.fmt, *values)
    except struct.error as err:
        raise ProtocolError("range", f"{layout.op.name}: {err}") from None
    return bytes([layout.op, seq & 0xFF]) + params


def decode_command(data: bytes | bytearray) -> tuple[int, Command]:
    """Parse a Control write → (seq, command). Raises :class:`ProtocolError`."""
    buf = bytes(data)
    if len(buf) < 2:
        raise ProtocolError("truncated", f"control write of {len(buf)} bytes has no opcode and seq")
    op, seq, params = buf[0], buf[1], buf[2:]
    try:
        layout = _BY_OP[Opcode(op)]
    except ValueError:
        raise ProtocolError("opcode", f"unknown control opcode 0x{op:02x}") from None
    size = struct.calcsize(layout.fmt)
    if len(params) != size:
        raise ProtocolError(
            "length", f"{layout.op.name} takes {size} parameter bytes, got {len(params)}"
        )
    values = struct.unpack(layout.fmt, params)
    _check_bounds(layout.op.name, values, layout.bounds)
    command = layout.kind(*values)
    if isinstance(command, CalSet):
        _check_cal_point(command)
    return seq, command


def result_for_error(err: ProtocolError) -> Result:
    """The result code a ball answers for a command it could not accept."""
    return {
        "opcode": Result.UNKNOWN_OPCODE,
        "length": Result.BAD_LENGTH,
        "truncated": Result.BAD_LENGTH,
    }.get(err.kind, Result.BAD_VALUE)


# ---------------------------------------------------------------------------- responses


@dataclass(frozen=True, slots=True)
class StopPayload:
    next_index: int


@dataclass(frozen=True, slots=True)
class TarePayload:
    rest_pressure_raw: int

    @property
    def rest_pressure_pa(self) -> float:
        return self.rest_pressure_raw / 16.0


@dataclass(frozen=True, slots=True)
class BackfillPayload:
    first: int
    count: int


@dataclass(frozen=True, slots=True)
class CalPointPayload:
    slot: int
    load_n: float
    pressure_pa: float

    @property
    def empty(self) -> bool:
        return math.isnan(self.load_n)


@dataclass(frozen=True, slots=True)
class PairingPayload:
    remaining_s: int


Payload: TypeAlias = StopPayload | TarePayload | BackfillPayload | CalPointPayload | PairingPayload

_PAYLOADS: Final[dict[Opcode, tuple[type[Payload], str]]] = {
    Opcode.STOP: (StopPayload, "<I"),
    Opcode.TARE: (TarePayload, "<I"),
    Opcode.BACKFILL: (BackfillPayload, "<II"),
    Opcode.CAL_GET: (CalPointPayload, "<Bff"),
    Opcode.PAIRING_WINDOW: (PairingPayload, "<B"),
}
# Results that carry the op's payload (others carry none).
_PAYLOAD_RESULTS: Final = {Result.OK, Result.PARTIAL}


@dataclass(frozen=True, slots=True)
class Response:
    op: Opcode
    seq: int
    result: Result
    payload: Payload | None = None

    @property
    def ok(self) -> bool:
        return self.result in _PAYLOAD_RESULTS


def payload_type(op: Opcode) -> type[Payload] | None:
    entry = _PAYLOADS.get(op)
    return entry[0] if entry else None


def encode_response(response: Response) -> bytes:
    head = bytes([RESPONSE_BIT | response.op, response.seq & 0xFF, response.result])
    entry = _PAYLOADS.get(response.op)
    if response.payload is None or response.result not in _PAYLOAD_RESULTS:
        return head
    if entry is None or not isinstance(response.payload, entry[0]):
        raise ValueError(f"{response.op.name} has no payload of type {type(response.payload)}")
    return head + struct.pack(entry[1], *astuple(response.payload))


def encode_error_response(op: int, seq: int, result: Result) -> bytes:
    """Answer to a command that could not even be decoded (op may be unknown)."""
    return bytes([RESPONSE_BIT | (op & 0x7F), seq & 0xFF, result])


def decode_response(data: bytes | bytearray) -> Response:
    buf = bytes(data)
    if len(buf) < 3:
        raise ProtocolError("truncated", f"control response of {len(buf)} bytes is shorter than 3")
    if not buf[0] & RESPONSE_BIT:
        raise ProtocolError("opcode", f"0x{buf[0]:02x} is not a response opcode")
    try:
        op = Opcode(buf[0] & ~RESPONSE_BIT)
        result = Result(buf[2])
    except ValueError:
        raise ProtocolError(
            "range", f"response 0x{buf[0]:02x} has unknown opcode or result {buf[2]}"
        ) from None
    rest = buf[3:]
    entry = _PAYLOADS.get(op)
    if result not in _PAYLOAD_RESULTS or entry is None:
        if rest:
            raise ProtocolError("length", f"{op.name} response {result.name} carries no payload")
        return Response(op, buf[1], result)
    kind, fmt = entry
    if len(rest) != struct.calcsize(fmt):
        raise ProtocolError(
            "length",
            f"{op.name} response payload is {len(rest)} bytes, expected {struct.calcsize(fmt)}",
        )
    return Response(op, buf[1], result, kind(*struct.unpack(fmt, rest)))


def command_fields(command: Command) -> dict[str, int | float]:
    """Parameters by name (for logs and golden vectors)."""
    return {f.name: getattr(command, f.name) for f in fields(command)}
