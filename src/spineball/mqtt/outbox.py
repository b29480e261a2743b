"""Messages that must not be lost (session summaries, recent alerts) wait here on disk.

A SQLite file in the data dir: a message is written before the caller gets
control back, sent when the broker is reachable, and marked delivered only
after the broker acknowledged it (QoS ≥ 1). Each message has a key
(``session_id`` / ``alert_id``) that is unique per ball and kind, and
delivered rows are kept for a while, so handing the same summary in again —
say after the client process restarted — does not send it twice.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

Kind = Literal["summary", "alert"]

#: Undelivered alerts kept per ball while the broker is down: the most recent
#: ones matter; a day of lumbar warnings replayed to a clinic screen does not help.
MAX_PENDING_ALERTS: Final = 50
#: Delivered rows remembered for duplicate detection.
KEEP_DELIVERED: Final = 1000

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ball_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    retain INTEGER NOT NULL,
    created_unix_s REAL NOT NULL,
    delivered_unix_s REAL,
    UNIQUE (ball_id, kind, key)
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (ball_id, delivered_unix_s, id);
"""


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    ball_id: str
    kind: Kind
    key: str
    topic: str
    payload: bytes
    retain: bool


class Outbox:
    """A durable queue of outgoing messages. Raises ``sqlite3.Error`` on disk trouble."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        # autocommit mode; every write below is its own short transaction
        self._db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a summary acknowledged to the caller survives a power cut
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def put(
        self, ball_id: str, kind: Kind, key: str, topic: str, payload: bytes, *, retain: bool
    ) -> bool:
        """Queue a message; False if this (ball, kind, key) was queued or sent before."""
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outbox "
                "(ball_id, kind, key, topic, payload, retain, created_unix_s) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ball_id, kind, key, topic, payload, int(retain), time.time()),
            )
            if cursor.rowcount and kind == "alert":
                self._db.execute(
                    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE ball_id = ? "
                    "AND kind = 'alert' AND delivered_unix_s IS NULL "
                    "ORDER BY id DESC LIMIT -1 OFFSET ?)",
                    (ball_id, MAX_PENDING_ALERTS),
                )
        return bool(cursor.rowcount)

    def pending(self, ball_id: str, limit: int = 100) -> list[OutboxMessage]:
        rows = self._db.execute(
            "SELECT id, ball_id, kind, key, topic, payload, retain FROM outbox "
            "WHERE ball_id = ? AND delivered_unix_s IS NULL ORDER BY id LIMIT ?",
            (ball_id, limit),
        ).fetchall()
        return [
            OutboxMessage(
                id=r[0],
                ball_id=r[1],
                kind=r[2],
                key=r[3],
                topic=r[4],
                payload=bytes(r[5]),
                retain=bool(r[6]),
            )
            for r in rows
        ]

    def pending_count(self, ball_id: str) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM outbox WHERE ball_id = ? AND delivered_unix_s IS NULL",
            (ball_id,),
        ).fetchone()
        return int(row[0])

    def mark_delivered(self, message_id: int) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "UPDATE outbox SET delivered_unix_s = ? WHERE id = ?", (time.time(), message_id)
            )
            self._db.execute(
                "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox "
                "WHERE delivered_unix_s IS NOT NULL ORDER BY id DESC LIMIT -1 OFFSET ?)",
                (KEEP_DELIVERED,),
            )
