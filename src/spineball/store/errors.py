"""Store failures as one clear line each (the CLI prints them as they are)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(RuntimeError):
    """The database cannot do what was asked; the message says why and what to do."""


class StoreFullError(StoreError):
    """Writing failed: the disk is full, a file-size limit was reached, or a write error."""


class StoreReadOnlyError(StoreError):
    """The database can be read but not written."""


def translate(err: sqlite3.Error, path: Path, action: str) -> StoreError:
    """A clear StoreError for an sqlite3 error raised while doing ``action``."""
    text = str(err)
    code = getattr(err, "sqlite_errorname", "")
    if code.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreFullError(
            f"{path}: cannot {action}: the disk is full ({text}); free some space — "
            "everything saved before is intact"
        )
    if code == "SQLITE_IOERR_WRITE":
        return StoreFullError(
            f"{path}: cannot {action}: writing failed ({text}: the disk may be full, a file-size "
            "limit reached or the drive failing); everything saved before is intact"
        )
    if code.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreReadOnlyError(
            f"{path}: cannot {action}: the database is read-only ({text}); "
            "use a writable file with --db or fix its permissions"
        )
    if code.startswith("SQLITE_CORRUPT") or code == "SQLITE_NOTADB" or "not a database" in text:
        return StoreError(f"{path}: cannot {action}: not a spineball database or damaged ({text})")
    if code.startswith("SQLITE_BUSY") or "locked" in text:
        return StoreError(f"{path}: cannot {action}: the database stayed busy ({text}); try again")
    return StoreError(f"{path}: cannot {action}: {text}")
