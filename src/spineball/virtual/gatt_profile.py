"""The ball's GATT table (docs/protocol.md §1), built once like a NimBLE table.

Bumble's server does not check the READ/WRITE permission bits and gives every
notifying characteristic an open CCCD, so this module adds what the firmware
has: attributes that refuse reads/writes they do not support (ATT 0x02/0x03)
and CCCDs that need an encrypted link to be written on the protected
characteristics (ATT 0x0F, protocol §1.1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bumble.att import (
    ATT_READ_NOT_PERMITTED_ERROR,
    ATT_WRITE_NOT_PERMITTED_ERROR,
    ATT_Error,
    Attribute,
    AttributeValue,
)
from bumble.core import UUID
from bumble.gatt import (
    GATT_CLIENT_CHARACTERISTIC_CONFIGURATION_DESCRIPTOR,
    Characteristic,
    Descriptor,
    Service,
)
from bumble.gatt_server import Server

from spineball.protocol import uuids

Reader = Callable[[object], bytes]
Writer = Callable[[object, bytes], None]
P = Characteristic.Properties
A = Attribute.Permissions


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    manufacturer: str
    model: str
    serial: str
    hardware: str
    firmware: str


@dataclass(frozen=True, slots=True)
class BallAttributes:
    """The characteristics the ball updates or notifies."""

    samples: Characteristic[bytes]
    control: Characteristic[bytes]
    status: Characteristic[bytes]
    battery_level: Characteristic[bytes]
    pressure: Characteristic[bytes]
    temperature: Characteristic[bytes]


_SIG_SUFFIX = "-0000-1000-8000-00805f9b34fb"


def _uuid(text: str) -> UUID:
    """SIG-assigned UUIDs go on the wire in their 16-bit form, custom ones as 128-bit."""
    if text.startswith("0000") and text.endswith(_SIG_SUFFIX):
        return UUID(text[4:8])
    return UUID(text)


def _refuse_read(_connection: object) -> bytes:
    raise ATT_Error(ATT_READ_NOT_PERMITTED_ERROR)


def _refuse_write(_connection: object, _value: bytes) -> None:
    raise ATT_Error(ATT_WRITE_NOT_PERMITTED_ERROR)


def _value(read: Reader | None = None, write: Writer | None = None) -> AttributeValue[bytes]:
    return AttributeValue(read=read or _refuse_read, write=write or _refuse_write)


def _constant(text: str) -> AttributeValue[bytes]:
    data = text.encode("utf-8")
    return _value(read=lambda _connection: data)


def _characteristic(
    uuid: str,
    properties: Characteristic.Properties,
    permissions: Attribute.Permissions,
    value: AttributeValue[bytes],
) -> Characteristic[bytes]:
    return Characteristic(_uuid(uuid), properties, permissions, value)


def _protect_cccd(server: Server, characteristic: Characteristic[bytes]) -> None:
    """Replace Bumble's automatic open CCCD by one that needs encryption to write."""
    cccd = Descriptor(
        GATT_CLIENT_CHARACTERISTIC_CONFIGURATION_DESCRIPTOR,
        A.READABLE | A.WRITEABLE | A.WRITE_REQUIRES_ENCRYPTION,
        server.make_descriptor_value(characteristic),
    )
    characteristic.descriptors = [cccd]


def build_profile(
    server: Server,
    info: DeviceInfo,
    *,
    control_write: Writer,
    status_read: Reader,
    battery_read: Reader,
    pressure_read: Reader,
    temperature_read: Reader,
) -> BallAttributes:
    encrypted = A.READ_REQUIRES_ENCRYPTION | A.WRITE_REQUIRES_ENCRYPTION
    samples = _characteristic(uuids.SAMPLES_UUID, P.NOTIFY, encrypted, _value())
    control = _characteristic(
        uuids.CONTROL_UUID, P.WRITE | P.NOTIFY, encrypted, _value(write=control_write)
    )
    status = _characteristic(uuids.STATUS_UUID, P.READ | P.NOTIFY, A.READABLE, _value(status_read))
    battery = _characteristic(
        uuids.BATTERY_LEVEL_UUID, P.READ | P.NOTIFY, A.READABLE, _value(battery_read)
    )
    ess = A.READABLE | encrypted
    pressure = _characteristic(uuids.PRESSURE_UUID, P.READ | P.NOTIFY, ess, _value(pressure_read))
    temperature = _characteristic(
        uuids.TEMPERATURE_UUID, P.READ | P.NOTIFY, ess, _value(temperature_read)
    )
    for protected in (samples, control, pressure, temperature):
        _protect_cccd(server, protected)

    def text(uuid: str, value: str) -> Characteristic[bytes]:
        return _characteristic(uuid, P.READ, A.READABLE, _constant(value))

    server.add_services(
        [
            Service(_uuid(uuids.SERVICE_UUID), [samples, control, status]),
            Service(
                _uuid(uuids.DEVICE_INFORMATION_SERVICE_UUID),
                [
                    text(uuids.MANUFACTURER_NAME_UUID, info.manufacturer),
                    text(uuids.MODEL_NUMBER_UUID, info.model),
                    text(uuids.SERIAL_NUMBER_UUID, info.serial),
                    text(uuids.HARDWARE_REVISION_UUID, info.hardware),
                    text(uuids.FIRMWARE_REVISION_UUID, info.firmware),
                ],
            ),
            Service(_uuid(uuids.BATTERY_SERVICE_UUID), [battery]),
            Service(_uuid(uuids.ENVIRONMENTAL_SENSING_SERVICE_UUID), [pressure, temperature]),
        ]
    )
    return BallAttributes(samples, control, status, battery, pressure, temperature)
