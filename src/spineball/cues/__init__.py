"""Eyes-free guidance: sound, voice and ball-buzz cues (docs/cues.md).

Someone lying on the ball with their hands behind the head cannot read a
screen: the cue engine turns live snapshots and session events into cues
(spoken text, a tone, a buzz on the ball, a line on the screen), urgent ones
first. The engine is pure and deterministic; the outputs run as asyncio
subprocesses and BLE writes and never block the live path.
"""

from spineball.cues.board import CueBoard, CueLogEntry
from spineball.cues.buzz import BuzzOutput, BuzzSender, BuzzUnsupportedError
from spineball.cues.catalogue import CATALOGUE, SAFETY_KINDS, CueSpec
from spineball.cues.commands import Player, SpeechEngine, find_player, find_speech_engine
from spineball.cues.engine import CueEngine
from spineball.cues.events import (
    InflationUpdate,
    LinkLost,
    LinkRestored,
    Paused,
    Resumed,
    SessionEnded,
    SessionEvent,
)
from spineball.cues.model import Cue, CueKind, Note, Priority, Tone
from spineball.cues.service import CueService, sound_outputs
from spineball.cues.settings import CueSettings, cue_settings_from, load_cue_settings
from spineball.cues.sound import SoundChannel, TerminalBell
from spineball.cues.tones import render_tone, wav_bytes

__all__ = [
    "CATALOGUE",
    "SAFETY_KINDS",
    "BuzzOutput",
    "BuzzSender",
    "BuzzUnsupportedError",
    "Cue",
    "CueBoard",
    "CueEngine",
    "CueKind",
    "CueLogEntry",
    "CueService",
    "CueSettings",
    "CueSpec",
    "InflationUpdate",
    "LinkLost",
    "LinkRestored",
    "Note",
    "Paused",
    "Player",
    "Priority",
    "Resumed",
    "SessionEnded",
    "SessionEvent",
    "SoundChannel",
    "SpeechEngine",
    "TerminalBell",
    "Tone",
    "cue_settings_from",
    "find_player",
    "find_speech_engine",
    "load_cue_settings",
    "render_tone",
    "sound_outputs",
    "wav_bytes",
]
