"""The Bumble backend under bleak's public API, against the virtual ball."""

from __future__ import annotations

import asyncio
import json
import struct
from pathlib import Path

import pytest
from bleak import BleakClient, BleakScanner
from bleak.exc import BleakDeviceNotFoundError, BleakError, BleakGATTProtocolError

from spineball.ble.bumble_backend import BumblePairingError, BumbleStack
from spineball.protocol import CONTROL_UUID, SAMPLES_UUID, SERVICE_UUID, STATUS_UUID, decode_status
from spineball.protocol import uuids as u
from spineball.virtual.source import StillBall
from spineball.virtual.world import VirtualWorld
from tests.virtual.helpers import ball_session, find_ball

BALL = "C4:5B:1D:BA:11:01"


async def test_scan_by_service_uuid_reports_name_rssi_and_advertisement(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        found = await BleakScanner.discover(
            timeout=0.5,
            return_adv=True,
            service_uuids=[SERVICE_UUID],
            backend=world.stack.scanner_backend,
        )
        device, adv = found[BALL]
        assert device.name == adv.local_name == "SB-1101"
        assert adv.service_uuids == [SERVICE_UUID]
        assert adv.rssi == -58
        other = await BleakScanner.discover(
            timeout=0.3,
            service_uuids=["0000feed-0000-1000-8000-00805f9b34fb"],
            backend=world.stack.scanner_backend,
        )
        assert other == []

        world.faults.set_rssi(-91)
        async with BleakScanner(backend=world.stack.scanner_backend) as scanner:
            async with asyncio.timeout(2):
                async for _device, data in scanner.advertisement_data():
                    if data.rssi == -91:
                        break


async def test_pairing_in_window_is_remembered_and_reconnect_reencrypts(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        assert world.ball.pairing_window_open
        async with ball_session(world.stack, pair=True, subscribe=False) as session:
            assert session.client.mtu_size == 247
        assert not world.ball.pairing_window_open  # closes when a pairing completes
        keys = json.loads((tmp_path / "central" / "keys.json").read_text())
        assert BALL in next(iter(keys.values()))
        assert world.ball.bonds.names() == [world.stack.address]
        assert json.loads((tmp_path / "ball" / "bonds.json").read_text())

        # Same app, new connection: no pairing, yet protected characteristics work.
        async with ball_session(world.stack, pair=False) as session:
            await session.client.read_gatt_char(u.PRESSURE_UUID)
        # The app restarted: a new stack over the same bond directory.
        await world.stack.close()
        restarted = await world.new_stack(tmp_path / "central")
        assert restarted.address == world.ball.bonds.names()[0]
        async with ball_session(restarted, pair=False) as session:
            assert decode_status(await session.client.read_gatt_char(STATUS_UUID)).flags & 0x08
            await session.client.unpair()  # forget our key and disconnect
            assert not session.client.is_connected
        assert await restarted.bonded_addresses() == []
        assert BALL not in next(
            iter(json.loads((tmp_path / "central" / "keys.json").read_text()).values())
        )


async def test_pairing_outside_the_window_is_refused(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path, pairing_window_s=0) as world:
        device = await find_ball(world.stack)
        async with BleakClient(device, backend=world.stack.client_backend) as client:
            with pytest.raises(BumblePairingError, match=r"Pairing Not Supported \(SMP 0x05\)"):
                await client.pair()
            assert client.is_connected
            world.ball.open_pairing_window()  # the button, held for 3 s
            await client.pair()
        assert await world.stack.bonded_addresses() == [BALL]


async def test_unbonded_central_gets_insufficient_encryption(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path) as world,
        ball_session(world.stack, pair=False, subscribe=False) as session,
    ):
        client = session.client
        status = decode_status(await client.read_gatt_char(STATUS_UUID))  # open
        assert status.pairing_left_s == 180
        attempts = [
            client.start_notify(SAMPLES_UUID, lambda _c, _d: None),
            client.start_notify(CONTROL_UUID, lambda _c, _d: None),
            client.write_gatt_char(CONTROL_UUID, b"\x01\x01\x03", response=True),
            client.read_gatt_char(u.PRESSURE_UUID),
            client.start_notify(u.TEMPERATURE_UUID, lambda _c, _d: None),
        ]
        for attempt in attempts:
            with pytest.raises(BleakGATTProtocolError) as caught:
                await attempt
            assert caught.value.code == 0x0F
            assert "Insufficient Encryption (0x0F)" in str(caught.value)


async def test_standard_services_read_correctly(tmp_path: Path) -> None:
    still = StillBall(pressure_pa=113_250.5, temperature_c=23.47)
    async with (
        VirtualWorld(state_dir=tmp_path, source=still, battery_pct=73.2) as world,
        ball_session(world.stack, subscribe=False) as session,
    ):
        client = session.client
        text = {
            uuid: (await client.read_gatt_char(uuid)).decode()
            for uuid in (
                u.MANUFACTURER_NAME_UUID,
                u.MODEL_NUMBER_UUID,
                u.SERIAL_NUMBER_UUID,
                u.FIRMWARE_REVISION_UUID,
            )
        }
        assert text == {
            u.MANUFACTURER_NAME_UUID: "SpineBall",
            u.MODEL_NUMBER_UUID: "SB-1V",
            u.SERIAL_NUMBER_UUID: "C45B1DBA1101",
            u.FIRMWARE_REVISION_UUID: "1.1.0",
        }
        assert await client.read_gatt_char(u.BATTERY_LEVEL_UUID) == bytearray([74])
        (pressure,) = struct.unpack("<I", await client.read_gatt_char(u.PRESSURE_UUID))
        (temperature,) = struct.unpack("<h", await client.read_gatt_char(u.TEMPERATURE_UUID))
        assert (pressure, temperature) == (1_132_505, 2347)
        with pytest.raises(BleakGATTProtocolError, match=r"Write Not Permitted \(0x03\)"):
            await client.write_gatt_char(u.MODEL_NUMBER_UUID, b"hack", response=True)


async def test_connect_to_unknown_address_fails_clearly(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        client = BleakClient("C4:00:00:00:00:42", backend=world.stack.client_backend, timeout=0.3)
        with pytest.raises(BleakDeviceNotFoundError, match="not found"):
            await client.connect()
        # A bare address string of a ball that advertises works (implicit scan).
        async with BleakClient(BALL, backend=world.stack.client_backend, timeout=2) as client:
            assert client.name == "SB-1101"


async def test_link_drop_calls_disconnected_callback_and_fails_pending_io(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        device = await find_ball(world.stack)
        dropped = asyncio.Event()
        client = BleakClient(device, lambda _c: dropped.set(), backend=world.stack.client_backend)
        await client.connect()
        await world.faults.drop_link(reconnect_after_s=0.5)
        await asyncio.wait_for(dropped.wait(), 2)
        assert not client.is_connected
        with pytest.raises(BleakError, match="not connected"):
            await client.read_gatt_char(STATUS_UUID)
        # Explicit disconnects do not call the callback (bleak's documented contract).
        dropped.clear()
        await client.connect()
        await client.disconnect()
        await asyncio.sleep(0.05)
        assert not dropped.is_set()


async def test_transport_errors_are_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(BleakError, match="cannot open HCI transport"):
        async with BumbleStack("tcp-client:127.0.0.1:1", bonds_dir=tmp_path):
            pass
    with pytest.raises(BleakError, match="cannot open HCI transport"):
        async with BumbleStack("nonsense:0", bonds_dir=tmp_path):
            pass
