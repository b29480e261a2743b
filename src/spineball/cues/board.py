"""The cue state the dashboard binds to: toggles, volume, voice, and the last cues.

The recorder owns one :class:`CueBoard`; the dashboard (a separate process)
receives :meth:`CueBoard.to_json` and sends changes back, which
:meth:`CueBoard.apply_json` validates like the settings file. In-process
watchers subscribe for a callback on every change.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from spineball.config import ConfigError
from spineball.cues.model import Cue
from spineball.cues.settings import CueSettings, cue_settings_from

#: What the dashboard may change live (the rest comes from the settings file).
LIVE_KEYS: Final = ("enabled", "muted", "volume", "voice", "rate", "language", "outputs")


@dataclass(frozen=True, slots=True)
class CueLogEntry:
    cue: Cue
    outputs: tuple[str, ...]  # where it went: screen, tones, bell, speech, buzz

    def to_json(self) -> dict[str, object]:
        return {**self.cue.to_json(), "outputs": list(self.outputs)}


Listener = Callable[["CueBoard"], None]


class CueBoard:
    def __init__(
        self,
        settings: CueSettings | None = None,
        speech_engine: str | None = None,
        player: str | None = None,
    ) -> None:
        self._settings = settings or CueSettings()
        self.speech_engine = speech_engine  # name of the engine found, None = none
        self.player = player
        self.entries: deque[CueLogEntry] = deque(maxlen=self._settings.log_size)
        self.problems: list[str] = []  # each distinct problem once (no speech engine, …)
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------------ state

    @property
    def settings(self) -> CueSettings:
        return self._settings

    @property
    def enabled(self) -> bool:
        return self._settings.enabled

    @property
    def muted(self) -> bool:
        return self._settings.muted

    @property
    def volume(self) -> float:
        return self._settings.volume

    @property
    def voice(self) -> str:
        return self._settings.voice

    @property
    def last(self) -> list[CueLogEntry]:
        """The last cues, newest first (the screen log)."""
        return list(reversed(self.entries))

    # ------------------------------------------------------------------ changes

    def update(self, **changes: Any) -> CueSettings:
        """Change live settings (validated; raises :class:`ConfigError` with one clear line)."""
        unknown = sorted(set(changes) - set(LIVE_KEYS))
        if unknown:
            raise ConfigError(f"cues: {unknown[0]!r} cannot be changed from the dashboard")
        table = {**_as_table(self._settings), **changes}
        if "outputs" in changes and isinstance(changes["outputs"], tuple):
            table["outputs"] = list(changes["outputs"])
        self._settings = cue_settings_from(table)
        self._notify()
        return self._settings

    def set_enabled(self, on: bool) -> None:
        self.update(enabled=on)

    def set_muted(self, on: bool) -> None:
        self.update(muted=on)

    def set_volume(self, volume: float) -> None:
        self.update(volume=volume)

    def set_voice(self, voice: str) -> None:
        self.update(voice=voice)

    def apply_json(self, message: Mapping[str, Any]) -> CueSettings:
        """A change request from the dashboard, e.g. ``{"muted": true}``."""
        return self.update(**dict(message))

    def record(self, cue: Cue, outputs: tuple[str, ...]) -> CueLogEntry:
        entry = CueLogEntry(cue, outputs)
        self.entries.append(entry)
        self._notify()
        return entry

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)
            self._notify()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(board)`` on every change; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    def to_json(self) -> dict[str, object]:
        s = self._settings
        return {
            "enabled": s.enabled,
            "muted": s.muted,
            "volume": s.volume,
            "voice": s.voice,
            "rate": s.rate,
            "language": s.language,
            "outputs": list(s.outputs),
            "speech_engine": self.speech_engine,
            "player": self.player,
            "problems": list(self.problems),
            "last": [e.to_json() for e in self.last],
        }


def _as_table(s: CueSettings) -> dict[str, Any]:
    table = {f.name: getattr(s, f.name) for f in dataclasses.fields(s)}
    table["outputs"] = list(s.outputs)
    table["disabled"] = sorted(k.value for k in s.disabled)
    return table
