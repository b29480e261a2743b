"""A bleak backend on Google Bumble: the same application code, a different radio.

Application code picks the stack once and otherwise uses bleak's public API::

    async with BumbleStack("tcp-client:127.0.0.1:9001") as stack:
        device = await BleakScanner.find_device_by_filter(
            lambda d, ad: SERVICE_UUID in ad.service_uuids, backend=stack.scanner_backend
        )
        async with BleakClient(device, backend=stack.client_backend) as client:
            ...

See docs/ble.md.
"""

from spineball.ble.bumble_backend.client import BumbleClient
from spineball.ble.bumble_backend.errors import BumbleGATTProtocolError, BumblePairingError
from spineball.ble.bumble_backend.scanner import BumbleDeviceDetails, BumbleScanner
from spineball.ble.bumble_backend.stack import BumbleStack, default_bonds_dir

__all__ = [
    "BumbleClient",
    "BumbleDeviceDetails",
    "BumbleGATTProtocolError",
    "BumblePairingError",
    "BumbleScanner",
    "BumbleStack",
    "default_bonds_dir",
]
