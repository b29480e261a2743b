"""The virtual ball's parts on their own: ring, sampler, battery, bonds, faults."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

import numpy as np
import pytest
from bumble.keys import PairingKeys

from spineball.protocol import ErrorFlags, Rate, encode_advertisement
from spineball.virtual.ball import VirtualBall
from spineball.virtual.battery import Battery
from spineball.virtual.bonds import BondStore
from spineball.virtual.faults_state import LinkFaults
from spineball.virtual.radio import RadioLink
from spineball.virtual.ring import RING_DTYPE, SampleRing
from spineball.virtual.sampler import Sampler
from spineball.virtual.source import SourceSamples, StillBall


def block(first: int, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=RING_DTYPE)
    out["index"] = np.arange(first, first + n)
    return out


def test_ring_keeps_the_newest_capacity_samples_across_wrap() -> None:
    ring = SampleRing(capacity=8)
    ring.append(block(0, 5))
    ring.append(block(5, 7))
    assert (ring.oldest_index, ring.next_index, len(ring)) == (4, 12, 8)
    assert ring.slice(6, 10)["index"].tolist() == [6, 7, 8, 9]
    with pytest.raises(IndexError, match="not in ring"):
        ring.slice(3, 5)
    with pytest.raises(ValueError, match="expects index 12"):
        ring.append(block(13, 1))
    ring.append(block(12, 20))  # longer than the ring: only the newest 8 stay
    assert ring.latest(8)["index"].tolist() == list(range(24, 32))


class Spiky:
    """Out-of-range pressure, a broken IMU sample and a hot sensor."""

    def read(self, t_s: np.ndarray) -> SourceSamples:
        n = len(t_s)
        q = np.tile([1.0, 0.0, 0.0, 0.0], (n, 1))
        q[0] = np.nan
        pressure = np.full(n, 300_000.0)
        return SourceSamples(pressure, q, np.full(n, 75.0))


def test_sampler_times_are_exact_and_data_errors_are_flagged() -> None:
    sampler = Sampler(StillBall())
    sampler.start(Rate.HZ_25, now=10.0)
    assert sampler.generate_until(10.999) == 25  # samples at 10.00, 10.04, … 10.96
    sampler.set_rate(Rate.HZ_200, now=11.0)  # sample 25 (at 11.00) was still 25 Hz
    assert sampler.time_of(26) == pytest.approx(11.04)  # the next sample: the new rate
    sampler.generate_until(11.055)
    times = sampler.ring.slice(24, 30)["t_s"]
    assert times == pytest.approx([10.96, 11.0, 11.04, 11.045, 11.05, 11.055])
    assert sampler.ring.slice(24, 30)["rate"].tolist() == [0, 0, 3, 3, 3, 3]
    spiky = Sampler(Spiky())
    spiky.start(Rate.HZ_50, now=0.0)
    spiky.generate_until(0.1)
    assert spiky.errors == (
        ErrorFlags.PRESSURE_SATURATED
        | ErrorFlags.OVER_PRESSURE
        | ErrorFlags.TEMPERATURE_RANGE
        | ErrorFlags.IMU
    )
    assert int(spiky.ring.latest(1)["pressure_raw"][0]) == 0x3FFFFE  # clipped, still valid


def test_battery_drains_faster_while_streaming() -> None:
    idle, streaming = Battery(100.0), Battery(100.0)
    idle.drain(3600, streaming=False)
    streaming.drain(3600, streaming=True)
    assert idle.level == pytest.approx(99.0)
    assert streaming.level == pytest.approx(100 - 100 / 12)
    assert Battery(15.2).percent == 16
    assert Battery(15.0).low
    assert Battery(5.0).critical
    with pytest.raises(ValueError, match="outside"):
        Battery(101.0)


async def test_bond_store_evicts_the_least_recently_used_of_five(tmp_path: Path) -> None:
    path = tmp_path / "bonds.json"
    store = BondStore("C4:5B:1D:BA:11:01", path)
    keys = PairingKeys(ltk=PairingKeys.Key(bytes(range(16))))
    for peer in ("C1:00:00:00:00:01", "C1:00:00:00:00:02", "C1:00:00:00:00:03"):
        await store.update(peer, keys)
    store.touch("C1:00:00:00:00:01")  # bonded reconnect: now the most recent
    await store.update("C1:00:00:00:00:04", keys)
    await store.update("C1:00:00:00:00:05", keys)
    assert sorted(store.names()) == [f"C1:00:00:00:00:0{n}" for n in (1, 3, 4, 5)]
    reloaded = BondStore("C4:5B:1D:BA:11:01", path)
    assert sorted(reloaded.names()) == sorted(store.names())
    stored = await reloaded.get("C1:00:00:00:00:04")
    assert stored is not None
    assert stored.ltk is not None
    assert stored.ltk.value == bytes(range(16))
    assert "C4:5B:1D:BA:11:01" in json.loads(path.read_text())  # Bumble's namespace layout
    path.write_text("{broken")
    with pytest.raises(OSError, match="unreadable bond store"):
        BondStore("C4:5B:1D:BA:11:01", path)


def test_random_losses_repeat_with_the_same_seed() -> None:
    def fates(seed: int) -> list[bool]:
        faults = LinkFaults(seed, drop_probability=0.3)
        return [faults.lose_this_one() for _ in range(200)]

    assert fates(7) == fates(7)
    assert fates(7) != fates(8)
    assert 40 <= sum(fates(7)) <= 80


async def test_ball_advertises_the_exact_31_byte_payload_and_refuses_bumbles_address() -> None:
    with pytest.raises(ValueError, match="Bumble's own default address"):
        VirtualBall(RadioLink(), address="F0:F1:F2:F3:F4:F5")
    async with VirtualBall(RadioLink(), address="C4:5B:00:00:1A:2B") as ball:
        assert ball.name == "SB-1A2B"
        assert ball.device is not None
        assert ball.device.advertising_data == encode_advertisement("SB-1A2B")
        assert len(ball.device.advertising_data) == 30
        assert ball.pairing_window_open
        assert ball.window.remaining_s == 180
        await asyncio.sleep(0)
        assert not math.isnan(ball.sampler.read_now(0.0)[0])
