"""``spineball dash``: the live dashboard (also what ``spineball`` alone opens)."""

from __future__ import annotations

from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.config import ConfigError


@click.command()
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
    help="Replay speed (2 = twice as fast).",
)
@click.option(
    "--start",
    "start_s",
    type=click.FloatRange(min=0.0),
    default=0.0,
    metavar="SECONDS",
    help="Start the replay this far into the session.",
)
@click.option(
    "--virtual",
    is_flag=True,
    help="The built-in virtual ball with a simulated person (no hardware needed).",
)
@click.option("--seed", type=int, default=None, help="Which simulated person (--virtual).")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Session database for History (default: spineball.db in the user data directory).",
)
def dash(
    replay_path: Path | None,
    speed: float,
    start_s: float,
    virtual: bool,
    seed: int | None,
    db_path: Path | None,
) -> None:
    """The live dashboard: where the ball is on your spine, the spot, pain, plan and alerts.

    Keys: 1–9/0 pain, s sore, l landmark, x symptom STOP, p pause, e end,
    i inflate, c calibrate, h history, ? help, q quit.
    """
    from spineball.dashboard.launch import LaunchError, build_app  # Textual loads only here

    try:
        app = build_app(
            replay=replay_path,
            virtual=virtual,
            seed=seed,
            speed=speed,
            start_s=start_s,
            db_path=db_path,
        )
    except (LaunchError, ConfigError) as err:
        fail(str(err))
    try:
        app.run()
    except KeyboardInterrupt:
        fail("interrupted")
