"""Reading sessions back: exactly the stored samples, gaps, events and metadata.

Every read of one session happens in one read transaction, so a reader that
opens a session while it is being recorded sees a consistent snapshot (WAL:
readers never block the recorder and are never blocked by it).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from spineball.protocol import RAW_SAMPLE_DTYPE, raw_to_decoded
from spineball.samples import SAMPLE_DTYPE, SESSION_COLUMNS, SESSION_DTYPE, Gap, GapCause, Samples
from spineball.sessionfile import (
    Ball,
    CalibrationPoint,
    Event,
    SessionData,
    SessionMeta,
    User,
)
from spineball.store.codec import unpack_int16, unpack_int32, unpack_samples
from spineball.store.models import DeviceInfo, DeviceRecord, StoredEvent

RawSamples = npt.NDArray[np.void]
_VALUE_FIELDS: Final = ("pressure_pa", "temperature_c", "qw", "qx", "qy", "qz")

_BLOCKS_SQL: Final = """
    SELECT first_index, count, flags, samples, temperatures, time_residuals
    FROM sample_blocks WHERE session_id = ?1
    UNION ALL
    SELECT first_index, count, flags, samples, temperatures, time_residuals
    FROM open_blocks WHERE session_id = ?1
    ORDER BY first_index
"""


def read_raw(
    conn: sqlite3.Connection, session_id: int
) -> tuple[npt.NDArray[np.int64], RawSamples, npt.NDArray[np.int32] | None]:
    """(session indices, wire integers, time residuals in µs or None) of every stored sample.

    ``raw["index"]`` is the session index modulo 2³² (the ball's own index
    for a session's first run of the ball).
    """
    rows = conn.execute(_BLOCKS_SQL, (session_id,)).fetchall()
    counts = np.array([r[1] for r in rows], dtype=np.int64)
    total = int(counts.sum())
    raw = np.zeros(total, dtype=RAW_SAMPLE_DTYPE)
    if total == 0:
        return np.empty(0, dtype=np.int64), raw, None
    firsts = np.array([r[0] for r in rows], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    index = np.repeat(firsts - starts, counts) + np.arange(total)
    unpack_samples(b"".join(r[3] for r in rows), raw)
    raw["index"] = index & 0xFFFFFFFF
    raw["flags"] = np.repeat(np.array([r[2] for r in rows], dtype=np.uint8), counts)
    raw["temperature_raw"] = np.concatenate([unpack_int16(r[4]) for r in rows])
    residuals = None
    if any(r[5] is not None for r in rows):
        residuals = np.concatenate(
            [np.zeros(r[1], np.int32) if r[5] is None else unpack_int32(r[5]) for r in rows]
        )
    return index, raw, residuals


def session_times(
    conn: sqlite3.Connection,
    session_id: int,
    index: npt.NDArray[np.int64],
    residuals_us: npt.NDArray[np.int32] | None = None,
) -> npt.NDArray[np.float64]:
    """``t_s`` of session indices from the stored clocks (bit-exact with the stream's)."""
    clocks = conn.execute(
        "SELECT first_index, t0_s, period_s FROM clocks WHERE session_id = ? ORDER BY first_index",
        (session_id,),
    ).fetchall()
    if not clocks:
        return np.zeros(len(index))
    first = np.array([c[0] for c in clocks], dtype=np.int64)
    t0 = np.array([c[1] for c in clocks])
    period = np.array([c[2] for c in clocks])
    which = np.clip(np.searchsorted(first, index, side="right") - 1, 0, None)
    t: npt.NDArray[np.float64] = (
        t0[which] + (index - first[which]).astype(np.float64) * period[which]
    )
    if residuals_us is not None:
        t = t + residuals_us * 1e-6
    return t


def read_samples(conn: sqlite3.Connection, session_id: int) -> Samples:
    index, raw, residuals = read_raw(conn, session_id)
    samples = np.empty(len(index), dtype=SAMPLE_DTYPE)
    samples["index"] = index
    samples["t_s"] = session_times(conn, session_id, index, residuals)
    decoded = raw_to_decoded(raw)
    for name in _VALUE_FIELDS:
        samples[name] = decoded[name]
    return samples


def read_gaps(conn: sqlite3.Connection, session_id: int) -> list[Gap]:
    rows = conn.execute(
        "SELECT first_index, end_index, start_s, end_s, cause FROM gaps "
        "WHERE session_id = ? ORDER BY first_index",
        (session_id,),
    ).fetchall()
    return [Gap(r[0], r[1], r[2], r[3], cast(GapCause, r[4])) for r in rows]


def read_events(conn: sqlite3.Connection, session_id: int) -> list[StoredEvent]:
    rows = conn.execute(
        "SELECT t_s, kind, level, value, data FROM events WHERE session_id = ? ORDER BY t_s, id",
        (session_id,),
    ).fetchall()
    return [
        StoredEvent(r[0], r[1], r[2], r[3], None if r[4] is None else json.loads(r[4]))
        for r in rows
    ]


def device_from_row(row: Sequence[Any]) -> DeviceRecord:
    """A devices row in column order id, address, name, serial, model, firmware, first, last."""
    return DeviceRecord(row[0], DeviceInfo(*row[1:6]), row[6], row[7])


def calibration_points(
    conn: sqlite3.Connection, calibration_id: int
) -> tuple[CalibrationPoint, ...]:
    rows = conn.execute(
        "SELECT load_n, pressure_pa FROM calibration_points "
        "WHERE calibration_id = ? ORDER BY rowid",
        (calibration_id,),
    ).fetchall()
    return tuple(CalibrationPoint(r[0], r[1]) for r in rows)


def session_meta(conn: sqlite3.Connection, session_id: int) -> SessionMeta:
    """The session's sidecar metadata (no samples).

    Contract events go to ``events``; the app's own events, gaps, the device
    and the start time go to sidecar keys the contract lets readers ignore
    (``app_events``, ``gaps``, ``device``, ``started_at``, ``notes``).
    """
    row = conn.execute(
        "SELECT started_at, sample_rate_hz, ball_radius_m, rest_gauge_kpa, user_height_m, "
        "user_mass_kg, calibration_id, extra, notes, device_id FROM sessions WHERE id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        raise KeyError(session_id)
    stored_events = read_events(conn, session_id)
    contract = [e for e in (s.to_event() for s in stored_events) if e is not None]
    extra: dict[str, Any] = json.loads(row[7])
    extra["started_at"] = datetime.fromtimestamp(row[0], UTC).isoformat()
    app = [e.to_json() for e in stored_events if e.to_event() is None]
    if app:
        extra["app_events"] = app
    gaps = read_gaps(conn, session_id)
    if gaps:
        extra["gaps"] = [
            {"start_s": g.start_s, "end_s": g.end_s, "missing": g.missing, "cause": g.cause}
            for g in gaps
        ]
    if row[9] is not None:
        device = conn.execute(
            "SELECT address, name, serial, model, firmware FROM devices WHERE id = ?", (row[9],)
        ).fetchone()
        if device is not None:
            keys = ("address", "name", "serial", "model", "firmware")
            extra["device"] = {k: v for k, v in zip(keys, device, strict=True) if v is not None}
    if row[8]:
        extra["notes"] = row[8]
    return SessionMeta(
        sample_rate_hz=row[1],
        ball=Ball(row[2], row[3]),
        user=User(row[4], row[5]),
        calibration=() if row[6] is None else calibration_points(conn, row[6]),
        events=tuple(sorted(contract, key=_event_time)),
        extra=extra,
    )


def session_data(conn: sqlite3.Connection, session_id: int) -> SessionData:
    """The session as the interchange contract sees it (for export and analysis):
    :func:`session_meta` and the samples."""
    meta = session_meta(conn, session_id)
    samples = read_samples(conn, session_id)
    out = np.empty(len(samples), dtype=SESSION_DTYPE)
    for name in SESSION_COLUMNS:
        out[name] = samples[name]
    return SessionData(meta, out)


def _event_time(event: Event) -> float:
    return event.t_s
