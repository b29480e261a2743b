"""``spineball export``: stored sessions → CSV + sidecar, JSON Lines, Parquet, or a summary."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from spineball.cli.errors import fail
from spineball.cli.store_option import db_option, open_db, select, selection_options

if TYPE_CHECKING:
    from spineball.export.formats import ExportFormat, ProgressCallback
    from spineball.export.run import Job
    from spineball.store import Database, SessionSummary

FORMATS: Final = ("csv", "jsonl", "parquet", "summary")
SUFFIXES: Final = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet", ".json": "summary"}
PROGRESS_MIN_SAMPLES: Final = 200_000  # about half an hour at 100 Hz: worth a progress bar


def _format_of(fmt: str | None, output: str | None) -> str:
    if fmt is not None:
        return fmt
    if output and output != "-":
        return SUFFIXES.get(Path(output).suffix.lower(), "csv")
    return "csv"


@contextmanager
def _progress(total: int, show: bool | None) -> Iterator[ProgressCallback | None]:
    """A rich progress bar on stderr: on a terminal for long exports (or with --progress)."""
    if show is None:
        show = sys.stderr.isatty() and total >= PROGRESS_MIN_SAMPLES
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn("exporting"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f} %"),
        TimeRemainingColumn(),
    )
    console = Console(stderr=True)
    # On a terminal the bar goes away when done; elsewhere its final state is printed once.
    with Progress(*columns, console=console, transient=console.is_terminal) as bar:
        task = bar.add_task("export", total=2 * total)  # read + analyse, then write
        yield lambda rows: bar.advance(task, rows)


def _unique_stems(rows: list[SessionSummary]) -> dict[int, str]:
    from spineball.export.stored import default_stem

    stems = {r.id: default_stem(r) for r in rows}
    taken: dict[str, int] = {}
    for stem in stems.values():
        taken[stem] = taken.get(stem, 0) + 1
    return {sid: stem if taken[stem] == 1 else f"{stem}-{sid}" for sid, stem in stems.items()}


def _plan(
    rows: list[SessionSummary], fmt: ExportFormat, output: str | None, force: bool
) -> list[Job]:
    from spineball.export.run import Job, files_of

    stems = _unique_stems(rows)
    out = Path(output) if output else None
    if len(rows) == 1 and out is not None and not out.is_dir():
        if out.suffix.lower() != fmt.suffix:
            raise click.UsageError(
                f"-o {out}: a {fmt.value} export's file name must end in {fmt.suffix}"
            )
        jobs = [Job(rows[0].id, rows[0].samples, out)]
    else:
        folder = out if out is not None else Path()
        if folder.exists() and not folder.is_dir():
            raise click.UsageError(
                f"-o {folder}: {len(rows)} sessions go into a directory, and this is a file"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            fail(f"{folder}: cannot create the directory ({err.strerror or err})")
        jobs = [Job(r.id, r.samples, folder / f"{stems[r.id]}{fmt.suffix}") for r in rows]
    if not force:
        for job in jobs:
            for path in files_of(job.target, fmt):
                if path.exists():
                    fail(f"{path} exists (use --force to replace it)")
    return jobs


def _summary(
    db: Database, rows: list[SessionSummary], output: str | None, force: bool, person: str | None
) -> None:
    from spineball.cli.person import alias_for
    from spineball.export.history import analyse_sessions
    from spineball.export.stored import default_stem
    from spineball.export.summary import build_summary
    from spineball.sessionfile import atomic_write

    items = analyse_sessions(db, [r.id for r in rows])
    doc = build_summary(items, alias_for(person, [i.stored for i in items]))
    text = json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if output == "-":
        click.echo(text, nl=False)
        return
    if output is not None and Path(output).is_dir():
        folder, name = Path(output), None
    else:
        folder, name = Path(), output
    if name is None:
        first, last = items[0].stored, items[-1].stored
        name = (
            f"{default_stem(first.summary)}.summary.json"
            if len(items) == 1
            else f"summary-{first.started:%Y-%m-%d}-to-{last.started:%Y-%m-%d}.json"
        )
    target = folder / name
    if target.exists() and not force:
        fail(f"{target} exists (use --force to replace it)")
    try:
        atomic_write(target, [text.encode()])
    except OSError as err:
        fail(f"{target}: cannot write ({err.strerror or err})")
    click.echo(str(target))


@click.command()
@click.argument("session_ids", nargs=-1, type=int, metavar="[SESSION]…")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="csv (+ sidecar .json), jsonl, parquet, or summary (results only, for sharing). "
    "Default: from the -o suffix, else csv.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    metavar="PATH",
    help="File (one session), directory (several; default: here), or - for stdout.",
)
@selection_options
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: on a terminal, for long exports).",
)
@click.option(
    "--person", default=None, metavar="ALIAS", help="Alias for the summary (default: [user] alias)."
)
@db_option
def export(
    session_ids: tuple[int, ...],
    fmt: str | None,
    output: str | None,
    date_from: datetime | None,
    date_to: datetime | None,
    last: int | None,
    force: bool,
    progress: bool | None,
    person: str | None,
    db_path: Path | None,
) -> None:
    """Export stored sessions: pressure logs in the body frame, gaps explicit.

    Choose sessions by id (see 'spineball sessions'), by --from/--to date,
    and/or --last N. One session goes to -o FILE (default: START-BALL.EXT
    here); several go into -o DIR, one file each. CSV follows the
    interchange contract with a sidecar .json; calibrated sessions get
    load_n, position_mm and level columns. Written paths go to stdout.
    """
    from spineball.export.formats import ExportError, ExportFormat
    from spineball.export.run import export_files
    from spineball.sessionfile import SessionFileError
    from spineball.store import StoreError

    if not session_ids and date_from is None and date_to is None and last is None:
        raise click.UsageError("choose sessions: give ids, --from/--to, or --last [N]")
    chosen = _format_of(fmt, output)
    with open_db(db_path) as db:
        rows = select(db, session_ids, date_from, date_to, last)
        try:
            if chosen == "summary":
                _summary(db, rows, output, force, person)
                return
            export_format = ExportFormat(chosen)
            rows = _non_empty(rows, explicit=bool(session_ids))
            total = sum(r.samples for r in rows)
            if output == "-":
                _to_stdout(db, rows, export_format, progress, total)
                return
            jobs = _plan(rows, export_format, output, force)
            with _progress(total, progress) as on_rows:
                written = export_files(db, jobs, export_format, on_rows)
        except (ExportError, StoreError, SessionFileError) as err:
            fail(str(err))
    for path in written:
        click.echo(str(path))


def _non_empty(rows: list[SessionSummary], *, explicit: bool) -> list[SessionSummary]:
    empty = [r for r in rows if r.samples == 0]
    if empty and explicit:
        fail(f"session {empty[0].id} has no samples")
    for r in empty:
        click.echo(f"spineball: note: session {r.id} has no samples; skipped", err=True)
    kept = [r for r in rows if r.samples > 0]
    if not kept:
        fail("the chosen sessions have no samples")
    return kept


def _to_stdout(
    db: Database,
    rows: list[SessionSummary],
    fmt: ExportFormat,
    progress: bool | None,
    total: int,
) -> None:
    from spineball.export.formats import ExportFormat
    from spineball.export.run import export_stream

    if len(rows) != 1:
        raise click.UsageError(f"-o - streams one session; {len(rows)} are chosen")
    stdout = sys.stdout.buffer
    if fmt is ExportFormat.PARQUET and sys.stdout.isatty():
        fail("Parquet is binary: redirect stdout to a file, or use -o FILE.parquet")
    if fmt is ExportFormat.CSV:
        click.echo(
            "spineball: note: CSV on stdout has no sidecar (rate, ball, user, calibration, "
            "events and gaps are left out); use -o FILE.csv or --format jsonl to keep them",
            err=True,
        )
    try:
        with _progress(total, progress) as on_rows:
            export_stream(db, rows[0].id, fmt, stdout, on_rows)
    except BrokenPipeError:
        # The reader stopped early (e.g. `| head`): not an error. Point stdout at
        # devnull so the interpreter's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
