"""A cue as one WAV file (tone, then the spoken prompt), for trying voices and settings.

Blocking (it waits for the speech engine): for the command line and tests,
never the live path, which plays through :class:`~spineball.cues.sound.SoundChannel`.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import wave
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.cues.commands import SpeechEngine
from spineball.cues.model import Cue
from spineball.cues.settings import CueSettings
from spineball.cues.tones import SAMPLE_RATE, render_tone, wav_bytes

PAUSE_S: Final = 0.15  # between the earcon and the words
RENDER_LIMIT_S: Final = 30.0


class RenderError(RuntimeError):
    """The speech engine could not render the prompt (one clear line)."""


def render_cue_wav(
    cue: Cue, settings: CueSettings, speech: SpeechEngine | None, out: Path
) -> float:
    """Write ``cue`` as a WAV file; returns its length in seconds."""
    parts = [
        render_tone(cue.tone, settings.volume),
        np.zeros(round(PAUSE_S * SAMPLE_RATE), np.int16),
    ]
    if speech is not None:
        parts.append(_speak_to_samples(cue.text, settings, speech))
    samples = np.concatenate(parts)
    out.write_bytes(wav_bytes(samples))
    return len(samples) / SAMPLE_RATE


def _speak_to_samples(
    text: str, settings: CueSettings, speech: SpeechEngine
) -> npt.NDArray[np.int16]:
    with tempfile.TemporaryDirectory(prefix="spineball-speech-") as tmp:
        wav = Path(tmp) / "speech.wav"
        command = speech.render(text, settings, wav)
        try:
            done = subprocess.run(
                command.argv,
                input=command.stdin,
                capture_output=True,
                timeout=RENDER_LIMIT_S,
                env=None if not command.env else {**os.environ, **command.env},
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise RenderError(f"{speech.name}: {err}") from None
        if done.returncode != 0 or not wav.exists():
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RenderError(f"{speech.name}: {lines[-1] if lines else 'no audio written'}")
        return _read_mono16(wav)


def _read_mono16(path: Path) -> npt.NDArray[np.int16]:
    """The WAV's samples as 16-bit mono at the tones' rate (engines differ in format)."""
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as err:
        raise RenderError(f"speech engine wrote an unreadable WAV ({err})") from None
    if width != 2:
        raise RenderError(f"speech engine wrote {8 * width}-bit audio; 16-bit expected")
    x = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE and len(x):
        t_out = np.arange(round(len(x) * SAMPLE_RATE / rate)) / SAMPLE_RATE
        x = np.interp(t_out, np.arange(len(x)) / rate, x)
    return np.asarray(np.round(x), dtype=np.int16)
