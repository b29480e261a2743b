"""Earlier sessions for a live session: they set today's time plan and the inflation advice.

What the plan and the advice need of a session is small (its time on the ball and
an :class:`~spineball.analysis.advice.SessionSummary`), so each session keeps it in
its metadata under ``history_entry``: the recorder writes it when a session ends,
and sessions without one (imports, older recordings) are analysed once and then
keep it too.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from spineball.analysis.advice import SessionSummary
from spineball.analysis.pipeline import SessionAnalysis
from spineball.export.stored import PersonIndex, load_session
from spineball.store import Database, StoreError

log = logging.getLogger(__name__)

HISTORY_KEY: Final = "history_entry"
MAX_SESSIONS: Final = 60  # the plan ramps up over 20 sessions; the advice looks at the last few


@dataclass(frozen=True, slots=True)
class PastSession:
    on_ball_s: float
    summary_: SessionSummary

    def summary(self) -> SessionSummary:
        return self.summary_

    @classmethod
    def of(cls, analysis: SessionAnalysis) -> PastSession:
        return cls(float(analysis.on_ball_s), analysis.summary())

    def to_json(self) -> dict[str, Any]:
        return {"on_ball_s": self.on_ball_s, "summary": dataclasses.asdict(self.summary_)}

    @classmethod
    def from_json(cls, obj: Any) -> PastSession | None:
        """None for anything that is not a valid entry (it is then computed again)."""
        try:
            s = obj["summary"]
            summary = SessionSummary(  # optional values may be absent (null is not stored)
                inflation_kpa=float(s["inflation_kpa"]),
                sore_spots=int(s["sore_spots"]),
                mean_first_pain=_optional(s.get("mean_first_pain"), float),
                mean_time_to_target_s=_optional(s.get("mean_time_to_target_s"), float),
                sway_rms_deg_s=float(s["sway_rms_deg_s"]),
                max_first_pain=_optional(s.get("max_first_pain"), int),
                symptom=bool(s.get("symptom", False)),
            )
            return cls(float(obj["on_ball_s"]), summary)
        except (KeyError, TypeError, ValueError):
            return None


def _optional(value: Any, kind: type[float] | type[int]) -> Any:
    return None if value is None else kind(value)


def save_entry(db: Database, session_id: int, entry: PastSession) -> None:
    try:
        db.update_extra(session_id, {HISTORY_KEY: entry.to_json()})
    except StoreError as err:
        log.warning("session %d: history entry not saved: %s", session_id, err)


def load_history(
    db_path: Path, session_id: int
) -> tuple[list[PastSession], dict[int, PastSession]]:
    """The same ball's and person's sessions before ``session_id``, oldest first, and the
    entries that had to be computed (for the caller to save; this opens the file read-only
    so it can run in a worker thread beside the recording)."""
    computed: dict[int, PastSession] = {}
    entries: list[PastSession] = []
    with Database.open(db_path, readonly=True) as db:
        earlier = PersonIndex(db).earlier(db.session(session_id))[-MAX_SESSIONS:]
        for sid in earlier:
            entry = PastSession.from_json(db.session_meta(sid).extra.get(HISTORY_KEY))
            if entry is None:
                try:
                    entry = PastSession.of(load_session(db, sid).analysis)
                except (StoreError, ValueError) as err:
                    log.warning("session %d left out of the history: %s", sid, err)
                    continue
                computed[sid] = entry
            entries.append(entry)
    return entries, computed
