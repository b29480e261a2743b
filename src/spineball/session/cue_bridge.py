"""The recorder's updates → the cue engine, and the cues it gives → the clients' cue list.

The recorder knows what the snapshots cannot tell: the link going down and
coming back, pause, resume, the end, the inflation assistant. This bridge turns
those state changes into the cue engine's session events, feeds every snapshot,
ticks the engine between them (repeats of ongoing alarms need it), and applies
the dashboard's cue settings (``SetCues``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from spineball.cues import (
    Cue,
    CueService,
    InflationUpdate,
    LinkLost,
    LinkRestored,
    Paused,
    Resumed,
    SessionEnded,
)
from spineball.session.api import CueNote, SessionUpdate, SetCues, UserInput

log = logging.getLogger(__name__)

_CONNECTED_PHASES = frozenset({"streaming"})
_LOST_PHASES = frozenset({"reconnecting", "connecting", "failed"})


class CueBridge:
    def __init__(self, service: CueService, show: Callable[[CueNote], None]) -> None:
        self.service = service
        self._show = show
        self._was_connected = False
        self._lost = False
        self._state = "waiting"

    def on_update(self, update: SessionUpdate) -> None:
        """A live consumer of the recorder (called 10 times a second on its loop)."""
        t_s = update.snapshot.t_s
        cues: list[Cue] = []
        phase = update.link.phase
        if phase in _CONNECTED_PHASES:
            if self._lost:
                cues += self.service.handle(LinkRestored(t_s))
            self._was_connected, self._lost = True, False
        elif phase in _LOST_PHASES and self._was_connected and not self._lost:
            self._lost = True
            cues += self.service.handle(LinkLost(t_s))
        if update.state != self._state:
            if update.state == "paused":
                cues += self.service.handle(Paused(t_s))
            elif update.state == "ended":
                cues += self.service.handle(SessionEnded(t_s))
            elif self._state == "paused" and update.state == "recording":
                cues += self.service.handle(Resumed(t_s))
            self._state = update.state
        if update.inflation is not None:
            cues += self.service.handle(InflationUpdate(t_s, update.inflation))
        if update.state in ("recording", "paused"):
            cues += self.service.update(update.snapshot)
        cues += self.service.tick(t_s)
        for cue in cues:
            self._show(CueNote(cue.t_s, cue.kind.value, cue.priority, cue.short))

    def on_input(self, message: UserInput) -> None:
        """The dashboard's cue switch, volume and voice."""
        if not isinstance(message, SetCues):
            return
        changes = {
            name: value
            for name, value in (
                ("enabled", message.enabled),
                ("volume", message.volume),
                ("voice", message.voice),
            )
            if value is not None
        }
        try:
            self.service.board.update(**changes)
        except ValueError as err:
            log.warning("cue settings not changed: %s", err)
