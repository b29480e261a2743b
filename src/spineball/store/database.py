"""The spineball database: open (migrate, recover), catalogue, sessions.

One file (``config.data_dir()/spineball.db`` unless a path is given) in WAL
mode: any number of readers work while a recorder writes, in this process or
others. ``synchronous=NORMAL`` — in WAL mode a commit survives the process
dying at any instant; after a power cut the last commits may be missing but
the file is never damaged.

Opening a database brings its schema up to date and marks sessions whose
recorder died (kill -9, crash, power loss) as ``interrupted``, keeping every
sample they committed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from spineball.config import data_dir
from spineball.samples import Gap, Samples
from spineball.sessionfile import CalibrationPoint, SessionData, SessionMeta
from spineball.store import reader
from spineball.store.errors import StoreError, StoreReadOnlyError, translate
from spineball.store.locks import RecordingLock, is_recording, remove_stale
from spineball.store.models import (
    Calibration,
    DeviceInfo,
    DeviceRecord,
    SessionState,
    SessionSummary,
    StoredEvent,
)
from spineball.store.recorder import DEFAULT_COMMIT_INTERVAL_S, Recorder
from spineball.store.schema import SCHEMA_VERSION, SchemaTooNewError, migrate, schema_version

T = TypeVar("T")

DB_FILE_NAME: Final = "spineball.db"
BUSY_TIMEOUT_MS: Final = 10_000
SOURCES: Final = ("ble", "virtual", "import")

_SUMMARY_SQL: Final = """
    SELECT s.id, s.started_at, s.ended_at, s.state, s.source, s.sample_rate_hz,
           s.sample_count, s.gap_count, s.missing_count, s.duration_s, s.notes, s.last_commit_at,
           d.id, d.address, d.name, d.serial, d.model, d.firmware, d.first_seen, d.last_seen
    FROM sessions AS s LEFT JOIN devices AS d ON d.id = s.device_id
"""


def default_path() -> Path:
    return data_dir() / DB_FILE_NAME


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A configured connection in autocommit mode (transactions are explicit)."""
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _readable(conn: sqlite3.Connection, path: Path) -> sqlite3.Connection:
    """A read-only connection that can read this WAL file.

    Reading a WAL database needs its ``-shm`` index; when the file is not ours
    and its directory is not writable, SQLite cannot create it. Then the file is
    read as immutable — right for a database nobody writes (the usual reason it
    is read-only), though a recording in progress by its owner would not show.
    """
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


class Database:
    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
        self._conn = conn
        self.path = path
        self.readonly = readonly

    @classmethod
    def open(
        cls, path: Path | str | None = None, *, readonly: bool = False, create: bool = True
    ) -> Database:
        """Open (and create, migrate, recover) the database.

        A file the process may not write is opened read-only: reading works,
        recording raises :class:`StoreReadOnlyError`.
        """
        target = Path(path) if path is not None else default_path()
        exists = target.exists()
        if not exists and (readonly or not create):
            raise StoreError(f"{target}: no such database")
        if exists and not readonly and not os.access(target, os.W_OK):
            readonly = True
        if not exists:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = connect(target, readonly=readonly)
            if readonly:
                conn = _readable(conn, target)
        except sqlite3.Error as err:
            raise translate(err, target, "open the database") from None
        db = cls(conn, target, readonly)
        try:
            db._prepare()
        except BaseException:
            conn.close()
            raise
        return db

    def _prepare(self) -> None:
        try:
            version = schema_version(self._conn)
            if (
                version == 0
                and self._conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0]
            ):
                raise StoreError(f"{self.path}: an SQLite file, but not a spineball database")
            if version != SCHEMA_VERSION:
                if self.readonly:
                    raise StoreReadOnlyError(
                        f"{self.path}: schema version {version} needs an upgrade to "
                        f"{SCHEMA_VERSION}, but the database is read-only"
                    )
                migrate(self._conn)
            if not self.readonly:
                self._recover_interrupted()
        except SchemaTooNewError as err:
            raise StoreError(f"{self.path}: {err}") from None
        except sqlite3.Error as err:
            raise translate(err, self.path, "open the database") from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---------------------------------------------------------------- recovery

    def _recover_interrupted(self) -> list[int]:
        rows = self._conn.execute(
            "SELECT id, last_commit_at, source FROM sessions WHERE state = 'recording'"
        ).fetchall()
        dead = [(r[0], r[2]) for r in rows if not is_recording(self.path, r[0], r[1])]
        for sid, source in dead:
            if source == "import":
                # An import is all or nothing: one that died part-way is removed.
                self._write(_delete_statements(sid), "remove an unfinished import")
                remove_stale(self.path, sid)
                continue
            self._write(
                [
                    (
                        "INSERT OR REPLACE INTO sample_blocks (session_id, first_index, count, "
                        "flags, samples, temperatures, time_residuals) SELECT session_id, "
                        "first_index, count, flags, samples, temperatures, time_residuals "
                        "FROM open_blocks WHERE session_id = ?",
                        (sid,),
                    ),
                    ("DELETE FROM open_blocks WHERE session_id = ?", (sid,)),
                    (
                        "UPDATE sessions SET state = 'interrupted', "
                        "ended_at = COALESCE(last_commit_at, started_at + duration_s) "
                        "WHERE id = ? AND state = 'recording'",
                        (sid,),
                    ),
                ],
                "mark an interrupted session",
            )
            remove_stale(self.path, sid)
        return [sid for sid, _ in dead]

    # ---------------------------------------------------------------- devices, calibrations

    def upsert_device(self, info: DeviceInfo) -> int:
        """Remember a ball (by address); returns its id. Known fields are updated."""
        now = time.time()
        self._require_writable("remember the ball")
        self._write(
            [
                (
                    "INSERT INTO devices (address, name, serial, model, firmware, first_seen, "
                    "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(address) DO UPDATE SET "
                    "name = COALESCE(excluded.name, name), serial = COALESCE(excluded.serial, "
                    "serial), model = COALESCE(excluded.model, model), firmware = "
                    "COALESCE(excluded.firmware, firmware), last_seen = excluded.last_seen",
                    (info.address, info.name, info.serial, info.model, info.firmware, now, now),
                )
            ],
            "remember the ball",
        )
        row = self._conn.execute("SELECT id FROM devices WHERE address = ?", (info.address,))
        return int(row.fetchone()[0])

    def devices(self) -> list[DeviceRecord]:
        rows = self._query(
            "SELECT id, address, name, serial, model, firmware, first_seen, last_seen "
            "FROM devices ORDER BY last_seen DESC"
        )
        return [reader.device_from_row(r) for r in rows]

    def add_calibration(
        self,
        points: Iterable[CalibrationPoint],
        *,
        rest_gauge_kpa: float,
        device_id: int | None = None,
        ball_radius_m: float | None = None,
        note: str = "",
    ) -> int:
        """Store (load, pressure) points taken on one ball at one inflation."""
        pts = list(points)
        if not pts:
            raise ValueError("a calibration needs at least one (load, pressure) point")
        self._require_writable("save the calibration")
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO calibrations (device_id, rest_gauge_kpa, ball_radius_m, created_at, "
                "note) VALUES (?, ?, ?, ?, ?)",
                (device_id, rest_gauge_kpa, ball_radius_m, time.time(), note),
            )
            cal_id = int(cast(int, cur.lastrowid))
            conn.executemany(
                "INSERT INTO calibration_points VALUES (?, ?, ?)",
                [(cal_id, p.load_n, p.pressure_pa) for p in pts],
            )
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            self._rollback()
            raise translate(err, self.path, "save the calibration") from None
        return cal_id

    def calibrations(self, device_id: int | None = None) -> list[Calibration]:
        """Newest first; only this ball's when ``device_id`` is given."""
        where, args = ("WHERE device_id = ?", (device_id,)) if device_id is not None else ("", ())
        rows = self._query(
            "SELECT id, device_id, rest_gauge_kpa, ball_radius_m, created_at, note "
            f"FROM calibrations {where} ORDER BY created_at DESC, id DESC",
            args,
        )
        return [
            Calibration(
                r[0], r[1], r[2], r[3], r[4], reader.calibration_points(self._conn, r[0]), r[5]
            )
            for r in rows
        ]

    def calibration_for(
        self, device_id: int, rest_gauge_kpa: float, tolerance_kpa: float = 0.5
    ) -> Calibration | None:
        """The newest calibration of this ball taken at (about) this inflation."""
        for cal in self.calibrations(device_id):
            if abs(cal.rest_gauge_kpa - rest_gauge_kpa) <= tolerance_kpa:
                return cal
        return None

    # ---------------------------------------------------------------- sessions

    def start_session(
        self,
        meta: SessionMeta,
        *,
        device_id: int | None = None,
        calibration_id: int | None = None,
        source: str = "ble",
        started_at: float | None = None,
        notes: str = "",
        commit_interval_s: float = DEFAULT_COMMIT_INTERVAL_S,
    ) -> Recorder:
        """Create a session in state ``recording`` and return its recorder.

        ``meta`` gives the rate, ball, user and extra sidecar keys; its events
        and calibration points are stored too (the points as a calibration of
        this ball unless ``calibration_id`` names one).
        """
        if source not in SOURCES:
            raise ValueError(f"session source {source!r} is not one of {SOURCES}")
        self._require_writable("record a session")
        if calibration_id is None and meta.calibration:
            calibration_id = self.add_calibration(
                meta.calibration,
                rest_gauge_kpa=meta.ball.rest_gauge_kpa,
                device_id=device_id,
                ball_radius_m=meta.ball.radius_m,
            )
        conn = connect(self.path)
        lock: RecordingLock | None = None
        try:
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO sessions (started_at, state, source, device_id, calibration_id, "
                "sample_rate_hz, ball_radius_m, rest_gauge_kpa, user_height_m, user_mass_kg, "
                "extra, notes, last_commit_at) "
                "VALUES (?, 'recording', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time() if started_at is None else started_at,
                    source,
                    device_id,
                    calibration_id,
                    meta.sample_rate_hz,
                    meta.ball.radius_m,
                    meta.ball.rest_gauge_kpa,
                    meta.user.height_m,
                    meta.user.mass_kg,
                    json.dumps(dict(meta.extra)),
                    notes,
                    time.time(),
                ),
            )
            sid = int(cast(int, cur.lastrowid))
            # Hold the lock before the row becomes visible: no reader may see it unlocked.
            lock = RecordingLock(self.path, sid)
            lock.acquire()
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            if lock is not None:
                lock.release()
            conn.close()
            raise translate(err, self.path, "start a session") from None
        recorder = Recorder(conn, self.path, sid, lock, commit_interval_s)
        for event in meta.events:
            recorder.add_event(event)
        return recorder

    def sessions(self) -> list[SessionSummary]:
        """Every session, newest first."""
        rows = self._query(_SUMMARY_SQL + " ORDER BY s.started_at DESC, s.id DESC")
        return [self._summary(r) for r in rows]

    def session(self, session_id: int) -> SessionSummary:
        rows = self._query(_SUMMARY_SQL + " WHERE s.id = ?", (session_id,))
        if not rows:
            raise StoreError(f"{self.path}: no session {session_id}")
        return self._summary(rows[0])

    def _summary(self, r: tuple[Any, ...]) -> SessionSummary:
        state = cast(SessionState, r[3])
        if state == "recording" and not is_recording(self.path, r[0], r[11]):
            state = "interrupted"  # read-only: not marked in the file, but shown as it is
        device = None if r[12] is None else reader.device_from_row(r[12:20])
        return SessionSummary(
            r[0], r[1], r[2], state, r[4], r[5], r[6], r[7], r[8], r[9], device, r[10]
        )

    def read_samples(self, session_id: int) -> Samples:
        """Every stored sample (SAMPLE_DTYPE), exactly as recorded."""
        return self._read(lambda: reader.read_samples(self._conn, session_id), session_id)

    def read_gaps(self, session_id: int) -> list[Gap]:
        return self._read(lambda: reader.read_gaps(self._conn, session_id), session_id)

    def read_events(self, session_id: int) -> list[StoredEvent]:
        return self._read(lambda: reader.read_events(self._conn, session_id), session_id)

    def session_data(self, session_id: int) -> SessionData:
        """The session for export and analysis (interchange-contract shape)."""
        return self._read(lambda: reader.session_data(self._conn, session_id), session_id)

    def session_meta(self, session_id: int) -> SessionMeta:
        """The session's sidecar metadata without reading its samples."""
        return self._read(lambda: reader.session_meta(self._conn, session_id), session_id)

    def update_extra(self, session_id: int, values: Mapping[str, Any]) -> None:
        """Add or replace keys of the session's extra sidecar metadata (e.g. ``heading``)."""
        self._require_writable("update the session")
        self.session(session_id)
        try:
            extra = json.dumps(dict(values))
        except (TypeError, ValueError) as err:
            raise ValueError(f"session extra must be JSON: {err}") from None
        self._write(
            [
                (
                    "UPDATE sessions SET extra = json_patch(extra, ?) WHERE id = ?",
                    (extra, session_id),
                )
            ],
            "update the session",
        )

    def delete_session(self, session_id: int) -> None:
        """Remove a session and everything recorded for it (undoes a failed import).

        A calibration that belongs to no ball and no other session (an imported
        file's own points) goes with it.
        """
        self._require_writable("delete the session")
        self._write(_delete_statements(session_id), "delete the session")

    def set_notes(self, session_id: int, notes: str) -> None:
        self._require_writable("save the notes")
        self.session(session_id)
        self._write(
            [("UPDATE sessions SET notes = ? WHERE id = ?", (notes, session_id))], "save the notes"
        )

    # ---------------------------------------------------------------- internals

    def _read(self, fn: Callable[[], T], session_id: int) -> T:
        """Run ``fn`` in one read transaction (a consistent snapshot while recording)."""
        try:
            self._conn.execute("BEGIN")
            try:
                if (
                    self._conn.execute(
                        "SELECT 1 FROM sessions WHERE id = ?", (session_id,)
                    ).fetchone()
                    is None
                ):
                    raise StoreError(f"{self.path}: no session {session_id}")
                return fn()
            finally:
                self._conn.execute("COMMIT")
        except sqlite3.Error as err:
            raise translate(err, self.path, f"read session {session_id}") from None

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, args).fetchall()
        except sqlite3.Error as err:
            raise translate(err, self.path, "read the database") from None

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]], action: str) -> None:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            for sql, args in statements:
                self._conn.execute(sql, args)
            self._conn.execute("COMMIT")
        except sqlite3.Error as err:
            self._rollback()
            raise translate(err, self.path, action) from None

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._conn.execute("ROLLBACK")

    def _require_writable(self, action: str) -> None:
        if self.readonly:
            raise StoreReadOnlyError(
                f"{self.path}: cannot {action}: the database is read-only; "
                "use a writable file with --db or fix its permissions"
            )


def _delete_statements(session_id: int) -> list[tuple[str, tuple[Any, ...]]]:
    return [
        (
            "DELETE FROM calibrations WHERE device_id IS NULL AND id = "
            "(SELECT calibration_id FROM sessions WHERE id = ?1) AND NOT EXISTS "
            "(SELECT 1 FROM sessions WHERE calibration_id = calibrations.id AND id != ?1)",
            (session_id,),
        ),
        ("DELETE FROM sessions WHERE id = ?", (session_id,)),
    ]
