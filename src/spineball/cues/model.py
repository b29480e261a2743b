"""What a cue is: its kind, priority, words, buzz pattern and tone.

A cue is one piece of guidance for someone lying on the ball with their hands
behind the head, who cannot look at a screen. Every cue carries all its forms
at once (spoken text, short screen text, a buzz on the ball, a tone); the
outputs pick the forms they can deliver.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from spineball.protocol import Buzz, BuzzPattern

Priority = Literal["urgent", "normal", "info"]

#: Higher is more important; used to order cues that arrive together.
PRIORITY_RANK: Final[dict[Priority, int]] = {"urgent": 2, "normal": 1, "info": 0}


class CueKind(StrEnum):
    LUMBAR_RED = "lumbar_red"
    LUMBAR_AMBER = "lumbar_amber"
    SYMPTOM_STOP = "symptom_stop"
    OVER_PRESSURE = "over_pressure"
    SUDDEN_RISE = "sudden_rise"
    OVER_INFLATED = "over_inflated"
    LINK_LOST = "link_lost"
    LINK_RESTORED = "link_restored"
    NEW_SPOT = "new_spot"
    SIDE_BEND_BOTH = "side_bend_both"
    SIDE_BEND_OTHER = "side_bend_other"
    PAIN_TARGET = "pain_target"
    PLAN_REACHED = "plan_reached"
    UNSTABLE = "unstable"
    INFLATION_DONE = "inflation_done"
    INFLATION_OVER = "inflation_over"
    PAUSED = "paused"
    RESUMED = "resumed"
    SESSION_ENDED = "session_ended"


@dataclass(frozen=True, slots=True)
class Note:
    """One beep: a sine at ``freq_hz`` for ``duration_s``, then ``gap_s`` of silence."""

    freq_hz: float
    duration_s: float
    gap_s: float = 0.0


Tone = tuple[Note, ...]


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue as the engine emits it, at session time ``t_s``."""

    kind: CueKind
    priority: Priority
    t_s: float
    text: str  # spoken
    short: str  # for the screen
    buzz: Buzz | None  # on the ball (None: no buzz, e.g. the link is down)
    tone: Tone
    safety: bool  # lumbar guard, symptom stop, pressure alarms: never switched off
    rank: int  # importance among urgent cues (symptom stop highest)
    repeat: int = 0  # 0 = first time, 1, 2 … = repeats of an ongoing state

    @property
    def urgent(self) -> bool:
        return self.priority == "urgent"

    def to_json(self) -> dict[str, object]:
        return {
            "t_s": round(self.t_s, 3),
            "kind": self.kind.value,
            "priority": self.priority,
            "text": self.text,
            "short": self.short,
            "buzz": None
            if self.buzz is None
            else {
                "pattern": BuzzPattern(self.buzz.pattern).name.lower(),
                "repetitions": self.buzz.repetitions,
            },
            "safety": self.safety,
            "repeat": self.repeat,
        }
