"""Who gets the speaker: urgent cues pre-empt routine ones, routine ones never queue.

One sound plays at a time (a tone, then the spoken prompt). The arbiter is
the pure policy; :mod:`spineball.cues.sound` runs the processes it decides on.

- Nothing playing: play.
- An urgent cue while a routine one plays: interrupt it.
- An urgent cue while another urgent plays: interrupt if more important
  (symptom stop > pressure > past L1 > approaching > link); the same kind
  (a repeat) is dropped; otherwise it waits in the single pending slot.
- A routine cue while an urgent one plays or waits: dropped.
- A routine cue while a routine one plays: it takes the pending slot if it is
  more important (or as important and newer) — a merge, never a queue — and
  is dropped if it is stale by the time the speaker is free.
"""

from __future__ import annotations

from typing import Final, Literal

from spineball.cues.model import PRIORITY_RANK, Cue

Decision = Literal["play", "interrupt", "pending", "drop"]

STALE_PENDING_S: Final = 4.0


class Arbiter:
    def __init__(self) -> None:
        self.playing: Cue | None = None
        self.pending: Cue | None = None
        self._pending_at = 0.0

    def offer(self, cue: Cue, now: float) -> Decision:
        playing = self.playing
        if playing is None:
            self.playing = cue
            return "play"
        if cue.urgent:
            if not playing.urgent or cue.rank > playing.rank:
                self.playing = cue
                if self.pending is not None and not self.pending.urgent:
                    self.pending = None
                return "interrupt"
            if cue.kind == playing.kind:
                return "drop"
            if self.pending is not None and self.pending.urgent and self.pending.rank > cue.rank:
                return "drop"
            return self._hold(cue, now)
        if playing.urgent or (self.pending is not None and self.pending.urgent):
            return "drop"
        if self.pending is not None and _importance(self.pending) > _importance(cue):
            return "drop"
        return self._hold(cue, now)

    def _hold(self, cue: Cue, now: float) -> Decision:
        self.pending, self._pending_at = cue, now
        return "pending"

    def finished(self, cue: Cue, now: float) -> Cue | None:
        """``cue`` stopped playing (done or failed): the next one to play, if any."""
        if self.playing is not cue:
            return None  # it was interrupted; the arbiter has moved on already
        nxt, self.pending, self.playing = self.pending, None, None
        if nxt is None or (not nxt.urgent and now - self._pending_at > STALE_PENDING_S):
            return None
        self.playing = nxt
        return nxt


def _importance(cue: Cue) -> tuple[int, float]:
    return PRIORITY_RANK[cue.priority], cue.t_s
