"""``spineball cues`` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

NO_DEVICE = {"AUDIODRIVER": "alsa", "AUDIODEV": "spineball-no-such-device"}


def run(
    *args: str, config: Path, path: str | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SPINEBALL_CONFIG_DIR": str(config), **extra}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "spineball", "cues", *args], capture_output=True, text=True, env=env
    )


def test_list_shows_every_cue_and_which_are_locked(tmp_path: Path) -> None:
    result = run("list", "--json", config=tmp_path)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_kind = {r["kind"]: r for r in records}
    assert by_kind["lumbar_red"]["safety"] is True
    assert by_kind["lumbar_red"]["buzz"] == {"pattern": "alarm", "repetitions": 2}
    assert by_kind["new_spot"]["safety"] is False
    assert by_kind["side_bend_other"]["text"] == "Now bend to the left."
    text = run("list", config=tmp_path).stdout
    assert "symptom_stop     urgent safety alarm×3" in text


def test_play_writes_tone_and_speech_to_a_wav(tmp_path: Path) -> None:
    out = tmp_path / "cue.wav"
    result = run("play", "pain_target", "--out", str(out), config=tmp_path)
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert 1.5 < seconds < 8.0  # an earcon and a spoken sentence
    assert f"{out}  {seconds:.2f} s" in result.stdout
    # Without speech in the outputs it is just the earcon.
    (tmp_path / "config.toml").write_text('[cues]\noutputs = ["tones"]\n')
    assert run("play", "pain_target", "--out", str(out), config=tmp_path).returncode == 0
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() < 0.6


def test_check_and_errors_are_one_clear_line(tmp_path: Path) -> None:
    result = run("check", config=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "speech: espeak-ng" in result.stdout
    assert "always buzz and show" in result.stdout
    nothing = run("check", config=tmp_path, path=str(tmp_path))  # no programs at all
    assert "sudo apt install espeak-ng" in nothing.stdout
    assert "terminal bell" in nothing.stdout
    (tmp_path / "config.toml").write_text('[cues]\ndisabled = ["lumbar_red"]\n')
    bad = run("check", config=tmp_path)
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "spineball: error: [cues] disabled: lumbar_red is a safety cue and cannot be switched off"
    )
    (tmp_path / "config.toml").write_text("")
    unwritable = run("play", "new_spot", "--out", str(tmp_path / "no" / "x.wav"), config=tmp_path)
    assert unwritable.returncode == 1
    assert unwritable.stderr.startswith("spineball: error: ")
    assert "Traceback" not in unwritable.stderr


def test_play_on_a_missing_sound_device_says_so(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[cues]\nplayer = "play"\noutputs = ["tones"]\n')
    # sox's player pointed at a device that exists nowhere (fails with or without a sound card).
    result = run("play", "lumbar_red", config=tmp_path, **NO_DEVICE)
    assert result.returncode == 1
    assert result.stderr.startswith("spineball: error: could not play the cue: play: ")
    assert len(result.stderr.strip().splitlines()) == 1
