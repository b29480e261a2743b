"""Every cue the engine can emit, as one declarative table.

Priorities: *urgent* cues (the lumbar guard, the symptom stop, pressure
alarms, a lost link) are never delayed or drowned by routine ones; *normal*
cues guide the exercise; *info* cues confirm what happened. ``safety`` cues
can never be switched off by settings (docs/cues.md, "Safety rules").

Buzz patterns are protocol §4.1's (0 tick, 1 double, 2 long, 3 alarm): the
stronger the pattern, the more it matters, so a person can tell an alarm from
a "new spot" tick without hearing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from spineball.cues.model import Cue, CueKind, Note, Priority, Tone
from spineball.protocol import Buzz, BuzzPattern

# Earcons: short, distinct by rhythm as well as pitch (heard through a pillow or over music).
ALARM_TONE: Final[Tone] = (
    Note(988.0, 0.12, 0.04),
    Note(740.0, 0.12, 0.08),
    Note(988.0, 0.12, 0.04),
    Note(740.0, 0.12, 0.0),
)
WARN_TONE: Final[Tone] = (Note(660.0, 0.16, 0.08), Note(660.0, 0.16, 0.0))
CHIME_TONE: Final[Tone] = (Note(660.0, 0.11, 0.03), Note(880.0, 0.16, 0.0))
BLIP_TONE: Final[Tone] = (Note(880.0, 0.08, 0.0),)


@dataclass(frozen=True, slots=True)
class CueSpec:
    kind: CueKind
    priority: Priority
    text: str  # spoken; ``{name}`` fields come from the trigger's details
    short: str  # screen
    buzz: tuple[BuzzPattern, int] | None
    tone: Tone
    safety: bool = False
    rank: int = 0  # among urgent cues: which one may interrupt which
    fresh_s: float = 8.0  # a routine cue held back longer than this is dropped, not queued
    repeat_s: float | None = None  # an ongoing urgent state repeats its cue this often
    min_interval_s: float = 0.0  # never twice within this (a new episode waits or merges)

    def make(self, t_s: float, details: dict[str, str], repeat: int = 0) -> Cue:
        pattern = None if self.buzz is None else Buzz(int(self.buzz[0]), self.buzz[1])
        return Cue(
            kind=self.kind,
            priority=self.priority,
            t_s=t_s,
            text=self.text.format(**details),
            short=self.short.format(**details),
            buzz=pattern,
            tone=self.tone,
            safety=self.safety,
            rank=self.rank,
            repeat=repeat,
        )


_P = BuzzPattern
SPECS: Final[tuple[CueSpec, ...]] = (
    # --- urgent -----------------------------------------------------------------
    CueSpec(
        CueKind.SYMPTOM_STOP, "urgent",
        "Stop now. Burning, tingling or electric pain means a nerve may be irritated. "
        "End the session and see a doctor.",
        "STOP: {symptom} — end the session, see a doctor",
        (_P.ALARM, 3), ALARM_TONE, safety=True, rank=5, repeat_s=10.0,
    ),
    CueSpec(
        CueKind.OVER_PRESSURE, "urgent",
        "Get off the ball: the pressure is too high.",
        "GET OFF: pressure above 50 kPa",
        (_P.ALARM, 2), ALARM_TONE, safety=True, rank=4, repeat_s=5.0,
    ),
    CueSpec(
        CueKind.SUDDEN_RISE, "urgent",
        "Do not stand or kneel on the ball.",
        "Do not stand or kneel on the ball",
        (_P.ALARM, 1), ALARM_TONE, safety=True, rank=4, min_interval_s=5.0,
    ),
    CueSpec(
        CueKind.LUMBAR_RED, "urgent",
        "Stop. Past L1. Roll back up.",
        "STOP: past L1 — roll back up",
        (_P.ALARM, 2), ALARM_TONE, safety=True, rank=3, repeat_s=3.0,
    ),
    CueSpec(
        CueKind.LUMBAR_AMBER, "urgent",
        "Careful: lumbar zone ahead. Roll back up.",
        "Lumbar zone near — roll back up",
        (_P.LONG, 1), WARN_TONE, safety=True, rank=2,
    ),
    CueSpec(
        # The lumbar guard is blind while the link is down: part of the guard, so safety.
        CueKind.LINK_LOST, "urgent",
        "Ball connection lost. The lumbar guard cannot see you: stay on the upper back.",
        "Link lost — lumbar guard blind",
        None, WARN_TONE, safety=True, rank=1,
    ),
    # --- normal -----------------------------------------------------------------
    CueSpec(
        CueKind.OVER_INFLATED, "normal",
        "The ball is over-inflated. Release some air.",
        "Over-inflated: release some air",
        (_P.LONG, 1), CHIME_TONE, safety=True, fresh_s=30.0, min_interval_s=60.0,
    ),
    CueSpec(
        CueKind.SIDE_BEND_OTHER, "normal",
        "Now bend to the {side}.",
        "Bend to the {side}",
        (_P.TICK, 2), CHIME_TONE, fresh_s=10.0,
    ),
    CueSpec(
        CueKind.PAIN_TARGET, "normal",
        "Pain target reached. Move on, or stay if it helps.",
        "Pain target reached — move on or stay",
        (_P.DOUBLE, 1), CHIME_TONE, fresh_s=15.0,
    ),
    CueSpec(
        CueKind.PLAN_REACHED, "normal",
        "Today's time is reached. Finish this spot, then get off the ball.",
        "Today's time reached",
        (_P.DOUBLE, 2), CHIME_TONE, fresh_s=120.0,
    ),
    CueSpec(
        CueKind.UNSTABLE, "normal",
        "The ball is rocking sideways. Steady yourself; a softer ball helps.",
        "Ball unstable — rocking sideways",
        (_P.LONG, 1), CHIME_TONE, fresh_s=10.0, min_interval_s=60.0,
    ),
    CueSpec(
        CueKind.INFLATION_DONE, "normal",
        "Inflation target reached. Stop pumping.",
        "Inflation on target",
        (_P.DOUBLE, 1), CHIME_TONE, fresh_s=5.0,
    ),
    CueSpec(
        CueKind.INFLATION_OVER, "normal",
        "Too much air. Release a little.",
        "Too much air — release a little",
        (_P.LONG, 1), CHIME_TONE, fresh_s=5.0, min_interval_s=10.0,
    ),
    # --- info -------------------------------------------------------------------
    CueSpec(
        CueKind.NEW_SPOT, "info",
        "New spot, {level}.",
        "On a new spot ({level})",
        (_P.TICK, 1), BLIP_TONE, fresh_s=6.0,
    ),
    CueSpec(
        CueKind.SIDE_BEND_BOTH, "info",
        "Bend to each side while you are extended.",
        "Bend to both sides",
        (_P.TICK, 2), BLIP_TONE, fresh_s=20.0,
    ),
    CueSpec(
        CueKind.LINK_RESTORED, "info",
        "Ball connected again.",
        "Link restored",
        (_P.TICK, 1), BLIP_TONE, fresh_s=10.0,
    ),
    CueSpec(CueKind.PAUSED, "info", "Session paused.", "Paused", None, BLIP_TONE, fresh_s=3.0),
    CueSpec(CueKind.RESUMED, "info", "Session resumed.", "Resumed", None, BLIP_TONE, fresh_s=3.0),
    CueSpec(
        CueKind.SESSION_ENDED, "info",
        "Session ended. Well done.",
        "Session ended",
        None, CHIME_TONE, fresh_s=5.0,
    ),
)  # fmt: skip

CATALOGUE: Final[dict[CueKind, CueSpec]] = {spec.kind: spec for spec in SPECS}
SAFETY_KINDS: Final = frozenset(spec.kind for spec in SPECS if spec.safety)

assert set(CATALOGUE) == set(CueKind), "every cue kind needs a catalogue entry"
