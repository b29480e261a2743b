"""A stored session as the interchange contract sees it: the one way in for export,
``spineball analyze ID``, history, summaries and reports.

Sessions recorded from a ball (source ``ble`` / ``virtual``) hold the ball's own
quaternions, gravity-referenced with an arbitrary heading (docs/protocol.md
§3.3). Everything written in the interchange format or analysed must be in the
body frame, so they are turned into it here: with the heading the live
analysis used when the recorder saved one (sessions ``extra["heading"]``),
otherwise with the heading the analysis estimates from the whole session
(``spineball.analysis.estimate_heading``; landmarks pick the sign). Imported
sessions already hold body-frame quaternions.

Samples come out at the session CSV's precision (``sessionfile.CSV_DECIMALS``:
1 µs, exact pressure and temperature, quaternion components to 10⁻⁸), so a
session read from the store and the same session read back from its CSV
export are bit-identical and analyse identically.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from spineball.analysis import Heading, SessionAnalysis, align_to_body, analyze, estimate_heading
from spineball.analysis.frames import FRAME_S
from spineball.anatomy import LEVELS, level_positions_mm
from spineball.export.formats import EXTRA_DECIMALS, ExportInput, GapSpan
from spineball.samples import Samples, quaternions
from spineball.sessionfile import CSV_DECIMALS, SessionData, SessionMeta
from spineball.store import Database, SessionSummary

#: Sources whose quaternions are the ball's own (device frame).
DEVICE_FRAME_SOURCES: Final = ("ble", "virtual")
#: sessions.extra key where a recorder keeps the live analysis's heading (docs/export.md).
HEADING_KEY: Final = "heading"
#: Sidecar key saying how the exported quaternions were put in the body frame.
ORIENTATION_KEY: Final = "orientation"
#: Sidecar key with the person's alias (initials, a patient number — never a full name).
PERSON_KEY: Final = "person"

HeadingFrom = Literal["recorded", "landmarks", "largest excursion", "none"]


def heading_json(heading: Heading) -> dict[str, Any]:
    """What a recorder stores under ``extra["heading"]`` when the live analysis fixed it."""
    return {
        "angle_deg": round(math.degrees(heading.angle_rad) % 360.0, 6),
        "rolling_deg": round(heading.rolling_deg, 1),
        "sign_from": heading.sign_from,
    }


def recorded_heading(extra: Mapping[str, Any]) -> Heading | None:
    """The heading a recorder saved, or None (absent or malformed)."""
    obj = extra.get(HEADING_KEY)
    if not isinstance(obj, Mapping):
        return None
    angle = obj.get("angle_deg")
    rolling = obj.get("rolling_deg", 0.0)
    sign_from = obj.get("sign_from", "none")
    if (
        isinstance(angle, bool)
        or not isinstance(angle, int | float)
        or not math.isfinite(angle)
        or not isinstance(rolling, int | float)
        or sign_from not in ("landmarks", "largest excursion", "none")
    ):
        return None
    return Heading(math.radians(angle), float(rolling), sign_from)


def to_contract_precision(samples: Samples) -> Samples:
    """Round each column, in place, to the session CSV's decimals (what a CSV round trip gives).

    ``rint(x·10ᵈ)/10ᵈ`` is the double nearest the decimal the CSV writer prints,
    the same double a CSV reader parses: exports read back bit-identically.
    """
    for name, decimals in CSV_DECIMALS.items():
        scale = 10.0**decimals
        column = samples[name]
        np.multiply(column, scale, out=column)
        np.rint(column, out=column)
        np.divide(column, scale, out=column)
    return samples


def _landmarks(data: SessionData) -> list[tuple[float, str]]:
    return [(e.t_s, e.level) for e in data.meta.events if e.kind == "landmark" and e.level]


def _safe(text: str) -> str:
    """A file-name-safe fragment: letters, digits, dot, dash, underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "ball"


def default_stem(summary: SessionSummary) -> str:
    """Default export file stem: local start time and ball, e.g. ``2026-11-24T0712-SB-1A2B``."""
    started = datetime.fromtimestamp(summary.started_at)
    return f"{started:%Y-%m-%dT%H%M}-{_safe(summary.device_label or summary.source)}"


def frame_of_sample(t_s: npt.NDArray[np.float64], n_frames: int) -> npt.NDArray[np.intp]:
    """Index of the 50 ms analysis frame each sample was averaged into.

    Frames are the runs of equal ``floor(t / FRAME_S)`` bins of the (strictly
    increasing) samples, exactly as ``analysis.frames.FrameBuilder`` forms them.
    """
    bins = np.floor(t_s / FRAME_S)
    run = np.zeros(len(t_s), dtype=np.intp)
    if len(t_s) > 1:
        run[1:] = np.cumsum(np.diff(bins) != 0)
    if len(t_s) and int(run[-1]) + 1 != n_frames:
        raise ValueError("samples and analysis frames do not match")
    return run


@dataclass(eq=False)
class StoredSession:
    """One stored session in the body frame (see module notes).

    ``data.meta.extra`` carries the store's extras for the sidecar
    (``started_at``, ``device``, ``gaps``, ``app_events``, ``notes``) plus
    ``session_id``, ``source`` and ``orientation``.
    """

    summary: SessionSummary
    data: SessionData
    gaps: tuple[GapSpan, ...]
    heading: Heading | None = None  # device-frame sessions: the heading used
    heading_from: HeadingFrom | None = None
    _columns: dict[str, npt.NDArray[Any]] | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def person(self) -> str | None:
        alias = self.data.meta.extra.get(PERSON_KEY)
        return alias if isinstance(alias, str) and alias else None

    @property
    def ball(self) -> str:
        """The ball's name (or address); ``import`` / ``virtual`` without one."""
        return self.summary.device_label or self.summary.source

    @property
    def started(self) -> datetime:
        """Local start time."""
        return datetime.fromtimestamp(self.summary.started_at).astimezone()

    @property
    def stem(self) -> str:
        return default_stem(self.summary)

    @cached_property
    def analysis(self) -> SessionAnalysis:
        return analyze(self.data)

    @property
    def load_calibrated(self) -> bool:
        return bool(self.data.meta.calibration)

    @property
    def position_calibrated(self) -> bool:
        return bool(_landmarks(self.data))

    def derived_columns(self) -> dict[str, npt.NDArray[Any]]:
        """Per-sample ``load_n`` (calibrated sessions), ``position_mm`` and ``level``
        (sessions with a landmark), from the analysis (docs/export.md)."""
        if self._columns is None:
            self._columns = self._derive() if len(self.data.samples) else {}
        return self._columns

    def _derive(self) -> dict[str, npt.NDArray[Any]]:
        out: dict[str, npt.NDArray[Any]] = {}
        if not (self.load_calibrated or self.position_calibrated):
            return out
        a = self.analysis
        frame = frame_of_sample(self.data.samples["t_s"], len(a.frames))
        if self.load_calibrated:
            out["load_n"] = np.round(a.load_n[frame], EXTRA_DECIMALS["load_n"])
        if self.position_calibrated:
            # Off the ball there is no contact point: no position, no level.
            pos = np.where(a.on_ball, a.position_mm, np.nan)
            anat = level_positions_mm(a.pmap.height_m)
            edges = (anat[1:] + anat[:-1]) / 2.0
            idx = np.searchsorted(edges, a.pmap.from_c7_mm(np.nan_to_num(pos)))
            names = np.array([*LEVELS, ""])
            level = names[np.where(np.isfinite(pos), idx, len(LEVELS))]
            out["position_mm"] = np.round(pos[frame], EXTRA_DECIMALS["position_mm"])
            out["level"] = level[frame]
        return out

    def export_input(self, name: str | None = None) -> ExportInput:
        """Samples, sidecar metadata, derived columns and gaps, ready for ``write_export``."""
        data = replace(self.data, extra=dict(self.derived_columns()))
        return ExportInput(name or self.stem, data, self.gaps)


def _orientation_json(
    source: str, heading: Heading | None, heading_from: HeadingFrom | None
) -> dict[str, Any]:
    if heading is None:
        return {"frame": "body", "aligned": False}
    return {
        "frame": "body",
        "aligned": True,
        "heading_deg": round(math.degrees(heading.angle_rad) % 360.0, 3),
        "heading_from": heading_from,
        "note": f"{source} session: the ball's own quaternions turned into the body frame",
    }


def load_session(db: Database, session_id: int) -> StoredSession:
    """A stored session, body frame, at the session CSV's precision (raises StoreError)."""
    summary = db.session(session_id)
    data = db.session_data(session_id)
    gaps = tuple(GapSpan(g.start_s, g.end_s, g.missing, g.cause) for g in db.read_gaps(session_id))
    samples = data.samples
    heading: Heading | None = None
    heading_from: HeadingFrom | None = None
    if summary.source in DEVICE_FRAME_SOURCES and len(samples):
        q = quaternions(samples)
        heading = recorded_heading(data.meta.extra)
        heading_from = "recorded"
        if heading is None:
            heading = estimate_heading(q, samples["t_s"], _landmarks(data))
            heading_from = heading.sign_from
        body = align_to_body(q, heading=heading)
        for k, name in enumerate(("qw", "qx", "qy", "qz")):
            samples[name] = body[:, k]  # the array is this call's own (read from the store)
    extra = dict(data.meta.extra)
    extra.pop(HEADING_KEY, None)
    extra.update(
        session_id=summary.id,
        source=summary.source,
        **{ORIENTATION_KEY: _orientation_json(summary.source, heading, heading_from)},
    )
    meta = replace(data.meta, extra=extra)
    body_data = SessionData(meta, to_contract_precision(samples))
    return StoredSession(summary, body_data, gaps, heading, heading_from)


def person_key(summary: SessionSummary, meta: SessionMeta) -> tuple[Any, ...]:
    """Ball and person of a session: the alias if recorded, else the user's height (to the cm)."""
    device = summary.device.id if summary.device else None
    alias = meta.extra.get(PERSON_KEY)
    if isinstance(alias, str) and alias:
        return (device, "alias", alias)
    return (device, "height", round(meta.user.height_m, 2))


class PersonIndex:
    """Ball-and-person keys of every stored session, read once (metadata only)."""

    def __init__(self, db: Database) -> None:
        self.rows = [r for r in db.sessions() if r.samples > 0]
        self.keys = {r.id: person_key(r, db.session_meta(r.id)) for r in self.rows}

    def earlier(self, current: SessionSummary) -> list[int]:
        """Ids of the same ball's and person's sessions started before ``current``, oldest first."""
        key = self.keys.get(current.id)
        rows = [
            r
            for r in self.rows
            if (r.started_at, r.id) < (current.started_at, current.id) and self.keys[r.id] == key
        ]
        rows.sort(key=lambda r: (r.started_at, r.id))
        return [r.id for r in rows]


def earlier_ids(db: Database, current: SessionSummary) -> list[int]:
    """The history ``spineball analyze ID`` uses (docs/export.md): ids of the same ball's
    and person's sessions started before ``current``, oldest first."""
    return PersonIndex(db).earlier(current)
