"""The report's notes in words: advice, side bends, lumbar guard, stability, data quality."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spineball.export.report.style import mmss

if TYPE_CHECKING:
    from spineball.export.report.data import ReportData


def note_lines(data: ReportData) -> list[str]:
    r = data.current.result
    stored = data.current.stored
    lines = []
    if r["symptom_stop"]:
        stop = r["symptom_stop"]
        lines.append(f"STOP at {mmss(stop['t_s'])}: {stop['symptom']} reported — {stop['advice']}")
    if r["lumbar_alerts"]:
        spans = ", ".join(f"{mmss(a['start_s'])}–{mmss(a['end_s'])}" for a in r["lumbar_alerts"])
        lines.append(f"Lumbar guard: the ball may have gone past T12 at {spans}.")
    else:
        lines.append("Lumbar guard: the ball stayed above the lumbar spine.")
    lines += [f"Alarm at {mmss(a['start_s'])}: {a['message']}" for a in r["alarms"]]
    adv = r["advice"]
    lines.append(f"Inflation: {adv['action']} ({adv['delta_kpa']:+.1f} kPa) — {adv['reason']}.")
    missing = [s for s in r["spots"] if len(s["side_bends"]) < 2]
    bends = f"{len(r['flexions'])} side bend(s)"
    if missing:
        names = ", ".join(
            f"{s['level']} ({s['side_bends'][0]} only)"
            if s["side_bends"]
            else f"{s['level']} (none)"
            for s in missing
        )
        bends += f"; spots without both sides: {names}"
    elif r["spots"]:
        bends += "; both sides at every spot"
    lines.append(f"Side bends: {bends}.")
    stab = r["stability"]
    steady = "unstable (above 2 °/s)" if stab["unstable"] else "steady"
    lines.append(f"Stability: sideways sway {stab['sway_rms_deg_s']:.1f} °/s, {steady}.")
    cov = r["coverage"]
    levels = " ".join(cov["levels"]) or "none"
    lines.append(f"Thoracic levels covered: {cov['fraction'] * 100:.0f} % ({levels}).")
    session = r["session"]
    orient = stored.data.meta.extra.get("orientation", {})
    heading_from = {
        "recorded": "the heading the live analysis used",
        "landmarks": "its heading from the two landmarks",
        "largest excursion": "its heading from the largest roll (fewer than two landmarks)",
        "none": "an uncertain heading (the ball hardly rolled)",
    }
    frame = (
        f"; the ball's orientation turned into the body frame with "
        f"{heading_from.get(orient.get('heading_from', 'none'), 'an estimated heading')}"
        if orient.get("aligned")
        else ""
    )
    lines.append(
        f"Data: {session['samples']} samples at {stored.data.meta.sample_rate_hz:g} Hz, "
        f"{session['gaps_s']:.1f} s missing (never filled in){frame}."
    )
    lines += [f"Note: {w}" for w in r["warnings"]]
    return lines
