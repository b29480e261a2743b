"""``spineball import``: bring session files (interchange contract) into the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from spineball.cli.errors import fail
from spineball.cli.store_option import db_option
from spineball.sessionfile import SessionData


def _read(path: Path) -> SessionData:
    from spineball.sessionfile import SessionFileError, read_session

    if path.suffix.lower() != ".csv":
        fail(f"{path}: not a session CSV (import takes NAME.csv with its sidecar NAME.json)")
    try:
        data = read_session(path)
    except SessionFileError as err:
        fail(str(err))
    if len(data.samples) == 0:
        fail(f"{path}: the session has no samples")
    return data


def _started_at(data: SessionData) -> float | None:
    value = data.meta.extra.get("started_at")
    try:
        return datetime.fromisoformat(value).timestamp() if isinstance(value, str) else None
    except ValueError:
        return None


def _minutes(seconds: float) -> str:
    total = round(seconds)
    return f"{total // 60}:{total % 60:02d}"


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE.csv [MORE…]"
)
@click.option("--again", is_flag=True, help="Import a file even if it is already stored.")
@db_option
def import_logs(files: tuple[Path, ...], again: bool, db_path: Path | None) -> None:
    """Import session files (NAME.csv + sidecar NAME.json) into the store.

    Every file is checked first; if one is not a valid session file nothing
    is imported. Each file is stored completely or not at all. Prints one
    line per file on stdout: the new session id, the file, start and length.
    A file already stored (same start time and samples) is skipped.
    """
    from spineball.store import Database, StoreError, default_path, import_session

    sessions = [(path, _read(path)) for path in files]
    for path, data in sessions:
        for warning in data.warnings:
            click.echo(f"spineball: warning: {path.name}: {warning}", err=True)
    path_db = db_path if db_path is not None else default_path()
    try:
        db = Database.open(path_db)
    except StoreError as err:
        fail(str(err))
    with db:
        stored = {(round(r.started_at), r.samples): r.id for r in db.sessions()}
        for path, data in sessions:
            start = _started_at(data)
            known = None if start is None else stored.get((round(start), len(data.samples)))
            if known is not None and not again:
                click.echo(
                    f"spineball: note: {path.name} is already stored as session {known}; "
                    "skipped (--again imports it once more)",
                    err=True,
                )
                continue
            try:
                sid = import_session(db, data)
            except StoreError as err:
                fail(f"{path}: {err}")
            row = db.session(sid)
            when = datetime.fromtimestamp(row.started_at).strftime("%Y-%m-%d %H:%M")
            click.echo(
                f"{sid}  {path.name}  {when}  {_minutes(row.duration_s)}  {row.samples} samples"
            )
            stored[(round(row.started_at), row.samples)] = sid
