"""Schema versions: forward migrations, refusing newer or foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from spineball.store import SCHEMA_VERSION, Database, StoreError
from spineball.store.codec import pack_int16, pack_samples
from spineball.store.database import connect
from spineball.store.schema import MIGRATIONS, migrate, schema_version
from tests.stream.ball import make_raw


def make_v1(path: Path) -> None:
    """A database as the first release wrote it, with one session of data."""
    conn = connect(path)
    assert migrate(conn, target=1) == [1]
    raw = make_raw(250)
    rows = [(1, 0, 100, raw[:100]), (1, 100, 100, raw[100:200])]
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO sessions (id, started_at, state, source, sample_rate_hz, ball_radius_m, "
        "rest_gauge_kpa, user_height_m, user_mass_kg) "
        "VALUES (1, 1700000000, 'finished', 'ble', 100, 0.115, 13, 1.75, 75)"
    )
    for sid, first, count, part in rows:
        conn.execute(
            "INSERT INTO sample_blocks (session_id, first_index, count, flags, samples, "
            "temperatures) VALUES (?, ?, ?, 32, ?, ?)",
            (sid, first, count, pack_samples(part), pack_int16(part["temperature_raw"])),
        )
    conn.execute(  # the block still being filled when that version stopped
        "INSERT INTO open_blocks VALUES (1, 230, 20, 32, ?, ?, NULL)",
        (pack_samples(raw[230:250]), pack_int16(raw[230:250]["temperature_raw"])),
    )
    conn.execute("INSERT INTO gaps VALUES (1, 200, 230, 2.0, 2.3, 'overwritten')")
    conn.execute("INSERT INTO clocks VALUES (1, 0, 0.0, 0.01)")
    conn.execute("INSERT INTO clocks VALUES (1, 150, 1.5, 0.0100002)")
    conn.execute("COMMIT")
    conn.close()


def test_a_v1_database_is_migrated_and_its_sessions_summarised(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_v1(path)
    with Database.open(path) as db:
        assert schema_version(db._conn) == SCHEMA_VERSION == 2
        summary = db.session(1)
        assert (summary.samples, summary.gaps, summary.missing) == (220, 1, 30)
        assert summary.duration_s == pytest.approx(1.5 + 99 * 0.0100002)
        samples = db.read_samples(1)
        assert np.array_equal(
            samples["index"], np.concatenate([np.arange(200), np.arange(230, 250)])
        )
        assert samples["t_s"][-1] == 1.5 + 99 * 0.0100002


def test_a_failing_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    Database.open(path).close()

    def broken_v3(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE sessions ADD COLUMN rating INTEGER")
        conn.execute("UPDATE no_such_table SET x = 1")

    conn = connect(path)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn, target=3, migrations={**MIGRATIONS, 3: broken_v3})
    assert schema_version(conn) == 2
    columns = [r[1] for r in conn.execute("PRAGMA table_info(sessions)")]
    assert "rating" not in columns
    conn.close()


def test_a_newer_or_foreign_database_is_refused_clearly(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    Database.open(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    with pytest.raises(StoreError, match="schema version 7 is newer than this spineball"):
        Database.open(newer)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="not a spineball database"):
        Database.open(foreign)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StoreError, match="not a spineball database or damaged"):
        Database.open(garbage)
    with pytest.raises(StoreError, match="no such database"):
        Database.open(tmp_path / "absent.db", create=False)
