"""BumbleStack: the central's Bumble host on one HCI transport, shared by bleak.

One stack owns one Bumble ``Device`` (a controller reached over an HCI
transport: a virtual one on the in-process link, ``tcp-client:HOST:PORT`` to
a virtual ball in another process, ``usb:0`` or ``serial:…`` for a dongle).
Its :attr:`scanner_backend` and :attr:`client_backend` are bleak backend
classes bound to it; application code passes them as ``backend=`` and
otherwise uses bleak's public API unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Final, Self

from bleak.exc import BleakDeviceNotFoundError, BleakError
from bumble import core, hci
from bumble.device import Advertisement, Device, DeviceConfiguration
from bumble.host import Host
from bumble.keys import JsonKeyStore
from bumble.pairing import PairingConfig, PairingDelegate
from bumble.transport import open_transport
from bumble.transport.common import Transport, TransportSink, TransportSource

from spineball import config
from spineball.ble.bumble_backend.identity import load_or_create_identity

if TYPE_CHECKING:
    from spineball.ble.bumble_backend.client import BumbleClient
    from spineball.ble.bumble_backend.scanner import BumbleScanner

logger = logging.getLogger(__name__)

HciPair = tuple[TransportSource, TransportSink]
DEFAULT_ATT_MTU: Final = 247  # 244-byte notifications: 26 samples per frame (protocol §3.1)
POWER_ON_TIMEOUT_S: Final = 10.0
KEYS_FILE: Final = "keys.json"


def default_bonds_dir() -> Path:
    return config.data_dir() / "bonds"


def plain_address(address: hci.Address) -> str:
    """``AA:BB:CC:DD:EE:FF`` without Bumble's ``/P`` suffix, as bleak shows addresses."""
    return str(address).split("/")[0].upper()


class BumbleStack:
    """A Bumble central for bleak. ``async with BumbleStack("usb:0") as stack: …``"""

    def __init__(
        self,
        transport: str | HciPair,
        *,
        bonds_dir: Path | None = None,
        att_mtu: int = DEFAULT_ATT_MTU,
        name: str = "spineball",
    ) -> None:
        if not 23 <= att_mtu <= 517:
            raise ValueError(f"ATT MTU {att_mtu} outside 23 … 517")
        self.transport_spec = transport if isinstance(transport, str) else "in-process link"
        self._transport_arg = transport
        self.bonds_dir = bonds_dir or default_bonds_dir()
        self.att_mtu = att_mtu
        self.name = name
        self._transport: Transport | None = None
        self._device: Device | None = None
        self._scanners: set[BumbleScanner] = set()
        self._scan_lock = asyncio.Lock()
        self.connect_lock = asyncio.Lock()  # Bumble allows one pending LE connect per Device
        self.seen: dict[str, tuple[hci.Address, str | None]] = {}  # address → (typed, name)
        from spineball.ble.bumble_backend.client import BumbleClient
        from spineball.ble.bumble_backend.scanner import BumbleScanner

        stack = self

        class BoundScanner(BumbleScanner):
            bound_stack = stack

        class BoundClient(BumbleClient):
            bound_stack = stack

        BoundScanner.__name__ = BoundScanner.__qualname__ = "BumbleScanner"
        BoundClient.__name__ = BoundClient.__qualname__ = "BumbleClient"
        self.scanner_backend: type[BumbleScanner] = BoundScanner
        self.client_backend: type[BumbleClient] = BoundClient

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def open(self) -> None:
        self.bonds_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        identity = load_or_create_identity(self.bonds_dir)
        if isinstance(self._transport_arg, str):
            try:
                self._transport = await open_transport(self._transport_arg)
            except (OSError, ValueError, core.BaseBumbleError) as err:
                raise BleakError(
                    f"cannot open HCI transport {self._transport_arg}: {err}"
                ) from None
            source, sink = self._transport.source, self._transport.sink
        else:
            source, sink = self._transport_arg
        device = Device(
            config=DeviceConfiguration(
                name=self.name,
                address=identity.address,
                irk=identity.irk,
                identity_address_type=hci.Address.RANDOM_DEVICE_ADDRESS,
            ),
            host=Host(source, sink),
        )
        device.keystore = JsonKeyStore(str(identity.address), str(self.bonds_dir / KEYS_FILE))
        device.pairing_config_factory = lambda _connection: PairingConfig(
            sc=True,
            mitm=False,  # Just Works: the ball has no display or keyboard (protocol §2)
            bonding=True,
            delegate=PairingDelegate(PairingDelegate.IoCapability.NO_OUTPUT_NO_INPUT),
            identity_address_type=PairingConfig.AddressType.RANDOM,
        )
        device.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        try:
            await asyncio.wait_for(device.power_on(), POWER_ON_TIMEOUT_S)
        except TimeoutError:
            await self._close_transport()
            raise BleakError(
                f"no answer from the Bluetooth controller on {self.transport_spec}"
            ) from None
        self._device = device
        logger.info("Bumble central %s on %s", identity.address, self.transport_spec)

    async def close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            with contextlib.suppress(Exception):
                for connection in list(device.connections.values()):
                    await connection.disconnect()
                if device.is_scanning:
                    await device.stop_scanning()
                await device.power_off()
        await self._close_transport()

    async def _close_transport(self) -> None:
        transport, self._transport = self._transport, None
        if transport is not None:
            await transport.close()

    @property
    def device(self) -> Device:
        if self._device is None:
            raise BleakError("the Bumble stack is not open (use 'async with BumbleStack(...)')")
        return self._device

    @property
    def address(self) -> str:
        return plain_address(self.device.static_address)

    # ------------------------------------------------------------------ scanning

    async def add_scanner(self, scanner: BumbleScanner) -> None:
        async with self._scan_lock:
            self._scanners.add(scanner)
            if not self.device.is_scanning:
                await self.device.start_scanning(active=True, filter_duplicates=False)

    async def remove_scanner(self, scanner: BumbleScanner) -> None:
        async with self._scan_lock:
            self._scanners.discard(scanner)
            if not self._scanners and self._device is not None and self._device.is_scanning:
                await self._device.stop_scanning()

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        for scanner in list(self._scanners):
            name = scanner.handle_advertisement(advertisement)
            self.seen[plain_address(advertisement.address)] = (advertisement.address, name)

    async def resolve(self, address: str, scan_s: float) -> hci.Address:
        """The typed address for a bare address string: seen, bonded, or found by scanning."""
        key = address.upper()
        if key in self.seen:
            return self.seen[key][0]
        keystore = self.device.keystore
        if keystore is not None and await keystore.get(key) is not None:
            return hci.Address(key, hci.Address.RANDOM_DEVICE_ADDRESS)
        from bleak import BleakScanner

        found = await BleakScanner.find_device_by_address(
            key, timeout=scan_s, backend=self.scanner_backend
        )
        if found is None:
            raise BleakDeviceNotFoundError(key, f"device {key} was not found (not advertising?)")
        return self.seen[key][0]

    # ------------------------------------------------------------------ bonds

    async def is_bonded(self, address: str) -> bool:
        keystore = self.device.keystore
        return keystore is not None and await keystore.get(address.upper()) is not None

    async def bonded_addresses(self) -> list[str]:
        keystore = self.device.keystore
        return [name for name, _keys in await keystore.get_all()] if keystore else []

    async def forget(self, address: str) -> bool:
        """Delete our keys for ``address``; True if there were any."""
        if not await self.is_bonded(address):
            return False
        keystore = self.device.keystore
        assert keystore is not None
        await keystore.delete(address.upper())
        return True
