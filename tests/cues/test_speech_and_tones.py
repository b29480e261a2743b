"""Tones rendered with numpy and prompts rendered by the real speech engine (espeak-ng)."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from spineball.cues import CATALOGUE, CueKind, CueSettings, find_speech_engine
from spineball.cues.catalogue import ALARM_TONE, BLIP_TONE
from spineball.cues.commands import NO_SPEECH_HINT, find_player, speech_missing_message
from spineball.cues.tones import SAMPLE_RATE, render_tone, tone_seconds, wav_bytes, write_tone


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2
        assert w.getnchannels() == 1
        frames = w.readframes(w.getnframes())
        return np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0, w.getframerate()


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def test_tones_have_the_right_length_pitch_and_volume(tmp_path: Path) -> None:
    loud = render_tone(BLIP_TONE, 1.0)
    quiet = render_tone(BLIP_TONE, 0.25)
    assert len(loud) == round(tone_seconds(BLIP_TONE) * SAMPLE_RATE)
    assert rms(quiet.astype(float)) == pytest.approx(0.25 * rms(loud.astype(float)), rel=0.01)
    spectrum = np.abs(np.fft.rfft(loud.astype(float)))
    peak_hz = np.argmax(spectrum) * SAMPLE_RATE / len(loud)
    assert peak_hz == pytest.approx(BLIP_TONE[0].freq_hz, abs=15)
    assert int(np.abs(loud[:3]).max()) < 2000  # soft attack: no click
    path = write_tone(tmp_path / "alarm.wav", ALARM_TONE, 0.8)
    samples, rate = read_wav(path)
    assert rate == SAMPLE_RATE
    assert len(samples) / rate == pytest.approx(tone_seconds(ALARM_TONE), abs=0.01)
    assert rms(samples) > 0.1
    assert wav_bytes(render_tone((), 1.0))[:4] == b"RIFF"


def test_espeak_ng_renders_a_prompt_that_is_audible_and_sentence_length(tmp_path: Path) -> None:
    engine = find_speech_engine("espeak-ng")
    assert engine is not None, "espeak-ng is a system package of this project"
    prompt = CATALOGUE[CueKind.LUMBAR_RED].text
    volumes = {}
    for volume in (0.25, 1.0):
        out = tmp_path / f"prompt-{volume}.wav"
        command = engine.render(prompt, CueSettings(volume=volume), out)
        assert prompt not in command.argv  # text goes on stdin, never on the command line
        subprocess.run(command.argv, input=command.stdin, check=True, capture_output=True)
        samples, rate = read_wav(out)
        duration = len(samples) / rate
        assert 0.5 <= duration <= 10.0, duration
        volumes[volume] = rms(samples)
    assert volumes[1.0] > 0.02  # clearly not silence
    assert volumes[0.25] < 0.5 * volumes[1.0]  # the volume setting reaches the engine
    # Words per minute reach it too: a faster rate is a shorter prompt.
    fast = tmp_path / "fast.wav"
    command = engine.render(prompt, CueSettings(rate=350), fast)
    subprocess.run(command.argv, input=command.stdin, check=True, capture_output=True)
    slow_s = len(read_wav(tmp_path / "prompt-1.0.wav")[0])
    assert len(read_wav(fast)[0]) < 0.75 * slow_s


def test_a_wrong_voice_fails_with_the_engines_message(tmp_path: Path) -> None:
    engine = find_speech_engine("espeak-ng")
    assert engine is not None
    command = engine.render("hello", CueSettings(voice="nosuchvoice"), tmp_path / "x.wav")
    done = subprocess.run(command.argv, input=command.stdin, capture_output=True)
    assert done.returncode != 0
    assert b"voice does not exist" in done.stderr


def fake_which(present: set[str]) -> object:
    return lambda name: f"/usr/bin/{name}" if name in present else None


@pytest.mark.parametrize(
    ("platform", "present", "expected"),
    [
        ("linux", {"espeak-ng", "espeak"}, "espeak-ng"),
        ("linux", {"espeak"}, "espeak"),
        ("darwin", {"say"}, "say"),
        ("win32", {"powershell"}, "sapi"),
        ("win32", {"pwsh"}, "sapi"),
        ("linux", set(), None),
    ],
)
def test_speech_engine_per_platform(platform: str, present: set[str], expected: str | None) -> None:
    engine = find_speech_engine("auto", platform, fake_which(present))  # type: ignore[arg-type]
    assert (engine.name if engine else None) == expected


def test_speech_commands_per_engine() -> None:
    s = CueSettings(voice="Daniel", rate=200, volume=0.5)
    say = find_speech_engine("say", "darwin", fake_which({"say"}))  # type: ignore[arg-type]
    assert say is not None
    cmd = say.speak("Now bend to the left.", s)
    assert cmd.argv == ("/usr/bin/say", "-r", "200", "-f", "-", "-v", "Daniel")
    assert cmd.stdin == b"[[volm 0.50]] Now bend to the left."
    sapi = find_speech_engine("sapi", "win32", fake_which({"powershell"}))  # type: ignore[arg-type]
    assert sapi is not None
    cmd = sapi.speak("Now bend to the left.", s)
    assert cmd.argv[:2] == ("/usr/bin/powershell", "-NoProfile")
    assert cmd.stdin == b"Now bend to the left."
    assert cmd.env["SPINEBALL_VOICE"] == "Daniel"
    assert cmd.env["SPINEBALL_RATE"] == "1"  # 200 wpm ≈ SAPI +1
    assert cmd.env["SPINEBALL_VOLUME"] == "50"
    espeak = find_speech_engine("espeak", "linux", fake_which({"espeak"}))  # type: ignore[arg-type]
    assert espeak is not None
    cmd = espeak.speak("x", CueSettings(language="en-gb"))
    assert cmd.argv == ("/usr/bin/espeak", "-v", "en-gb", "-s", "175", "-a", "160", "--stdin")


def test_missing_engines_and_players_are_explained() -> None:
    assert find_speech_engine("none") is None
    assert find_speech_engine("say", "linux", fake_which(set())) is None  # type: ignore[arg-type]
    assert "sudo apt install espeak-ng" in NO_SPEECH_HINT
    assert speech_missing_message("auto") == NO_SPEECH_HINT
    assert "'say' not found" in speech_missing_message("say")
    mac = find_player("auto", "darwin", fake_which({"afplay"}))  # type: ignore[arg-type]
    assert mac is not None
    assert mac.play(Path("/t/a.wav")).argv == ("/usr/bin/afplay", "/t/a.wav")
    linux = find_player("auto", "linux", fake_which({"aplay", "play"}))  # type: ignore[arg-type]
    assert linux is not None
    assert linux.play(Path("a.wav")).argv == ("/usr/bin/aplay", "-q", "a.wav")
    assert find_player("bell") is None
    assert find_player("auto", "linux", fake_which(set())) is None  # type: ignore[arg-type]
    assert shutil.which("play"), "sox is a system package of this project"
