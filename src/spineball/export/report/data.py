"""What a report shows: one stored session, analysed, and its recent sessions for the trend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from spineball.export.history import AnalysedSession, SessionCache
from spineball.store import Database

TREND_SESSIONS: Final = 12  # the trend shows this many sessions, the reported one last


@dataclass(frozen=True, slots=True)
class ReportData:
    current: AnalysedSession
    recent: tuple[AnalysedSession, ...]  # oldest first, ending with ``current``
    person: str | None = None


def report_data(db: Database, session_id: int, person: str | None = None) -> ReportData:
    """The session with its history (same ball and person), raises StoreError."""
    cache = SessionCache(db)
    current = cache.analysed(session_id)
    ids = [*current.history_ids[-(TREND_SESSIONS - 1) :], session_id]
    recent = (*(cache.analysed(i) for i in ids[:-1]), current)
    return ReportData(current, recent, person)
