"""SQLite recording and reading of sessions (WAL, crash-safe, versioned schema).

Pure Python (stdlib sqlite3) + numpy; see docs/storage.md for the schema.

    db = Database.open()                       # config.data_dir()/spineball.db
    with db.start_session(meta, device_id=…) as recorder:
        recorder.append(block) / add_gap(gap) / add_event(event)   # commits ≤ every 0.5 s
    db.read_samples(recorder.session_id)       # SAMPLE_DTYPE, exactly as recorded
    db.session_data(recorder.session_id)       # SessionData for export / analysis
"""

from spineball.store.database import Database, default_path
from spineball.store.errors import StoreError, StoreFullError, StoreReadOnlyError
from spineball.store.importer import import_session
from spineball.store.live import record_stream
from spineball.store.models import (
    ALL_EVENT_KINDS,
    APP_EVENT_KINDS,
    Calibration,
    DeviceInfo,
    DeviceRecord,
    SessionState,
    SessionSummary,
    StoredEvent,
)
from spineball.store.recorder import BLOCK_SAMPLES, Recorder
from spineball.store.schema import SCHEMA_VERSION

__all__ = [
    "ALL_EVENT_KINDS",
    "APP_EVENT_KINDS",
    "BLOCK_SAMPLES",
    "SCHEMA_VERSION",
    "Calibration",
    "Database",
    "DeviceInfo",
    "DeviceRecord",
    "Recorder",
    "SessionState",
    "SessionSummary",
    "StoreError",
    "StoreFullError",
    "StoreReadOnlyError",
    "StoredEvent",
    "default_path",
    "import_session",
    "record_stream",
]
