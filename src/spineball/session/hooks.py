"""Where the live path can be extended: consumers of every update, and the ball's buzzer.

The cue engine (docs/cues.md) plugs in here without the recorder knowing it::

    cues = CueService(load_cue_settings(), buzz=recorder.send_buzz)
    recorder.live_consumers.append(lambda update: cues.update(update.snapshot))
    recorder.note_cue(CueNote(t_s, "lumbar_red", "urgent", "Roll back up"))  # for the clients

A consumer is called on the recorder's event loop with every update (10 a
second: the live snapshot, the link state, the recorder's state), the same
update the clients get. It must return quickly; anything slow belongs in
its own task. A consumer that raises is logged and dropped; recording
carries on.

The buzz sender is :meth:`SessionRecorder.send_buzz`, a
:data:`spineball.cues.BuzzSender`: it writes one BUZZ command through the link
and waits for the ball's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from spineball.cues import BuzzSender
from spineball.session.api import SessionUpdate

#: Called with every update (the cue engine's entry point).
LiveConsumer: TypeAlias = Callable[[SessionUpdate], None]

__all__ = ["BuzzSender", "LiveConsumer"]
