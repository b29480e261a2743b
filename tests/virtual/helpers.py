"""Shared test helpers: a bleak session with the ball and a source with known truth."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.device import BLEDevice

from spineball.ble.bumble_backend import BumbleStack
from spineball.protocol import (
    CONTROL_UUID,
    SAMPLES_UUID,
    SERVICE_UUID,
    Command,
    ProtocolError,
    Response,
    Result,
    decode_header,
    decode_raw_frames,
    decode_response,
    encode_command,
)
from spineball.virtual.source import SourceSamples


async def find_ball(stack: BumbleStack, scan_s: float = 5.0) -> BLEDevice:
    device = await BleakScanner.find_device_by_filter(
        lambda _d, ad: SERVICE_UUID in ad.service_uuids,
        timeout=scan_s,
        backend=stack.scanner_backend,
    )
    assert device is not None, "no SpineBall advertising"
    return device


@dataclass
class BallSession:
    """A connected bleak client subscribed to Samples and Control, as an app would be."""

    client: BleakClient
    frames: list[bytes] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    _seq: int = 0
    _waiters: dict[int, asyncio.Future[Response]] = field(default_factory=dict)
    frame_event: asyncio.Event = field(default_factory=asyncio.Event)
    received: int = 0  # samples in all frames so far (kept incrementally: O(1) per frame)
    backfill_ends: int = 0  # frames flagged BACKFILL_END so far

    async def subscribe(self) -> None:
        await self.client.start_notify(CONTROL_UUID, self._on_control)
        await self.client.start_notify(SAMPLES_UUID, self._on_samples)

    def _on_samples(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        self.arrivals.append(time.monotonic())
        self.frames.append(bytes(data))
        self.received += (len(data) - 9) // 9
        self.backfill_ends += bool(data[1] & 0x02)
        self.frame_event.set()

    def _on_control(self, _char: BleakGATTCharacteristic, data: bytearray) -> None:
        try:
            response = decode_response(data)
        except ProtocolError:  # the answer to an opcode the codec does not know
            response = Response(data[0] & 0x7F, data[1], Result(data[2]))  # type: ignore[arg-type]
        self.responses.append(response)
        waiter = self._waiters.pop(response.seq, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(response)

    async def command(self, command: Command, within_s: float = 2.0) -> Response:
        return await self.raw_command(encode_command(command, self._next_seq()), within_s)

    async def raw_command(self, data: bytes, within_s: float = 2.0) -> Response:
        seq = data[1]
        waiter = asyncio.get_running_loop().create_future()
        self._waiters[seq] = waiter
        await self.client.write_gatt_char(CONTROL_UUID, data, response=True)
        return await asyncio.wait_for(waiter, within_s)

    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) & 0xFF
        return self._seq

    def samples(self) -> npt.NDArray[np.void]:
        return decode_raw_frames(self.frames)

    def live_samples(self) -> npt.NDArray[np.void]:
        raw = self.samples()
        return raw[(raw["flags"] & 0x01) == 0]

    def headers(self) -> list[tuple[int, int, int]]:
        """(flags, first_index, count) of every frame received."""
        return [(h.flags, h.first_index, h.count) for h in map(decode_header, self.frames)]

    async def wait_samples(self, count: int, within_s: float) -> None:
        async with asyncio.timeout(within_s):
            while self.sample_count() < count:
                self.frame_event.clear()
                await self.frame_event.wait()

    def sample_count(self) -> int:
        return self.received

    async def wait_backfill_ends(self, count: int = 1, within_s: float = 3.0) -> None:
        """Until ``count`` frames flagged BACKFILL_END have arrived in this session."""
        async with asyncio.timeout(within_s):
            while self.backfill_ends < count:
                self.frame_event.clear()
                await self.frame_event.wait()


@contextlib.asynccontextmanager
async def ball_session(
    stack: BumbleStack, *, pair: bool = True, subscribe: bool = True
) -> AsyncIterator[BallSession]:
    """Scan, connect with bleak, pair if asked, subscribe to Samples and Control."""
    device = await find_ball(stack)
    async with BleakClient(device, backend=stack.client_backend, timeout=5.0) as client:
        if pair:
            await client.pair()
        session = BallSession(client)
        if subscribe:
            await session.subscribe()
        yield session


@dataclass(frozen=True)
class WavingBall:
    """A deterministic source whose every value is known: the test's ground truth."""

    def pressure(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return 114_300.0 + 2_500.0 * np.sin(2 * np.pi * 0.7 * t)

    def angle(self, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return 0.4 * np.sin(2 * np.pi * 0.3 * t)  # rolling about x, radians

    def read(self, t_s: npt.NDArray[np.float64]) -> SourceSamples:
        t = np.asarray(t_s, dtype=np.float64)
        half = self.angle(t) / 2
        quats = np.stack([np.cos(half), np.sin(half), np.zeros_like(t), np.zeros_like(t)], axis=1)
        return SourceSamples(self.pressure(t), quats, 22.0 + 0.01 * t)
