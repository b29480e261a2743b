"""Past sessions from the store, analysed for the History screen (runs in a worker thread).

Each finished session is analysed once with :func:`spineball.analysis.analyze`
and reported with the sessions before it as history, exactly as
``spineball analyze OLDER.csv … SESSION.csv`` would; from those reports come
the session rows, the first pain rating per level over time, and the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from spineball.analysis import DailyPlan, analyze, daily_plan
from spineball.analysis.pipeline import SessionAnalysis
from spineball.analysis.report import report
from spineball.anatomy import LEVELS
from spineball.store import Database, StoreError, default_path

MAX_SESSIONS: Final = 30  # about a month of daily practice
TREND_LEVELS: Final = tuple(level for level in LEVELS if not level.startswith("L"))


@dataclass(frozen=True, slots=True)
class SessionRow:
    session_id: int
    started_at: float  # Unix time
    on_ball_s: float
    target_s: float
    spots: int
    sore: int
    mean_first_pain: float | None
    targets_met: int
    rated: int
    lumbar_alerts: int
    advice: str  # "keep", "+1.5 kPa", "−1.5 kPa"
    symptom: str | None


@dataclass(frozen=True, slots=True)
class History:
    rows: list[SessionRow] = field(default_factory=list)  # oldest first
    first_pain: dict[str, list[int | None]] = field(default_factory=dict)  # level → per session
    plan: DailyPlan | None = None  # for the next session
    advice_reason: str = ""
    message: str = ""  # why there is nothing to show


def _row(session_id: int, started_at: float, result: dict[str, Any]) -> SessionRow:
    spots = result["spots"]
    firsts = [s["pain_first"] for s in spots if s.get("pain_first") is not None]
    advice = result["advice"]
    delta = float(advice["delta_kpa"])
    stop = result.get("symptom_stop")
    return SessionRow(
        session_id=session_id,
        started_at=started_at,
        on_ball_s=float(result["session"]["on_ball_s"]),
        target_s=float(result["plan"]["target_s"]),
        spots=len(spots),
        sore=sum(1 for s in spots if s.get("sore")),
        mean_first_pain=sum(firsts) / len(firsts) if firsts else None,
        targets_met=sum(1 for s in spots if s.get("pain_target_met")),
        rated=len(firsts),
        lumbar_alerts=len(result["lumbar_alerts"]),
        advice="keep" if advice["action"] == "keep" else f"{delta:+.1f} kPa".replace("-", "−"),
        symptom=None if not stop else str(stop.get("symptom")),
    )


def load_history(
    db_path: Path | None = None,
    *,
    limit: int = MAX_SESSIONS,
    progress: Callable[[int, int], None] | None = None,
) -> History:
    """The newest ``limit`` finished sessions (oldest first), analysed; never raises StoreError."""
    path = db_path or default_path()
    if not path.exists():
        return History(message="No sessions recorded yet.")
    try:
        with Database.open(path, readonly=True) as db:
            summaries = [s for s in db.sessions() if s.state in ("finished", "interrupted")]
            summaries = sorted(summaries[:limit], key=lambda s: (s.started_at, s.id))
            analyses: list[SessionAnalysis] = []
            rows: list[SessionRow] = []
            first_pain: dict[str, list[int | None]] = {lvl: [] for lvl in TREND_LEVELS}
            reason = ""
            for i, summary in enumerate(summaries):
                if progress is not None:
                    progress(i, len(summaries))
                analysis = analyze(db.session_data(summary.id))
                result = report(analysis, analyses)
                analyses.append(analysis)
                rows.append(_row(summary.id, summary.started_at, result))
                reason = str(result["advice"]["reason"])
                for lvl in TREND_LEVELS:
                    ratings = [
                        s["pain_first"]
                        for s in result["spots"]
                        if s["level"] == lvl and s.get("pain_first") is not None
                    ]
                    first_pain[lvl].append(max(ratings) if ratings else None)
    except StoreError as err:
        return History(message=str(err))
    if not rows:
        return History(message="No finished sessions yet.")
    plan = daily_plan([a.on_ball_s for a in analyses])
    return History(rows, first_pain, plan, reason)
