"""bleak client backend on a Bumble central (:class:`BumbleStack`).

Connect does what an OS stack does behind bleak: connect, re-encrypt with
the stored key when a bond exists (Bumble does not do it on its own),
exchange the ATT MTU, discover services. Pairing is LE Secure Connections
with bonding, Just Works; keys go to the stack's JSON key store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from bleak.args import SizedBuffer
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bumble import hci
from bumble.core import PhysicalTransport
from bumble.device import Connection

from spineball.ble.bumble_backend.errors import hci_error_text, mapped
from spineball.ble.bumble_backend.scanner import BumbleDeviceDetails
from spineball.ble.bumble_backend.services import discover

if TYPE_CHECKING:
    from spineball.ble.bumble_backend.stack import BumbleStack

logger = logging.getLogger(__name__)

CCCD_UUID = "00002902-0000-1000-8000-00805f9b34fb"
ATT_DEFAULT_MTU = 23


class BumbleClient(BaseBleakClient):
    """Pass ``backend=stack.client_backend`` to :class:`bleak.BleakClient`."""

    bound_stack: ClassVar[BumbleStack | None] = None

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        disconnected_callback: Callable[[], None] | None = None,
        timeout: float = 10.0,
        services: set[str] | None = None,
        **_platform_args: Any,
    ) -> None:
        super().__init__(
            address_or_ble_device, disconnected_callback=disconnected_callback, timeout=timeout
        )
        if self.bound_stack is None:
            raise BleakError("use backend=stack.client_backend of an open BumbleStack")
        self._stack = self.bound_stack
        self.address = self.address.upper()
        self._target: hci.Address | None = None
        self._name: str | None = None
        if isinstance(address_or_ble_device, BLEDevice):
            self._name = address_or_ble_device.name
            if isinstance(address_or_ble_device.details, BumbleDeviceDetails):
                self._target = address_or_ble_device.details.address
        self._wanted_services = services
        self._connection: Connection | None = None
        self._closing = False
        self._handlers: dict[int, tuple[Callable[[bytes], None], bool]] = {}

    # ------------------------------------------------------------------ state

    @property
    def name(self) -> str:
        if self._name is None and self.address in self._stack.seen:
            self._name = self._stack.seen[self.address][1]
        return self._name or self.address.replace(":", "-")

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection is not None else ATT_DEFAULT_MTU

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    def _require_connection(self) -> Connection:
        if self._connection is None:
            raise BleakError(f"not connected to {self.address}")
        return self._connection

    # ---------------------------------------------------------- connectivity

    async def connect(self, pair: bool, **_kwargs: Any) -> None:
        if self._connection is not None:
            return
        target = self._target or await self._stack.resolve(self.address, self._timeout)
        device = self._stack.device
        async with self._stack.connect_lock:
            connection = await mapped(
                device.connect(target, transport=PhysicalTransport.LE, timeout=self._timeout),
                f"connect to {self.address}",
            )
        self._connection = connection
        self._closing = False
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        try:
            await self._secure_if_bonded(connection)
            if self._stack.att_mtu > ATT_DEFAULT_MTU:
                await mapped(
                    connection.gatt_client.request_mtu(self._stack.att_mtu), "MTU exchange"
                )
            self.services = await mapped(
                discover(connection.gatt_client, lambda: self.mtu_size, self._wanted_services),
                f"service discovery on {self.address}",
            )
            if pair and not connection.is_encrypted:
                await self.pair()
        except BaseException:
            await self._abandon(connection)
            raise

    async def _secure_if_bonded(self, connection: Connection) -> None:
        """Re-encrypt with the stored key: Bumble leaves this to the application."""
        if not await self._stack.is_bonded(str(connection.peer_address)):
            return
        try:
            await mapped(connection.encrypt(), f"encrypting the link to {self.address}")
        except BleakError as err:
            # The peer lost its copy of the bond (e.g. CLEAR_BONDS): stay connected
            # unencrypted; protected characteristics will answer Insufficient Encryption.
            logger.warning("%s; pair again to restore the bond", err)

    async def _abandon(self, connection: Connection) -> None:
        self._closing = True
        if self._connection is connection:
            try:
                await connection.disconnect()
            except Exception as err:  # the link may already be gone
                logger.debug("disconnect after failed connect: %s", err)

    def _on_disconnection(self, reason: int) -> None:
        logger.info("%s disconnected: %s", self.address, hci_error_text(reason))
        self._connection = None
        self._handlers.clear()
        callback = self._disconnected_callback
        if not self._closing and callback is not None:
            asyncio.get_running_loop().call_soon(callback)

    async def disconnect(self) -> None:
        connection = self._connection
        if connection is None:
            return
        self._closing = True
        try:
            await mapped(connection.disconnect(), f"disconnect from {self.address}")
        except BleakError:
            if self._connection is not None:  # still up: a real failure
                raise

    async def pair(self, *_args: Any, **_kwargs: Any) -> None:
        connection = self._require_connection()
        try:
            await mapped(connection.pair(), f"pairing with {self.address}", peer=self.name)
        except BleakError:
            # Bumble keeps a failed SMP session until the link drops; drop it so
            # pair() can be tried again on this connection.
            connection.device.smp_manager.sessions.pop(connection.handle, None)
            raise

    async def unpair(self) -> None:
        await self._stack.forget(self.address)
        await self.disconnect()

    # ------------------------------------------------------------------- I/O

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **_kwargs: Any
    ) -> bytearray:
        return await self._read(characteristic.handle, characteristic.uuid, use_cached)

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **_kwargs: Any
    ) -> bytearray:
        return await self._read(descriptor.handle, descriptor.uuid, use_cached)

    async def _read(self, handle: int, what: str, use_cached: bool) -> bytearray:
        client = self._require_connection().gatt_client
        if use_cached and handle in client.cached_values:
            return bytearray(client.cached_values[handle][1])
        value = await mapped(client.read_value(handle), f"read of {what}")
        return bytearray(value)

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        client = self._require_connection().gatt_client
        await mapped(
            client.write_value(characteristic.handle, bytes(data), with_response=response),
            f"write to {characteristic.uuid}",
        )

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        client = self._require_connection().gatt_client
        await mapped(
            client.write_value(descriptor.handle, bytes(data), with_response=True),
            f"write to descriptor {descriptor.uuid}",
        )

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **_kwargs: Any
    ) -> None:
        client = self._require_connection().gatt_client
        cccd = characteristic.get_descriptor(CCCD_UUID)
        if cccd is None:
            raise BleakError(f"characteristic {characteristic.uuid} cannot notify (no CCCD)")
        indicate = "notify" not in characteristic.properties
        if indicate and "indicate" not in characteristic.properties:
            raise BleakError(f"characteristic {characteristic.uuid} neither notifies nor indicates")

        def handler(value: bytes) -> None:
            callback(bytearray(value))

        # Register before enabling: a notification may follow the write response
        # before this coroutine resumes.
        subscribers = client.indication_subscribers if indicate else client.notification_subscribers
        subscribers.setdefault(characteristic.handle, set()).add(handler)
        try:
            await mapped(
                client.write_value(cccd.handle, b"\x02\x00" if indicate else b"\x01\x00", True),
                f"subscribing to {characteristic.uuid}",
            )
        except BaseException:
            subscribers.get(characteristic.handle, set()).discard(handler)
            raise
        self._handlers[characteristic.handle] = (handler, indicate)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        client = self._require_connection().gatt_client
        entry = self._handlers.pop(characteristic.handle, None)
        if entry is None:
            return
        handler, indicate = entry
        subscribers = client.indication_subscribers if indicate else client.notification_subscribers
        subscribers.get(characteristic.handle, set()).discard(handler)
        cccd = characteristic.get_descriptor(CCCD_UUID)
        if cccd is not None:
            await mapped(
                client.write_value(cccd.handle, b"\x00\x00", True),
                f"unsubscribing from {characteristic.uuid}",
            )
