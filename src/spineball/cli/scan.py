"""``spineball scan``: balls nearby, with battery, pairing state and signal."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from spineball.cli.ball_options import radio_options, radio_spec, run
from spineball.session.api import BallInfo


def _table(balls: list[BallInfo], *, status_read: bool) -> list[str]:
    header = ("name", "address", "signal", "battery", "paired", "pairing window")
    rows = [header]
    for ball in balls:
        rows.append(
            (
                ball.name or "?",
                ball.address,
                "?" if ball.rssi_dbm is None else f"{ball.rssi_dbm} dBm",
                "?" if ball.battery_pct is None else f"{ball.battery_pct} %",
                "yes" if ball.paired else "no",
                ("open" if ball.pairing_open else "closed") if status_read else "?",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="A JSON array of balls on stdout.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.2, max=120.0),
    default=None,
    metavar="SECONDS",
    help="How long to listen [default: 5 s; 2 s on a Bumble transport].",
)
@click.option(
    "--quick", is_flag=True, help="Advertisements only: skip reading battery and pairing window."
)
@radio_options
def scan(
    as_json: bool,
    timeout: float | None,
    quick: bool,
    virtual: bool,
    transport: str | None,
    seed: int,
    time_scale: float,
) -> None:
    """List SpineBalls nearby: name, address, signal, battery, paired, pairing window."""
    spec = radio_spec(virtual, transport, seed, time_scale)

    async def go() -> list[BallInfo]:
        from spineball.ble.link import scan as scan_balls
        from spineball.session.radio import open_radio

        async with open_radio(spec) as radio:
            return await scan_balls(radio.backend, timeout, read_status=not quick)

    balls = run(go())
    if as_json:
        click.echo(json.dumps([asdict(b) for b in balls], indent=2))
        return
    if not balls:
        click.echo("no SpineBall nearby: is it switched on and within a few metres?", err=True)
        return
    for line in _table(balls, status_read=not quick):
        click.echo(line)
