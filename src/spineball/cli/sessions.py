"""``spineball sessions``: list recorded sessions (newest first)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.store import Database, SessionSummary, StoreError, default_path


def _duration(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _gaps(row: SessionSummary) -> str:
    if row.gaps == 0:
        return "0"
    return f"{row.gaps} ({row.missing / row.sample_rate_hz:.1f} s)"


def _table(rows: list[SessionSummary]) -> list[str]:
    header = ("id", "start", "duration", "samples", "gaps", "device", "state")
    body = [
        (
            str(r.id),
            datetime.fromtimestamp(r.started_at).strftime("%Y-%m-%d %H:%M"),
            _duration(r.duration_s),
            str(r.samples),
            _gaps(r),
            r.device_label or "-",
            r.state,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    right = {0, 2, 3}  # numbers line up on the right
    return [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *body]
    ]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="A JSON array of sessions on stdout.")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file (default: spineball.db in the user data directory).",
)
def sessions(as_json: bool, db_path: Path | None) -> None:
    """List recorded sessions: id, start, duration, samples, gaps, device, state.

    A session left 'recording' by a process that died is shown — and marked,
    when the database is writable — as 'interrupted'; its samples are kept.
    """
    path = db_path if db_path is not None else default_path()
    if not path.exists():
        if db_path is not None:
            fail(f"{path}: no such database")
        click.echo(f"no sessions recorded yet ({path} does not exist)", err=True)
        rows: list[SessionSummary] = []
    else:
        try:
            with Database.open(path, create=False) as db:
                rows = db.sessions()
        except StoreError as err:
            fail(str(err))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], indent=2))
        return
    if rows:
        click.echo("\n".join(_table(rows)))
    click.echo(f"{len(rows)} session{'s' if len(rows) != 1 else ''} in {path}", err=True)
