"""Earcons rendered with numpy to 16-bit mono WAV.

Each note is a sine with a 6 ms raised-cosine attack and release (no clicks),
scaled by the volume; notes and gaps are concatenated. Rendering is
vectorised per note and cached per (tone, volume) by the sound output.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.cues.model import Tone

SAMPLE_RATE: Final = 22_050
RAMP_S: Final = 0.006
FULL_SCALE: Final = 0.7  # headroom: a square-ish alarm at full scale is harsh on small speakers


def render_tone(tone: Tone, volume: float, rate: int = SAMPLE_RATE) -> npt.NDArray[np.int16]:
    """The tone's samples at ``volume`` (0–1)."""
    parts: list[npt.NDArray[np.float64]] = []
    ramp = max(int(RAMP_S * rate), 1)
    for note in tone:
        n = max(round(note.duration_s * rate), 1)
        t = np.arange(n) / rate
        wave_ = np.sin(2.0 * np.pi * note.freq_hz * t)
        envelope = np.ones(n)
        k = min(ramp, n // 2)
        if k:
            edge = 0.5 - 0.5 * np.cos(np.pi * np.arange(k) / k)
            envelope[:k] = edge
            envelope[n - k :] = edge[::-1]
        parts.append(wave_ * envelope)
        parts.append(np.zeros(round(note.gap_s * rate)))
    samples = np.concatenate(parts) if parts else np.zeros(0)
    scaled = samples * (FULL_SCALE * float(np.clip(volume, 0.0, 1.0)) * 32767.0)
    return np.asarray(np.round(scaled), dtype=np.int16)


def wav_bytes(samples: npt.NDArray[np.int16], rate: int = SAMPLE_RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return buf.getvalue()


def write_tone(path: Path, tone: Tone, volume: float) -> Path:
    path.write_bytes(wav_bytes(render_tone(tone, volume)))
    return path


def tone_seconds(tone: Tone) -> float:
    return sum(n.duration_s + n.gap_s for n in tone)
