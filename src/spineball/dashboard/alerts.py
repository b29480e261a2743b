"""What the alert banner says, worked out from the latest update (no Textual here).

Safety alerts — the symptom stop, the lumbar guard and the pressure alarms —
can never be hidden (docs/analysis.md, "Safety"); only the link notice and the
instability hint may be turned off in the settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from spineball.session.api import SessionUpdate

Severity = Literal["stop", "alarm", "warning", "notice"]
RANK: Final[dict[Severity, int]] = {"stop": 3, "alarm": 2, "warning": 1, "notice": 0}

#: kinds the ``[dashboard] hide_alerts`` setting may name; everything else always shows
HIDEABLE: Final = frozenset({"link", "unstable"})

#: no update for this long from an attached recorder means the data has stopped
SILENT_AFTER_S: Final = 2.0


@dataclass(frozen=True, slots=True)
class Alert:
    kind: str
    severity: Severity
    title: str  # short, upper case: readable from a metre away
    detail: str  # one line: what to do

    @property
    def urgent(self) -> bool:
        return RANK[self.severity] >= RANK["alarm"]


#: the analysis's pressure alarms (domain notes, "Safety limits") as banner lines
PRESSURE_TITLES: Final[dict[str, tuple[Severity, str]]] = {
    "over-pressure": ("alarm", "GET OFF THE BALL — PRESSURE TOO HIGH"),
    "sudden-rise": ("alarm", "DO NOT STAND OR KNEEL ON THE BALL"),
    "over-inflated": ("warning", "BALL OVER-INFLATED — RELEASE SOME AIR"),
}


def _pressure_alerts(update: SessionUpdate) -> list[Alert]:
    out: list[Alert] = []
    for alarm in update.snapshot.alarms:
        severity, title = PRESSURE_TITLES[alarm.kind]
        out.append(Alert(alarm.kind, severity, title, alarm.message))
    return out


def _lumbar_alert(update: SessionUpdate) -> Alert | None:
    snap = update.snapshot
    if not snap.on_ball or snap.lumbar == "ok":
        return None
    sd = f" (±{snap.position_sd_mm:.0f} mm)" if snap.position_sd_mm is not None else ""
    if snap.lumbar == "red":
        return Alert(
            "lumbar",
            "alarm",
            "LOW BACK — ROLL BACK UP NOW",
            f"The ball may be past L1{sd}. Never roll over the lumbar spine.",
        )
    return Alert(
        "lumbar",
        "warning",
        "NEAR THE LOW BACK — GO NO FURTHER",
        f"The ball may be at T12{sd}: roll back up towards the shoulder blades.",
    )


def _link_alert(
    update: SessionUpdate, silent_s: float, attached: bool, problem: str
) -> Alert | None:
    if not attached:
        return Alert(
            "link",
            "warning",
            "RECORDER NOT REACHABLE",
            problem
            or "The screen lost its recorder; the recording may go on. Restart spineball dash.",
        )
    if silent_s > SILENT_AFTER_S and update.state != "ended":
        return Alert(
            "link", "warning", "NO DATA", f"Nothing from the recorder for {silent_s:.0f} s."
        )
    link = update.link
    if link.phase == "reconnecting":
        backlog = f"; {link.backfill_pending} samples to fetch" if link.backfill_pending else ""
        return Alert(
            "link",
            "warning",
            "LINK LOST — RECONNECTING",
            f"The ball keeps about a minute of samples; stay within a few metres{backlog}.",
        )
    if link.phase == "failed":
        return Alert(
            "link", "warning", "NO CONNECTION TO THE BALL", link.error or "the link failed"
        )
    return None


def current_alerts(
    update: SessionUpdate | None,
    *,
    silent_s: float = 0.0,
    attached: bool = True,
    problem: str = "",
    hidden: frozenset[str] = frozenset(),
) -> list[Alert]:
    """Active alerts, most severe first. ``hidden`` only ever removes HIDEABLE kinds."""
    if update is None:
        if "link" in hidden:
            return []
        if attached:
            return [
                Alert(
                    "link",
                    "notice",
                    "CONNECTING",
                    "Starting the recorder and looking for the ball…",
                )
            ]
        detail = problem or "No data came from the recorder. Restart spineball dash."
        return [Alert("link", "warning", "RECORDER NOT REACHABLE", detail)]
    snap = update.snapshot
    alerts: list[Alert] = []
    if snap.symptom_stop is not None:
        alerts.append(
            Alert(
                "symptom",
                "stop",
                f"STOP — {snap.symptom_stop.symptom.upper()} PAIN: SEE A DOCTOR",
                snap.symptom_stop.advice,
            )
        )
    lumbar = _lumbar_alert(update)
    if lumbar is not None:
        alerts.append(lumbar)
    alerts.extend(_pressure_alerts(update))
    link = _link_alert(update, silent_s, attached, problem)
    if link is not None:
        alerts.append(link)
    if update.store_error:  # samples wait in memory and the recorder retries; the user can act
        alerts.append(
            Alert(
                "store",
                "warning",
                "RECORDING NOT SAVED",
                f"{update.store_error} — retrying; free some disk space.",
            )
        )
    if snap.unstable:
        alerts.append(
            Alert(
                "unstable",
                "notice",
                "BALL ROCKING SIDEWAYS",
                "A softer ball is steadier: let some air out after the session.",
            )
        )
    shown = [a for a in alerts if a.kind not in (hidden & HIDEABLE)]
    return sorted(shown, key=lambda a: -RANK[a.severity])
