"""The crash-safe recorder: batched writes, a commit at least every second.

Samples are packed into blocks of up to :data:`BLOCK_SAMPLES` in memory. A
commit (one SQLite transaction) writes the full blocks to ``sample_blocks``
and the still-filling block to ``open_blocks`` (one row per recording
session, overwritten at each commit), together with new clocks, gaps, events
and the session summary. Because every commit is atomic and WAL commits
survive the process (kill -9 included), a crash loses at most what arrived
since the last commit: ≤ ``commit_interval_s``.

Commits happen when due (:meth:`Recorder.commit_if_due`) or on demand; a
failed commit (disk full, read-only) raises :class:`StoreError` and keeps
everything pending in memory, so a later commit can still save it.

The recorder is thread-safe: :func:`spineball.store.record_stream` commits in
a worker thread so the event loop never waits for the disk.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from spineball.samples import BlockClock, Gap, SampleBlock
from spineball.sessionfile import Event
from spineball.store.codec import block_raw, pack_int16, pack_int32, pack_samples, storage_flags
from spineball.store.errors import StoreError, translate
from spineball.store.locks import RecordingLock
from spineball.store.models import StoredEvent

#: 100 samples × 9 B + temperatures ≈ 930 B rows: four fill a 4 KiB page (docs/storage.md).
BLOCK_SAMPLES: Final = 100
DEFAULT_COMMIT_INTERVAL_S: Final = 0.5

RawSamples = npt.NDArray[np.void]


@dataclass
class _Block:
    first_index: int
    flags: int
    raws: list[RawSamples] = field(default_factory=list)
    residuals: list[npt.NDArray[np.int32] | None] = field(default_factory=list)
    count: int = 0

    @property
    def end_index(self) -> int:
        return self.first_index + self.count

    def row(self) -> tuple[int, int, int, bytes, bytes, bytes | None]:
        raw = np.concatenate(self.raws)
        residual = None
        if any(r is not None for r in self.residuals):
            residual = pack_int32(
                np.concatenate(
                    [
                        np.zeros(len(part), np.int32) if r is None else r
                        for part, r in zip(self.raws, self.residuals, strict=True)
                    ]
                )
            )
        return (
            self.first_index,
            self.count,
            self.flags,
            pack_samples(raw),
            pack_int16(raw["temperature_raw"]),
            residual,
        )


class Recorder:
    """Records one session; create with :meth:`spineball.store.Database.start_session`."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        session_id: int,
        lock: RecordingLock,
        commit_interval_s: float = DEFAULT_COMMIT_INTERVAL_S,
    ) -> None:
        self.session_id = session_id
        self.commit_interval_s = commit_interval_s
        self.last_error: StoreError | None = None
        self._conn = conn
        self._path = path
        self._lock = lock
        self._state_lock = threading.Lock()  # pending data (any thread)
        self._db_lock = threading.Lock()  # the connection (one commit at a time)
        self._sealed: list[_Block] = []
        self._open: _Block | None = None
        self._clocks: list[BlockClock] = []
        self._gaps: list[Gap] = []
        self._events: list[StoredEvent] = []
        self._last_clock: BlockClock | None = None
        self._end_index: int | None = None
        self._samples = 0
        self._gap_count = 0
        self._missing = 0
        self._first_t: float | None = None
        self._last_t = 0.0
        self._last_attempt = time.monotonic()
        self._closed = False

    # ---------------------------------------------------------------- adding

    def append(self, block: SampleBlock) -> None:
        """Add a block of samples (indices after everything added before)."""
        if len(block) == 0:
            return
        raw = block_raw(block)
        flags = storage_flags(raw)
        index = block.samples["index"]
        t = block.samples["t_s"]
        clock = block.clock or BlockClock(int(index[0]), float(t[0]), _period(t, block.rate_hz))
        residual = np.round((t - clock.times(index)) * 1e6).astype(np.int32)
        residuals = None if not residual.any() else residual
        with self._state_lock:
            self._check_open()
            if self._end_index is not None and int(index[0]) < self._end_index:
                raise StoreError(
                    f"session {self.session_id}: samples from index {int(index[0])} arrive "
                    f"after index {self._end_index - 1}; blocks must come in index order"
                )
            if clock != self._last_clock:
                self._clocks.append(clock)
                self._last_clock = clock
            cuts = np.flatnonzero(np.diff(flags)) + 1
            for part in np.split(np.arange(len(raw)), cuts):
                self._add_samples(
                    int(index[part[0]]),
                    int(flags[part[0]]),
                    raw[part],
                    None if residuals is None else residuals[part],
                )
            self._end_index = int(index[-1]) + 1
            self._samples += len(raw)
            self._first_t = float(t[0]) if self._first_t is None else self._first_t
            self._last_t = max(self._last_t, float(t[-1]))

    def add_gap(self, gap: Gap) -> None:
        with self._state_lock:
            self._check_open()
            self._seal_open()
            self._gaps.append(gap)
            self._gap_count += 1
            self._missing += gap.missing
            self._end_index = max(self._end_index or gap.end_index, gap.end_index)
            self._last_t = max(self._last_t, gap.end_s)

    def add(self, item: SampleBlock | Gap) -> None:
        """A stream item: a block or a gap."""
        if isinstance(item, Gap):
            self.add_gap(item)
        else:
            self.append(item)

    def add_event(self, event: Event | StoredEvent) -> None:
        stored = StoredEvent.from_event(event) if isinstance(event, Event) else event
        with self._state_lock:
            self._check_open()
            self._events.append(stored)

    @property
    def pending_samples(self) -> int:
        with self._state_lock:
            sealed = sum(b.count for b in self._sealed)
            return sealed + (self._open.count if self._open else 0)

    # ---------------------------------------------------------------- committing

    def seconds_until_due(self) -> float:
        return max(0.0, self._last_attempt + self.commit_interval_s - time.monotonic())

    def commit_if_due(self) -> bool:
        if self.seconds_until_due() > 0:
            return False
        self.commit()
        return True

    def commit(self) -> None:
        """Write everything pending in one transaction (raises StoreError, keeps data)."""
        with self._db_lock:
            self._commit(final=False)

    def close(self, state: str = "finished") -> None:
        """Write the rest, mark the session ``finished`` (or ``interrupted``), release it."""
        if self._closed:
            return
        with self._db_lock:
            with self._state_lock:
                self._seal_open()
            self._commit(final=True, state=state)
            self._closed = True
            self._lock.release()
            self._conn.close()

    def abandon(self) -> None:
        """Stop without writing more (after an unrecoverable error); the session
        stays 'recording' until the next open marks it interrupted."""
        if not self._closed:
            self._closed = True
            self._lock.release()
            self._conn.close()

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        # Ctrl-C is how a user ends a recording; any other exception interrupted it.
        finished = kind is None or issubclass(kind, KeyboardInterrupt)
        try:
            self.close("finished" if finished else "interrupted")
        except StoreError:
            self.abandon()
            if finished:
                raise

    # ---------------------------------------------------------------- internals

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"session {self.session_id}: the recorder is closed")

    def _add_samples(
        self, first: int, flags: int, raw: RawSamples, residual: npt.NDArray[np.int32] | None
    ) -> None:
        block = self._open
        if block is not None and (block.end_index != first or block.flags != flags):
            self._seal_open()
            block = None
        offset = 0
        while offset < len(raw):
            if block is None:
                block = _Block(first + offset, flags)
                self._open = block
            take = min(BLOCK_SAMPLES - block.count, len(raw) - offset)
            block.raws.append(raw[offset : offset + take])
            block.residuals.append(None if residual is None else residual[offset : offset + take])
            block.count += take
            offset += take
            if block.count == BLOCK_SAMPLES:
                self._seal_open()
                block = None

    def _seal_open(self) -> None:
        if self._open is not None and self._open.count:
            self._sealed.append(self._open)
        self._open = None

    def _commit(self, *, final: bool, state: str | None = None) -> None:
        if self._closed:
            raise StoreError(f"session {self.session_id}: the recorder is closed")
        with self._state_lock:  # snapshot; appends may continue while we write
            sealed, clocks = list(self._sealed), list(self._clocks)
            gaps, events = list(self._gaps), list(self._events)
            open_row = self._open.row() if self._open is not None else None
            summary = (
                self._samples,
                self._gap_count,
                self._missing,
                self._last_t - (self._first_t or 0.0),
            )
        now = time.time()
        self._last_attempt = time.monotonic()  # a failed commit is retried one interval later
        conn = self._conn
        sid = self.session_id
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT OR REPLACE INTO clocks VALUES (?, ?, ?, ?)",
                [(sid, c.first_index, c.t0_s, c.period_s) for c in clocks],
            )
            conn.executemany(
                "INSERT INTO sample_blocks (session_id, first_index, count, flags, samples, "
                "temperatures, time_residuals) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(sid, *b.row()) for b in sealed],
            )
            if open_row is None:
                conn.execute("DELETE FROM open_blocks WHERE session_id = ?", (sid,))
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO open_blocks VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (sid, *open_row),
                )
            conn.executemany(
                "INSERT INTO gaps VALUES (?, ?, ?, ?, ?, ?)",
                [(sid, g.first_index, g.end_index, g.start_s, g.end_s, g.cause) for g in gaps],
            )
            conn.executemany(
                "INSERT INTO events (session_id, t_s, kind, level, value, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (
                        sid,
                        e.t_s,
                        e.kind,
                        e.level,
                        e.value,
                        None if not e.data else json.dumps(e.data),
                    )
                    for e in events
                ],
            )
            conn.execute(
                "UPDATE sessions SET sample_count = ?, gap_count = ?, missing_count = ?, "
                "duration_s = ?, last_commit_at = ? WHERE id = ?",
                (*summary, now, sid),
            )
            if final:
                conn.execute(
                    "UPDATE sessions SET state = ?, ended_at = ? WHERE id = ?", (state, now, sid)
                )
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                    conn.execute("ROLLBACK")
            error = translate(err, self._path, f"save session {sid}")
            self.last_error = error
            raise error from None
        self.last_error = None
        with self._state_lock:
            del self._sealed[: len(sealed)]
            del self._clocks[: len(clocks)]
            del self._gaps[: len(gaps)]
            del self._events[: len(events)]


def _period(t: npt.NDArray[np.float64], rate_hz: float) -> float:
    if len(t) < 2:
        return 1.0 / rate_hz
    return float((t[-1] - t[0]) / (len(t) - 1))


def _json(data: Mapping[str, Any] | None) -> str | None:
    return json.dumps(dict(data)) if data else None
