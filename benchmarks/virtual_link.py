"""Virtual BLE link: notification rate, latency and CPU through bleak vs raw Bumble.

The same virtual ball streams to the same Bumble central twice per load:
once through bleak's public API with spineball's Bumble backend, once through
Bumble's own GATT client (the baseline: the stack without bleak). Latency is
the time from a sample being taken at the ball to the notification callback,
both on this machine's monotonic clock; "newest" uses the newest sample of
each frame (the stack's own delay), "every" includes the ≤ 50 ms batching.
CPU is process time per 1000 samples and includes the ball's own work.

    python benchmarks/virtual_link.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np
from bleak import BleakClient, BleakScanner
from bumble import hci
from bumble.core import UUID
from bumble.device import Peer

from spineball.protocol import (
    CONTROL_UUID,
    SAMPLES_UUID,
    SERVICE_UUID,
    Rate,
    Start,
    Stop,
    decode_header,
    encode_command,
)
from spineball.virtual.world import VirtualWorld

Sink = Callable[[bytes], None]


@dataclass(frozen=True)
class Load:
    name: str
    rate: Rate
    time_scale: float
    att_mtu: int
    seconds: float


LOADS = (
    Load("200 Hz, MTU 247 (real time)", Rate.HZ_200, 1.0, 247, 8.0),
    Load("200 Hz x20, MTU 247", Rate.HZ_200, 20.0, 247, 4.0),
    Load("200 Hz x10, MTU 23 (1 sample/frame)", Rate.HZ_200, 10.0, 23, 4.0),
)


@dataclass
class Result:
    samples: int
    frames: int
    wall_s: float
    cpu_s: float
    newest_ms: list[float]
    every_ms: list[float]

    def row(self, label: str) -> str:
        p = lambda values, q: float(np.percentile(values, q))  # noqa: E731
        rate, sample_rate = self.frames / self.wall_s, self.samples / self.wall_s
        newest50, newest99 = p(self.newest_ms, 50), p(self.newest_ms, 99)
        return (
            f"  {label:<14} {rate:8.0f} notif/s {sample_rate:8.0f} samples/s"
            f" | newest p50 {newest50:6.2f} ms p99 {newest99:6.2f}"
            f" | every p50 {p(self.every_ms, 50):6.2f} ms p99 {p(self.every_ms, 99):6.2f}"
            f" | CPU {1000 * self.cpu_s / self.samples * 1000:6.1f} ms/1000 samples"
        )


async def measure(
    world: VirtualWorld,
    subscribe: Callable[[Sink], Awaitable[None]],
    command: Callable[[bytes], Awaitable[None]],
    load: Load,
) -> Result:
    arrivals: list[tuple[float, bytes]] = []

    def on_frame(data: bytes) -> None:
        arrivals.append((time.monotonic(), data))

    await subscribe(on_frame)
    cpu0, wall0 = time.process_time(), time.monotonic()
    await command(encode_command(Start(load.rate), 1))
    await asyncio.sleep(load.seconds)
    await command(encode_command(Stop(), 2))
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    ball = world.ball
    newest, every = [], []
    samples = 0
    for arrival, frame in arrivals:
        header = decode_header(frame)
        first, count = header.first_index, header.count
        samples += count
        taken = [ball.clock.monotonic_at(ball.sample_time(first + k)) for k in range(count)]
        newest.append(1000 * (arrival - taken[-1]))
        every.extend(1000 * (arrival - t) for t in taken)
    return Result(samples, len(arrivals), wall, cpu, newest, every)


async def through_bleak(world: VirtualWorld, load: Load) -> Result:
    device = await BleakScanner.find_device_by_filter(
        lambda _d, ad: SERVICE_UUID in ad.service_uuids, backend=world.stack.scanner_backend
    )
    assert device is not None
    async with BleakClient(device, backend=world.stack.client_backend) as client:
        await client.start_notify(CONTROL_UUID, lambda _c, _d: None)

        async def subscribe(sink: Sink) -> None:
            await client.start_notify(SAMPLES_UUID, lambda _c, data: sink(data))

        async def command(data: bytes) -> None:
            await client.write_gatt_char(CONTROL_UUID, data, response=True)

        return await measure(world, subscribe, command, load)


async def pair(world: VirtualWorld) -> None:
    device = await BleakScanner.find_device_by_filter(
        lambda _d, ad: SERVICE_UUID in ad.service_uuids, backend=world.stack.scanner_backend
    )
    assert device is not None
    async with BleakClient(device, backend=world.stack.client_backend) as client:
        await client.pair()


async def through_raw_bumble(world: VirtualWorld, load: Load) -> Result:
    device = world.stack.device
    connection = await device.connect(
        hci.Address(world.ball.address, hci.Address.RANDOM_DEVICE_ADDRESS)
    )
    try:
        await connection.encrypt()
        if load.att_mtu > 23:
            await connection.gatt_client.request_mtu(load.att_mtu)
        peer = Peer(connection)
        await peer.discover_services()
        for service in peer.services:
            await service.discover_characteristics()
        samples = peer.get_characteristics_by_uuid(_uuid(SAMPLES_UUID))[0]
        control = peer.get_characteristics_by_uuid(_uuid(CONTROL_UUID))[0]
        await peer.subscribe(control, lambda _value: None)

        async def subscribe(sink: Sink) -> None:
            await peer.subscribe(samples, sink)

        async def command(data: bytes) -> None:
            await peer.write_value(control, data, with_response=True)

        return await measure(world, subscribe, command, load)
    finally:
        await connection.disconnect()


def _uuid(text: str) -> UUID:
    return UUID(text)


async def main() -> None:
    print(f"virtual link benchmark (python {sys.version.split()[0]})")
    for load in LOADS:
        async with VirtualWorld(time_scale=load.time_scale, att_mtu=load.att_mtu) as world:
            await pair(world)
            raw_result = await through_raw_bumble(world, load)
            bleak_result = await through_bleak(world, load)
        print(load.name)
        print(bleak_result.row("bleak+backend"))
        print(raw_result.row("raw Bumble"))
        ratio = (bleak_result.cpu_s / bleak_result.samples) / (
            raw_result.cpu_s / raw_result.samples
        )
        delta = statistics.median(bleak_result.newest_ms) - statistics.median(raw_result.newest_ms)
        print(f"  bleak/raw CPU per sample {ratio:.2f}x, median latency {delta:+.2f} ms")


if __name__ == "__main__":
    asyncio.run(main())
