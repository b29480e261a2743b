"""Where the live path can be extended: consumers of every update, and the ball's buzzer.

The cue engine (sound, voice, buzz) plugs in here without the recorder
knowing it::

    recorder.live_consumers.append(cues.on_update)        # fed every SessionUpdate
    cues = CueEngine(buzz=recorder.buzz)                  # BuzzSender: the Buzz command
    recorder.note_cue(CueNote(t_s, "buzz", "urgent", "Ball past L1: roll back up"))

A consumer is called on the recorder's event loop 10–20 times a second with
the same update the clients get (snapshot, link state, recorder state). It
must return quickly; anything slow belongs in its own task. An exception
in a consumer is logged and the consumer is dropped; recording carries on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeAlias

from spineball.session.api import SessionUpdate

#: Called with every update (the cue engine's entry point).
LiveConsumer: TypeAlias = Callable[[SessionUpdate], None]

#: ``await buzz(pattern, repetitions)`` writes the protocol's BUZZ command through
#: the link (pattern 0 tick, 1 double, 2 long, 3 alarm; repetitions 1–10). True if
#: the ball buzzed; False if it is not connected or its firmware cannot buzz.
BuzzSender: TypeAlias = Callable[[int, int], Awaitable[bool]]
