"""Finding the system's speech engine and audio player, and the command lines they take.

Nothing here runs a program: it only finds them (``shutil.which``) and builds
argument lists. Text is always passed on stdin and voice names as single
arguments or environment variables, never through a shell, so no prompt or
setting can turn into a command.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from spineball.cues.settings import CueSettings

Which = Callable[[str], str | None]
SpeechName = Literal["espeak-ng", "espeak", "say", "sapi"]

#: espeak's default speed (words per minute); SAPI's rate 0 is about the same.
DEFAULT_WPM: Final = 175
SAPI_WPM_PER_STEP: Final = 20  # SAPI Rate −10 … 10, roughly 20 wpm per step around the default

NO_SPEECH_HINT: Final = (
    "no speech engine found: install espeak-ng (Debian/Ubuntu: sudo apt install espeak-ng; "
    "Fedora: sudo dnf install espeak-ng; Arch: sudo pacman -S espeak-ng) — until then cues "
    "use tones and the ball's buzz"
)
NO_PLAYER_HINT: Final = (
    "no audio player found (paplay, aplay, afplay or sox's play): tones fall back to the "
    "terminal bell"
)

# PowerShell reads the text from stdin and the voice settings from the environment.
_SAPI_SCRIPT: Final = (
    "Add-Type -AssemblyName System.Speech;"
    "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer;"
    "if ($env:SPINEBALL_VOICE) { $s.SelectVoice($env:SPINEBALL_VOICE) }"
    " else { try { $s.SelectVoiceByHints([System.Speech.Synthesis.VoiceGender]::NotSet,"
    " [System.Speech.Synthesis.VoiceAge]::NotSet, 0,"
    " [System.Globalization.CultureInfo]::GetCultureInfo($env:SPINEBALL_LANGUAGE)) } catch {} };"
    "$s.Rate = [int]$env:SPINEBALL_RATE; $s.Volume = [int]$env:SPINEBALL_VOLUME;"
    "if ($env:SPINEBALL_WAV) { $s.SetOutputToWaveFile($env:SPINEBALL_WAV) };"
    "$s.Speak([Console]::In.ReadToEnd())"
)


@dataclass(frozen=True, slots=True)
class Command:
    argv: tuple[str, ...]
    stdin: bytes | None = None
    env: Mapping[str, str] = field(default_factory=dict)  # added to the inherited environment


@dataclass(frozen=True, slots=True)
class SpeechEngine:
    name: SpeechName
    program: str

    def speak(self, text: str, settings: CueSettings) -> Command:
        return self._command(text, settings, None)

    def render(self, text: str, settings: CueSettings, wav: Path) -> Command:
        """Write the spoken text to a WAV file instead of the speakers."""
        return self._command(text, settings, wav)

    def _command(self, text: str, s: CueSettings, wav: Path | None) -> Command:
        data = text.encode("utf-8")
        if self.name in ("espeak-ng", "espeak"):
            argv = [self.program, "-v", s.voice or s.language, "-s", str(s.rate)]
            argv += ["-a", str(round(200 * s.volume))]  # amplitude 0–200, 100 = default
            if wav is not None:
                argv += ["-w", str(wav)]
            return Command((*argv, "--stdin"), data)
        if self.name == "say":
            argv = [self.program, "-r", str(s.rate), "-f", "-"]
            if s.voice:
                argv += ["-v", s.voice]
            if wav is not None:
                argv += ["-o", str(wav), "--file-format=WAVE", "--data-format=LEI16@22050"]
            return Command(tuple(argv), f"[[volm {s.volume:.2f}]] {text}".encode())
        steps = round((s.rate - DEFAULT_WPM) / SAPI_WPM_PER_STEP)
        env = {
            "SPINEBALL_VOICE": s.voice,
            "SPINEBALL_LANGUAGE": s.language,
            "SPINEBALL_RATE": str(max(-10, min(10, steps))),
            "SPINEBALL_VOLUME": str(round(100 * s.volume)),
            "SPINEBALL_WAV": "" if wav is None else str(wav),
        }
        sapi = (self.program, "-NoProfile", "-NonInteractive", "-Command", _SAPI_SCRIPT)
        return Command(sapi, data, env)


@dataclass(frozen=True, slots=True)
class Player:
    name: str
    program: str

    def play(self, wav: Path) -> Command:
        quiet = {"aplay": ("-q",), "play": ("-q",)}.get(self.name, ())
        return Command((self.program, *quiet, str(wav)))


def _platform_speech(platform: str) -> tuple[tuple[SpeechName, str], ...]:
    if platform == "darwin":
        return (("say", "say"), ("espeak-ng", "espeak-ng"), ("espeak", "espeak"))
    if platform == "win32":
        return (("sapi", "powershell"), ("sapi", "pwsh"), ("espeak-ng", "espeak-ng"))
    return (("espeak-ng", "espeak-ng"), ("espeak", "espeak"))


def find_speech_engine(
    preference: str = "auto", platform: str = sys.platform, which: Which = shutil.which
) -> SpeechEngine | None:
    """The speech engine to use (``preference`` from ``[cues] speech_engine``), or None."""
    if preference == "none":
        return None
    named: dict[str, tuple[SpeechName, str]] = {
        "espeak-ng": ("espeak-ng", "espeak-ng"),
        "espeak": ("espeak", "espeak"),
        "say": ("say", "say"),
    }
    candidates: tuple[tuple[SpeechName, str], ...]
    if preference == "auto":
        candidates = _platform_speech(platform)
    elif preference == "sapi":
        candidates = (("sapi", "powershell"), ("sapi", "pwsh"))
    else:
        candidates = (named[preference],)
    for name, program in candidates:
        path = which(program)
        if path:
            return SpeechEngine(name, path)
    return None


def speech_missing_message(preference: str) -> str:
    if preference in ("auto", "espeak-ng", "espeak"):
        return NO_SPEECH_HINT
    return f"speech engine {preference!r} not found on this system — cues use tones and the buzz"


def find_player(
    preference: str = "auto", platform: str = sys.platform, which: Which = shutil.which
) -> Player | None:
    """The WAV player for tones, or None (then the terminal bell)."""
    if preference == "bell":
        return None
    if preference != "auto":
        names: tuple[str, ...] = (preference,)
    elif platform == "darwin":
        names = ("afplay", "play")
    else:
        names = ("paplay", "aplay", "play")  # PulseAudio/PipeWire first, then ALSA, then sox
    for name in names:
        path = which(name)
        if path:
            return Player(name, path)
    return None
