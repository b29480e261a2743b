"""Every ball on the broker, as a clinic screen needs it — a model with no UI and no I/O.

Feed it ``(topic, payload, now)`` as messages arrive; ask it for rows. A ball
is *offline* when its availability says so (its client closed, or the broker
published its last will), *stale* when it is online but no state arrived for
``stale_after_s`` (its client hangs or the network stalls), else *live*.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from typing import Final, Literal

from spineball.mqtt.schema import (
    Alert,
    BallState,
    SchemaError,
    SessionSummary,
    decode_alert,
    decode_state,
    decode_summary,
)
from spineball.mqtt.topics import OFFLINE, ONLINE, split_topic

log = logging.getLogger("spineball.mqtt")

Status = Literal["live", "stale", "offline"]
Attention = Literal["none", "amber", "red"]

#: Battery below this shows amber: the common phone/wearable "low battery"
#: threshold, early enough to charge before the next day's session.
LOW_BATTERY_PCT: Final = 15


@dataclass
class BallEntry:
    ball_id: str
    state: BallState | None = None
    online: bool | None = None
    state_at: float | None = None
    summary: SessionSummary | None = None


@dataclass(frozen=True, slots=True)
class BallRow:
    ball_id: str
    room: str
    person: str
    level: str
    spot: str
    pain: str
    load: str
    battery: str
    status: Status
    attention: Attention
    note: str


@dataclass(frozen=True, slots=True)
class AlertLine:
    ball_id: str
    room: str
    alert: Alert


def spot_text(dwell_s: float | None) -> str:
    if dwell_s is None:
        return "—"
    minutes, seconds = divmod(int(dwell_s), 60)
    return f"{minutes}:{seconds:02d}"


def pain_text(state: BallState) -> str:
    pain = state.pain
    if pain.first is None:
        return "—"
    now = pain.now if pain.now is not None else pain.first
    target = f"/{pain.target}" if pain.target is not None else ""
    return f"{pain.first}→{now}{target}"


def attention_of(state: BallState) -> tuple[Attention, str]:
    """How urgent a ball looks and why, worst first (lumbar guard and symptom stop lead)."""
    if state.lumbar == "red":
        return "red", "LUMBAR: roll back up"
    if state.alarms:
        return "red", ", ".join(state.alarms)
    if state.lumbar == "amber":
        return "amber", "near lumbar zone"
    if not state.link.connected:
        return "amber", "ball link lost"
    if state.battery_pct is not None and state.battery_pct < LOW_BATTERY_PCT:
        return "amber", "battery low"
    if state.advice is not None and state.advice.action != "keep":
        sign = "+" if state.advice.delta_kpa > 0 else ""
        return "none", f"pump {sign}{state.advice.delta_kpa:g} kPa"
    return "none", "ok"


class Fleet:
    def __init__(self, prefix: str, *, stale_after_s: float = 10.0, keep_alerts: int = 20) -> None:
        self.prefix = prefix
        self.stale_after_s = stale_after_s
        self.balls: dict[str, BallEntry] = {}
        self.alerts: deque[AlertLine] = deque(maxlen=keep_alerts)
        self.rejected = 0

    def apply(self, topic: str, payload: bytes, now: float) -> bool:
        """Take one message; True if the view changed. Bad payloads are counted, not raised."""
        parts = split_topic(self.prefix, topic)
        if parts is None:
            return False
        ball_id, channel = parts
        entry = self.balls.setdefault(ball_id, BallEntry(ball_id))
        try:
            if channel == "state":
                if not payload:  # a cleared retained state
                    entry.state = None
                    return True
                entry.state, _ts = decode_state(payload)
                entry.state_at = now
            elif channel == "availability":
                entry.online = {ONLINE: True, OFFLINE: False}.get(payload.strip())
            elif channel == "summary":
                entry.summary = decode_summary(payload) if payload else None
            else:
                alert, _ball = decode_alert(payload)
                room = entry.state.room if entry.state else ""
                self.alerts.appendleft(AlertLine(ball_id, room, alert))
        except SchemaError as err:
            self.rejected += 1
            log.warning("ignoring %s: %s", topic, err)
            return False
        return True

    @property
    def count(self) -> int:
        """Balls that published a state."""
        return sum(entry.state is not None for entry in self.balls.values())

    def status_of(self, entry: BallEntry, now: float) -> Status:
        if entry.online is False:
            return "offline"
        if entry.state_at is None or now - entry.state_at > self.stale_after_s:
            return "stale"
        return "live"

    def rows(self, now: float) -> list[BallRow]:
        rows = [self._row(entry, now) for entry in self.balls.values() if entry.state is not None]
        return sorted(rows, key=lambda r: (r.room.casefold(), r.ball_id))

    def _row(self, entry: BallEntry, now: float) -> BallRow:
        state = entry.state
        assert state is not None
        status = self.status_of(entry, now)
        attention, note = attention_of(state)
        if status != "live":
            attention, note = "none", status  # old news must not look like an alarm
        return BallRow(
            ball_id=entry.ball_id,
            room=state.room or entry.ball_id,
            person=state.person,
            level=state.level or "off",
            spot=spot_text(state.spot_dwell_s),
            pain=pain_text(state),
            load="—" if state.load_n is None else f"{state.load_n:.0f} N",
            battery="—" if state.battery_pct is None else f"{state.battery_pct}%",
            status=status,
            attention=attention,
            note=note,
        )
