"""Sound output: a tone, then the spoken prompt, one cue at a time, never blocking.

Processes run with asyncio; :meth:`SoundChannel.offer` returns at once. An
urgent cue interrupts a routine utterance by terminating its process (see
:mod:`spineball.cues.arbiter`). Failures (no sound device, a bad voice name)
are reported once through ``on_problem`` and never reach the live path.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Final, TextIO

from spineball.cues.arbiter import Arbiter, Decision
from spineball.cues.commands import Command, Player, SpeechEngine
from spineball.cues.model import Cue, Tone
from spineball.cues.settings import CueSettings
from spineball.cues.tones import write_tone

TERMINATE_WAIT_S: Final = 1.0
PROCESS_LIMIT_S: Final = 30.0  # no prompt is this long; a hung player must not hold the channel
BELLS: Final = {"urgent": 3, "normal": 2, "info": 1}
# Volume 0 must not silence the lumbar guard or the symptom stop: only "muted" does (docs/cues.md).
SAFETY_MIN_VOLUME: Final = 0.5


class TerminalBell:
    """Rings the terminal bell (BEL) on ``stream`` when it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr

    def __call__(self, times: int) -> None:
        if self.stream.isatty():
            self.stream.write("\a" * times)
            self.stream.flush()


class SoundChannel:
    def __init__(
        self,
        settings: Callable[[], CueSettings],
        player: Player | None,
        speech: SpeechEngine | None,
        bell: Callable[[int], None],
        on_problem: Callable[[str], None],
        cache_dir: Path | None = None,
    ) -> None:
        self._settings = settings
        self.player = player
        self.speech = speech
        self._bell = bell
        self._on_problem = on_problem
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if cache_dir is None:
            self._temp = tempfile.TemporaryDirectory(prefix="spineball-tones-")
            cache_dir = Path(self._temp.name)
        self._cache_dir = cache_dir
        self._tones: dict[tuple[Tone, float], Path] = {}
        self.arbiter = Arbiter()
        self._task: asyncio.Task[None] | None = None
        self._outputs: dict[int, tuple[str, ...]] = {}
        self.started: list[Cue] = []  # cues that began playing, in order
        self.interrupted: list[Cue] = []

    def offer(self, cue: Cue, outputs: tuple[str, ...]) -> Decision:
        """Play ``cue`` on ``outputs`` (tones / bell / speech) as the arbiter decides."""
        loop = asyncio.get_running_loop()
        previous = self.arbiter.playing
        decision = self.arbiter.offer(cue, loop.time())
        if decision != "drop":
            self._outputs[id(cue)] = outputs
        if decision == "interrupt" and self._task is not None and not self._task.done():
            if previous is not None:
                self.interrupted.append(previous)
            self._task.cancel()
        if decision in ("play", "interrupt"):
            self._start(cue)
        return decision

    def _start(self, cue: Cue) -> None:
        self.started.append(cue)
        self._task = asyncio.get_running_loop().create_task(self._run(cue))

    async def _run(self, cue: Cue) -> None:
        try:
            await self._perform(cue, self._outputs.pop(id(cue), ()))
        except OSError as err:  # e.g. the tone cache directory vanished
            self._on_problem(f"sound: {err}")
        finally:
            nxt = self.arbiter.finished(cue, asyncio.get_running_loop().time())
            if nxt is not None:
                self._start(nxt)

    async def _perform(self, cue: Cue, outputs: tuple[str, ...]) -> None:
        settings = self._settings()
        if cue.safety and settings.volume < SAFETY_MIN_VOLUME:
            settings = dataclasses.replace(settings, volume=SAFETY_MIN_VOLUME)
        if "bell" in outputs or ("tones" in outputs and self.player is None):
            self._bell(BELLS[cue.priority])
        if "tones" in outputs and self.player is not None and settings.volume > 0:
            await self._run_command(self.player.play(self._tone_file(cue.tone, settings.volume)))
        if "speech" in outputs and self.speech is not None and settings.volume > 0:
            await self._run_command(self.speech.speak(cue.text, settings))

    def _tone_file(self, tone: Tone, volume: float) -> Path:
        key = (tone, round(volume, 2))
        path = self._tones.get(key)
        if path is None:
            path = write_tone(self._cache_dir / f"tone-{len(self._tones)}.wav", tone, key[1])
            self._tones[key] = path
        return path

    async def _run_command(self, command: Command) -> None:
        env = {**os.environ, **command.env} if command.env else None
        try:
            proc = await asyncio.create_subprocess_exec(
                *command.argv,
                stdin=asyncio.subprocess.PIPE
                if command.stdin is not None
                else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                env=env,
            )
        except OSError as err:
            self._on_problem(f"{Path(command.argv[0]).name}: cannot run ({err.strerror or err})")
            return
        name = Path(command.argv[0]).name
        try:
            async with asyncio.timeout(PROCESS_LIMIT_S):
                _, err_out = await proc.communicate(command.stdin)
        except TimeoutError:
            await _stop(proc)
            self._on_problem(f"{name}: still running after {PROCESS_LIMIT_S:.0f} s, stopped")
            return
        except asyncio.CancelledError:
            await _stop(proc)  # interrupted by a more important cue
            raise
        if proc.returncode:
            lines = err_out.decode("utf-8", "replace").strip().splitlines()
            detail = lines[-1] if lines else f"exit status {proc.returncode}"
            self._on_problem(f"{name}: {detail}")

    async def drain(self) -> None:
        """Wait until nothing is playing or waiting (e.g. before a command-line exit)."""
        while self._task is not None and not self._task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(self._task)

    async def aclose(self) -> None:
        task = self._task
        self.arbiter.pending = None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        await asyncio.wait_for(asyncio.shield(proc.wait()), TERMINATE_WAIT_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
