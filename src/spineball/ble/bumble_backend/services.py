"""GATT discovery with Bumble's client into bleak's service collection."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from bleak.assigned_numbers import CHARACTERISTIC_PROPERTIES
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bumble.core import UUID
from bumble.gatt_client import Client


def bleak_uuid(value: UUID) -> str:
    """Bumble UUID → bleak's lower-case 128-bit string."""
    return str(uuid.UUID(bytes=value.to_bytes(force_128=True)[::-1]))


async def discover(
    client: Client, mtu: Callable[[], int], wanted: set[str] | None = None
) -> BleakGATTServiceCollection:
    """Discover services (optionally only ``wanted`` ones), characteristics, descriptors."""
    collection = BleakGATTServiceCollection()
    for service in await client.discover_services():
        service_uuid = bleak_uuid(service.uuid)
        if wanted and service_uuid not in wanted:
            continue
        bleak_service = BleakGATTService(service, service.handle, service_uuid)
        collection.add_service(bleak_service)
        for characteristic in await client.discover_characteristics((), service):
            properties = [
                name
                for bit, name in CHARACTERISTIC_PROPERTIES.items()
                if characteristic.properties & bit
            ]
            bleak_characteristic = BleakGATTCharacteristic(
                characteristic,
                characteristic.handle,
                bleak_uuid(characteristic.uuid),
                properties,
                lambda: mtu() - 3,
                bleak_service,
            )
            collection.add_characteristic(bleak_characteristic)
            for descriptor in await client.discover_descriptors(characteristic):
                collection.add_descriptor(
                    BleakGATTDescriptor(
                        descriptor,
                        descriptor.handle,
                        bleak_uuid(descriptor.type),
                        bleak_characteristic,
                    )
                )
    return collection
