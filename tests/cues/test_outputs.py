"""Sound, buzz and routing with real processes; the sound device is a real-time stand-in.

These machines have no sound card, so the "player" is a small program that
consumes the WAV in real time, as a sound device would, and logs when it
starts, finishes or is stopped. The speech engine in the interruption test
is the real espeak-ng rendering the prompt, then played the same way.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from spineball.cues import (
    CATALOGUE,
    BuzzUnsupportedError,
    Cue,
    CueKind,
    CueService,
    CueSettings,
    Player,
    SpeechEngine,
)
from spineball.cues.buzz import BUZZ_TIMEOUT_S, BuzzOutput
from spineball.cues.sound import SoundChannel
from spineball.protocol import Buzz, BuzzPattern
from tests.cues.snaps import snap

DEVICE = """\
import os, signal, subprocess, sys, tempfile, time, wave
log = open({log!r}, "a")
args = sys.argv[1:]
if args and args[0] != "--wav":  # called as espeak-ng: render with the real engine first
    wav = tempfile.mktemp(suffix=".wav")
    subprocess.run(["espeak-ng", *args[:-1], "-w", wav, "--stdin"], stdin=sys.stdin, check=True)
    kind = "speech"
else:
    wav, kind = args[1], "tone"
def stop(*_):
    log.write(f"stop {{kind}}\\n"); log.flush(); os._exit(143)
signal.signal(signal.SIGTERM, stop)
log.write(f"start {{kind}}\\n"); log.flush()
with wave.open(wav) as w:
    time.sleep(w.getnframes() / w.getframerate())
log.write(f"done {{kind}}\\n"); log.flush()
"""


def device(tmp_path: Path) -> tuple[Player, SpeechEngine, Path]:
    log = tmp_path / "device.log"
    script = tmp_path / "device"
    script.write_text(f"#!{sys.executable}\n" + DEVICE.format(log=str(log)))
    script.chmod(0o755)
    wrapper = tmp_path / "player"
    wrapper.write_text(f'#!/bin/sh\nexec "{script}" --wav "$1"\n')
    wrapper.chmod(0o755)
    return Player("player", str(wrapper)), SpeechEngine("espeak-ng", str(script)), log


def cue(kind: CueKind, t: float = 0.0) -> Cue:
    return CATALOGUE[kind].make(t, {"level": "T6", "side": "left", "symptom": "tingling"})


async def wait_for(predicate: Callable[[], bool], within_s: float = 10.0) -> None:
    """Poll ``predicate`` (processes and tasks report nothing we could await)."""
    for _ in range(round(within_s / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met within {within_s} s")


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


async def test_an_urgent_cue_interrupts_a_routine_utterance(tmp_path: Path) -> None:
    player, speech, log = device(tmp_path)
    problems: list[str] = []
    fast = CueSettings(rate=400)  # short utterances keep the test short
    channel = SoundChannel(lambda: fast, player, speech, lambda n: None, problems.append)
    routine = cue(CueKind.PLAN_REACHED)
    assert channel.offer(routine, ("tones", "speech")) == "play"
    await wait_for(lambda: "start speech" in lines(log))  # the routine prompt is being spoken
    red = cue(CueKind.LUMBAR_RED, 0.2)
    assert channel.offer(red, ("tones", "speech")) == "interrupt"
    assert channel.offer(cue(CueKind.NEW_SPOT, 0.3), ("tones", "speech")) == "drop"
    await wait_for(lambda: lines(log)[-1:] == ["done speech"], within_s=15.0)
    assert lines(log) == [
        "start tone",
        "done tone",
        "start speech",
        "stop speech",  # the routine utterance was cut short
        "start tone",
        "done tone",
        "start speech",
        "done speech",
    ]
    assert channel.started == [routine, red]
    assert channel.interrupted == [routine]
    assert problems == []
    await channel.aclose()


async def test_routine_cues_play_one_after_another_and_failures_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    player, _, log = device(tmp_path)
    problems: list[str] = []
    channel = SoundChannel(CueSettings, player, None, lambda n: None, problems.append)
    a, b = cue(CueKind.NEW_SPOT), cue(CueKind.PAIN_TARGET)
    channel.offer(a, ("tones",))
    assert channel.offer(b, ("tones",)) == "pending"
    await wait_for(lambda: lines(log).count("done tone") == 2)
    assert channel.started == [a, b]
    await channel.aclose()
    # sox's real player on a sound device that exists nowhere: reported in one line.
    monkeypatch.setenv("AUDIODRIVER", "alsa")
    monkeypatch.setenv("AUDIODEV", "spineball-no-such-device")
    sox = Player("play", shutil.which("play") or "play")
    failing = SoundChannel(CueSettings, sox, None, lambda n: None, problems.append)
    failing.offer(cue(CueKind.NEW_SPOT), ("tones",))
    await wait_for(lambda: bool(problems))
    assert problems[0].startswith("play: ")
    assert "\n" not in problems[0]
    await failing.aclose()


async def test_volume_zero_silences_routine_cues_but_not_safety_cues(tmp_path: Path) -> None:
    player, _, log = device(tmp_path)
    silent = CueSettings(volume=0.0)
    channel = SoundChannel(lambda: silent, player, None, lambda n: None, lambda m: None)
    channel.offer(cue(CueKind.NEW_SPOT), ("tones",))
    await channel.drain()
    assert lines(log) == []
    channel.offer(cue(CueKind.LUMBAR_AMBER), ("tones",))
    await channel.drain()
    assert lines(log) == ["start tone", "done tone"]
    await channel.aclose()


async def test_without_a_player_tones_ring_the_bell() -> None:
    rings: list[int] = []
    channel = SoundChannel(CueSettings, None, None, rings.append, lambda m: None)
    channel.offer(cue(CueKind.LUMBAR_RED), ("tones",))
    await wait_for(lambda: channel.arbiter.playing is None)
    channel.offer(cue(CueKind.NEW_SPOT), ("tones",))
    await wait_for(lambda: channel.arbiter.playing is None)
    assert rings == [3, 1]


class Ball:
    """Stands in for the BLE link: records writes, answers after a write time."""

    def __init__(self, write_s: float = 0.05) -> None:
        self.received: list[Buzz] = []
        self.write_s = write_s
        self.fail: BaseException | None = None

    async def send(self, buzz: Buzz) -> None:
        await asyncio.sleep(self.write_s)
        if self.fail is not None:
            raise self.fail
        self.received.append(buzz)


async def test_buzz_writes_are_serialised_and_urgent_first() -> None:
    ball = Ball()
    out = BuzzOutput(ball.send)
    assert out.offer(cue(CueKind.NEW_SPOT)) == "send"
    assert out.offer(cue(CueKind.SIDE_BEND_OTHER)) == "pending"
    assert out.offer(cue(CueKind.LUMBAR_RED)) == "pending"  # replaces the routine one
    assert out.offer(cue(CueKind.PAIN_TARGET)) == "drop"  # never waits behind urgent
    assert out.offer(cue(CueKind.PAUSED)) == "off"  # no buzz for this cue
    await wait_for(lambda: len(ball.received) == 2)
    await asyncio.sleep(0.1)
    assert [(b.pattern, b.repetitions) for b in ball.received] == [
        (BuzzPattern.TICK, 1),
        (BuzzPattern.ALARM, 2),
    ]
    assert out.sent == ball.received
    out.detach()
    assert out.offer(cue(CueKind.LUMBAR_RED)) == "off"
    await out.aclose()


async def test_buzz_problems_are_reported_not_raised() -> None:
    ball = Ball()
    problems: list[str] = []
    out = BuzzOutput(ball.send, problems.append, timeout_s=0.3)
    ball.fail = BuzzUnsupportedError("firmware 1.0 has no buzz motor")
    out.offer(cue(CueKind.LUMBAR_RED))
    await wait_for(lambda: out.unsupported)
    assert problems == ["buzz: firmware 1.0 has no buzz motor"]
    assert out.offer(cue(CueKind.LUMBAR_RED)) == "off"
    ball.fail = ConnectionError("link dropped")
    out.attach(ball.send)  # reconnected (maybe a newer ball)
    out.offer(cue(CueKind.LUMBAR_RED))
    await wait_for(lambda: len(problems) == 2)
    assert problems[1] == "buzz: ConnectionError: link dropped"
    ball.fail, ball.write_s = None, 1.0  # the ball does not answer in time
    out.offer(cue(CueKind.LUMBAR_RED))
    await wait_for(lambda: len(problems) == 3, within_s=5.0)
    assert "no answer from the ball within 0.3 s" in problems[2]
    assert BUZZ_TIMEOUT_S == 2.0  # protocol §4: a client waits 2 s for a Control response
    await out.aclose()


def service(settings: CueSettings, ball: Ball, rings: list[int]) -> CueService:
    return CueService(settings, buzz=ball.send, speech=None, player=None, bell=rings.append)


async def test_muting_leaves_the_buzz_and_screen_for_safety_cues() -> None:
    ball, rings = Ball(), []
    cues = service(CueSettings(muted=True, outputs=("tones",)), ball, rings)
    (red,) = cues.update(snap(1.0, lumbar="red"))
    entry = cues.board.last[0]
    assert entry.cue == red
    assert entry.outputs == ("screen", "buzz")
    await wait_for(lambda: len(ball.received) == 1)
    assert rings == []
    await cues.aclose()


async def test_cues_off_still_sound_and_buzz_safety_cues_only() -> None:
    ball, rings = Ball(), []
    cues = service(CueSettings(enabled=False, outputs=()), ball, rings)
    assert cues.update(snap(1.0, still_s=9.0, in_spot=True)) == []  # routine: off
    assert cues.deliver(cue(CueKind.NEW_SPOT, 1.0)) == ("screen",)
    assert len(cues.update(snap(2.0, lumbar="red"))) == 1
    # No sound output configured: a safety cue still sounds (tones → the bell here) and buzzes.
    assert cues.board.last[0].outputs == ("screen", "tones", "buzz")
    await wait_for(lambda: rings == [3] and len(ball.received) == 1)
    await cues.aclose()


async def test_routine_cues_follow_the_settings() -> None:
    ball, rings = Ball(), []
    cues = service(CueSettings(outputs=("bell",)), ball, rings)
    cues.update(snap(1.0, still_s=9.0, in_spot=True))
    assert cues.board.last[0].outputs == ("screen", "bell")  # no "buzz" in outputs
    cues.board.update(outputs=("bell", "buzz"))
    cues.engine.update(snap(1.1))  # (the engine follows the board's settings too)
    assert cues.deliver(cue(CueKind.PAIN_TARGET, 5.0)) == ("screen", "bell", "buzz")
    cues.board.set_enabled(False)
    assert cues.engine.settings.enabled is False
    await wait_for(lambda: len(ball.received) == 1)
    await cues.aclose()


def test_service_explains_missing_speech_and_player(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    cues = CueService(CueSettings())
    assert cues.board.speech_engine is None
    assert cues.board.player is None
    assert any("sudo apt install espeak-ng" in p for p in cues.board.problems)
    assert any("terminal bell" in p for p in cues.board.problems)
