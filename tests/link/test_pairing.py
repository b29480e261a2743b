"""Scan, pair (inside and outside the pairing window), forget on both sides."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from spineball.ble.link import (
    BallConnection,
    BumbleBackend,
    NotPairedError,
    PairingWindowClosedError,
    find,
    forget,
    pair,
    scan,
)
from spineball.virtual.world import VirtualWorld

BALL = "C4:5B:1D:BA:11:01"


async def test_scan_reports_name_signal_battery_pairing_state(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path, battery_pct=42.0) as world:
        backend = BumbleBackend(world.stack)
        world.faults.set_rssi(-77)
        (ball,) = await scan(backend, 0.5)
        assert (ball.address, ball.name, ball.rssi_dbm) == (BALL, "SB-1101", -77)
        assert (ball.battery_pct, ball.paired, ball.pairing_open) == (42, False, True)
        await pair(backend, "SB-1101")
        (ball,) = await scan(backend, 0.5)
        assert (ball.paired, ball.pairing_open) == (True, False)  # pairing closes the window
        (quick,) = await scan(backend, 0.5, read_status=False)
        assert quick.battery_pct is None


async def test_pairing_outside_the_window_says_how_to_open_it(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path, pairing_window_s=0) as world:
        backend = BumbleBackend(world.stack)
        with pytest.raises(PairingWindowClosedError, match="hold its button for 3 s"):
            await pair(backend, "SB-1101")
        assert world.ball.bonds.names() == []
        assert not await backend.bonded(BALL)

        # The guided flow: the user is told what to do, and pairing goes ahead once
        # the window opens (the button is held while we wait).
        said: list[str] = []
        pairing = asyncio.create_task(pair(backend, "SB-1101", wait_s=10.0, say=said.append))
        while not any("Waiting up to 10 s" in m for m in said):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        world.ball.open_pairing_window()
        result = await pairing
        assert not result.already_paired
        assert result.identity.firmware == "1.1.0"
        assert world.ball.identifying  # IDENTIFY confirmed the encrypted link: the LED blinks
        assert world.ball.bonds.names() == [world.stack.address]
        assert await backend.bonded(BALL)


async def test_forget_clears_both_sides(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        backend = BumbleBackend(world.stack)
        await pair(backend, "SB-1101")
        assert backend.known.get(BALL) is not None
        result = await forget(backend, "SB-1101")
        assert result.ball_cleared
        assert result.notes == ()
        assert world.ball.bonds.names() == []  # CLEAR_BONDS on the ball
        assert not await backend.bonded(BALL)  # and our key
        assert backend.known.get(BALL) is None
        sighting = await find(backend, "SB-1101")
        async with BallConnection(backend, sighting.device) as connection:
            with pytest.raises(NotPairedError, match="spineball pair SB-1101"):
                await connection.subscribe_control()


async def test_forget_a_ball_out_of_reach_drops_our_side_and_says_so(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        backend = BumbleBackend(world.stack)
        await pair(backend, "SB-1101")
        await world.faults.drop_link(reconnect_after_s=60.0)  # silent: not advertising
        result = await forget(backend, "SB-1101", scan_s=0.3)
        assert not result.ball_cleared
        assert "not nearby" in result.notes[0]
        assert not await backend.bonded(BALL)
        assert world.ball.bonds.names() == [world.stack.address]  # the ball keeps its copy
