"""Which radio a command talks through: the OS stack, an HCI transport, or a virtual ball.

- default: bleak's OS backend (real hardware);
- ``--transport SPEC``: the Bumble backend on an HCI transport — ``usb:0``
  for a USB dongle, ``tcp-client:HOST:PORT`` for ``spineball virtual`` in
  another process;
- ``--virtual``: a virtual ball in this process with a simulated person on
  it (deterministic ``--seed``), bonds kept in ``DATA_DIR/virtual-world``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bleak.exc import BleakError

from spineball import config
from spineball.ble.bumble_backend import BumbleStack
from spineball.ble.link import BleBackend, BumbleBackend, LinkError, OsBackend
from spineball.ble.link.errors import describe
from spineball.sessionfile import SessionMeta

VIRTUAL_DIR = "virtual-world"


@dataclass(frozen=True, slots=True)
class RadioSpec:
    transport: str | None = None
    virtual: bool = False
    seed: int = 0
    time_scale: float = 1.0
    state_dir: Path | None = None  # virtual: where the ball and this computer keep bonds

    def __post_init__(self) -> None:
        if self.virtual and self.transport:
            raise ValueError("--virtual and --transport exclude each other")

    def args(self) -> list[str]:
        """The command-line options that open this radio again (for a child recorder)."""
        if self.virtual:
            out = ["--virtual", "--seed", str(self.seed)]
            if self.time_scale != 1.0:
                out += ["--time-scale", repr(self.time_scale)]
            return out
        return ["--transport", self.transport] if self.transport else []

    @property
    def label(self) -> str:
        if self.virtual:
            return f"virtual ball (seed {self.seed})"
        return self.transport or "this computer's Bluetooth"


@dataclass
class Radio:
    backend: BleBackend
    source: str  # the store's session source: "ble" or "virtual"
    #: for a virtual ball: the simulated person's ball, body and calibration
    virtual_meta: SessionMeta | None = None


@contextlib.asynccontextmanager
async def open_radio(spec: RadioSpec) -> AsyncIterator[Radio]:
    if spec.virtual:
        async with _virtual(spec) as radio:
            yield radio
    elif spec.transport:
        stack = BumbleStack(spec.transport)
        try:
            await stack.open()
        except (BleakError, OSError) as err:
            raise LinkError(describe(err)) from None
        try:
            yield Radio(BumbleBackend(stack), "ble")
        finally:
            await stack.close()
    else:
        yield Radio(OsBackend(), "ble")


@contextlib.asynccontextmanager
async def _virtual(spec: RadioSpec) -> AsyncIterator[Radio]:
    from spineball.virtual.body import SimulatedSource, random_scenario, simulate
    from spineball.virtual.world import VirtualWorld

    person = simulate(random_scenario(spec.seed))
    world = VirtualWorld(
        source=SimulatedSource(person),
        state_dir=spec.state_dir or config.data_dir() / VIRTUAL_DIR,
        time_scale=spec.time_scale,
        seed=spec.seed,
    )
    try:
        await world.__aenter__()
    except (BleakError, OSError) as err:
        raise LinkError(f"the virtual ball did not start: {describe(err)}") from None
    try:
        meta = SessionMeta(
            ball=person.meta.ball, user=person.meta.user, calibration=person.meta.calibration
        )
        yield Radio(BumbleBackend(world.stack), "virtual", meta)
    finally:
        await world.close()
