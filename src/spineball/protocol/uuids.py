"""GATT UUIDs of the SpineBall profile (docs/protocol.md §1)."""

from __future__ import annotations


def _custom(short: int) -> str:
    return f"5b1d{short:04x}-ba11-4c0d-8e5a-5b1dba110000"


def _sig(short: int) -> str:
    """Expand a Bluetooth SIG 16-bit UUID to its 128-bit string form."""
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


SERVICE_UUID = _custom(0x0001)
SAMPLES_UUID = _custom(0x0002)
CONTROL_UUID = _custom(0x0003)
STATUS_UUID = _custom(0x0004)

DEVICE_INFORMATION_SERVICE_UUID = _sig(0x180A)
MANUFACTURER_NAME_UUID = _sig(0x2A29)
MODEL_NUMBER_UUID = _sig(0x2A24)
SERIAL_NUMBER_UUID = _sig(0x2A25)
HARDWARE_REVISION_UUID = _sig(0x2A27)
FIRMWARE_REVISION_UUID = _sig(0x2A26)

BATTERY_SERVICE_UUID = _sig(0x180F)
BATTERY_LEVEL_UUID = _sig(0x2A19)

ENVIRONMENTAL_SENSING_SERVICE_UUID = _sig(0x181A)
PRESSURE_UUID = _sig(0x2A6D)
TEMPERATURE_UUID = _sig(0x2A6E)
