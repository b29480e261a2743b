"""Which bleak backend the link uses, and what differs between them.

The link only ever calls bleak's public API (``BleakScanner``,
``BleakClient``); a backend decides the ``backend=`` argument, sensible
timeouts, and how bonds are known and dropped:

- :class:`OsBackend` — bleak's own choice for this platform (BlueZ,
  CoreBluetooth, WinRT): real hardware. Connect timeouts ≥ 10 s (BlueZ needs
  them), bonds live in the operating system.
- :class:`BumbleBackend` — the Bumble backend on an HCI transport (the
  in-process virtual ball, ``tcp-client:HOST:PORT`` to ``spineball virtual``,
  or ``usb:0`` for a USB dongle). Bonds live in its key store.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from bleak import BleakClient, BleakScanner
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError

from spineball import config
from spineball.ble.bumble_backend import BumbleStack
from spineball.ble.link.errors import platform_advice
from spineball.ble.link.known import KnownBalls


class BleBackend:
    name = "bleak"
    connect_timeout_s = 15.0  # bleak notes: ≥ 10 s on real stacks
    scan_s = 5.0  # a ball advertises every 100–200 ms (protocol §1.3)
    reconnect_scan_s = 5.0
    #: macOS pairs on the first encrypted access; bleak's pair() does nothing there
    implicit_pairing = False

    def __init__(self, known_path: Path) -> None:
        self.known = KnownBalls(known_path)

    def scanner_args(self) -> dict[str, Any]:
        return {}

    def client(self, device: BLEDevice | str, **kwargs: Any) -> BleakClient:
        return BleakClient(device, timeout=self.connect_timeout_s, **self.client_args(), **kwargs)

    def client_args(self) -> dict[str, Any]:
        return {}

    def scanner(self, **kwargs: Any) -> BleakScanner:
        return BleakScanner(**self.scanner_args(), **kwargs)

    async def bonded(self, address: str) -> bool:
        """Does this computer hold a bond with the ball (as far as it can tell)?"""
        return self.known.get(address) is not None

    async def drop_bond(self, address: str) -> str | None:
        """Delete this computer's copy of the bond; returns a note for the user, if any."""
        self.known.forget(address)
        return None


class OsBackend(BleBackend):
    """bleak's platform backend (real Bluetooth hardware)."""

    def __init__(self, known_path: Path | None = None) -> None:
        super().__init__(known_path or config.data_dir() / "balls.json")
        self.name = {"linux": "BlueZ", "darwin": "CoreBluetooth", "win32": "WinRT"}.get(
            sys.platform, sys.platform
        )
        self.implicit_pairing = sys.platform == "darwin"

    async def drop_bond(self, address: str) -> str | None:
        self.known.forget(address)
        if sys.platform == "darwin":
            return (
                "macOS keeps its own copy of the bond: remove the ball in System Settings › "
                "Bluetooth (ⓘ › Forget This Device)"
            )
        client = BleakClient(address, timeout=self.connect_timeout_s)
        try:
            await client.unpair()
        except (BleakError, NotImplementedError, OSError) as err:
            return f"could not remove the operating system's bond: {platform_advice(err)}"
        return None


class BumbleBackend(BleBackend):
    """The Bumble backend on one open :class:`BumbleStack`."""

    connect_timeout_s = 5.0
    scan_s = 1.0  # the virtual ball and a dongle next to the ball are heard at once
    reconnect_scan_s = 1.0

    def __init__(self, stack: BumbleStack) -> None:
        super().__init__(stack.bonds_dir / "balls.json")
        self.stack = stack
        self.name = f"Bumble on {stack.transport_spec}"

    def scanner_args(self) -> dict[str, Any]:
        return {"backend": self.stack.scanner_backend}

    def client_args(self) -> dict[str, Any]:
        return {"backend": self.stack.client_backend}

    async def bonded(self, address: str) -> bool:
        return await self.stack.is_bonded(address)

    async def drop_bond(self, address: str) -> str | None:
        self.known.forget(address)
        await self.stack.forget(address)
        return None
