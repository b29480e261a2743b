"""What the recorder hands the MQTT publisher: BallState from an update, a summary at the end.

Field meanings are docs/mqtt.md's; this module only maps the live
analysis and link state onto them.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any, Final

from spineball.mqtt import (
    Alert,
    BallState,
    FlexionSummary,
    InflationAdvice,
    LinkHealth,
    LumbarAlertSummary,
    Pain,
    SessionSummary,
    SideBends,
    SpotSummary,
)
from spineball.mqtt.schema import Lumbar, Severity
from spineball.session.api import SessionUpdate

_LUMBAR: Final[dict[str, Lumbar]] = {"ok": "none", "amber": "amber", "red": "red"}
#: analysis alarm kinds → the stable MQTT alarm / alert codes (docs/mqtt.md)
ALARM_CODES: Final = {
    "sudden-rise": "pressure_spike",
    "over-pressure": "over_pressure",
    "over-inflated": "over_inflated",
}


def _number(value: float | None, digits: int = 1) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def alarm_codes(update: SessionUpdate) -> tuple[str, ...]:
    snap = update.snapshot
    codes = [ALARM_CODES.get(a.kind, a.kind.replace("-", "_")) for a in snap.alarms]
    if snap.symptom_stop is not None:
        codes.append("symptom_stop")
    if snap.lumbar == "red":
        codes.append("lumbar_red")
    return tuple(dict.fromkeys(codes))


def ball_state(update: SessionUpdate, ball_id: str, room: str = "", person: str = "") -> BallState:
    snap = update.snapshot
    link = update.link
    advice = snap.advice
    return BallState(
        ball_id=ball_id,
        room=room,
        person=person,
        session_s=round(snap.t_s, 2),
        planned_min=round(snap.plan.target_s / 60.0, 2),
        load_n=_number(snap.load_n),
        level=snap.level if snap.on_ball else None,
        position_mm=_number(snap.position_mm),
        position_uncertainty_mm=_number(snap.position_sd_mm),
        spot_dwell_s=_number(snap.still_s) if snap.on_ball else None,
        pain=Pain(snap.pain_first, snap.pain_now, snap.pain_target),
        side_bends=SideBends(
            left=int("left" in snap.sides_done), right=int("right" in snap.sides_done)
        ),
        lumbar=_LUMBAR.get(snap.lumbar, "none"),
        alarms=alarm_codes(update),
        battery_pct=link.battery_pct,
        link=LinkHealth(
            connected=link.phase == "streaming",
            rssi_dbm=link.rssi_dbm,
            loss_pct=round(link.loss_pct, 3),
            reconnects=link.reconnects,
        ),
        advice=InflationAdvice(advice.action, advice.delta_kpa, advice.reason),
    )


def session_summary(
    result: dict[str, Any],
    *,
    ball_id: str,
    started_unix_s: float,
    room: str = "",
    person: str = "",
) -> SessionSummary:
    """The analyze contract JSON of the finished session → the retained summary."""
    session = result.get("session", {})
    stop = result.get("symptom_stop")
    advice = result.get("advice")
    started = datetime.fromtimestamp(started_unix_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    plan = result.get("plan") or {}
    return SessionSummary(
        session_id=f"{started}-{ball_id}",
        ball_id=ball_id,
        room=room,
        person=person,
        started_unix_s=started_unix_s,
        duration_s=float(session.get("duration_s", 0.0)),
        on_ball_s=session.get("on_ball_s"),
        planned_min=None if "target_s" not in plan else round(plan["target_s"] / 60.0, 2),
        spots=tuple(
            SpotSummary(
                s["start_s"],
                s["end_s"],
                s["dwell_s"],
                s.get("level"),
                s.get("position_mm"),
                s.get("mean_load_n"),
                s.get("peak_load_n"),
                s.get("pain_first"),
                s.get("pain_last"),
                s.get("pain_target_met"),
            )
            for s in result.get("spots", [])
        ),
        flexions=tuple(
            FlexionSummary(f["start_s"], f["end_s"], f["side"], f.get("level"))
            for f in result.get("flexions", [])
        ),
        lumbar_alerts=tuple(
            LumbarAlertSummary(a["start_s"], a["end_s"]) for a in result.get("lumbar_alerts", [])
        ),
        symptoms=(stop["symptom"],) if stop else (),
        advice=None
        if not advice
        else InflationAdvice(advice["action"], advice["delta_kpa"], advice.get("reason", "")),
    )


#: alert code → (severity, message) for the transitions the recorder reports
ALERTS: Final[dict[str, tuple[Severity, str]]] = {
    "lumbar_red": ("critical", "Ball past L1: roll back up"),
    "lumbar_amber": ("warning", "Ball near the lumbar spine (T12)"),
    "symptom_stop": ("critical", "Nerve symptom reported: exercise stopped, see a doctor"),
    "pressure_spike": ("critical", "Pressure jumped: do not stand or kneel on the ball"),
    "over_pressure": ("critical", "Ball over 50 kPa: get off the ball"),
    "over_inflated": ("warning", "Ball over-inflated: release some air"),
    "low_battery": ("warning", "Ball battery low: charge it after this session"),
    "link_lost": ("warning", "Lost the link to the ball; reconnecting"),
}


def alert(code: str, session_s: float | None) -> Alert:
    severity, message = ALERTS.get(code, ("warning", code.replace("_", " ")))
    return Alert(code, message, severity, session_s)
