"""Sample streaming from the virtual ball through bleak, checked against ground truth."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import numpy.typing as npt

from spineball.protocol import (
    RATE_HZ,
    Rate,
    Result,
    SetRate,
    Start,
    Stop,
    decode_status,
    encode_raw_frame,
    raw_to_decoded,
)
from spineball.protocol.uuids import STATUS_UUID
from spineball.virtual.ball import VirtualBall
from spineball.virtual.world import VirtualWorld
from tests.virtual.helpers import WavingBall, ball_session

TRUTH = WavingBall()


def assert_matches_truth(
    ball: VirtualBall, raw: npt.NDArray[np.void], frame_span_s: float = 0.050
) -> None:
    """Decoded values equal the source at each sample's own time, within quantisation."""
    decoded = raw_to_decoded(raw)
    times = np.array([ball.sample_time(int(i)) for i in raw["index"]])
    t_source = times - ball.sample_time(0)
    assert np.max(np.abs(decoded["pressure_pa"] - TRUTH.pressure(t_source))) <= 1 / 32 + 1e-9
    angle = 2 * np.arctan2(decoded["qx"], decoded["qw"])
    assert np.max(np.abs(angle - TRUTH.angle(t_source))) < 1e-4
    # One temperature per frame (its first sample's): drift within a frame at 0.01 °C/s.
    drift = 0.01 * frame_span_s
    assert np.max(np.abs(decoded["temperature_c"] - (22.0 + 0.01 * t_source))) <= 0.005 + drift


async def test_200hz_for_30_s_arrives_complete_and_in_order(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, source=TRUTH) as world,
        ball_session(world.stack) as session,
    ):
        assert (await session.command(Start(Rate.HZ_200))).result is Result.OK
        await session.wait_samples(6000, within_s=35.0)
        stop = await session.command(Stop())
        raw = session.samples()
        assert np.array_equal(raw["index"][:6000], np.arange(6000))
        assert np.array_equal(raw["index"], np.arange(len(raw)))  # nothing lost, no repeats
        assert stop.payload is not None
        assert stop.payload.next_index == len(raw)
        # 200 Hz at MTU 247: 10-sample frames (50 ms of batching), rate flag 200 Hz.
        headers = session.headers()
        assert {count for _flags, _first, count in headers[:-1]} == {10}
        assert {flags for flags, _first, _count in headers} == {int(Rate.HZ_200) << 4}
        assert_matches_truth(world.ball, raw[:6000])
        spacing = np.diff([world.ball.sample_time(i) for i in range(0, 6000, 1000)])
        assert np.allclose(spacing, 5.0)


async def test_time_scale_runs_simulated_time_faster_and_sampling_continues_offline(
    tmp_path: Path,
) -> None:
    async with VirtualWorld(state_dir=tmp_path, source=TRUTH, time_scale=10.0) as world:
        async with ball_session(world.stack) as session:
            await session.command(Start(Rate.HZ_100))
            await session.wait_samples(1000, within_s=3.0)  # 10 s simulated in ~1 s
            raw = session.samples()
            assert np.array_equal(raw["index"], np.arange(len(raw)))
            assert_matches_truth(world.ball, raw)
            assert world.ball.sample_time(500) - world.ball.sample_time(0) == 5.0
            last = int(raw["index"][-1])
        t0, before = world.ball.clock.now(), world.ball.status().next_index
        await asyncio.sleep(0.2)  # nobody connected: about 2 s simulated
        t1, after = world.ball.clock.now(), world.ball.status().next_index
        assert after - before >= 150
        assert abs((after - before) - (t1 - t0) * 100) <= 2
        assert last < before


async def test_mtu_23_sends_one_sample_per_frame(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, source=TRUTH, att_mtu=23, time_scale=2.0) as world,
        ball_session(world.stack) as session,
    ):
        assert session.client.mtu_size == 23
        await session.command(Start(Rate.HZ_200))
        await session.wait_samples(400, within_s=3.0)
        await session.command(Stop())
        raw = session.samples()
        assert {count for _f, _i, count in session.headers()} == {1}
        assert all(len(frame) == 18 for frame in session.frames)
        assert np.array_equal(raw["index"], np.arange(len(raw)))
        assert_matches_truth(world.ball, raw)
        status = decode_status(await session.client.read_gatt_char(STATUS_UUID))
        assert status.next_index == len(raw)


async def test_rate_change_takes_effect_from_the_next_sample(tmp_path: Path) -> None:
    async with (
        VirtualWorld(state_dir=tmp_path, source=TRUTH, time_scale=10.0) as world,
        ball_session(world.stack) as session,
    ):
        await session.command(Start(Rate.HZ_50))
        await session.wait_samples(100, within_s=3.0)
        assert (await session.command(SetRate(Rate.HZ_200))).result is Result.OK
        switch = session.sample_count()
        await session.wait_samples(switch + 400, within_s=3.0)
        await session.command(Stop())
        raw = session.samples()
        assert np.array_equal(raw["index"], np.arange(len(raw)))
        rates = (raw["flags"] >> 4) & 0x3
        first_fast = int(np.argmax(rates == Rate.HZ_200))
        assert np.all(rates[:first_fast] == Rate.HZ_50)
        assert np.all(rates[first_fast:] == Rate.HZ_200)
        times = np.array([world.ball.sample_time(int(i)) for i in raw["index"]])
        steps = np.diff(times)
        assert np.allclose(steps[: first_fast - 1], 1 / RATE_HZ[Rate.HZ_50])
        assert np.allclose(steps[first_fast:], 1 / RATE_HZ[Rate.HZ_200])
        assert_matches_truth(world.ball, raw)


async def test_frame_encoder_is_pluggable(tmp_path: Path) -> None:
    calls: list[int] = []

    def recording_encoder(*args: object) -> bytes:
        calls.append(int(args[0]))  # type: ignore[call-overload]
        return encode_raw_frame(*args)  # type: ignore[arg-type]

    async with (
        VirtualWorld(
            state_dir=tmp_path, source=TRUTH, time_scale=5.0, encode_raw_frame=recording_encoder
        ) as world,
        ball_session(world.stack) as session,
    ):
        await session.command(Start(Rate.HZ_100))
        await session.wait_samples(200, within_s=3.0)
        await session.command(Stop())
        assert calls == [h[1] for h in session.headers()]
