"""Options shared by commands that read stored sessions: ``--db`` and session selection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from spineball.cli.errors import fail
from spineball.store import Database, SessionSummary, StoreError, default_path

F = TypeVar("F", bound=Callable[..., Any])


def db_option(fn: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Database file (default: spineball.db in the user data directory).",
    )(fn)


def open_db(db_path: Path | None) -> Database:
    """The database, or a one-line error (no database yet is an error for readers)."""
    path = db_path if db_path is not None else default_path()
    if not path.exists():
        hint = "" if db_path is not None else " — no sessions recorded or imported yet"
        fail(f"{path}: no such database{hint}")
    try:
        return Database.open(path, create=False)
    except StoreError as err:
        fail(str(err))


def selection_options(fn: F) -> F:
    """``--from``, ``--to`` and ``--last [N]``."""
    fn = click.option(
        "--last",
        type=click.IntRange(min=1),
        is_flag=False,
        flag_value=1,
        default=None,
        metavar="[N]",
        help="Only the newest N sessions (just --last: the newest one).",
    )(fn)
    fn = click.option(
        "--to",
        "date_to",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        metavar="YYYY-MM-DD",
        help="Sessions started on or before this day.",
    )(fn)
    return click.option(
        "--from",
        "date_from",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        metavar="YYYY-MM-DD",
        help="Sessions started on or after this day.",
    )(fn)


def day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def select(
    db: Database,
    ids: Sequence[int],
    date_from: datetime | None,
    date_to: datetime | None,
    last: int | None,
) -> list[SessionSummary]:
    """The selected sessions, oldest first, or a one-line error."""
    from spineball.export.select import SelectionError, select_sessions

    try:
        return select_sessions(db.sessions(), ids, day(date_from), day(date_to), last)
    except (SelectionError, StoreError) as err:
        fail(f"{db.path}: {err}" if isinstance(err, SelectionError) else str(err))
