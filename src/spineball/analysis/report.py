"""The ``spineball analyze`` result: the interchange contract's JSON, and a text rendering.

Contract keys: ``session``, ``spots``, ``flexions``, ``lumbar_alerts``,
``advice``. Compatible extras: per spot ``position_sd_mm``, ``pain_target``,
``sore``, ``side_bends``; top level ``coverage``, ``stability``, ``plan``, ``alarms``,
``symptom_stop`` and ``warnings``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from spineball.analysis.advice import UNSTABLE_DEG_S, PastSession, inflation_advice
from spineball.analysis.frames import build_frames
from spineball.analysis.pipeline import SessionAnalysis, analyze_frames
from spineball.analysis.plan import daily_plan
from spineball.sessionfile import SessionData


def _num(value: float, digits: int = 1) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def analyze(data: SessionData) -> SessionAnalysis:
    frames, stats = build_frames(data.samples, data.meta.sample_rate_hz)
    return analyze_frames(frames, stats, data.meta)


def report(current: SessionAnalysis, history: Sequence[PastSession]) -> dict[str, Any]:
    """The contract JSON for ``current`` with ``history`` (oldest first) before it."""
    advice = inflation_advice(current.summary(), [h.summary() for h in history])
    plan = daily_plan([h.on_ball_s for h in history], current.on_ball_s)
    stats = current.stats
    return {
        "session": {
            "duration_s": _num(stats.duration_s, 2),
            "on_ball_s": _num(current.on_ball_s, 2),
            "samples": stats.samples,
            "gaps_s": _num(stats.gaps_s, 2),
        },
        "spots": [
            {
                "start_s": _num(s.start_s, 2),
                "end_s": _num(s.end_s, 2),
                "dwell_s": _num(s.dwell_s, 2),
                "level": s.level,
                "position_mm": _num(s.position_mm),
                "position_sd_mm": _num(s.position_sd_mm),
                "mean_load_n": _num(s.mean_load_n),
                "peak_load_n": _num(s.peak_load_n),
                "pain_first": s.pain_first,
                "pain_last": s.pain_last,
                "pain_target": s.pain_target,
                "pain_target_met": s.pain_target_met,
                "sore": s.sore,
                "side_bends": sorted(
                    {b.side for b in current.bends if s.start_s <= b.start_s <= s.end_s}
                ),
            }
            for s in current.spots
        ],
        "flexions": [
            {"start_s": _num(b.start_s, 2), "end_s": _num(b.end_s, 2), "side": b.side, "level": lvl}
            for b, lvl in zip(current.bends, current.bend_levels, strict=True)
        ],
        "lumbar_alerts": [{"start_s": _num(a, 2), "end_s": _num(b, 2)} for a, b in current.lumbar],
        "advice": advice.to_json(),
        "coverage": {"levels": current.covered_levels, "fraction": round(current.coverage, 3)},
        "stability": {
            "sway_rms_deg_s": _num(current.sway_rms_deg_s, 2),
            "unstable": current.sway_rms_deg_s > UNSTABLE_DEG_S,
        },
        "plan": plan.to_json(),
        "alarms": [
            {
                "start_s": _num(a.start_s, 2),
                "end_s": _num(a.end_s, 2),
                "kind": a.kind,
                "message": a.message,
            }
            for a in current.alarms
        ],
        "symptom_stop": None
        if current.symptom is None
        else {
            "t_s": current.symptom.t_s,
            "symptom": current.symptom.symptom,
            "advice": current.symptom.advice,
        },
        "warnings": list(current.warnings),
    }


def analyze_session(data: SessionData, history: Sequence[SessionData] = ()) -> dict[str, Any]:
    """Analyse one session with its earlier sessions (oldest first): the contract JSON."""
    return report(analyze(data), [analyze(h) for h in history])


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def render_text(result: dict[str, Any]) -> str:
    """A plain-text report for people."""
    s = result["session"]
    lines = [
        f"Session {_fmt_time(s['duration_s'])}, on the ball {_fmt_time(s['on_ball_s'])}"
        f" ({s['samples']} samples, {s['gaps_s']} s missing)",
    ]
    plan = result["plan"]
    lines.append(
        f"Plan: session {plan['session_number']}, target {_fmt_time(plan['target_s'])}"
        f" ({plan['progress'] * 100:.0f} % done)"
    )
    if result["symptom_stop"]:
        lines.append(
            f"STOP: {result['symptom_stop']['symptom']} — {result['symptom_stop']['advice']}"
        )
    lines.append(f"Spots: {len(result['spots'])}")
    for spot in result["spots"]:
        pain = ""
        if spot["pain_first"] is not None:
            met = "target met" if spot["pain_target_met"] else f"target {spot['pain_target']}"
            pain = f", pain {spot['pain_first']}→{spot['pain_last']} ({met})"
        sides = spot["side_bends"]
        if len(sides) == 2:
            bends = ", bent both ways"
        elif sides:
            bends = f", bent {sides[0]} only"
        else:
            bends = ""
        sore = " sore" if spot["sore"] else ""
        lines.append(
            f"  {_fmt_time(spot['start_s'])}  {spot['level']:>3}{sore:5s} {spot['dwell_s']:5.1f} s"
            f"  {spot['position_mm']:4.0f} ± {spot['position_sd_mm']:.0f} mm"
            f"  load {spot['mean_load_n']:.0f} N (peak {spot['peak_load_n']:.0f}){pain}{bends}"
        )
    bends = result["flexions"]
    lines.append(
        "Side bends: "
        + (
            ", ".join(f"{b['side']} at {b['level']}" for b in bends)
            if bends
            else "none — bend to both sides while on a sore spot"
        )
    )
    stab = result["stability"]
    lines.append(
        f"Stability: sideways sway {stab['sway_rms_deg_s']:.1f} °/s"
        + (" — unstable (above 2 °/s)" if stab["unstable"] else " (steady)")
    )
    cov = result["coverage"]
    lines.append(f"Thoracic coverage: {cov['fraction'] * 100:.0f} % ({' '.join(cov['levels'])})")
    alerts = result["lumbar_alerts"]
    if alerts:
        when = ", ".join(f"{_fmt_time(a['start_s'])}–{_fmt_time(a['end_s'])}" for a in alerts)
        lines.append(
            f"Lumbar guard: the ball went past T12 at {when} — never roll over the lower back"
        )
    else:
        lines.append("Lumbar guard: the ball stayed above the lumbar spine")
    lines.extend(f"Alarm {_fmt_time(a['start_s'])}: {a['message']}" for a in result["alarms"])
    adv = result["advice"]
    lines.append(f"Inflation: {adv['action']} ({adv['delta_kpa']:+.1f} kPa) — {adv['reason']}")
    lines.append("Exercise guidance, not diagnosis.")
    return "\n".join(lines)
