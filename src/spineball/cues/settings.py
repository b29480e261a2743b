"""The ``[cues]`` table of the settings file, validated with one clear line per mistake.

::

    [cues]
    enabled = true                          # routine cues on/off (safety cues stay on)
    muted = false                           # silence every sound (buzz and screen stay)
    outputs = ["tones", "speech", "buzz"]   # any of: tones, bell, speech, buzz
    volume = 0.8                            # 0–1 (safety cues play at 0.5 at least)
    voice = ""                              # the speech engine's voice name; "" = default
    rate = 175                              # speaking rate, words per minute (80–400)
    language = "en"                         # voice language when no voice is named
    speech_engine = "auto"                  # auto, espeak-ng, espeak, say, sapi, none
    player = "auto"                         # auto, paplay, aplay, afplay, play, bell
    disabled = []                           # cue kinds to leave out (not safety cues)
    log_size = 20                           # cues kept for the screen

The screen log is always on. Safety cues (lumbar guard, symptom stop,
pressure alarms, lost link) cannot be disabled: listing one in ``disabled``
is an error, and ``enabled = false`` or a missing ``buzz`` output still lets
them buzz the ball and show on screen (docs/cues.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final

from spineball.config import ConfigError, load_settings, section
from spineball.cues.catalogue import SAFETY_KINDS
from spineball.cues.model import CueKind

OUTPUTS: Final = ("tones", "bell", "speech", "buzz")
SOUND_OUTPUTS: Final = ("tones", "bell", "speech")
SPEECH_ENGINES: Final = ("auto", "espeak-ng", "espeak", "say", "sapi", "none")
PLAYERS: Final = ("auto", "paplay", "aplay", "afplay", "play", "bell")
MIN_RATE_WPM: Final = 80
MAX_RATE_WPM: Final = 400
_LANGUAGE: Final = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# Voice names go on a command line (as one argument, never through a shell); keep them plain.
_VOICE: Final = re.compile(r"^[\w .()+-]{0,64}$")


@dataclass(frozen=True, slots=True)
class CueSettings:
    enabled: bool = True
    muted: bool = False
    outputs: tuple[str, ...] = ("tones", "speech", "buzz")
    volume: float = 0.8
    voice: str = ""
    rate: int = 175  # espeak-ng's default speed
    language: str = "en"
    speech_engine: str = "auto"
    player: str = "auto"
    disabled: frozenset[CueKind] = field(default_factory=frozenset)
    log_size: int = 20

    def __post_init__(self) -> None:
        bad = [o for o in self.outputs if o not in OUTPUTS]
        if bad:
            raise ConfigError(
                f"[cues] outputs: unknown output {bad[0]!r} (use {', '.join(OUTPUTS)})"
            )
        if not 0.0 <= self.volume <= 1.0:
            raise ConfigError(f"[cues] volume must be between 0 and 1, not {self.volume}")
        if not MIN_RATE_WPM <= self.rate <= MAX_RATE_WPM:
            raise ConfigError(
                f"[cues] rate must be {MIN_RATE_WPM}–{MAX_RATE_WPM} words per minute, "
                f"not {self.rate}"
            )
        if not _LANGUAGE.match(self.language):
            raise ConfigError(
                f"[cues] language must look like 'en' or 'en-gb', not {self.language!r}"
            )
        if not _VOICE.match(self.voice):
            raise ConfigError(
                f"[cues] voice {self.voice!r}: letters, digits, spaces and .()+- only"
            )
        if self.speech_engine not in SPEECH_ENGINES:
            raise ConfigError(
                f"[cues] speech_engine must be one of {', '.join(SPEECH_ENGINES)}, "
                f"not {self.speech_engine!r}"
            )
        if self.player not in PLAYERS:
            raise ConfigError(
                f"[cues] player must be one of {', '.join(PLAYERS)}, not {self.player!r}"
            )
        locked = sorted(k.value for k in self.disabled & SAFETY_KINDS)
        if locked:
            raise ConfigError(
                f"[cues] disabled: {locked[0]} is a safety cue and cannot be switched off"
            )
        if not 1 <= self.log_size <= 500:
            raise ConfigError(f"[cues] log_size must be 1–500, not {self.log_size}")

    def sound(self, output: str) -> bool:
        """Whether a sound output is on for routine cues."""
        return self.enabled and not self.muted and output in self.outputs


_BOOL: Final = ((bool,), "true or false")
_NUMBER: Final = ((int, float), "a number")
_WHOLE: Final = ((int,), "a whole number")
_TEXT: Final = ((str,), "a string")
_TYPES: Final[dict[str, tuple[tuple[type, ...], str]]] = {
    "enabled": _BOOL,
    "muted": _BOOL,
    "volume": _NUMBER,
    "voice": _TEXT,
    "rate": _WHOLE,
    "language": _TEXT,
    "speech_engine": _TEXT,
    "player": _TEXT,
    "log_size": _WHOLE,
}
_KNOWN: Final = frozenset(f.name for f in fields(CueSettings))


def cue_settings_from(table: Mapping[str, Any]) -> CueSettings:
    """Validate a ``[cues]`` table; raises :class:`~spineball.config.ConfigError`."""
    unknown = sorted(set(table) - _KNOWN)
    if unknown:
        raise ConfigError(f"[cues]: unknown setting {unknown[0]!r}")
    values: dict[str, Any] = {}
    for key, (types, kind) in _TYPES.items():
        if key not in table:
            continue
        value = table[key]
        # bool is an int in Python: refuse true/false where a number is meant, and vice versa.
        if isinstance(value, bool) != (bool in types) or not isinstance(value, types):
            raise ConfigError(f"[cues] {key} must be {kind}, not {value!r}")
        values[key] = float(value) if isinstance(value, int | float) and key == "volume" else value
    if "outputs" in table:
        outputs = table["outputs"]
        if not isinstance(outputs, list) or not all(isinstance(o, str) for o in outputs):
            raise ConfigError('[cues] outputs must be a list of strings, e.g. ["tones", "buzz"]')
        values["outputs"] = tuple(dict.fromkeys(outputs))
    if "disabled" in table:
        values["disabled"] = _kinds(table["disabled"])
    return CueSettings(**values)


def _kinds(value: object) -> frozenset[CueKind]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError('[cues] disabled must be a list of cue kinds, e.g. ["new_spot"]')
    kinds: set[CueKind] = set()
    for name in value:
        try:
            kinds.add(CueKind(name))
        except ValueError:
            raise ConfigError(
                f"[cues] disabled: unknown cue kind {name!r} (see 'spineball cues list')"
            ) from None
    return frozenset(kinds)


def load_cue_settings(path: Path | None = None) -> CueSettings:
    """The ``[cues]`` table of the settings file (defaults when absent)."""
    return cue_settings_from(section(load_settings(path), "cues"))
