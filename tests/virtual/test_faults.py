"""Fault injection and status reporting as a central sees them."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
import pytest
from bleak import BleakClient
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.exc import BleakError

from spineball.protocol import (
    STATUS_UUID,
    ErrorFlags,
    Rate,
    Start,
    Status,
    StatusFlags,
    decode_status,
    encode_command,
    raw_to_decoded,
)
from spineball.protocol.uuids import BATTERY_LEVEL_UUID, CONTROL_UUID, PRESSURE_UUID
from spineball.virtual.world import VirtualWorld
from tests.virtual.helpers import ball_session, find_ball


async def test_delayed_notifications_arrive_late_and_in_order(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, time_scale=10.0) as world,
        ball_session(world.stack) as session,
    ):
        await session.command(Start(Rate.HZ_100))
        await session.wait_samples(50, within_s=2.0)
        world.faults.delay_notifications(1.0)  # one simulated second = 100 ms wall
        marked = len(session.frames)
        await session.wait_samples(session.sample_count() + 200, within_s=3.0)
        world.faults.delay_notifications(0.0)
        await session.wait_samples(session.sample_count() + 100, within_s=3.0)
        raw = session.samples()
        assert np.array_equal(raw["index"], np.arange(len(raw)))
        headers = session.headers()
        lateness = [
            arrival - world.ball.clock.monotonic_at(world.ball.sample_time(first + count - 1))
            for arrival, (_f, first, count) in zip(session.arrivals, headers, strict=True)
        ]
        assert min(lateness[marked + 2 : marked + 10]) >= 0.09


async def test_reconnects_are_ignored_or_refused_while_the_fault_lasts(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path, time_scale=10.0) as world:
        device = await find_ball(world.stack)
        client = BleakClient(device, backend=world.stack.client_backend, timeout=0.2)
        await client.connect()
        await world.faults.drop_link(reconnect_after_s=20.0)  # 2 s wall: ball silent
        with pytest.raises(TimeoutError, match="connect to C4:5B:1D:BA:11:01"):
            await client.connect()
        world.faults.refuse_reconnects(20.0, mode="refuse")  # advertises, then drops
        await asyncio.sleep(0.15)
        with pytest.raises(BleakError):
            await BleakClient(device, backend=world.stack.client_backend, timeout=1).connect()
        world.faults.clear()
        async with BleakClient(device, backend=world.stack.client_backend, timeout=2) as client:
            assert client.is_connected


async def test_battery_and_sensor_faults_show_in_status_battery_and_frames(
    tmp_path: Path,
) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, time_scale=10.0) as world,
        ball_session(world.stack) as session,
    ):
        statuses: list[Status] = []
        levels: list[int] = []

        def on_status(_c: BleakGATTCharacteristic, data: bytearray) -> None:
            statuses.append(decode_status(data))

        def on_battery(_c: BleakGATTCharacteristic, data: bytearray) -> None:
            levels.append(data[0])

        await session.client.start_notify(STATUS_UUID, on_status)
        await session.client.start_notify(BATTERY_LEVEL_UUID, on_battery)
        await session.command(Start(Rate.HZ_50))
        await session.wait_samples(20, within_s=2.0)

        world.faults.set_battery(12)
        world.faults.set_sensor_errors(ErrorFlags.PRESSURE_SENSOR)
        await session.wait_samples(session.sample_count() + 50, within_s=2.0)
        latest = statuses[-1]
        assert latest.flags & StatusFlags.LOW_BATTERY
        assert latest.flags & StatusFlags.STREAMING
        assert latest.errors & ErrorFlags.PRESSURE_SENSOR
        assert levels[-1] == 12
        decoded = raw_to_decoded(session.samples())
        assert np.isnan(decoded["pressure_pa"][-20:]).all()
        assert not np.isnan(decoded["pressure_pa"][:10]).any()

        world.faults.set_battery(4)
        await asyncio.sleep(0.05)
        assert statuses[-1].errors & ErrorFlags.BATTERY_CRITICAL
        world.faults.clear()
        await session.wait_samples(session.sample_count() + 20, within_s=2.0)
        assert not statuses[-1].errors & ErrorFlags.PRESSURE_SENSOR
        assert not np.isnan(raw_to_decoded(session.samples())["pressure_pa"][-5:]).any()


async def test_status_is_notified_at_least_every_5_s_and_battery_drains(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, time_scale=10.0, battery_pct=50.02) as world,
        ball_session(world.stack) as session,
    ):
        stamps: list[float] = []
        pressures: list[int] = []
        await session.client.start_notify(
            STATUS_UUID, lambda _c, _d: stamps.append(time.monotonic())
        )
        await session.client.start_notify(
            PRESSURE_UUID, lambda _c, data: pressures.append(int.from_bytes(data, "little"))
        )
        # Write without response reaches the ball too (the response comes as a notification).
        await session.client.write_gatt_char(
            CONTROL_UUID, encode_command(Start(Rate.HZ_25), 77), response=False
        )
        assert await session.client.read_gatt_char(BATTERY_LEVEL_UUID) == bytearray([51])
        await asyncio.sleep(2.0)  # 20 s simulated
        periods = np.diff(stamps) * 10.0
        periodic = periods[periods > 2.0]  # not the on-change notifications after START
        assert len(periodic) >= 3
        # Median, not max: on a shared machine a 100 ms stall is 1 simulated second.
        assert abs(float(np.median(periodic)) - 5.0) < 1.0
        # 8.3 %/h streaming: after ~20 s the level has crossed 50.0 → 50 %.
        assert await session.client.read_gatt_char(BATTERY_LEVEL_UUID) == bytearray([50])
        assert [r.seq for r in session.responses] == [77]
        # Environmental Sensing is a ≤ 1 Hz summary: about one per simulated second.
        assert 8 <= len(pressures) <= 22  # fewer if the machine stalls: no catch-up burst
        assert set(pressures) == {1_143_000}  # StillBall: 114 300 Pa in 0.1 Pa units
