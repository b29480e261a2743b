"""bleak scanner backend on a Bumble central (:class:`BumbleStack`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.exc import BleakError
from bumble import hci
from bumble.device import Advertisement

if TYPE_CHECKING:
    from spineball.ble.bumble_backend.stack import BumbleStack

# AD types (Bluetooth Assigned Numbers, "Common Data Types").
_UUID_LISTS = {0x02: 2, 0x03: 2, 0x04: 4, 0x05: 4, 0x06: 16, 0x07: 16}
_SERVICE_DATA = {0x16: 2, 0x20: 4, 0x21: 16}
_SHORT_NAME, _COMPLETE_NAME, _TX_POWER, _MANUFACTURER = 0x08, 0x09, 0x0A, 0xFF
_SIG_BASE = "-0000-1000-8000-00805f9b34fb"


@dataclass(frozen=True, slots=True)
class BumbleDeviceDetails:
    """``BLEDevice.details`` of this backend: the typed address to connect to."""

    address: hci.Address


def _uuid_from_le(data: bytes) -> str:
    if len(data) == 2:
        return f"0000{int.from_bytes(data, 'little'):04x}{_SIG_BASE}"
    if len(data) == 4:
        return f"{int.from_bytes(data, 'little'):08x}{_SIG_BASE}"
    return str(uuid.UUID(bytes=data[::-1]))


def parse_advertising_data(
    structures: list[tuple[int, bytes]], rssi: int, platform: tuple[Any, ...]
) -> AdvertisementData:
    """AD structures → bleak's AdvertisementData (repeated structures are merged)."""
    name: str | None = None
    uuids: list[str] = []
    service_data: dict[str, bytes] = {}
    manufacturer: dict[int, bytes] = {}
    tx_power: int | None = None
    for ad_type, value in structures:
        if ad_type in _UUID_LISTS:
            size = _UUID_LISTS[ad_type]
            for i in range(0, len(value) - size + 1, size):
                text = _uuid_from_le(value[i : i + size])
                if text not in uuids:
                    uuids.append(text)
        elif ad_type in _SERVICE_DATA and len(value) >= _SERVICE_DATA[ad_type]:
            size = _SERVICE_DATA[ad_type]
            service_data[_uuid_from_le(value[:size])] = value[size:]
        elif ad_type == _COMPLETE_NAME or (ad_type == _SHORT_NAME and name is None):
            name = value.decode("utf-8", errors="replace")
        elif ad_type == _TX_POWER and len(value) == 1:
            tx_power = int.from_bytes(value, "little", signed=True)
        elif ad_type == _MANUFACTURER and len(value) >= 2:
            manufacturer[int.from_bytes(value[:2], "little")] = value[2:]
    return AdvertisementData(name, manufacturer, service_data, uuids, tx_power, rssi, platform)


class BumbleScanner(BaseBleakScanner):
    """Pass ``backend=stack.scanner_backend`` to :class:`bleak.BleakScanner`."""

    bound_stack: ClassVar[BumbleStack | None] = None

    def __init__(
        self,
        detection_callback: AdvertisementDataCallback | None,
        service_uuids: list[str] | None,
        scanning_mode: Literal["active", "passive"] = "active",
        **_platform_args: Any,
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        if self.bound_stack is None:
            raise BleakError("use backend=stack.scanner_backend of an open BumbleStack")
        self._stack = self.bound_stack
        self._scanning_mode = scanning_mode

    async def start(self) -> None:
        self.seen_devices = {}
        await self._stack.add_scanner(self)

    async def stop(self) -> None:
        await self._stack.remove_scanner(self)

    def handle_advertisement(self, advertisement: Advertisement) -> str | None:
        """Called by the stack for every advertising report; returns the local name."""
        from spineball.ble.bumble_backend.stack import plain_address

        data = parse_advertising_data(
            list(advertisement.data.ad_structures), advertisement.rssi, (advertisement,)
        )
        if not self.is_allowed_uuid(data.service_uuids):
            return data.local_name
        address = plain_address(advertisement.address)
        device = self.create_or_update_device(
            address, address, data.local_name, BumbleDeviceDetails(advertisement.address), data
        )
        self.call_detection_callbacks(device, data)
        return data.local_name
