"""The cue service: the engine wired to its outputs, as the recorder runs it.

::

    cues = CueService(load_cue_settings(), buzz=send_buzz)   # finds speech engine and player
    async with cues:
        for snap in snapshots:
            cues.update(snap)                 # non-blocking: sound and buzz run as tasks
        cues.handle(LinkLost(t_s)); cues.tick(t_s)
        cues.attach_buzz(sender) / cues.detach_buzz()   # as the link comes and goes
        cues.board                            # the dashboard's state object

Routing (docs/cues.md, "Safety rules"): every cue goes to the screen log.
Routine cues sound and buzz only as the settings say. Safety cues (lumbar
guard, symptom stop, pressure alarms, lost link) always buzz and always show;
they sound through the configured sound outputs (tones if none are
configured), and only ``muted`` silences them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Literal, Self

from spineball.analysis.live import LiveSnapshot
from spineball.cues.board import CueBoard
from spineball.cues.buzz import BuzzOutput, BuzzSender
from spineball.cues.commands import (
    NO_PLAYER_HINT,
    Player,
    SpeechEngine,
    find_player,
    find_speech_engine,
    speech_missing_message,
)
from spineball.cues.engine import CueEngine
from spineball.cues.events import SessionEvent
from spineball.cues.model import Cue
from spineball.cues.settings import SOUND_OUTPUTS, CueSettings
from spineball.cues.sound import SoundChannel, TerminalBell

Auto = Literal["auto"]


class CueService:
    def __init__(
        self,
        settings: CueSettings | None = None,
        *,
        buzz: BuzzSender | None = None,
        speech: SpeechEngine | Auto | None = "auto",
        player: Player | Auto | None = "auto",
        bell: Callable[[int], None] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        settings = settings or CueSettings()
        detect_speech, detect_player = speech == "auto", player == "auto"
        if speech == "auto":
            speech = find_speech_engine(settings.speech_engine)
        if player == "auto":
            player = find_player(settings.player)
        self.board = CueBoard(
            settings, speech.name if speech else None, player.name if player else None
        )
        # Only what was looked for and not found is a problem; None passed in is a choice.
        if detect_speech and speech is None and "speech" in settings.outputs:
            self.board.problem(speech_missing_message(settings.speech_engine))
        wanted_player = "tones" in settings.outputs and settings.player != "bell"
        if detect_player and player is None and wanted_player:
            self.board.problem(NO_PLAYER_HINT)
        self.engine = CueEngine(settings)
        self.board.subscribe(self._settings_changed)
        self.sound = SoundChannel(
            lambda: self.board.settings,
            player,
            speech,
            bell or TerminalBell(),
            self.board.problem,
            cache_dir,
        )
        self.buzz = BuzzOutput(buzz, self.board.problem)

    def _settings_changed(self, board: CueBoard) -> None:
        self.engine.settings = board.settings

    # ------------------------------------------------------------------ input

    def update(self, snap: LiveSnapshot) -> list[Cue]:
        return self._deliver_all(self.engine.update(snap))

    def handle(self, event: SessionEvent) -> list[Cue]:
        return self._deliver_all(self.engine.handle(event))

    def tick(self, t_s: float) -> list[Cue]:
        return self._deliver_all(self.engine.tick(t_s))

    def attach_buzz(self, sender: BuzzSender) -> None:
        self.buzz.attach(sender)

    def detach_buzz(self) -> None:
        self.buzz.detach()

    # ------------------------------------------------------------------ routing

    def _deliver_all(self, cues: list[Cue]) -> list[Cue]:
        for cue in cues:
            self.deliver(cue)
        return cues

    def deliver(self, cue: Cue) -> tuple[str, ...]:
        """Send one cue to its outputs; returns where it went."""
        s = self.board.settings
        used = ["screen"]
        sound = sound_outputs(s, cue)
        if sound and self.sound.offer(cue, sound) != "drop":
            used.extend(sound)
        wants_buzz = cue.safety or (s.enabled and "buzz" in s.outputs)
        if wants_buzz and self.buzz.offer(cue) in ("send", "pending"):
            used.append("buzz")
        self.board.record(cue, tuple(used))
        return tuple(used)

    async def aclose(self) -> None:
        await self.buzz.aclose()
        await self.sound.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def sound_outputs(s: CueSettings, cue: Cue) -> tuple[str, ...]:
    """The sound outputs a cue plays on under settings ``s`` (safety rules included)."""
    if s.muted:
        return ()
    chosen = tuple(o for o in SOUND_OUTPUTS if o in s.outputs)
    if cue.safety:
        return chosen or ("tones",)
    return chosen if s.enabled else ()
