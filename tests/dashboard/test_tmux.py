"""End to end in a real terminal: ``spineball dash`` in tmux, keys sent, the screen read back.

What a person on the ball sees: where the ball is, the spot timer, the pain
target after rating, and the lumbar alarm when the simulated person rolls too
far. A private tmux server (``-L``) keeps this away from any other tmux.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.dashboard.conftest import QUIET_SEED, simulated

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


@pytest.fixture(scope="module")
def session_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _sidecar, _truth = simulated(QUIET_SEED).write(
        tmp_path_factory.mktemp("replay") / "person1.csv"
    )
    return path


def test_position_spot_timer_and_pain_target(terminal: Terminal, session_file: Path) -> None:
    # person 1 rests on an unrated spot at T3/T4 from 34 s to 46 s
    terminal.start(*SPINEBALL, "dash", "--replay", str(session_file), "--start", "40")
    screen = terminal.wait_for(lambda s: "Spot at T" in s)
    assert re.search(r"▼─* T[345] ±\d+ mm", screen), screen  # the ball on the spine map
    assert "C7  T1  T2" in screen
    assert "Pain? press 1–9" in screen
    assert "exercise guidance, not diagnosis" in screen

    # the spot timer counts in big digits (rows 9–11 at the left of the spot card)
    def digits(s: str) -> list[str]:
        return [line[:16] for line in s.splitlines()[9:12]]

    first = digits(screen)
    terminal.wait_for(lambda s: digits(s) != first)
    terminal.keys("6")
    screen = terminal.wait_for(lambda s: "target 4" in s)
    assert "Pain 6→6 target 4" in screen
    terminal.keys("4")
    screen = terminal.wait_for(lambda s: "Pain 6→4 target 4 ✓" in s)
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while terminal.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.running()


def test_lumbar_alarm_when_the_person_rolls_too_far(terminal: Terminal, session_file: Path) -> None:
    excursion = simulated(QUIET_SEED).truth["lumbar_excursions"][0]  # 132–137 s
    start = excursion["start_s"] - 2.0
    terminal.start(
        *SPINEBALL, "dash", "--replay", str(session_file), "--start", f"{start:.1f}", "--speed", "2"
    )
    terminal.wait_for(lambda s: "REPLAY" in s)
    # amber first (the ball may be at T12), then red past L1
    terminal.wait_for(lambda s: "▲ NEAR THE LOW BACK — GO NO FURTHER" in s, timeout_s=20)
    screen = terminal.wait_for(lambda s: "⚠ LOW BACK — ROLL BACK UP NOW" in s, timeout_s=20)
    assert "Never roll over the lumbar spine" in screen
    assert "Roll back up towards the" in screen
    # rolled back up: the banner is calm again
    screen = terminal.wait_for(lambda s: "No alerts" in s, timeout_s=20)
    terminal.keys("q")
