"""``spineball virtual``: run a virtual ball as its own process.

The ball lives on an in-process virtual radio; one more virtual controller on
that radio is served on ``--hci`` so other processes can reach the ball:
spineball with ``--hci tcp-client:HOST:PORT``, or Bumble's own tools
(``bumble-gatt-dump tcp-client:HOST:PORT ADDRESS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spineball.cli.errors import fail

if TYPE_CHECKING:
    from spineball.protocol import Rate


@click.command()
@click.option(
    "--hci",
    "hci_spec",
    required=True,
    metavar="TRANSPORT",
    help="Where other processes reach the ball's radio, e.g. tcp-server:127.0.0.1:9001.",
)
@click.option(
    "--pairing-window",
    "pairing_window_s",
    type=click.FloatRange(min=0.0),
    default=180.0,
    show_default=True,
    help="Seconds the pairing window stays open at power-on when the ball has no bonds.",
)
@click.option(
    "--rate",
    type=click.Choice(["25", "50", "100", "200"]),
    default=None,
    help="Start sampling at power-on at this rate in Hz (otherwise wait for START).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for run ids and faults.")
@click.option(
    "--address",
    default="C4:5B:1D:BA:11:01",
    show_default=True,
    help="The ball's static random address (its name is SB- + the last 4 hex digits).",
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the ball keeps bonds and calibration [default: DATA_DIR/virtual-ball].",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0.01, max=100.0),
    default=1.0,
    show_default=True,
    help="Simulated time runs this many times faster than wall time.",
)
def virtual(
    hci_spec: str,
    pairing_window_s: float,
    rate: str | None,
    seed: int,
    address: str,
    state_dir: Path | None,
    time_scale: float,
) -> None:
    """Run a virtual SpineBall that other processes can connect to over HCI."""
    from spineball import config
    from spineball.protocol import Rate

    directory = state_dir or config.data_dir() / "virtual-ball"
    autostart = Rate.from_hz(int(rate)) if rate else None
    try:
        asyncio.run(
            _serve(hci_spec, pairing_window_s, autostart, seed, address, directory, time_scale)
        )
    except (OSError, ValueError) as err:
        fail(str(err))


async def _serve(
    hci_spec: str,
    pairing_window_s: float,
    autostart: Rate | None,
    seed: int,
    address: str,
    state_dir: Path,
    time_scale: float,
) -> None:
    from bumble.core import BaseBumbleError

    from spineball.virtual.ball import VirtualBall
    from spineball.virtual.hci_server import serve_controller
    from spineball.virtual.radio import RadioLink

    link = RadioLink()
    ball = VirtualBall(
        link,
        address=address,
        state_dir=state_dir,
        pairing_window_s=pairing_window_s,
        time_scale=time_scale,
        autostart=autostart,
        seed=seed,
    )
    try:
        transport, _controller = await serve_controller(link, hci_spec, "00:5B:1D:00:01:01")
    except (OSError, ValueError, BaseBumbleError) as err:
        raise OSError(f"cannot serve HCI on {hci_spec}: {err}") from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await ball.start()
        window = (
            f"open for {ball.window.remaining_s} s"
            if ball.pairing_window_open
            else "closed (bonded: hold the button, or PAIRING_WINDOW from a bonded client)"
        )
        sampling = f"sampling at {ball.sampler.rate.hz} Hz" if ball.sampler.streaming else "idle"
        click.echo(f"virtual ball {ball.name} at {ball.address}")
        click.echo(f"pairing window: {window}")
        click.echo(f"state: {sampling}; bonds in {state_dir}")
        click.echo(f"HCI served on {hci_spec}; Ctrl-C to stop", err=True)
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await ball.stop()
        with contextlib.suppress(Exception):
            await transport.close()
    click.echo("virtual ball stopped", err=True)
