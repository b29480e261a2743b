"""Ring buffer and backfill across link drops (protocol §6)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from spineball.protocol import (
    STATUS_UUID,
    Backfill,
    BackfillPayload,
    Rate,
    Result,
    Start,
    decode_status,
)
from spineball.virtual.world import VirtualWorld
from tests.virtual.helpers import BallSession, WavingBall, ball_session
from tests.virtual.test_stream import assert_matches_truth

BACKFILL, BACKFILL_END = 0x01, 0x02


async def wait_disconnected(session: BallSession, within_s: float = 2.0) -> None:
    async with asyncio.timeout(within_s):
        while session.client.is_connected:  # noqa: ASYNC110 (a property, not an event)
            await asyncio.sleep(0.01)


async def test_backfill_after_a_link_drop_returns_exactly_the_missed_samples(
    tmp_path: Path,
) -> None:
    async with VirtualWorld(state_dir=tmp_path, source=WavingBall(), time_scale=10.0) as world:
        async with ball_session(world.stack) as before:
            await before.command(Start(Rate.HZ_200))
            await before.wait_samples(600, within_s=3.0)
            await world.faults.drop_link(reconnect_after_s=2.0)  # ~400 samples missed
            await wait_disconnected(before)
        received = before.samples()
        last = int(received["index"][-1])
        assert np.array_equal(received["index"], np.arange(last + 1))

        async with ball_session(world.stack, pair=False) as after:
            await after.wait_samples(1, within_s=2.0)
            first_live = int(after.samples()["index"][0])
            missed = first_live - (last + 1)
            assert missed >= 350  # the ball kept sampling while nobody listened
            answer = await after.command(Backfill(last + 1, missed))
            assert (answer.result, answer.payload) == (Result.OK, BackfillPayload(last + 1, missed))
            await after.wait_backfill_ends()
        raw = after.samples()
        backfill = raw[(raw["flags"] & BACKFILL) != 0]
        assert np.array_equal(backfill["index"], np.arange(last + 1, first_live))
        backfill_headers = [h for h in after.headers() if h[0] & BACKFILL]
        assert [h[0] & BACKFILL_END for h in backfill_headers] == [0] * (
            len(backfill_headers) - 1
        ) + [BACKFILL_END]
        assert max(h[2] for h in backfill_headers) == 26  # MTU-sized, not latency-sized
        merged = np.unique(np.concatenate([received["index"], raw["index"]]))
        assert np.array_equal(merged, np.arange(merged[-1] + 1))
        assert_matches_truth(world.ball, backfill, frame_span_s=26 / 200)


async def test_backfill_older_than_the_ring_buffer_is_partial(tmp_path: Path) -> None:
    async with VirtualWorld(state_dir=tmp_path, time_scale=25.0) as world:
        async with ball_session(world.stack) as before:
            await before.command(Start(Rate.HZ_200))
            await before.wait_samples(200, within_s=3.0)
            # 45 s away at 200 Hz is 9000 samples: more than the 8192 the ring holds.
            await world.faults.drop_link(reconnect_after_s=45.0)
            await wait_disconnected(before)
        last = int(before.samples()["index"][-1])
        await asyncio.sleep(45.0 / 25.0)

        async with ball_session(world.stack, pair=False) as after:
            answer = await after.command(Backfill(last + 1, 0))
            status = decode_status(await after.client.read_gatt_char(STATUS_UUID))
            assert answer.result is Result.PARTIAL
            assert isinstance(answer.payload, BackfillPayload)
            first, count = answer.payload.first, answer.payload.count
            assert first > last + 1  # [last + 1, first) is a gap the client records
            assert count == 8192
            assert status.oldest_index >= first
            await after.wait_backfill_ends(within_s=20.0)  # a deadline, not a duration
            raw = after.samples()
        backfill = raw[(raw["flags"] & BACKFILL) != 0]
        assert np.array_equal(backfill["index"], np.arange(first, first + count))


async def test_lost_notifications_leave_a_gap_that_backfill_fills(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, time_scale=10.0) as world,
        ball_session(world.stack) as session,
    ):
        await session.command(Start(Rate.HZ_100))
        await session.wait_samples(100, within_s=2.0)
        world.faults.lose_notifications(count=3)
        await session.wait_samples(300, within_s=3.0)
        assert world.faults.notifications_lost == 3
        live = session.samples()["index"]
        holes = np.setdiff1d(np.arange(live[-1]), live)
        assert len(holes) == 3 * 5  # three 5-sample frames at 100 Hz
        answer = await session.command(Backfill(int(holes[0]), 0))
        assert answer.result is Result.OK
        await session.wait_backfill_ends()
        everything = np.unique(session.samples()["index"])
        assert np.array_equal(everything, np.arange(everything[-1] + 1))
        nothing = await session.command(Backfill(int(everything[-1]) + 10_000, 0))
        assert nothing.payload == BackfillPayload(int(everything[-1]) + 10_000, 0)
