"""Every Control command of protocol §4 round-trips with the right result code."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

import pytest
from bleak.exc import BleakGATTProtocolError

from spineball.protocol import (
    STATUS_UUID,
    Backfill,
    BackfillPayload,
    Buzz,
    BuzzPattern,
    CalGet,
    CalPointPayload,
    CalSet,
    ClearBonds,
    ErrorFlags,
    Identify,
    Opcode,
    PairingPayload,
    PairingWindow,
    Rate,
    Result,
    SetRate,
    Start,
    Stop,
    StopPayload,
    Tare,
    TarePayload,
    decode_status,
)
from spineball.virtual.source import StillBall
from spineball.virtual.world import VirtualWorld
from tests.virtual.helpers import ball_session


async def test_commands_while_stopped_and_malformed_commands(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, time_scale=10.0) as world,
        ball_session(world.stack) as session,
    ):
        for command in (SetRate(Rate.HZ_25), Tare(), Backfill(0)):
            assert (await session.command(command)).result is Result.NOT_STREAMING
        stop = await session.command(Stop())
        assert (stop.result, stop.payload) == (Result.OK, StopPayload(0))
        raw = session.raw_command
        assert (await raw(b"\x7f\x21")).result is Result.UNKNOWN_OPCODE
        assert (await raw(b"\x7f\x21")).op == 0x7F
        assert (await raw(b"\x01\x22")).result is Result.BAD_LENGTH  # START without a rate
        assert (await raw(b"\x01\x23\x04")).result is Result.BAD_VALUE  # rate code 4
        assert (await raw(b"\x06\x24\x00")).result is Result.BAD_VALUE  # IDENTIFY 0 s
        assert (await raw(b"\x08\x25\x03")).result is Result.BAD_VALUE  # slot 3
        assert (await raw(b"\x0b\x26\x04\x01")).result is Result.BAD_VALUE  # pattern 4
        assert [r.seq for r in session.responses[-7:]] == [0x21, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26]
        with pytest.raises(BleakGATTProtocolError) as caught:
            await session.client.write_gatt_char("5b1d0003-ba11-4c0d-8e5a-5b1dba110000", b"\x01")
        assert caught.value.code == 0x0D
        await asyncio.sleep(0.05)
        assert len(session.responses) == 11  # the refused write got no response


async def test_start_tare_identify_buzz_and_pairing_window(tmp_path: Path) -> None:
    still = StillBall(pressure_pa=114_300.25)
    async with (
        VirtualWorld(state_dir=tmp_path, source=still, time_scale=10.0) as world,
        ball_session(world.stack) as session,
    ):
        run_before = world.ball.run_id
        assert (await session.command(Start(Rate.HZ_100))).result is Result.OK
        assert world.ball.run_id != run_before
        await session.wait_samples(10, within_s=2.0)
        tare = await session.command(Tare())
        assert (tare.result, tare.payload) == (Result.OK, TarePayload(round(114_300.25 * 16)))
        world.faults.set_sensor_errors(ErrorFlags.PRESSURE_SENSOR)
        await asyncio.sleep(0.02)
        assert (await session.command(Tare())).result is Result.SENSOR_FAULT
        world.faults.clear()

        assert not world.ball.identifying
        assert (await session.command(Identify(30))).result is Result.OK
        assert world.ball.identifying

        assert (await session.command(Buzz(BuzzPattern.DOUBLE, 3))).result is Result.OK
        assert (await session.command(Buzz(BuzzPattern.ALARM, 1))).result is Result.OK
        buzzes = world.ball.buzzes
        assert [(b.pattern, b.repetitions) for b in buzzes] == [(1, 3), (3, 1)]
        assert buzzes[0].sim_time_s <= buzzes[1].sim_time_s

        opened = await session.command(PairingWindow(30))
        assert (opened.result, opened.payload) == (Result.OK, PairingPayload(30))
        status = decode_status(await session.client.read_gatt_char(STATUS_UUID))
        assert status.flags & 0x04
        assert 25 <= status.pairing_left_s <= 30
        closed = await session.command(PairingWindow(0))
        assert closed.payload == PairingPayload(0)
        assert not world.ball.pairing_window_open


async def test_calibration_slots_survive_a_ball_restart(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path) as world,
        ball_session(world.stack) as session,
    ):
        empty = await session.command(CalGet(1))
        assert empty.result is Result.OK
        assert isinstance(empty.payload, CalPointPayload)
        assert empty.payload.empty
        assert (await session.command(CalSet(1, 250.0, 116_900.0))).result is Result.OK
        stored = await session.command(CalGet(1))
        assert stored.payload == CalPointPayload(1, 250.0, 116_900.0)
        assert (await session.command(CalSet(2, 0.0, 114_300.0))).result is Result.OK
        assert (await session.command(CalSet(2, math.nan, math.nan))).result is Result.OK
    async with (
        VirtualWorld(state_dir=tmp_path) as world,  # power cycle, same NVS
        ball_session(world.stack, pair=False) as session,
    ):
        assert (await session.command(CalGet(1))).payload == CalPointPayload(1, 250.0, 116_900.0)
        slot2 = (await session.command(CalGet(2))).payload
        assert isinstance(slot2, CalPointPayload)
        assert slot2.empty


async def test_clear_bonds_forgets_every_central_and_drops_the_link(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        async with ball_session(world.stack) as session:
            assert world.ball.bonds.names()
            cleared = await session.command(ClearBonds())
            assert cleared.result is Result.OK
            await asyncio.sleep(0.3)  # the ball disconnects 100 ms after the response
            assert not session.client.is_connected
            assert world.ball.bonds.names() == []
        # Our key is now stale: the link stays unencrypted and protected access fails.
        async with ball_session(world.stack, pair=False, subscribe=False) as session:
            with pytest.raises(BleakGATTProtocolError, match=r"\(0x0F\)"):
                await session.client.start_notify(
                    "5b1d0002-ba11-4c0d-8e5a-5b1dba110000", lambda _c, _d: None
                )


async def test_clear_bonds_reports_storage_error_when_flash_fails(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path) as world,
        ball_session(world.stack) as session,
    ):
        # The ball's storage disappears under it: its directory becomes a plain file.
        storage = tmp_path / "ball"
        storage.rename(tmp_path / "ball.saved")
        storage.write_text("not a directory")
        try:
            result = await session.command(ClearBonds())
        finally:
            storage.unlink()
            (tmp_path / "ball.saved").rename(storage)
        assert result.result is Result.STORAGE_ERROR
        assert world.ball.bonds.names()


async def test_backfill_while_one_runs_is_busy(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, time_scale=20.0) as world,
        ball_session(world.stack) as session,
    ):
        await session.command(Start(Rate.HZ_200))
        await session.wait_samples(4000, within_s=5.0)
        first = await session.command(Backfill(0))
        second = await session.command(Backfill(0))
        assert first.result is Result.OK
        assert isinstance(first.payload, BackfillPayload)
        assert first.payload.first == 0
        assert second.result is Result.BUSY
        assert second.op is Opcode.BACKFILL
        assert second.payload is None
