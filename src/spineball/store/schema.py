"""The database schema and its forward migrations (docs/storage.md).

``PRAGMA user_version`` holds the schema version. Opening a database runs
every migration from its version to :data:`SCHEMA_VERSION`, each in its own
transaction (SQLite DDL is transactional), so a failed step leaves the
previous version intact. A database newer than this code is refused rather
than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

V1: Final = """
CREATE TABLE devices (
    id          INTEGER PRIMARY KEY,
    address     TEXT NOT NULL UNIQUE,
    name        TEXT,
    serial      TEXT,
    model       TEXT,
    firmware    TEXT,
    first_seen  REAL NOT NULL,
    last_seen   REAL NOT NULL
);
CREATE TABLE calibrations (
    id              INTEGER PRIMARY KEY,
    device_id       INTEGER REFERENCES devices(id) ON DELETE SET NULL,
    rest_gauge_kpa  REAL NOT NULL,
    ball_radius_m   REAL,
    created_at      REAL NOT NULL,
    note            TEXT NOT NULL DEFAULT ''
);
CREATE TABLE calibration_points (
    calibration_id  INTEGER NOT NULL REFERENCES calibrations(id) ON DELETE CASCADE,
    load_n          REAL NOT NULL,
    pressure_pa     REAL NOT NULL
);
CREATE INDEX calibration_points_by_calibration ON calibration_points(calibration_id);
CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    started_at      REAL NOT NULL,
    ended_at        REAL,
    state           TEXT NOT NULL CHECK (state IN ('recording', 'finished', 'interrupted')),
    source          TEXT NOT NULL,
    device_id       INTEGER REFERENCES devices(id) ON DELETE SET NULL,
    calibration_id  INTEGER REFERENCES calibrations(id) ON DELETE SET NULL,
    sample_rate_hz  REAL NOT NULL,
    ball_radius_m   REAL NOT NULL,
    rest_gauge_kpa  REAL NOT NULL,
    user_height_m   REAL NOT NULL,
    user_mass_kg    REAL NOT NULL,
    extra           TEXT NOT NULL DEFAULT '{}',
    notes           TEXT NOT NULL DEFAULT ''
);
CREATE TABLE sample_blocks (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    first_index     INTEGER NOT NULL,
    count           INTEGER NOT NULL,
    flags           INTEGER NOT NULL,
    samples         BLOB NOT NULL,
    temperatures    BLOB NOT NULL,
    time_residuals  BLOB
);
CREATE UNIQUE INDEX sample_blocks_by_session ON sample_blocks(session_id, first_index);
CREATE TABLE open_blocks (
    session_id      INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    first_index     INTEGER NOT NULL,
    count           INTEGER NOT NULL,
    flags           INTEGER NOT NULL,
    samples         BLOB NOT NULL,
    temperatures    BLOB NOT NULL,
    time_residuals  BLOB
);
CREATE TABLE clocks (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    first_index     INTEGER NOT NULL,
    t0_s            REAL NOT NULL,
    period_s        REAL NOT NULL,
    PRIMARY KEY (session_id, first_index)
) WITHOUT ROWID;
CREATE TABLE gaps (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    first_index     INTEGER NOT NULL,
    end_index       INTEGER NOT NULL,
    start_s         REAL NOT NULL,
    end_s           REAL NOT NULL,
    cause           TEXT NOT NULL,
    PRIMARY KEY (session_id, first_index)
) WITHOUT ROWID;
CREATE TABLE events (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    t_s             REAL NOT NULL,
    kind            TEXT NOT NULL,
    level           TEXT,
    value,
    data            TEXT
);
CREATE INDEX events_by_session ON events(session_id, t_s);
"""

#: v2: per-session summary kept current by the recorder, so listing sessions
#: never scans sample blocks. Existing sessions are summarised from their rows.
V2: Final = """
ALTER TABLE sessions ADD COLUMN sample_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN gap_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN missing_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN duration_s REAL NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN last_commit_at REAL;
UPDATE sessions SET
    sample_count = (
        SELECT COALESCE(SUM(count), 0) FROM (
            SELECT count FROM sample_blocks WHERE session_id = sessions.id
            UNION ALL SELECT count FROM open_blocks WHERE session_id = sessions.id)),
    gap_count = (SELECT COUNT(*) FROM gaps WHERE session_id = sessions.id),
    missing_count = (
        SELECT COALESCE(SUM(end_index - first_index), 0) FROM gaps
        WHERE session_id = sessions.id);
WITH last_sample AS (
    SELECT session_id, MAX(first_index + count - 1) AS idx FROM (
        SELECT session_id, first_index, count FROM sample_blocks
        UNION ALL SELECT session_id, first_index, count FROM open_blocks)
    GROUP BY session_id)
UPDATE sessions SET duration_s = COALESCE((
    SELECT c.t0_s + (l.idx - c.first_index) * c.period_s
    FROM last_sample AS l JOIN clocks AS c ON c.session_id = l.session_id
    WHERE l.session_id = sessions.id AND c.first_index <= l.idx
    ORDER BY c.first_index DESC LIMIT 1), 0);
"""

Migration = Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Migration:
    def run(conn: sqlite3.Connection) -> None:
        for statement in _statements(sql):
            conn.execute(statement)

    return run


def _statements(sql: str) -> list[str]:
    """Split a script into statements (executescript would commit mid-migration)."""
    out, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return [s for s in out if s]


#: version reached → the step that reaches it from the version before.
MIGRATIONS: Final[dict[int, Migration]] = {1: _script(V1), 2: _script(V2)}
SCHEMA_VERSION: Final = max(MIGRATIONS)


class SchemaTooNewError(Exception):
    def __init__(self, found: int) -> None:
        super().__init__(
            f"database schema version {found} is newer than this spineball understands "
            f"({SCHEMA_VERSION}); upgrade spineball"
        )
        self.found = found


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    target: int = SCHEMA_VERSION,
    migrations: dict[int, Migration] | None = None,
) -> list[int]:
    """Bring the database to ``target``; returns the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``): each step
    runs in its own explicit transaction together with its version bump.
    """
    steps = MIGRATIONS if migrations is None else migrations
    current = schema_version(conn)
    if current > max(steps):
        raise SchemaTooNewError(current)
    applied = []
    for version in range(current + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(conn) >= version:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            steps[version](conn)
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
