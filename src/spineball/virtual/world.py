"""An in-process BLE world: a virtual ball and centrals on one virtual radio.

::

    async with VirtualWorld(source=StillBall(), time_scale=10.0) as world:
        device = await BleakScanner.find_device_by_filter(
            lambda d, ad: SERVICE_UUID in ad.service_uuids,
            backend=world.stack.scanner_backend,
        )
        async with BleakClient(device, backend=world.stack.client_backend) as client:
            await client.pair()
            ...
        await world.faults.drop_link(reconnect_after_s=1.0)

Every controller has its own public address and 251-byte LE data packets;
the ball keeps its bonds in ``state_dir/ball`` and the first central in
``state_dir/central`` (a temporary directory when ``state_dir`` is None).
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Final, Self

from bumble.transport.common import AsyncPipeSink, Transport

from spineball.ble.bumble_backend import BumbleStack
from spineball.ble.bumble_backend.stack import DEFAULT_ATT_MTU
from spineball.protocol import Rate, encode_raw_frame
from spineball.virtual.ball import DEFAULT_ADDRESS, VirtualBall
from spineball.virtual.bonds import PAIRING_WINDOW_AT_BOOT_S
from spineball.virtual.faults import FaultInjector
from spineball.virtual.frames_out import RawFrameEncoder
from spineball.virtual.hci_server import serve_controller
from spineball.virtual.radio import RadioController, RadioLink
from spineball.virtual.source import SampleSource

CENTRAL_PUBLIC_PREFIX: Final = "00:5B:1D:00:00:"
SERVED_PUBLIC_PREFIX: Final = "00:5B:1D:00:01:"


class VirtualWorld:
    def __init__(
        self,
        *,
        source: SampleSource | None = None,
        state_dir: Path | None = None,
        time_scale: float = 1.0,
        seed: int = 0,
        pairing_window_s: float = PAIRING_WINDOW_AT_BOOT_S,
        ball_address: str = DEFAULT_ADDRESS,
        att_mtu: int = DEFAULT_ATT_MTU,
        encode_raw_frame: RawFrameEncoder = encode_raw_frame,
        battery_pct: float = 100.0,
        autostart: Rate | None = None,
    ) -> None:
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if state_dir is None:
            self._temp = tempfile.TemporaryDirectory(prefix="spineball-world-")
            state_dir = Path(self._temp.name)
        self.state_dir = state_dir
        self.link = RadioLink()
        self.ball = VirtualBall(
            self.link,
            source=source,
            address=ball_address,
            state_dir=state_dir / "ball",
            pairing_window_s=pairing_window_s,
            time_scale=time_scale,
            encode_raw_frame=encode_raw_frame,
            battery_pct=battery_pct,
            autostart=autostart,
            seed=seed,
        )
        self.faults = FaultInjector(self.ball, self.link)
        self._att_mtu = att_mtu
        self._stacks: list[BumbleStack] = []
        self._served: list[Transport] = []
        self._stack: BumbleStack | None = None

    async def __aenter__(self) -> Self:
        try:
            await self.ball.start()
            self._stack = await self.new_stack(self.state_dir / "central")
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def stack(self) -> BumbleStack:
        """The first central's stack (bonds in ``state_dir/central``)."""
        if self._stack is None:
            raise RuntimeError("the world is not running (use 'async with VirtualWorld(...)')")
        return self._stack

    async def new_stack(
        self, bonds_dir: Path | None = None, *, att_mtu: int | None = None
    ) -> BumbleStack:
        """Another central (its own controller and identity) on the same radio."""
        number = len(self._stacks) + 1
        if bonds_dir is None:
            bonds_dir = self.state_dir / f"central-{number}"
        controller = RadioController(
            f"central-{number}", self.link, f"{CENTRAL_PUBLIC_PREFIX}{number:02X}"
        )
        stack = BumbleStack(
            (controller, AsyncPipeSink(controller)),
            bonds_dir=bonds_dir,
            att_mtu=att_mtu or self._att_mtu,
        )
        await stack.open()
        self._stacks.append(stack)
        return stack

    async def serve_hci(self, spec: str) -> None:
        """Serve one more controller on ``spec`` (e.g. ``tcp-server:127.0.0.1:9001``)."""
        number = len(self._served) + 1
        transport, _ = await serve_controller(
            self.link, spec, f"{SERVED_PUBLIC_PREFIX}{number:02X}", f"hci-{number}"
        )
        self._served.append(transport)

    async def close(self) -> None:
        for stack in reversed(self._stacks):
            with contextlib.suppress(Exception):
                await stack.close()
        self._stacks.clear()
        await self.ball.stop()
        for transport in self._served:
            with contextlib.suppress(Exception):
                await transport.close()
        self._served.clear()
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None
