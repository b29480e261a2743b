"""Stored sessions analysed with their history: per-session results, trends per level, the plan.

Each session is analysed once; its result (the ``spineball analyze`` JSON)
is computed with the same ball's and person's earlier sessions as history,
exactly as ``spineball analyze ID`` does, so advice and plan agree everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from spineball.analysis import SessionAnalysis, daily_plan, report
from spineball.anatomy import LEVELS
from spineball.export.stored import PersonIndex, StoredSession, load_session
from spineball.store import Database

SORE_PAIN: Final = 3  # a first rating this high counts as sore, as in the inflation advice


@dataclass(frozen=True, slots=True)
class AnalysedSession:
    stored: StoredSession
    analysis: SessionAnalysis
    result: dict[str, Any]  # the contract JSON, with this session's history
    history_ids: tuple[int, ...]
    history_on_ball_s: tuple[float, ...]  # time on the ball in each of those sessions
    person: tuple[Any, ...] = ()  # ball and person (stored.person_key)

    @property
    def id(self) -> int:
        return self.stored.id

    @property
    def week(self) -> str:
        year, week, _ = self.stored.started.isocalendar()
        return f"{year}-W{week:02d}"


class SessionCache:
    """Loads and analyses each stored session once."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._sessions: dict[int, StoredSession] = {}
        self._people: PersonIndex | None = None

    def session(self, session_id: int) -> StoredSession:
        if session_id not in self._sessions:
            self._sessions[session_id] = load_session(self.db, session_id)
        return self._sessions[session_id]

    def analysed(self, session_id: int) -> AnalysedSession:
        """The session's result with its history (the same ball's and person's earlier sessions)."""
        current = self.session(session_id)
        if self._people is None:
            self._people = PersonIndex(self.db)
        history = self._people.earlier(current.summary)
        analyses = [self.session(i).analysis for i in history]
        return AnalysedSession(
            current,
            current.analysis,
            report(current.analysis, analyses),
            tuple(history),
            tuple(a.on_ball_s for a in analyses),
            self._people.keys.get(session_id, ()),
        )


def analyse_sessions(db: Database, ids: Sequence[int]) -> list[AnalysedSession]:
    """Each session with its own history, in the order given."""
    cache = SessionCache(db)
    return [cache.analysed(i) for i in ids]


def pain_drop(result: dict[str, Any]) -> float | None:
    """Mean drop from first to last rating over the spots rated twice or more."""
    drops = [
        s["pain_first"] - s["pain_last"]
        for s in result["spots"]
        if s["pain_first"] is not None and s["pain_last"] is not None
    ]
    return sum(drops) / len(drops) if drops else None


def is_sore(spot: dict[str, Any]) -> bool:
    return bool(spot["sore"]) or (
        spot["pain_first"] is not None and spot["pain_first"] >= SORE_PAIN
    )


def session_row(item: AnalysedSession) -> dict[str, Any]:
    """One line of the history: what happened and what was advised."""
    s, r = item.stored, item.result
    drop = pain_drop(r)
    return {
        "id": s.id,
        "start": s.started.isoformat(timespec="seconds"),
        "ball": s.summary.device_label or None,
        "source": s.summary.source,
        "duration_s": r["session"]["duration_s"],
        "on_ball_s": r["session"]["on_ball_s"],
        "gaps_s": r["session"]["gaps_s"],
        "spots": len(r["spots"]),
        "sore_spots": sum(1 for spot in r["spots"] if is_sore(spot)),
        "coverage": r["coverage"]["fraction"],
        "mean_pain_drop": None if drop is None else round(drop, 2),
        "inflation_kpa": s.data.meta.ball.rest_gauge_kpa,
        "lumbar_alerts": len(r["lumbar_alerts"]),
        "symptom_stop": r["symptom_stop"],
        "advice": r["advice"],
        "plan": r["plan"],
    }


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def level_trends(items: Sequence[AnalysedSession]) -> dict[str, list[dict[str, Any]]]:
    """Per vertebral level and ISO week: dwell, pain first/last, how often sore.

    ``sessions`` is the number of sessions that week; ``sore_sessions`` how
    many of them had a sore spot at the level (flagged, or first rating ≥ 3);
    ``dwell_s`` the total time in spots there; ``pain_first`` / ``pain_last``
    the mean first and last ratings of its spots. Levels without any spot
    are left out.
    """
    weeks: dict[str, int] = defaultdict(int)
    for item in items:
        weeks[item.week] += 1
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        seen_sore: set[str] = set()
        for spot in item.result["spots"]:
            cell = cells.setdefault(
                (spot["level"], item.week),
                {"dwell_s": 0.0, "spots": 0, "first": [], "last": [], "sore_sessions": 0},
            )
            cell["dwell_s"] += spot["dwell_s"] or 0.0
            cell["spots"] += 1
            if spot["pain_first"] is not None:
                cell["first"].append(spot["pain_first"])
            if spot["pain_last"] is not None:
                cell["last"].append(spot["pain_last"])
            if is_sore(spot) and spot["level"] not in seen_sore:
                seen_sore.add(spot["level"])
                cell["sore_sessions"] += 1
    out: dict[str, list[dict[str, Any]]] = {}
    for level in LEVELS:
        rows = [
            {
                "week": week,
                "sessions": count,
                "spots": cells[(level, week)]["spots"],
                "dwell_s": round(cells[(level, week)]["dwell_s"], 1),
                "pain_first": _mean(cells[(level, week)]["first"]),
                "pain_last": _mean(cells[(level, week)]["last"]),
                "sore_sessions": cells[(level, week)]["sore_sessions"],
            }
            for week, count in sorted(weeks.items())
            if (level, week) in cells
        ]
        if rows:
            out[level] = rows
    return out


def plan_progress(items: Sequence[AnalysedSession]) -> dict[str, Any]:
    """Time on the ball against the daily plan, per week, and the next session's target:
    for the newest session's ball and person (a plan is personal)."""
    if items:
        items = [i for i in items if i.person == items[-1].person]
    per_week: dict[str, list[AnalysedSession]] = defaultdict(list)
    for item in items:
        per_week[item.week].append(item)
    weeks = [
        {
            "week": week,
            "sessions": len(group),
            "mean_on_ball_s": round(
                sum(i.result["session"]["on_ball_s"] or 0.0 for i in group) / len(group), 1
            ),
            "mean_target_s": round(
                sum(i.result["plan"]["target_s"] for i in group) / len(group), 1
            ),
            "sessions_on_target": sum(
                1
                for i in group
                if (i.result["session"]["on_ball_s"] or 0.0) >= i.result["plan"]["range_s"][0]
            ),
        }
        for week, group in sorted(per_week.items())
    ]
    nxt = None
    if items:
        # The next session's history: the newest session's history and that session.
        last = items[-1]
        plan = daily_plan([*last.history_on_ball_s, last.analysis.on_ball_s])
        nxt = {
            "session_number": plan.session_number,
            "target_s": plan.target_s,
            "range_s": [plan.low_s, plan.high_s],
        }
    return {"weeks": weeks, "next": nxt}
