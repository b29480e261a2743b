"""The one-line live status of ``spineball record`` (stderr)."""

from __future__ import annotations

from spineball.session.api import SessionUpdate


def _clock(seconds: float) -> str:
    total = int(seconds)
    return f"{total // 60:02d}:{total % 60:02d}"


def _link(update: SessionUpdate) -> str:
    link = update.link
    if link.phase != "streaming":
        return {
            "scanning": "looking for the ball",
            "connecting": "connecting",
            "pairing": "pairing",
            "reconnecting": f"link lost, reconnecting (#{link.reconnects + 1})",
        }.get(link.phase, link.phase)
    parts = ["link ok"]
    if link.rssi_dbm is not None:
        parts.append(f"{link.rssi_dbm} dBm")
    if link.backfill_pending:
        parts.append(f"catching up {link.backfill_pending}")
    if link.loss_pct:
        parts.append(f"lost {link.loss_pct:.1f} %")
    if link.reconnects:
        parts.append(f"{link.reconnects} reconnect{'s' if link.reconnects > 1 else ''}")
    if link.battery_pct is not None:
        parts.append(f"battery {link.battery_pct} %")
    return " ".join(parts)


def status_line(update: SessionUpdate, samples: int, session_s: float) -> str:
    """``session_s``: the session clock now (the analysis may lag while it finds the heading)."""
    snap = update.snapshot
    level = snap.level if snap.on_ball and snap.level else "-"
    load = f"{snap.load_n:.0f} N" if snap.load_n is not None and snap.on_ball else "off ball"
    state = "" if update.state == "recording" else f"[{update.state}] "
    line = f"{state}{_clock(session_s)}  {samples} samples  {level}  {load}  {_link(update)}"
    if snap.lumbar == "red":
        line += "  LUMBAR: roll back up"
    if snap.symptom_stop is not None:
        line += "  STOP: see a doctor"
    if update.store_error:
        line += f"  DISK: {update.store_error}"
    return line
