"""``spineball dash``: the live dashboard (also what ``spineball`` alone opens)."""

from __future__ import annotations

from pathlib import Path

import click

from spineball.cli.ball_options import radio_options, radio_spec
from spineball.cli.errors import fail
from spineball.config import ConfigError


@click.command()
@click.argument("ball", required=False)
@click.option(
    "--replay",
    "replay_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="SESSION.csv",
    help="Play a recorded, exported or simulated session as if it were live.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.1, max=100.0),
    default=1.0,
    show_default=True,
    help="With --replay: play this many times faster.",
)
@click.option(
    "--start",
    "start_s",
    type=click.FloatRange(min=0.0),
    default=0.0,
    metavar="SECONDS",
    help="With --replay: start this far into the session.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Session database (default: spineball.db in the user data directory).",
)
@radio_options
def dash(
    ball: str | None,
    replay_path: Path | None,
    speed: float,
    start_s: float,
    db_path: Path | None,
    virtual: bool,
    transport: str | None,
    seed: int,
    time_scale: float,
) -> None:
    """The live dashboard: where the ball is on your spine, the spot, pain, plan and alerts.

    It attaches to the recorder of BALL (starting one if none runs) and leaves it
    recording when you quit; --virtual uses the built-in virtual ball with a
    simulated person. Keys: 1–9/0 pain, s sore, l landmark, x symptom STOP,
    p pause, e end, i inflate, c calibrate, h history, ? help, q quit.
    """
    from spineball.dashboard.launch import LaunchError, recorder_app, replay_app

    try:
        if replay_path is not None:
            if virtual or transport or ball:
                fail("--replay plays a file: leave out BALL, --virtual and --transport")
            app = replay_app(replay_path, speed=speed, start_s=start_s, db_path=db_path)
        else:
            if speed != 1.0 or start_s:
                fail("--speed and --start are for --replay (a virtual ball has --time-scale)")
            app = recorder_app(
                radio_spec(virtual, transport, seed, time_scale), ball, db_path=db_path
            )
    except (LaunchError, ConfigError) as err:
        fail(str(err))
    try:
        app.run()
    except KeyboardInterrupt:
        fail("interrupted")
