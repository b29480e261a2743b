"""Finding balls: scan by the SpineBall service UUID, read each one's Status.

The advertisement carries the service UUID and the name (``SB-`` + the last
four hex digits of the address, protocol §1.3); battery and the pairing
window come from the Status characteristic, which is readable without
pairing so a scanner can show them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from bleak.exc import BleakError

from spineball.ble.link.backend import BleBackend
from spineball.ble.link.connection import BallConnection
from spineball.ble.link.errors import BallNotFoundError, LinkError, describe
from spineball.protocol import SERVICE_UUID, StatusFlags
from spineball.session.api import BallInfo

log = logging.getLogger("spineball.ble")


@dataclass(frozen=True, slots=True)
class Sighting:
    """A ball heard advertising: what to connect to, and how loud it was."""

    device: BLEDevice
    rssi_dbm: int | None

    @property
    def address(self) -> str:
        return self.device.address.upper()

    @property
    def name(self) -> str:
        return self.device.name or self.address

    def matches(self, selector: str) -> bool:
        """By address (any case, with or without colons) or by name (``SB-1101``)."""
        wanted = selector.strip().upper()
        return wanted in (self.address, self.address.replace(":", ""), self.name.upper())


async def discover(backend: BleBackend, timeout_s: float | None = None) -> list[Sighting]:
    """Every ball advertising within ``timeout_s``, strongest first."""
    seen: dict[str, Sighting] = {}

    def heard(device: BLEDevice, adv: AdvertisementData) -> None:
        if SERVICE_UUID in adv.service_uuids:
            seen[device.address.upper()] = Sighting(device, adv.rssi)

    try:
        async with backend.scanner(detection_callback=heard, service_uuids=[SERVICE_UUID]):
            await asyncio.sleep(backend.scan_s if timeout_s is None else timeout_s)
    except (BleakError, OSError) as err:
        raise LinkError(f"cannot scan for balls ({backend.name}): {describe(err)}") from None
    return sorted(seen.values(), key=lambda s: -(s.rssi_dbm if s.rssi_dbm is not None else -999))


async def find(
    backend: BleBackend, selector: str | None, timeout_s: float | None = None
) -> Sighting:
    """The ball the user means: by address or name, or the only (paired) one nearby."""
    window = backend.scan_s if timeout_s is None else timeout_s
    if selector is not None:
        found: asyncio.Future[Sighting] = asyncio.get_running_loop().create_future()

        def heard(device: BLEDevice, adv: AdvertisementData) -> None:
            sighting = Sighting(device, adv.rssi)
            if (
                SERVICE_UUID in adv.service_uuids
                and sighting.matches(selector)
                and not found.done()
            ):
                found.set_result(sighting)

        try:
            async with backend.scanner(detection_callback=heard, service_uuids=[SERVICE_UUID]):
                async with asyncio.timeout(window):
                    return await found
        except TimeoutError:
            raise BallNotFoundError(
                f"no ball {selector} nearby (scanned {window:g} s): is it switched on and "
                "within a few metres?"
            ) from None
        except (BleakError, OSError) as err:
            raise LinkError(f"cannot scan for balls ({backend.name}): {describe(err)}") from None
    balls = await discover(backend, window)
    if not balls:
        raise BallNotFoundError(
            f"no SpineBall nearby (scanned {window:g} s): is it switched on and within "
            "a few metres?"
        )
    if len(balls) == 1:
        return balls[0]
    known = [b for b in balls if await backend.bonded(b.address)]
    if len(known) == 1:
        return known[0]
    names = ", ".join(b.name for b in balls)
    raise BallNotFoundError(f"several balls nearby ({names}): name the one you mean")


async def ball_info(backend: BleBackend, sighting: Sighting, *, read_status: bool) -> BallInfo:
    battery: int | None = None
    pairing_open = False
    if read_status:
        try:
            async with BallConnection(backend, sighting.device) as connection:
                status = await connection.read_status()
            battery = status.battery_pct if status.battery_known else None
            pairing_open = bool(status.flags & StatusFlags.PAIRING_OPEN)
        except LinkError as err:
            log.info("%s: status not read (%s)", sighting.name, err)
    return BallInfo(
        address=sighting.address,
        name=sighting.device.name,
        rssi_dbm=sighting.rssi_dbm,
        battery_pct=battery,
        paired=await backend.bonded(sighting.address),
        pairing_open=pairing_open,
    )


async def scan(
    backend: BleBackend, timeout_s: float | None = None, *, read_status: bool = True
) -> list[BallInfo]:
    """Balls nearby with name, address, RSSI, battery, paired state and pairing window."""
    return [
        await ball_info(backend, s, read_status=read_status)
        for s in await discover(backend, timeout_s)
    ]
