"""Export stored sessions to files or a stream: all of them, or nothing left behind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from spineball.export.formats import ExportFormat, ProgressCallback, write_export
from spineball.export.stored import load_session
from spineball.sessionfile import sidecar_path
from spineball.store import Database


@dataclass(frozen=True, slots=True)
class Job:
    session_id: int
    samples: int
    target: Path  # the data file (a CSV's sidecar goes beside it)


def files_of(target: Path, fmt: ExportFormat) -> list[Path]:
    """Every file an export to ``target`` writes."""
    return [target, sidecar_path(target)] if fmt is ExportFormat.CSV else [target]


def export_files(
    db: Database,
    jobs: Sequence[Job],
    fmt: ExportFormat,
    on_rows: ProgressCallback | None = None,
) -> list[Path]:
    """Write each session to its target; returns every file written.

    Each file is replaced atomically; if any session fails (a read error, a
    full disk, Ctrl-C) the files this call already wrote are removed again.
    Progress counts every session's samples twice: once read and analysed,
    once written.
    """
    written: list[Path] = []
    try:
        for job in jobs:
            stored = load_session(db, job.session_id)
            inp = stored.export_input(job.target.stem)
            if on_rows:
                on_rows(len(inp))
            written += write_export(inp, fmt, job.target, on_rows)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def export_stream(
    db: Database,
    session_id: int,
    fmt: ExportFormat,
    stream: IO[bytes],
    on_rows: ProgressCallback | None = None,
) -> None:
    """Write one session to a binary stream (stdout); a CSV has no sidecar there."""
    stored = load_session(db, session_id)
    inp = stored.export_input()
    if on_rows:
        on_rows(len(inp))
    write_export(inp, fmt, stream, on_rows)
