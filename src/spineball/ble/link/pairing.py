"""Pairing and forgetting a ball (protocol §2).

Pairing is LE Secure Connections with bonding, Just Works (the ball has no
display). The ball accepts it only while its pairing window is open, so
:func:`pair` reads the (open) Status first and, if the window is closed,
tells the user how to open it and waits for it. macOS pairs by itself on
the first encrypted access (bleak's ``pair()`` does nothing there), so there
the first encrypted operation is the pairing. Success is checked with an
encrypted command: ``IDENTIFY`` makes the ball's LED blink.

Forgetting clears both sides: ``CLEAR_BONDS`` on the ball (it needs the
encrypted link, so it is sent first) and this computer's copy of the key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from bleak.exc import BleakError

from spineball.ble.bumble_backend import BumblePairingError
from spineball.ble.bumble_backend.errors import SMP_PAIRING_NOT_SUPPORTED
from spineball.ble.link.backend import BleBackend
from spineball.ble.link.connection import BallConnection, BallIdentity
from spineball.ble.link.errors import (
    BallNotFoundError,
    LinkError,
    NotPairedError,
    PairingFailedError,
    PairingWindowClosedError,
    describe,
    pairing_window_advice,
)
from spineball.ble.link.scan import Sighting, find
from spineball.protocol import ClearBonds, Identify, Status, StatusFlags

IDENTIFY_S: Final = 3  # the LED blinks this long when pairing worked
WINDOW_POLL_S: Final = 1.0

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PairResult:
    identity: BallIdentity
    already_paired: bool


@dataclass(frozen=True, slots=True)
class ForgetResult:
    address: str
    name: str | None
    ball_cleared: bool  # CLEAR_BONDS reached the ball
    notes: tuple[str, ...] = ()


def _window_open(status: Status) -> bool:
    return bool(status.flags & StatusFlags.PAIRING_OPEN)


async def _wait_for_window(
    connection: BallConnection, status: Status, wait_s: float, say: Say
) -> Status:
    if _window_open(status):
        return status
    advice = pairing_window_advice(connection.name)
    if wait_s <= 0:
        raise PairingWindowClosedError(advice)
    say(f"{advice}. Waiting up to {wait_s:g} s…")
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        await asyncio.sleep(WINDOW_POLL_S)
        status = await connection.read_status()
        if _window_open(status):
            return status
    raise PairingWindowClosedError(f"{advice} (waited {wait_s:g} s)")


async def _bond(connection: BallConnection) -> None:
    if connection.backend.implicit_pairing:
        return  # the subscription below triggers the OS pairing dialog-free (Just Works)
    try:
        await connection.client.pair()
    except BumblePairingError as err:
        if err.reason == SMP_PAIRING_NOT_SUPPORTED:
            raise PairingWindowClosedError(pairing_window_advice(connection.name)) from None
        raise PairingFailedError(f"pairing with {connection.name} failed: {err}") from None
    except (BleakError, TimeoutError, OSError, NotImplementedError) as err:
        raise PairingFailedError(
            f"pairing with {connection.name} failed: {describe(err)}; make sure its pairing "
            "window is open and try again"
        ) from None


async def pair_connected(
    connection: BallConnection, *, wait_s: float = 0.0, say: Say = lambda _m: None
) -> bool:
    """Pair on an open connection (if not paired yet); True if it was paired already."""
    backend = connection.backend
    try:
        await connection.subscribe_control()  # works only on an encrypted, bonded link
        backend.known.remember(connection.address, connection.device.name)
        return True
    except NotPairedError:
        if await backend.bonded(connection.address):
            say(f"{connection.name} has forgotten this computer; pairing again")
    status = await connection.read_status()
    await _wait_for_window(connection, status, wait_s, say)
    await _bond(connection)
    try:
        await connection.subscribe_control()
    except NotPairedError:
        raise PairingFailedError(
            f"{connection.name} still refuses encrypted access after pairing; open its "
            "pairing window and try again"
        ) from None
    backend.known.remember(connection.address, connection.device.name)
    return False


async def pair(
    backend: BleBackend,
    selector: str | None = None,
    *,
    wait_s: float = 0.0,
    say: Say = lambda _m: None,
) -> PairResult:
    """Find the ball, pair with it (guiding the user to its pairing window), confirm."""
    sighting = await find(backend, selector)
    say(f"found {sighting.name} ({sighting.address}, {sighting.rssi_dbm} dBm)")
    async with BallConnection(backend, sighting.device) as connection:
        already = await pair_connected(connection, wait_s=wait_s, say=say)
        await connection.control.checked(Identify(IDENTIFY_S))
        identity = await connection.read_identity()
    backend.known.remember(sighting.address, sighting.device.name)
    return PairResult(identity, already)


def _resolve_offline(backend: BleBackend, selector: str) -> tuple[str, str | None]:
    wanted = selector.strip().upper()
    for known in backend.known.all():
        if wanted in (known.address, known.address.replace(":", ""), (known.name or "").upper()):
            return known.address, known.name
    if len(wanted.replace(":", "")) == 12 and ":" in wanted:
        return wanted, None
    raise BallNotFoundError(
        f"{selector} is neither nearby nor a ball this computer knows; give its address"
    )


async def forget(
    backend: BleBackend, selector: str, *, scan_s: float | None = None
) -> ForgetResult:
    """CLEAR_BONDS on the ball (if it is reachable and paired), then drop our bond."""
    notes: list[str] = []
    cleared = False
    sighting: Sighting | None
    try:
        sighting = await find(backend, selector, scan_s)
    except BallNotFoundError:
        sighting = None
    if sighting is not None:
        address, name = sighting.address, sighting.device.name
        try:
            async with BallConnection(backend, sighting.device) as connection:
                await connection.subscribe_control()
                await connection.control.checked(ClearBonds())
                cleared = True
        except NotPairedError:
            notes.append(f"{sighting.name} did not accept this computer as paired")
        except LinkError as err:
            notes.append(f"could not clear the ball's bonds: {err}")
    else:
        address, name = _resolve_offline(backend, selector)
        notes.append(
            f"{name or address} is not nearby: only this computer forgot it; the ball keeps "
            "its copy until it is cleared (forget it again when it is nearby)"
        )
    note = await backend.drop_bond(address)
    if note:
        notes.append(note)
    return ForgetResult(address, name, cleared, tuple(notes))
