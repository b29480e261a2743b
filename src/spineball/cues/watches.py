"""What is due: small watchers that turn snapshots and session events into due cues.

Each watcher follows one concern (the lumbar guard, the current spot, the
link …) with its own hysteresis, and names every situation worth a cue by a
*key* — an episode, a spot visit, a side. The engine says each key at most
once (urgent ongoing states repeat on their own schedule), so a flickering
threshold or a stay that breaks for a moment cannot cause a second cue.
Watchers never look at the clock: everything is session time from the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from spineball.analysis.live import LiveSnapshot
from spineball.cues.events import (
    InflationUpdate,
    LinkLost,
    LinkRestored,
    Paused,
    Resumed,
    SessionEnded,
    SessionEvent,
)
from spineball.cues.model import CueKind

# A snapshot older than this no longer describes "now" (the link is down or the
# recorder stalled): ongoing states stop repeating and spot prompts go quiet.
STALE_S: Final = 1.0
# Lumbar guard hysteresis. Red that drops out for less than this is the same
# excursion (position noise at the boundary); an approach ends after this long
# back in the clear, so hovering at T11/T12 gives one "careful", not one per flicker.
RED_MERGE_S: Final = 1.5
APPROACH_REARM_S: Final = 3.0
# A stay that breaks and re-forms within this distance and time is the same
# spot (the contract's ±15 mm stay rule, with some slack for a small shift).
SAME_SPOT_MM: Final = 20.0
REVISIT_S: Final = 15.0
# Prompt for side bends on a rated (sore) spot if none came after this long.
BOTH_SIDES_AFTER_S: Final = 20.0
# Instability must last before it is worth a word, and calm this long ends it.
UNSTABLE_HOLD_S: Final = 3.0
STABLE_REARM_S: Final = 10.0
# The link must stay up this long before "restored" is said (a flapping link
# gives one lost/restored pair, not one per drop; protocol §6 backfill fills short drops).
LINK_SETTLE_S: Final = 2.0
# The inflation assistant says "done" within ±0.3 kPa; a new "done" needs a real move away.
INFLATION_REARM_KPA: Final = 0.6
ONE_SHOT_KEEP_S: Final = 300.0
# An alarm in the snapshot is active if it ended no longer ago than this (ALARM_HOLD_S keeps
# ended alarms in the snapshot for display).
ALARM_ACTIVE_S: Final = 0.3

Key = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Due:
    """A cue whose condition holds: the engine decides whether it is said now."""

    kind: CueKind
    key: Key
    since: float  # when the condition began (routine cues go stale from here)
    details: dict[str, str] = field(default_factory=dict)
    ongoing: bool = False  # an urgent state that repeats while it lasts


class LumbarWatch:
    def __init__(self) -> None:
        self.t = -1e9
        self.state = "ok"
        self.red_last: float | None = None
        self.red_episode = 0
        self.red_since = 0.0
        self.approach_last: float | None = None
        self.approach = 0
        self.approach_since = 0.0
        self.approach_began_red = False

    def observe(self, snap: LiveSnapshot) -> None:
        t = snap.t_s
        state = snap.lumbar if snap.on_ball else "ok"
        if state == "red":
            if self.red_last is None or t - self.red_last > RED_MERGE_S:
                self.red_episode += 1
                self.red_since = t
            self.red_last = t
        if state != "ok":
            if self.approach_last is None or t - self.approach_last > APPROACH_REARM_S:
                self.approach += 1
                self.approach_since = t
                self.approach_began_red = state == "red"
            self.approach_last = t
        self.state, self.t = state, t

    def due(self, now: float) -> list[Due]:
        if now - self.t > STALE_S:
            return []
        if self.state == "red":
            return [
                Due(CueKind.LUMBAR_RED, ("red", self.red_episode), self.red_since, ongoing=True)
            ]
        if self.state == "amber" and not self.approach_began_red:
            # Only on the way in: rolling back up from red through amber is no new warning.
            return [Due(CueKind.LUMBAR_AMBER, ("amber", self.approach), self.approach_since)]
        return []


class SymptomWatch:
    def __init__(self) -> None:
        self.t = -1e9
        self.stop_t: float | None = None
        self.symptom = ""
        self.on_ball = False

    def observe(self, snap: LiveSnapshot) -> None:
        self.t, self.on_ball = snap.t_s, snap.on_ball
        if snap.symptom_stop is not None and self.stop_t is None:
            self.stop_t, self.symptom = snap.symptom_stop.t_s, snap.symptom_stop.symptom

    def due(self, now: float) -> list[Due]:
        if self.stop_t is None:
            return []
        # Said once whatever happens; repeated while the person is still on the ball.
        ongoing = self.on_ball and now - self.t <= STALE_S
        return [
            Due(
                CueKind.SYMPTOM_STOP,
                ("symptom", self.stop_t),
                self.stop_t,
                {"symptom": self.symptom},
                ongoing=ongoing,
            )
        ]


_ALARM_KINDS: Final = {
    "over-pressure": CueKind.OVER_PRESSURE,
    "sudden-rise": CueKind.SUDDEN_RISE,
    "over-inflated": CueKind.OVER_INFLATED,
}


class AlarmWatch:
    def __init__(self) -> None:
        self.active: list[Due] = []
        self.t = -1e9

    def observe(self, snap: LiveSnapshot) -> None:
        self.t = snap.t_s
        self.active = [
            Due(
                _ALARM_KINDS[a.kind],
                ("alarm", a.kind, round(a.start_s, 2)),
                a.start_s,
                ongoing=a.kind == "over-pressure",
            )
            for a in snap.alarms
            if a.end_s >= snap.t_s - ALARM_ACTIVE_S
        ]

    def due(self, now: float) -> list[Due]:
        return self.active if now - self.t <= STALE_S else []


@dataclass(slots=True)
class _Visit:
    number: int
    position_mm: float | None
    since: float  # became a spot (≥ 8 s still)
    last_t: float
    seen: dict[Key, float] = field(
        default_factory=dict
    )  # prompt key → first time its condition held

    def first(self, key: Key, t: float) -> float:
        return self.seen.setdefault(key, t)


class SpotWatch:
    """New spot, pain target, side-bend prompts — all about the spot you are on now."""

    def __init__(self) -> None:
        self.visit: _Visit | None = None
        self.visits = 0
        self.snap: LiveSnapshot | None = None

    def observe(self, snap: LiveSnapshot) -> None:
        self.snap = snap
        if not (snap.on_ball and snap.in_spot):
            return
        v = self.visit
        same = (
            v is not None
            and snap.t_s - v.last_t <= REVISIT_S
            and (
                v.position_mm is None
                or snap.position_mm is None
                or abs(snap.position_mm - v.position_mm) <= SAME_SPOT_MM
            )
        )
        if v is None or not same:
            self.visits += 1
            v = self.visit = _Visit(self.visits, snap.position_mm, snap.t_s, snap.t_s)
        v.last_t = snap.t_s

    def due(self, now: float) -> list[Due]:
        s, v = self.snap, self.visit
        if s is None or v is None or not (s.on_ball and s.in_spot) or now - s.t_s > STALE_S:
            return []
        if v.last_t != s.t_s:
            return []
        n = v.number
        out = [Due(CueKind.NEW_SPOT, ("spot", n), v.since, {"level": s.level or "unknown level"})]
        if s.pain_target_met:
            key: Key = ("target", n)
            out.append(Due(CueKind.PAIN_TARGET, key, v.first(key, s.t_s)))
        if s.side_missing is not None:
            key = ("side", n, s.side_missing)
            out.append(
                Due(CueKind.SIDE_BEND_OTHER, key, v.first(key, s.t_s), {"side": s.side_missing})
            )
        still = s.still_s or 0.0
        if s.pain_first is not None and not s.sides_done and still >= BOTH_SIDES_AFTER_S:
            key = ("both", n)
            out.append(Due(CueKind.SIDE_BEND_BOTH, key, v.first(key, s.t_s)))
        return out


class PlanWatch:
    def __init__(self) -> None:
        self.reached: float | None = None

    def observe(self, snap: LiveSnapshot) -> None:
        if self.reached is None and snap.plan.done_s >= snap.plan.target_s:
            self.reached = snap.t_s

    def due(self, now: float) -> list[Due]:
        return [] if self.reached is None else [Due(CueKind.PLAN_REACHED, ("plan",), self.reached)]


class StabilityWatch:
    def __init__(self) -> None:
        self.t = -1e9
        self.run_since: float | None = None  # the current unbroken unstable run
        self.stable_since: float | None = None
        self.episode = 0
        self.in_episode = False

    def observe(self, snap: LiveSnapshot) -> None:
        self.t = snap.t_s
        if snap.unstable:
            self.stable_since = None
            if self.run_since is None:
                self.run_since = snap.t_s
            if not self.in_episode:
                self.in_episode = True
                self.episode += 1
            return
        self.run_since = None
        if self.stable_since is None:
            self.stable_since = snap.t_s
        if snap.t_s - self.stable_since >= STABLE_REARM_S:
            self.in_episode = False

    def due(self, now: float) -> list[Due]:
        if self.run_since is None or now - self.t > STALE_S:
            return []
        if self.t - self.run_since < UNSTABLE_HOLD_S:
            return []
        return [Due(CueKind.UNSTABLE, ("unstable", self.episode), self.run_since + UNSTABLE_HOLD_S)]


class LinkWatch:
    def __init__(self) -> None:
        self.up = True
        self.episode = 0
        self.down_since = 0.0
        self.up_since: float | None = None

    def handle(self, event: SessionEvent) -> None:
        if isinstance(event, LinkLost) and self.up:
            self.up = False
            # A drop soon after coming back belongs to the same episode: no new pair of cues.
            if self.up_since is None or event.t_s - self.up_since >= LINK_SETTLE_S:
                self.episode += 1
                self.down_since = event.t_s
        elif isinstance(event, LinkRestored) and not self.up:
            self.up, self.up_since = True, event.t_s

    def due(self, now: float) -> list[Due]:
        if self.episode == 0:
            return []
        if not self.up:
            return [Due(CueKind.LINK_LOST, ("lost", self.episode), self.down_since)]
        assert self.up_since is not None
        if now - self.up_since < LINK_SETTLE_S:
            return []
        settled = self.up_since + LINK_SETTLE_S
        return [Due(CueKind.LINK_RESTORED, ("restored", self.episode), settled)]


class OneShots:
    """Cues from single events (pause, resume, end, inflation) until said or stale."""

    def __init__(self) -> None:
        self.items: list[Due] = []
        self.count = 0
        self.paused = False
        self.ended = False
        self.inflation_armed = False
        self.inflation_direction: str | None = None

    def add(self, kind: CueKind, t_s: float) -> None:
        self.count += 1
        self.items.append(Due(kind, (kind.value, self.count), t_s))

    def handle(self, event: SessionEvent) -> None:
        if isinstance(event, Paused) and not self.paused:
            self.paused = True
            self.add(CueKind.PAUSED, event.t_s)
        elif isinstance(event, Resumed) and self.paused:
            self.paused = False
            self.add(CueKind.RESUMED, event.t_s)
        elif isinstance(event, SessionEnded) and not self.ended:
            self.ended = True
            self.add(CueKind.SESSION_ENDED, event.t_s)
        elif isinstance(event, InflationUpdate):
            self._inflation(event)

    def _inflation(self, event: InflationUpdate) -> None:
        guide = event.guide
        if guide.remaining_kpa > INFLATION_REARM_KPA:
            self.inflation_armed = True
        if guide.direction == "done" and self.inflation_armed:
            self.inflation_armed = False
            self.add(CueKind.INFLATION_DONE, event.t_s)
        if self.inflation_direction == "pump" and guide.direction == "release":
            self.add(CueKind.INFLATION_OVER, event.t_s)
        self.inflation_direction = guide.direction
        # A "done" no longer true (still pumping past it) is not worth saying late.
        if guide.direction != "done":
            self.items = [d for d in self.items if d.kind != CueKind.INFLATION_DONE]

    def due(self, now: float) -> list[Due]:
        self.items = [d for d in self.items if now - d.since <= ONE_SHOT_KEEP_S]
        return list(self.items)
