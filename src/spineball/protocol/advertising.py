"""Advertising payload (docs/protocol.md §1.3): flags, service UUID, short name ≤ 31 bytes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

from spineball.protocol.errors import ProtocolError
from spineball.protocol.uuids import SERVICE_UUID

MAX_ADVERTISING_SIZE: Final = 31
AD_FLAGS: Final = 0x01
AD_COMPLETE_128: Final = 0x07
AD_INCOMPLETE_128: Final = 0x06
AD_SHORT_NAME: Final = 0x08
AD_COMPLETE_NAME: Final = 0x09
LE_GENERAL_DISCOVERABLE_NO_BREDR: Final = 0x06
NAME_PREFIX: Final = "SB-"


@dataclass(frozen=True, slots=True)
class Advertisement:
    flags: int
    service_uuids: tuple[str, ...]
    name: str | None

    @property
    def is_spineball(self) -> bool:
        return SERVICE_UUID in self.service_uuids


def name_for_address(address: str) -> str:
    """`SB-` + the last four hex digits of the device address, e.g. SB-1A2B."""
    digits = address.replace(":", "").upper()
    return NAME_PREFIX + digits[-4:]


def _uuid_le_bytes(value: str) -> bytes:
    return uuid.UUID(value).bytes[::-1]


def encode_advertisement(name: str) -> bytes:
    name_bytes = name.encode("utf-8")
    data = (
        bytes([2, AD_FLAGS, LE_GENERAL_DISCOVERABLE_NO_BREDR])
        + bytes([17, AD_COMPLETE_128])
        + _uuid_le_bytes(SERVICE_UUID)
        + bytes([len(name_bytes) + 1, AD_COMPLETE_NAME])
        + name_bytes
    )
    if len(data) > MAX_ADVERTISING_SIZE:
        raise ValueError(
            f"advertising data of {len(data)} bytes exceeds {MAX_ADVERTISING_SIZE}: "
            f"name {name!r} is too long"
        )
    return data


def decode_advertisement(data: bytes | bytearray) -> Advertisement:
    """Parse AD structures; unknown types are skipped, malformed lengths rejected."""
    buf = bytes(data)
    if len(buf) > MAX_ADVERTISING_SIZE:
        raise ProtocolError("length", f"advertising data of {len(buf)} bytes exceeds 31")
    flags = 0
    uuids: list[str] = []
    name: str | None = None
    pos = 0
    while pos < len(buf):
        length = buf[pos]
        if length == 0:  # early terminator: the rest is padding
            break
        if pos + 1 + length > len(buf):
            raise ProtocolError("truncated", f"AD structure at byte {pos} runs past the end")
        ad_type, value = buf[pos + 1], buf[pos + 2 : pos + 1 + length]
        if ad_type == AD_FLAGS and len(value) == 1:
            flags = value[0]
        elif ad_type in (AD_COMPLETE_128, AD_INCOMPLETE_128):
            if len(value) % 16:
                raise ProtocolError("length", "128-bit UUID list length is not a multiple of 16")
            uuids += [
                str(uuid.UUID(bytes=value[i : i + 16][::-1])) for i in range(0, len(value), 16)
            ]
        elif ad_type in (AD_SHORT_NAME, AD_COMPLETE_NAME):
            name = value.decode("utf-8", errors="replace")
        pos += 1 + length
    return Advertisement(flags, tuple(uuids), name)
