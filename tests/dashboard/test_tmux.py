"""End to end in a real terminal: ``spineball dash`` in tmux, keys sent, the screen read back.

What a person on the ball sees: where the ball is, the spot timer, the pain
target after rating, and the lumbar alarm when the simulated person rolls too
far. A private tmux server (``-L``) keeps this away from any other tmux.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SPINEBALL = [sys.executable, "-m", "spineball"]


class Terminal:
    def __init__(self, server: str, env: dict[str, str]) -> None:
        self.server = server
        self.env = env
        self.name = "dash"

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.server, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
            env=self.env,
        )
        return out.stdout

    def start(self, *command: str, size: tuple[int, int] = (80, 24)) -> None:
        self.tmux(
            "new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
            " ".join(command),
        )  # fmt: skip

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, check: Callable[[str], object], timeout_s: float = 15.0) -> str:
        deadline = time.monotonic() + timeout_s
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"the screen never showed what was expected:\n{screen}")

    def running(self) -> bool:
        return (
            subprocess.run(
                ["tmux", "-L", self.server, "has-session", "-t", self.name],
                capture_output=True,
                env=self.env,
                timeout=10,
            ).returncode
            == 0
        )


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    env = {
        **os.environ,
        "SPINEBALL_DATA_DIR": str(tmp_path / "data"),
        "SPINEBALL_CONFIG_DIR": str(tmp_path / "config"),
        "TERM": "xterm-256color",
    }
    term = Terminal(f"spineball-test-{uuid.uuid4().hex[:8]}", env)
    try:
        yield term
    finally:
        subprocess.run(
            ["tmux", "-L", term.server, "kill-server"], capture_output=True, env=env, timeout=10
        )


def end_recorders(runtime: Path) -> None:
    """Send End to any recorder still serving in ``runtime`` (a test that failed midway)."""
    from spineball.session.api import EndSession
    from spineball.session.socket_client import SocketClient

    async def end(path: Path) -> None:
        client = await SocketClient.connect(path)
        await client.send(EndSession())
        async for _update in client.updates():
            pass

    for path in runtime.glob("recorder-*.sock"):
        with contextlib.suppress(OSError, ConnectionError):
            asyncio.run(asyncio.wait_for(end(path), 30))


def test_virtual_ball_through_the_recorder(terminal: Terminal, tmp_path: Path) -> None:
    """``spineball dash --virtual``: a recorder starts on the virtual ball; a person lies on it.

    Person 5 settles on T4 at 11–22 s, and rolls past L1 at 62–67 s (×3 here).
    """
    runtime = tmp_path / "run"
    terminal.env["SPINEBALL_RUNTIME_DIR"] = str(runtime)
    try:
        terminal.start(*SPINEBALL, "dash", "--virtual", "--seed", "5", "--time-scale", "3")
        terminal.wait_for(lambda s: "CONNECTING" in s or "● REC" in s)
        screen = terminal.wait_for(lambda s: "● REC" in s and "▼" in s, timeout_s=60)
        assert re.search(r"▼─* [CTL]\d+ ±\d+ mm", screen), screen  # the ball on the spine
        assert "Ball SB-" in screen
        assert "streaming" in screen
        screen = terminal.wait_for(lambda s: "Settling at T" in s or "Spot at T" in s)

        def digits(s: str) -> list[str]:  # the spot timer's big digits
            return [line[:16] for line in s.splitlines()[9:12]]

        first = digits(screen)
        terminal.wait_for(lambda s: digits(s) != first)
        terminal.keys("6")
        screen = terminal.wait_for(lambda s: "target 4" in s)
        assert "Pain 6→6 target 4" in screen
        screen = terminal.wait_for(lambda s: "LOW BACK — ROLL BACK UP NOW" in s, timeout_s=60)
        assert "⚠" in screen
        assert "Never roll over the lumbar spine" in screen
        terminal.keys("e")
        terminal.keys("y")
        screen = terminal.wait_for(lambda s: "Session summary" in s, timeout_s=30)
        assert "ENDED" in screen
        terminal.keys("q")
        deadline = time.monotonic() + 30
        while list(runtime.glob("recorder-*.sock")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not list(runtime.glob("recorder-*.sock")), "the recorder did not finish"
    finally:
        end_recorders(runtime)
