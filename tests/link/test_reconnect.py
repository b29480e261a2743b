"""Link drops: reconnect, backfill, and a store with every sample exactly once."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spineball.protocol import Rate
from spineball.store import Database
from spineball.virtual.ring import RING_CAPACITY
from tests.link.helpers import live_blocks, recording, truth_pressure

BACKFILLED = 0x01


async def test_twenty_random_drops_lose_no_sample(tmp_path: Path) -> None:
    # 100 Hz for two minutes or more of ball time, at 10× speed: each drop silences
    # the ball for 0.2–10 s (it stops advertising, so reconnects time out meanwhile).
    rng = np.random.default_rng(20)
    async with recording(tmp_path, rate=Rate.HZ_100, time_scale=10.0) as rec:
        clock = rec.world.ball.clock
        for hold_s in rng.uniform(0.2, 10.0, 20):
            await rec.streaming()
            await clock.sleep(float(rng.uniform(0.5, 3.0)))  # streaming a while
            await rec.streaming()
            await rec.drop(float(hold_s))
        await clock.sleep_until(max(clock.now(), 120.0))
        await rec.streaming()
        session_id = await rec.finish()
        produced = rec.world.ball.sampler.next_index

    assert rec.link.reconnects == 20
    assert clock.now() >= 120.0
    db = Database.open(tmp_path / "sessions.db")
    samples = db.read_samples(session_id)
    assert db.read_gaps(session_id) == []
    assert np.array_equal(samples["index"], np.arange(produced))  # each exactly once
    np.testing.assert_allclose(
        samples["pressure_pa"], truth_pressure(samples["index"], 100.0), atol=0.04
    )  # 1/16 Pa quantisation
    backfilled = sum(
        n
        for _first, n, flags in live_blocks(tmp_path / "sessions.db", session_id)
        if flags & BACKFILLED
    )
    assert backfilled > produced // 3  # most of it came back from the ball's ring buffer
    assert db.session(session_id).state == "finished"


async def test_a_drop_longer_than_the_ring_buffer_is_one_exact_gap(tmp_path: Path) -> None:
    # 200 Hz: the ball's 8192-sample ring holds 41 s; a 45 s outage overflows it.
    async with recording(tmp_path, rate=Rate.HZ_200, time_scale=10.0) as rec:
        clock = rec.world.ball.clock
        await clock.sleep(2.0)
        await rec.caught_up()
        await rec.drop(45.0)
        await clock.sleep(46.0)
        await rec.streaming()
        await clock.sleep(3.0)
        session_id = await rec.finish()
        produced = rec.world.ball.sampler.next_index

    db = Database.open(tmp_path / "sessions.db")
    (gap,) = db.read_gaps(session_id)
    assert gap.cause == "overwritten"
    samples = db.read_samples(session_id)
    index = samples["index"]
    kept = np.concatenate((np.arange(gap.first_index), np.arange(gap.end_index, produced)))
    assert np.array_equal(index, kept)  # everything outside the gap, once; nothing inside
    np.testing.assert_allclose(samples["pressure_pa"], truth_pressure(index, 200.0), atol=0.04)
    # The gap ends where the ball's ring began when it answered BACKFILL: one ring
    # before the newest sample then, i.e. just after the first live sample of the
    # new connection.
    first_live = next(
        first
        for first, _n, flags in live_blocks(tmp_path / "sessions.db", session_id)
        if first > gap.first_index and not flags & BACKFILLED
    )
    assert first_live - RING_CAPACITY <= gap.end_index <= first_live - RING_CAPACITY + 200
    assert gap.end_s - gap.start_s > 45.0 - RING_CAPACITY / 200.0 - 1.0


async def test_ending_during_an_outage_still_fetches_what_the_ball_kept(tmp_path: Path) -> None:
    async with recording(tmp_path, rate=Rate.HZ_100, time_scale=10.0) as rec:
        await rec.world.ball.clock.sleep(3.0)
        await rec.drop(8.0)  # Ctrl-C while the ball is out of reach for 8 s (0.8 s here)
        session_id = await rec.finish()
        produced = rec.world.ball.sampler.next_index

    db = Database.open(tmp_path / "sessions.db")
    assert db.read_gaps(session_id) == []
    assert np.array_equal(db.read_samples(session_id)["index"], np.arange(produced))
    assert produced > 1_000  # the outage itself was recorded, from the ball's memory
