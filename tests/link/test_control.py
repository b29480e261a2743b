"""Control commands: responses matched by seq, timeouts, results, buzz through the link."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from spineball.ble.link import (
    BallConnection,
    BumbleBackend,
    CommandError,
    ControlChannel,
    LinkLostError,
    find,
)
from spineball.ble.link import pair as pair_ball
from spineball.protocol import (
    Buzz,
    BuzzPattern,
    CalGet,
    CalPointPayload,
    Identify,
    Opcode,
    Rate,
    Response,
    Result,
    SetRate,
    encode_response,
)
from spineball.virtual.world import VirtualWorld
from tests.link.helpers import recording


async def test_commands_get_their_own_answers_and_errors_are_clear(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path) as world:
        backend = BumbleBackend(world.stack)
        await pair_ball(backend, "SB-1101")
        sighting = await find(backend, "SB-1101")
        async with BallConnection(backend, sighting.device) as connection:
            # Without the Control subscription no answer ever comes: a timeout, named.
            connection.control.timeout_s = 0.3
            with pytest.raises(CommandError, match="did not answer IDENTIFY in time"):
                await connection.control.request(Identify(1))
            await connection.subscribe_control()
            connection.control.timeout_s = 2.0
            # Several at once: each response finds its own request by seq.
            answers = await asyncio.gather(
                *(connection.control.request(CalGet(s)) for s in (0, 1, 2))
            )
            assert [a.op for a in answers] == [Opcode.CAL_GET] * 3
            assert [a.payload.slot for a in answers if isinstance(a.payload, CalPointPayload)] == [
                0,
                1,
                2,
            ]
            with pytest.raises(CommandError, match="refused SET_RATE: NOT STREAMING"):
                await connection.control.checked(SetRate(int(Rate.HZ_50)))


async def test_stray_and_garbled_responses_are_ignored() -> None:
    written: list[bytes] = []

    async def write(data: bytes) -> None:
        written.append(data)

    channel = ControlChannel(write, timeout_s=1.0)
    pending = asyncio.create_task(channel.request(Identify(2)))
    await asyncio.sleep(0)
    seq = written[0][1]
    channel.on_notification(encode_response(Response(Opcode.IDENTIFY, seq + 1, Result.OK)))
    channel.on_notification(encode_response(Response(Opcode.START, seq, Result.OK)))  # wrong op
    channel.on_notification(b"\x86")  # too short to be a response
    assert not pending.done()
    channel.on_notification(encode_response(Response(Opcode.IDENTIFY, seq, Result.BAD_VALUE)))
    assert (await pending).result is Result.BAD_VALUE
    assert channel.unexpected == 2


async def test_the_recorders_buzz_sender_reaches_the_ball(tmp_path: Path) -> None:
    async with recording(tmp_path) as rec:
        await rec.recorder.send_buzz(Buzz(int(BuzzPattern.DOUBLE), 2))  # a cues.BuzzSender
        (event,) = rec.world.ball.buzzes
        assert (event.pattern, event.repetitions) == (BuzzPattern.DOUBLE, 2)
        assert await rec.link.buzz(int(BuzzPattern.TICK))
        await rec.drop(30.0)
        with pytest.raises(LinkLostError, match="not connected"):
            await rec.recorder.send_buzz(Buzz(int(BuzzPattern.ALARM), 1))
        assert not await rec.link.buzz(int(BuzzPattern.TICK))  # not connected: False
        assert len(rec.world.ball.buzzes) == 2
