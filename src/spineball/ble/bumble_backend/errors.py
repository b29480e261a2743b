"""Bumble's exceptions mapped onto bleak's, with the protocol code in the message.

Application code catches what it would catch with any bleak backend
(``BleakError``, ``BleakGATTProtocolError``, ``TimeoutError``); the message
names the operation and the code, e.g. ``read of 5b1d0004-… failed:
Insufficient Encryption (0x0F)``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Final, TypeVar

from bleak.exc import (
    CONTROLLER_ERROR_CODES,
    PROTOCOL_ERROR_CODES,
    BleakError,
    BleakGATTProtocolError,
)
from bumble import core
from bumble.att import ATT_Error

T = TypeVar("T")

# Bluetooth Core spec Vol 3 Part H 3.5.5 (SMP Pairing Failed reason codes).
SMP_ERROR_NAMES: Final = {
    0x01: "Passkey Entry Failed",
    0x02: "OOB Not Available",
    0x03: "Authentication Requirements",
    0x04: "Confirm Value Failed",
    0x05: "Pairing Not Supported",
    0x06: "Encryption Key Size",
    0x07: "Command Not Supported",
    0x08: "Unspecified Reason",
    0x09: "Repeated Attempts",
    0x0A: "Invalid Parameters",
    0x0B: "DHKey Check Failed",
    0x0C: "Numeric Comparison Failed",
    0x0D: "BR/EDR Pairing In Progress",
    0x0E: "Cross-transport Key Derivation Not Allowed",
}
SMP_PAIRING_NOT_SUPPORTED: Final = 0x05


class BumbleGATTProtocolError(BleakGATTProtocolError):
    """An ATT error response, named with its code and the operation that got it."""

    def __init__(self, error_code: int, operation: str) -> None:
        super().__init__(error_code)
        name = PROTOCOL_ERROR_CODES.get(error_code, "Unknown code")
        self._text = f"{operation} failed: {name} (0x{error_code:02X})"

    def __str__(self) -> str:
        return self._text


class BumblePairingError(BleakError):
    """The peer answered pairing with SMP Pairing Failed."""

    def __init__(self, reason: int, peer: str) -> None:
        name = SMP_ERROR_NAMES.get(reason, "Unknown reason")
        text = f"pairing with {peer} failed: {name} (SMP 0x{reason:02X})"
        if reason == SMP_PAIRING_NOT_SUPPORTED:
            text += (
                "; the device is not accepting pairing"
                " (a SpineBall pairs only while its pairing window is open)"
            )
        super().__init__(text)
        self.reason = reason


def hci_error_text(code: int) -> str:
    return f"{CONTROLLER_ERROR_CODES.get(code, 'Unknown error')} (HCI 0x{code:02X})"


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def mapped(awaitable: Awaitable[T], operation: str, peer: str = "") -> T:
    """Await a Bumble operation and re-raise its failure as a bleak exception."""
    try:
        return await awaitable
    except ATT_Error as err:
        raise BumbleGATTProtocolError(err.error_code, operation) from None
    except asyncio.CancelledError:
        # Bumble cancels pending ATT/SMP operations when the link drops; only a
        # cancellation of our own task is a real cancellation.
        if _being_cancelled():
            raise
        raise BleakError(f"{operation} failed: disconnected") from None
    except core.ProtocolError as err:
        if err.error_namespace == "smp" and err.error_code is not None:
            raise BumblePairingError(err.error_code, peer or "the peer") from None
        if err.error_namespace == "hci" and err.error_code is not None:
            raise BleakError(f"{operation} failed: {hci_error_text(err.error_code)}") from None
        raise BleakError(f"{operation} failed: {err}") from None
    except core.TimeoutError:
        raise TimeoutError(f"{operation}: no response (timeout)") from None
    except core.BaseBumbleError as err:
        raise BleakError(f"{operation} failed: {err}") from None
