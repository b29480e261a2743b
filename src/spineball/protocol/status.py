"""Status characteristic (docs/protocol.md §5): 20 bytes, fits MTU 23."""

from __future__ import annotations

import struct
from dataclasses import astuple, dataclass
from enum import IntFlag
from typing import Final

from spineball.protocol.errors import ErrorKind, ProtocolError
from spineball.protocol.frames import Rate

STATUS_VERSION: Final = 1
_FORMAT: Final = "<BBBBHIIHBBBB"
STATUS_SIZE: Final = struct.calcsize(_FORMAT)
BATTERY_UNKNOWN: Final = 0xFF


class StatusFlags(IntFlag):
    STREAMING = 0x01
    BACKFILLING = 0x02
    PAIRING_OPEN = 0x04
    HAS_BONDS = 0x08
    CHARGING = 0x10
    LOW_BATTERY = 0x20


class ErrorFlags(IntFlag):
    PRESSURE_SENSOR = 0x0001
    IMU = 0x0002
    PRESSURE_SATURATED = 0x0004
    OVER_PRESSURE = 0x0008
    TEMPERATURE_RANGE = 0x0010
    STORAGE = 0x0020
    BATTERY_CRITICAL = 0x0040


_RESERVED_STATUS_FLAGS: Final = 0xC0
_RESERVED_ERROR_FLAGS: Final = 0xFF80


@dataclass(frozen=True, slots=True)
class Status:
    version: int
    flags: StatusFlags
    battery_pct: int  # 0–100, 255 unknown
    rate: Rate
    errors: ErrorFlags
    oldest_index: int
    next_index: int
    run_id: int
    fw_major: int
    fw_minor: int
    fw_patch: int
    pairing_left_s: int

    @property
    def firmware(self) -> str:
        return f"{self.fw_major}.{self.fw_minor}.{self.fw_patch}"

    @property
    def buffered_samples(self) -> int:
        return (self.next_index - self.oldest_index) & 0xFFFFFFFF

    @property
    def battery_known(self) -> bool:
        return self.battery_pct != BATTERY_UNKNOWN


def encode_status(status: Status) -> bytes:
    if status.battery_pct != BATTERY_UNKNOWN and not 0 <= status.battery_pct <= 100:
        raise ValueError(f"battery {status.battery_pct} % outside 0 … 100")
    return struct.pack(_FORMAT, *(int(v) for v in astuple(status)))


def decode_status(data: bytes | bytearray) -> Status:
    buf = bytes(data)
    if len(buf) != STATUS_SIZE:
        kind: ErrorKind = "truncated" if len(buf) < STATUS_SIZE else "length"
        raise ProtocolError(kind, f"status of {len(buf)} bytes, expected {STATUS_SIZE}")
    values = struct.unpack(_FORMAT, buf)
    version, flags, battery, rate, errors = values[:5]
    if version != STATUS_VERSION:
        raise ProtocolError(
            "version", f"unsupported status version {version}; this client understands 1"
        )
    if flags & _RESERVED_STATUS_FLAGS or errors & _RESERVED_ERROR_FLAGS:
        raise ProtocolError(
            "flags", f"status sets reserved bits (flags 0x{flags:02x}, errors 0x{errors:04x})"
        )
    if battery != BATTERY_UNKNOWN and battery > 100:
        raise ProtocolError("range", f"status battery {battery} % outside 0 … 100")
    if rate > Rate.HZ_200:
        raise ProtocolError("range", f"status rate code {rate} outside 0 … 3")
    return Status(
        version,
        StatusFlags(flags),
        battery,
        Rate(rate),
        ErrorFlags(errors),
        *values[5:],
    )
