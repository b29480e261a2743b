"""The cue engine: snapshots and session events in, cues out — pure and deterministic.

::

    engine = CueEngine(settings)
    for cue in engine.update(live.snapshot()):   # after each snapshot
        outputs.deliver(cue)
    engine.handle(LinkLost(t_s))                  # session events, same clock
    engine.tick(t_s)                              # keeps repeats going between snapshots

Time is the session clock carried by the inputs (``LiveSnapshot.t_s``), never
the wall clock, so a test replays a session and gets the same cues at the same
times. The policy:

- **Urgent** cues are emitted the moment their condition is seen. Nothing
  routine can hold them back; ongoing urgent states (past L1, symptom stop
  while still on the ball, over-pressure) repeat on their own schedule.
- **Routine** cues (normal, info) are spaced at least ``ROUTINE_GAP_S`` apart,
  kept out while an urgent state lasts and for ``URGENT_QUIET_S`` after an
  urgent cue, and never queued: a routine cue that cannot be said within its
  freshness window is dropped, and when several are due the most important
  one is said and the rest wait only while still fresh (merging a burst into
  the one that matters).
- Each situation (an excursion, a spot visit, a side, a link drop) has a key
  and is said once; hysteresis lives in :mod:`spineball.cues.watches`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from spineball.analysis.live import LiveSnapshot
from spineball.cues.catalogue import CATALOGUE
from spineball.cues.events import SessionEvent
from spineball.cues.model import PRIORITY_RANK, Cue, CueKind
from spineball.cues.settings import CueSettings
from spineball.cues.watches import (
    AlarmWatch,
    Due,
    Key,
    LinkWatch,
    LumbarWatch,
    OneShots,
    PlanWatch,
    SpotWatch,
    StabilityWatch,
    SymptomWatch,
)

# About one short spoken sentence: routine cues never talk over each other.
ROUTINE_GAP_S: Final = 3.0
# After an urgent cue, give the person a moment to react before any routine chatter.
URGENT_QUIET_S: Final = 4.0
# Cues that still make sense while paused or after the end.
_WHILE_PAUSED: Final = frozenset(
    {
        CueKind.PAUSED,
        CueKind.RESUMED,
        CueKind.SESSION_ENDED,
        CueKind.INFLATION_DONE,
        CueKind.INFLATION_OVER,
        CueKind.LINK_RESTORED,
    }
)
_AFTER_END: Final = frozenset({CueKind.SESSION_ENDED})


@dataclass(slots=True)
class _Said:
    last_t: float
    count: int


class CueEngine:
    def __init__(self, settings: CueSettings | None = None) -> None:
        self.settings = settings or CueSettings()
        self.lumbar = LumbarWatch()
        self.symptom = SymptomWatch()
        self.alarms = AlarmWatch()
        self.spots = SpotWatch()
        self.plan = PlanWatch()
        self.stability = StabilityWatch()
        self.link = LinkWatch()
        self.one_shots = OneShots()
        self._said: dict[Key, _Said] = {}
        self._dropped: set[Key] = set()
        self._last_kind: dict[CueKind, float] = {}
        self._last_routine = -1e9
        self._last_urgent = -1e9
        self._now = -1e9
        self.history: list[Cue] = []  # every cue emitted, oldest first

    # ------------------------------------------------------------------ input

    def update(self, snap: LiveSnapshot) -> list[Cue]:
        """A new live snapshot: returns the cues to deliver now (urgent first)."""
        for watch in (self.lumbar, self.symptom, self.alarms, self.spots, self.plan):
            watch.observe(snap)
        self.stability.observe(snap)
        return self._decide(snap.t_s)

    def handle(self, event: SessionEvent) -> list[Cue]:
        """A session event (link lost/restored, inflation, pause, resume, end)."""
        self.link.handle(event)
        self.one_shots.handle(event)
        return self._decide(event.t_s)

    def tick(self, t_s: float) -> list[Cue]:
        """Time passes without a snapshot (repeats, link restored after settling)."""
        return self._decide(t_s)

    @property
    def paused(self) -> bool:
        return self.one_shots.paused

    @property
    def ended(self) -> bool:
        return self.one_shots.ended

    # ------------------------------------------------------------------ policy

    def _due(self, now: float) -> list[Due]:
        out: list[Due] = []
        for watch in (
            self.symptom,
            self.alarms,
            self.lumbar,
            self.link,
            self.spots,
            self.plan,
            self.stability,
            self.one_shots,
        ):
            out.extend(watch.due(now))
        return out

    def _allowed(self, kind: CueKind) -> bool:
        spec = CATALOGUE[kind]
        if spec.safety:
            return True  # the lumbar guard, the symptom stop and alarms are never switched off
        return self.settings.enabled and kind not in self.settings.disabled

    def _decide(self, t_s: float) -> list[Cue]:
        now = self._now = max(t_s, self._now)  # inputs may arrive slightly out of order
        due = [d for d in self._due(now) if self._allowed(d.kind)]
        urgent = [d for d in due if CATALOGUE[d.kind].priority == "urgent"]
        routine = [d for d in due if CATALOGUE[d.kind].priority != "urgent"]
        cues = self._urgent(urgent, now)
        # An ongoing urgent state (past L1, symptom stop on the ball, over-pressure) or a blind
        # guard silences routine cues; a one-off warning only holds them for URGENT_QUIET_S.
        blocked = any(d.ongoing or d.kind == CueKind.LINK_LOST for d in urgent)
        cue = self._routine(routine, now, blocked)
        if cue is not None:
            cues.append(cue)
        self.history.extend(cues)
        return cues

    def _urgent(self, due: list[Due], now: float) -> list[Cue]:
        cues: list[Cue] = []
        for d in sorted(due, key=lambda d: -CATALOGUE[d.kind].rank):
            spec = CATALOGUE[d.kind]
            said = self._said.get(d.key)
            if said is None:
                if now - self._last_kind.get(d.kind, -1e9) < spec.min_interval_s:
                    self._said[d.key] = _Said(now, 0)  # merged into the cue just said
                    continue
                cues.append(self._emit(d, now, 0))
            elif d.ongoing and spec.repeat_s is not None and now - said.last_t >= spec.repeat_s:
                cues.append(self._emit(d, now, said.count + 1))
        if cues:
            self._last_urgent = now
        return cues

    def _routine(self, due: list[Due], now: float, blocked: bool) -> Cue | None:
        fresh: list[Due] = []
        for d in due:
            if d.key in self._said or d.key in self._dropped:
                continue
            if now - d.since > CATALOGUE[d.kind].fresh_s:
                self._dropped.add(d.key)  # too late to be useful: dropped, never queued
                continue
            fresh.append(d)
        if blocked or now - self._last_urgent < URGENT_QUIET_S:
            return None
        if now - self._last_routine < ROUTINE_GAP_S:
            return None
        ready = [d for d in fresh if self._ready(d, now)]
        if not ready:
            return None
        best = max(ready, key=lambda d: (PRIORITY_RANK[CATALOGUE[d.kind].priority], d.since))
        self._last_routine = now
        return self._emit(best, now, 0)

    def _ready(self, d: Due, now: float) -> bool:
        if self.ended and d.kind not in _AFTER_END:
            return False
        if self.paused and d.kind not in _WHILE_PAUSED:
            return False
        return now - self._last_kind.get(d.kind, -1e9) >= CATALOGUE[d.kind].min_interval_s

    def _emit(self, d: Due, now: float, repeat: int) -> Cue:
        self._said[d.key] = _Said(now, repeat)
        self._last_kind[d.kind] = now
        return CATALOGUE[d.kind].make(now, d.details, repeat)
