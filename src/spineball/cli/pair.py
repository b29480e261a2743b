"""``spineball pair`` and ``spineball forget``: bond with a ball, or drop the bond on both sides."""

from __future__ import annotations

import click

from spineball.cli.ball_options import radio_options, radio_spec, run


def _say(message: str) -> None:
    click.echo(message, err=True)


@click.command()
@click.argument("ball", required=False)
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(min=0.0, max=600.0),
    default=120.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for the ball's pairing window to open (0: fail at once).",
)
@radio_options
def pair(
    ball: str | None,
    wait_s: float,
    virtual: bool,
    transport: str | None,
    seed: int,
    time_scale: float,
) -> None:
    """Pair with a ball (name like SB-1A2B, or address; the only one nearby if omitted).

    The ball accepts pairing only while its pairing window is open: for 3
    minutes after it is switched on without bonds, or for 2 minutes after its
    button is held for 3 s (the LED blinks blue). Its LED blinks when pairing
    worked.
    """
    spec = radio_spec(virtual, transport, seed, time_scale)

    async def go() -> None:
        from spineball.ble.link import pair as pair_ball
        from spineball.session.radio import open_radio

        async with open_radio(spec) as radio:
            _say(f"looking for {ball or 'a SpineBall'} ({radio.backend.name})…")
            result = await pair_ball(radio.backend, ball, wait_s=wait_s, say=_say)
        identity = result.identity
        what = "was already paired with" if result.already_paired else "is now paired with"
        details = ", ".join(
            f"{k} {v}" for k, v in (("model", identity.model), ("firmware", identity.firmware)) if v
        )
        click.echo(f"{identity.name or identity.address} ({identity.address}) {what} this computer")
        if details:
            click.echo(details)

    run(go())


@click.command()
@click.argument("ball")
@radio_options
def forget(
    ball: str,
    virtual: bool,
    transport: str | None,
    seed: int,
    time_scale: float,
) -> None:
    """Unpair a ball on both sides: clear its bonds (if nearby) and this computer's key."""
    spec = radio_spec(virtual, transport, seed, time_scale)

    async def go() -> None:
        from spineball.ble.link import forget as forget_ball
        from spineball.session.radio import open_radio

        async with open_radio(spec) as radio:
            result = await forget_ball(radio.backend, ball)
        label = result.name or result.address
        for note in result.notes:
            _say(note)
        if result.ball_cleared:
            click.echo(f"{label} forgot every paired device, and this computer forgot {label}")
        else:
            click.echo(f"this computer forgot {label}")

    run(go())
