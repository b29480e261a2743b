"""``spineball analyze``: analyse a session file or a stored session (with its history)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spineball.cli.errors import fail
from spineball.cli.store_option import db_option, open_db
from spineball.sessionfile import SessionData, SessionFileError, read_session

if TYPE_CHECKING:
    from spineball.analysis import SessionAnalysis
    from spineball.store import Database


def _read(path: str) -> SessionData:
    try:
        data = read_session(Path(path))
    except SessionFileError as err:
        fail(str(err))
    if len(data.samples) == 0:
        fail(f"{path}: the session has no samples")
    return data


def _is_session_id(arg: str) -> bool:
    return arg.isdigit() and not Path(arg).exists()


def _stored(db: Database, session_id: int) -> SessionData:
    from spineball.export.stored import load_session
    from spineball.store import StoreError

    try:
        stored = load_session(db, session_id)
    except StoreError as err:
        fail(f"{err} (see 'spineball sessions')")
    if len(stored.data.samples) == 0:
        fail(f"session {session_id} has no samples")
    return stored.data


def _stored_with_history(db_path: Path | None, session_id: int) -> list[SessionAnalysis]:
    """The session and its history: the same ball's and person's earlier sessions."""
    from spineball.export.history import SessionCache
    from spineball.store import StoreError

    with open_db(db_path) as db:
        _stored(db, session_id)
        cache = SessionCache(db)
        try:
            item = cache.analysed(session_id)
            return [cache.session(i).analysis for i in item.history_ids] + [item.analysis]
        except StoreError as err:
            fail(str(err))


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="FILE.csv|SESSION …")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the interchange contract).")
@db_option
def analyze(sources: tuple[str, ...], as_json: bool, db_path: Path | None) -> None:
    """Analyse the LAST session; earlier ones (oldest first) are its history.

    Each argument is a session file or a stored session's id (see 'spineball
    sessions'). A single id is analysed with the same ball's and person's
    earlier stored sessions as its history.

    Prints spots, side bends, lumbar alerts and inflation advice. Without a
    sidecar .json, defaults are used; without calibration, loads come from the
    ball's size (±40 %); without landmarks, levels are a guess — each with a
    warning on stderr.
    """
    from spineball.analysis.report import analyze, render_text, report

    names = [f"session {s}" if _is_session_id(s) else Path(s).name for s in sources]
    if len(sources) == 1 and _is_session_id(sources[0]):
        analyses = _stored_with_history(db_path, int(sources[0]))
    else:
        sessions = _resolve(sources, db_path)
        for name, data in zip(names, sessions, strict=True):
            for warning in data.warnings:
                click.echo(f"spineball: warning: {name}: {warning}", err=True)
        analyses = [analyze(s) for s in sessions]
    current = analyses[-1]
    for warning in current.warnings:
        click.echo(f"spineball: warning: {names[-1]}: {warning}", err=True)
    result = report(current, analyses[:-1])
    if as_json:
        click.echo(json.dumps(result, allow_nan=False))
    else:
        click.echo(render_text(result))


def _resolve(sources: tuple[str, ...], db_path: Path | None) -> list[SessionData]:
    if not any(_is_session_id(s) for s in sources):
        return [_read(s) for s in sources]
    with open_db(db_path) as db:
        return [_stored(db, int(s)) if _is_session_id(s) else _read(s) for s in sources]
