"""``spineball analyze``: analyse a session file (with earlier sessions as its history)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.sessionfile import SessionData, SessionFileError, read_session


def _read(path: str) -> SessionData:
    try:
        data = read_session(Path(path))
    except SessionFileError as err:
        fail(str(err))
    if len(data.samples) == 0:
        fail(f"{path}: the session has no samples")
    return data


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE.csv [MORE.csv …]")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the interchange contract).")
def analyze(files: tuple[str, ...], as_json: bool) -> None:
    """Analyse the LAST session file; earlier files (oldest first) are its history.

    Prints spots, side bends, lumbar alerts and inflation advice. Without a
    sidecar .json, defaults are used; without calibration, loads come from the
    ball's size (±40 %); without landmarks, levels are a guess — each with a
    warning on stderr.
    """
    from spineball.analysis.report import analyze, render_text, report

    sessions = [_read(f) for f in files]
    for path, data in zip(files, sessions, strict=True):
        for warning in data.warnings:
            click.echo(f"spineball: warning: {Path(path).name}: {warning}", err=True)
    analyses = [analyze(s) for s in sessions]
    current = analyses[-1]
    for warning in current.warnings:
        click.echo(f"spineball: warning: {Path(files[-1]).name}: {warning}", err=True)
    result = report(current, analyses[:-1])
    if as_json:
        click.echo(json.dumps(result, allow_nan=False))
    else:
        click.echo(render_text(result))
