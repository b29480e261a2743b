"""Importing a session file (CSV + sidecar) into the database.

Imported samples have no wire integers, so they are quantised to the
protocol's resolution (pressure 1/16 Pa, temperature 0.01 °C, quaternion
components ≈ 2.2·10⁻⁵) and get indices on the nominal-rate grid,
``round((t_s − t_s[0]) · rate)``; jumps in that grid become gaps (cause
``lost``). Times are kept to 1 µs (the session CSV's own precision).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import replace
from datetime import datetime
from typing import Final

import numpy as np

from spineball.samples import SAMPLE_DTYPE, SESSION_COLUMNS, BlockClock, Gap, SampleBlock
from spineball.sessionfile import SessionData
from spineball.store.database import Database
from spineball.store.errors import StoreError

#: Sidecar keys an export derives from the database; re-importing does not keep them
#: (the new session gets its own id, source, gaps and start; its quaternions are body frame).
_DERIVED_KEYS: Final = ("started_at", "gaps", "notes", "session_id", "source", "orientation")


def import_session(
    db: Database, data: SessionData, *, device_id: int | None = None, notes: str = ""
) -> int:
    """Store ``data`` as a finished session with source ``import``; returns its id."""
    samples = data.samples
    rate = data.meta.sample_rate_hz
    t = samples["t_s"]
    n = len(samples)
    index = np.round((t - t[0]) * rate).astype(np.int64) if n else np.empty(0, np.int64)
    if n > 1 and np.any(np.diff(index) < 1):
        index = np.arange(n, dtype=np.int64)  # irregular times: number samples in order
    full = np.empty(n, dtype=SAMPLE_DTYPE)
    full["index"] = index
    for name in SESSION_COLUMNS:
        full[name] = samples[name]
    started_at = _started_at(data) or time.time()
    meta = replace(
        data.meta, extra={k: v for k, v in data.meta.extra.items() if k not in _DERIVED_KEYS}
    )
    clock = BlockClock(0, float(t[0]) if n else 0.0, 1.0 / rate)
    recorder = db.start_session(
        meta, device_id=device_id, source="import", started_at=started_at, notes=notes
    )
    # All or nothing: the recorder commits only at close, in one transaction; any
    # failure (bad values, disk full, Ctrl-C) removes the session again. A process
    # killed meanwhile leaves a 'recording' import that the next open removes.
    try:
        cuts = np.flatnonzero(np.diff(index) > 1) + 1
        previous_end: int | None = None
        for part in np.split(np.arange(n), cuts) if n else []:
            first = int(index[part[0]])
            if previous_end is not None:
                recorder.add_gap(
                    Gap(previous_end, first, clock.time(previous_end), clock.time(first), "lost")
                )
            try:
                recorder.append(SampleBlock(full[part], rate, clock=clock))
            except ValueError as err:
                raise StoreError(f"cannot import: {err}") from None
            previous_end = int(index[part[-1]]) + 1
        recorder.close()
    except BaseException:
        recorder.abandon()
        with contextlib.suppress(StoreError):  # then the next open removes it
            db.delete_session(recorder.session_id)
        raise
    return recorder.session_id


def _started_at(data: SessionData) -> float | None:
    value = data.meta.extra.get("started_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None
