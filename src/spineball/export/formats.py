"""Pressure-log writers: session CSV (+ sidecar), JSON Lines and Parquet.

All three carry the same samples, metadata and gaps; none interpolates. File
targets are replaced atomically (temp file, then rename), so a failed export
never leaves half a file; a binary stream target (stdout) is written as it goes.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Final

import numpy as np

from spineball.csvfast import format_rows
from spineball.samples import SESSION_COLUMNS
from spineball.sessionfile import (
    CSV_DECIMALS,
    SessionData,
    SessionFileError,
    atomic_write,
    format_csv_rows,
    sidecar_path,
)

JSONL_FORMAT: Final = "spineball-session-jsonl"
PARQUET_METADATA_KEY: Final = b"spineball"
CHUNK_ROWS: Final = 100_000  # rows formatted at a time: bounded memory, progress steps
FORMAT_THREADS: Final = 4

#: Units of every column an export may carry (documented in docs/export.md).
UNITS: Final = {
    "t_s": "s",
    "pressure_pa": "Pa",
    "temperature_c": "°C",
    "qw": "1",
    "qx": "1",
    "qy": "1",
    "qz": "1",
    "load_n": "N",
    "position_mm": "mm",
    "level": "vertebra",
}
EXTRA_DECIMALS: Final = {"load_n": 1, "position_mm": 1}


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    PARQUET = "parquet"

    @property
    def suffix(self) -> str:
        return {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}[self.value]


class ExportError(ValueError):
    """An export that cannot be done; the message is one clear line."""


@dataclass(frozen=True, slots=True)
class GapSpan:
    """Samples the ball recorded but the client never received (time-ordered, exact span)."""

    start_s: float
    end_s: float
    missing_samples: int
    cause: str = "lost"  # samples.GapCause: overwritten / unanswered / restart / lost

    def to_json(self) -> dict[str, float | int | str]:
        return {
            "start_s": self.start_s,
            "end_s": self.end_s,
            "missing_samples": self.missing_samples,
            "cause": self.cause,
        }


@dataclass(frozen=True, slots=True)
class ExportInput:
    name: str  # file stem, e.g. "2026-11-24T0712-SB-1A2B"
    data: SessionData  # body-frame samples, metadata, extra columns (load_n, position_mm, level)
    gaps: tuple[GapSpan, ...] = ()

    def sidecar(self) -> dict[str, Any]:
        meta = self.data.meta.to_json()
        meta["gaps"] = [gap.to_json() for gap in self.gaps]
        return meta

    def __len__(self) -> int:
        return len(self.data.samples)


ProgressCallback = Callable[[int], None]  # called with the number of rows just written


def chunks(n: int, size: int = CHUNK_ROWS) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


def _extra_columns(inp: ExportInput, part: slice) -> dict[str, np.ndarray]:
    return {name: np.asarray(values)[part] for name, values in inp.data.extra.items()}


# ------------------------------------------------------------------------------- CSV


def in_order(
    fmt: Callable[[slice], bytes], n: int, on_rows: ProgressCallback | None
) -> Iterator[bytes]:
    """``fmt`` of each chunk of rows, in order, formatted by a few threads at once.

    numpy releases the GIL for most of the formatting, so chunks overlap on
    several cores; at most two chunks per thread wait in memory.
    """
    workers = max(1, min(FORMAT_THREADS, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers, thread_name_prefix="export") as pool:
        pending: deque[tuple[slice, Future[bytes]]] = deque()
        for part in chunks(n):
            pending.append((part, pool.submit(fmt, part)))
            if len(pending) > 2 * workers:
                done, future = pending.popleft()
                yield future.result()
                if on_rows:
                    on_rows(done.stop - done.start)
        while pending:
            done, future = pending.popleft()
            yield future.result()
            if on_rows:
                on_rows(done.stop - done.start)


def csv_chunks(inp: ExportInput, on_rows: ProgressCallback | None = None) -> Iterator[bytes]:
    header = ",".join([*SESSION_COLUMNS, *inp.data.extra]) + "\n"
    yield header.encode()

    def rows(part: slice) -> bytes:
        return format_csv_rows(inp.data.samples[part], _extra_columns(inp, part), EXTRA_DECIMALS)

    yield from in_order(rows, len(inp), on_rows)


# ------------------------------------------------------------------------- JSON Lines


def jsonl_chunks(inp: ExportInput, on_rows: ProgressCallback | None = None) -> Iterator[bytes]:
    """First line: metadata (format, sidecar, units, gaps); then one object per sample."""
    head = {
        "format": JSONL_FORMAT,
        "version": 1,
        "name": inp.name,
        "samples": len(inp),
        "units": {c: UNITS.get(c, "") for c in (*SESSION_COLUMNS, *inp.data.extra)},
        "meta": inp.sidecar(),
    }
    yield (json.dumps(head, ensure_ascii=False) + "\n").encode()
    names = [*SESSION_COLUMNS, *inp.data.extra]
    suffixes = [f',"{name}":'.encode() for name in names[1:]] + [b"}\n"]

    def rows(part: slice) -> bytes:
        extra = _extra_columns(inp, part)
        columns = [inp.data.samples[c][part] for c in SESSION_COLUMNS] + list(extra.values())
        decimals: list[int | None] = [*CSV_DECIMALS.values()]
        decimals += [
            EXTRA_DECIMALS.get(name, 4) if values.dtype.kind in "fiu" else None
            for name, values in extra.items()
        ]
        return format_rows(
            columns,
            decimals,
            suffixes,
            prefix=f'{{"{names[0]}":'.encode(),
            nan_text=b"null",
            quote=lambda text: json.dumps(text, ensure_ascii=False),
        )

    yield from in_order(rows, len(inp), on_rows)


# ---------------------------------------------------------------------------- Parquet


def parquet_bytes(inp: ExportInput) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError(
            "Parquet export needs pyarrow: pip install 'spineball[parquet]'"
        ) from None
    arrays: dict[str, Any] = {c: pa.array(inp.data.samples[c]) for c in SESSION_COLUMNS}
    for name, values in inp.data.extra.items():
        arr = np.asarray(values)
        arrays[name] = (
            pa.array(arr).dictionary_encode() if arr.dtype.kind in "US" else pa.array(arr)
        )
    table = pa.table(arrays)
    meta = {"name": inp.name, "units": UNITS, "meta": inp.sidecar()}
    table = table.replace_schema_metadata({PARQUET_METADATA_KEY: json.dumps(meta).encode()})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


# ------------------------------------------------------------------------------ write


def write_export(
    inp: ExportInput,
    fmt: ExportFormat,
    target: Path | IO[bytes],
    on_rows: ProgressCallback | None = None,
) -> list[Path]:
    """Write one session; returns the files written (none for a stream target)."""
    if fmt is ExportFormat.PARQUET:
        body: Iterable[bytes] = [parquet_bytes(inp)]
        if on_rows:
            on_rows(len(inp))
    elif fmt is ExportFormat.JSONL:
        body = jsonl_chunks(inp, on_rows)
    else:
        body = csv_chunks(inp, on_rows)
    if not isinstance(target, Path):
        for chunk in body:
            target.write(chunk)
        target.flush()
        return []
    written: list[Path] = []
    try:
        atomic_write(target, body)
        written.append(target)
        if fmt is ExportFormat.CSV:
            side = sidecar_path(target)
            atomic_write(side, [json.dumps(inp.sidecar(), indent=2).encode() + b"\n"])
            written.append(side)
    except BaseException as err:
        for path in written:  # a CSV without its sidecar is not a session file
            path.unlink(missing_ok=True)
        if isinstance(err, OSError):
            failed = side if written else target
            raise ExportError(f"{failed}: cannot write ({err.strerror or err})") from None
        if isinstance(err, SessionFileError):
            raise ExportError(str(err)) from None
        raise
    return written
