"""``spineball simulate``: write simulated sessions (interchange format + ground truth)."""

from __future__ import annotations

from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.virtual.body.history import HISTORY_SCENARIOS


def _describe(csv_path: Path, truth: dict[str, object]) -> str:
    spots = truth["spots"]
    assert isinstance(spots, list)
    session = truth["session"]
    assert isinstance(session, dict)
    sore = sum(1 for spot in spots if spot["sore"])
    plural = "" if len(spots) == 1 else "s"
    return (
        f"{csv_path}  {session['duration_s']:.1f} s, {session['samples']} samples, "
        f"{len(spots)} spot{plural} ({sore} sore); "
        f"truth in {csv_path.with_suffix('.truth.json').name}"
    )


@click.command()
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory for the files (created if missing).",
)
@click.option("--rate", type=float, default=100.0, show_default=True, help="Samples per second.")
@click.option("--sessions", type=int, default=None, help="Write a history of this many sessions.")
@click.option(
    "--scenario",
    type=click.Choice(list(HISTORY_SCENARIOS)),
    default=None,
    help="What the history shows (default steady).",
)
@click.option("--height", type=float, default=None, help="Person's height in m.")
@click.option("--mass", type=float, default=None, help="Person's mass in kg.")
@click.option("--radius", type=float, default=None, help="Ball radius in m.")
@click.option("--inflation", type=float, default=None, help="Ball rest pressure, kPa gauge.")
@click.option(
    "--heading", type=float, default=0.0, show_default=True, help="Device heading (virtual ball)."
)
@click.option("--name", default=None, help="File name stem (default sim-SEED[-SCENARIO]).")
def simulate(
    seed: int,
    out_dir: Path,
    rate: float,
    sessions: int | None,
    scenario: str | None,
    height: float | None,
    mass: float | None,
    radius: float | None,
    inflation: float | None,
    heading: float,
    name: str | None,
) -> None:
    """Simulate a person on the ball and write NAME.csv, NAME.json and NAME.truth.json.

    The CSV and sidecar follow the interchange contract (what a recording
    looks like); NAME.truth.json holds what really happened. With --sessions K
    a history over days and weeks is written, plus NAME.history.json with the
    inflation advice it calls for.
    """
    from spineball.virtual.body import random_scenario, simulate_history
    from spineball.virtual.body import simulate as run

    if scenario is not None and sessions is None:
        fail("--scenario describes a history: give --sessions K as well")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        fail(f"{out_dir}: cannot create the directory ({err.strerror or err})")
    try:
        if sessions is None:
            the_scenario = random_scenario(
                seed,
                height_m=height,
                mass_kg=mass,
                radius_m=radius,
                inflation_kpa=inflation,
                heading_deg=heading,
            )
            session = run(the_scenario, rate)
            csv_path, _, _ = session.write(out_dir / f"{name or f'sim-{seed}'}.csv")
            click.echo(_describe(csv_path, session.truth))
            return
        kind = scenario or "steady"
        history = simulate_history(
            seed,
            sessions,
            kind,
            rate,
            height_m=height,
            mass_kg=mass,
            radius_m=radius,
            inflation_kpa=inflation,
            heading_deg=heading,
        )
        written = history.write(out_dir, name or f"sim-{seed}-{kind}")
    except (ValueError, OSError) as err:  # SessionFileError is a ValueError
        fail(str(err))
    for session, csv_path in zip(history.sessions, written[0::3], strict=False):
        click.echo(_describe(csv_path, session.truth))
    advice = history.expected_advice
    click.echo(f"{written[-1]}  expected advice: {advice['action']} ({advice['reason']})")
