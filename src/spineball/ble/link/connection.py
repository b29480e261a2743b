"""One connection to a ball: a fresh BleakClient, its characteristics, its commands.

bleak practice: connect by the ``BLEDevice`` a scan returned, one new
``BleakClient`` per connection, notify callbacks synchronous and cheap. The
reconnecting engine (:mod:`spineball.ble.link.engine`) makes a new
:class:`BallConnection` for every attempt.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError

from spineball.ble.link.backend import BleBackend
from spineball.ble.link.control import ControlChannel
from spineball.ble.link.errors import LinkError, NotPairedError, describe, needs_pairing
from spineball.protocol import (
    CONTROL_UUID,
    SAMPLES_UUID,
    STATUS_UUID,
    ProtocolError,
    Status,
    decode_status,
)
from spineball.protocol import uuids as u

log = logging.getLogger("spineball.ble")

Notify = Callable[[bytearray], None]


@dataclass(frozen=True, slots=True)
class BallIdentity:
    """Who the ball is (advertisement + Device Information service, protocol §1.2)."""

    address: str
    name: str | None
    serial: str | None = None
    model: str | None = None
    firmware: str | None = None


class BallConnection:
    def __init__(
        self,
        backend: BleBackend,
        device: BLEDevice,
        *,
        on_disconnect: Callable[[], None] | None = None,
    ) -> None:
        self.backend = backend
        self.device = device
        self._on_disconnect = on_disconnect
        self.client: BleakClient = backend.client(device, disconnected_callback=self._dropped)
        self.control = ControlChannel(self._write_control)
        self._closing = False

    @property
    def address(self) -> str:
        return self.device.address.upper()

    @property
    def name(self) -> str:
        return self.device.name or self.address

    @property
    def is_connected(self) -> bool:
        return self.client.is_connected

    # ------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def connect(self) -> None:
        try:
            await self.client.connect()
        except (BleakError, TimeoutError, OSError) as err:
            raise LinkError(f"cannot connect to {self.name}: {describe(err)}") from None

    async def close(self) -> None:
        self._closing = True
        self.control.fail_all("disconnected")
        with contextlib.suppress(BleakError, TimeoutError, OSError, EOFError):
            await self.client.disconnect()

    def _dropped(self, _client: BleakClient) -> None:
        self.control.fail_all(f"the link to {self.name} dropped")
        if not self._closing and self._on_disconnect is not None:
            self._on_disconnect()

    # ------------------------------------------------------------ characteristics

    async def read_status(self) -> Status:
        try:
            data = await self.client.read_gatt_char(STATUS_UUID)
            return decode_status(data)
        except ProtocolError as err:
            raise LinkError(f"{self.name} sent an unreadable status: {err}") from None
        except (BleakError, TimeoutError, OSError) as err:
            raise LinkError(f"cannot read the status of {self.name}: {describe(err)}") from None

    async def read_identity(self) -> BallIdentity:
        """Device Information strings (any that fail to read are left unknown)."""
        values: dict[str, str | None] = {}
        for key, uuid in (
            ("serial", u.SERIAL_NUMBER_UUID),
            ("model", u.MODEL_NUMBER_UUID),
            ("firmware", u.FIRMWARE_REVISION_UUID),
        ):
            try:
                raw = await self.client.read_gatt_char(uuid)
                values[key] = bytes(raw).decode("utf-8", errors="replace").strip("\x00 ") or None
            except (BleakError, TimeoutError, OSError) as err:
                log.info("%s: no %s (%s)", self.name, key, err)
                values[key] = None
        return BallIdentity(self.address, self.device.name, **values)

    async def subscribe(self, uuid: str, callback: Notify) -> None:
        """Start notifications; a refusal for lack of encryption is :class:`NotPairedError`."""

        def handler(_char: BleakGATTCharacteristic, data: bytearray) -> None:
            callback(data)

        try:
            await self.client.start_notify(uuid, handler)
        except (BleakError, TimeoutError, OSError) as err:
            if needs_pairing(err):
                raise NotPairedError(
                    f"{self.name} is not paired with this computer (or has forgotten it): "
                    f"run 'spineball pair {self.name}'"
                ) from None
            raise LinkError(f"cannot subscribe to {self.name}: {describe(err)}") from None

    async def subscribe_control(self) -> None:
        await self.subscribe(CONTROL_UUID, self.control.on_notification)

    async def subscribe_samples(self, callback: Notify) -> None:
        await self.subscribe(SAMPLES_UUID, callback)

    async def subscribe_status(self, callback: Notify) -> None:
        await self.subscribe(STATUS_UUID, callback)

    async def _write_control(self, data: bytes) -> None:
        try:
            await self.client.write_gatt_char(CONTROL_UUID, data, response=True)
        except (BleakError, OSError, TimeoutError) as err:
            if needs_pairing(err):
                raise NotPairedError(
                    f"{self.name} refuses commands: not paired; run 'spineball pair {self.name}'"
                ) from None
            raise LinkError(f"cannot send a command to {self.name}: {describe(err)}") from None
