"""The summary for sharing with a practitioner: results only, no raw samples.

One JSON document for one or more sessions (docs/export.md, "Summary"):
who (an alias, never a name), each session's spots, pain, side bends, lumbar
alerts, symptoms, advice and plan, and the trends per vertebral level.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

from spineball import __version__
from spineball.export.history import AnalysedSession, level_trends, plan_progress, session_row

SUMMARY_FORMAT: Final = "spineball-summary"
SUMMARY_VERSION: Final = 1
DISCLAIMER: Final = (
    "Exercise guidance, not diagnosis. Stop and see a doctor on burning, tingling or "
    "electric pain; never roll the ball over the lumbar spine."
)


def _symptoms(item: AnalysedSession) -> list[dict[str, Any]]:
    return [
        {"t_s": e.t_s, "symptom": e.value}
        for e in item.stored.data.meta.events
        if e.kind == "symptom"
    ]


def _side_bends(result: dict[str, Any]) -> dict[str, Any]:
    spots = result["spots"]
    return {
        "left": sum(1 for f in result["flexions"] if f["side"] == "left"),
        "right": sum(1 for f in result["flexions"] if f["side"] == "right"),
        "spots_with_both_sides": sum(1 for s in spots if len(s["side_bends"]) == 2),
        "spots_missing_a_side": [
            {"level": s["level"], "done": s["side_bends"]}
            for s in spots
            if len(s["side_bends"]) < 2
        ],
    }


def session_summary(item: AnalysedSession) -> dict[str, Any]:
    r = item.result
    row = session_row(item)
    return {
        **{
            k: row[k]
            for k in ("id", "start", "ball", "source", "duration_s", "on_ball_s", "gaps_s")
        },
        "inflation_kpa": row["inflation_kpa"],
        "coverage": r["coverage"],
        "spots": [
            {
                k: spot[k]
                for k in (
                    "level",
                    "start_s",
                    "dwell_s",
                    "mean_load_n",
                    "pain_first",
                    "pain_last",
                    "pain_target",
                    "pain_target_met",
                    "sore",
                    "side_bends",
                )
            }
            for spot in r["spots"]
        ],
        "mean_pain_drop": row["mean_pain_drop"],
        "side_bends": _side_bends(r),
        "lumbar_alerts": r["lumbar_alerts"],
        "symptoms": _symptoms(item),
        "symptom_stop": r["symptom_stop"],
        "alarms": r["alarms"],
        "stability": r["stability"],
        "advice": r["advice"],
        "plan": r["plan"],
        "warnings": r["warnings"],
    }


def build_summary(
    items: Sequence[AnalysedSession], person: str | None, now: datetime | None = None
) -> dict[str, Any]:
    """The shareable summary of ``items`` (oldest first)."""
    latest = items[-1].result if items else None
    return {
        "format": SUMMARY_FORMAT,
        "version": SUMMARY_VERSION,
        "generated_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "generator": f"spineball {__version__}",
        "person": person,
        "note": DISCLAIMER,
        "sessions": [session_summary(i) for i in items],
        "levels": level_trends(items),
        "plan": plan_progress(items),
        "advice": None if latest is None else latest["advice"],
    }
