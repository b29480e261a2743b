"""Ball clients as real processes (they can be paused and killed like a hung or crashed laptop)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator

from tests.conftest import REPO


@contextlib.contextmanager
def ball_processes(
    url: str, prefix: str, *balls: tuple[str, ...]
) -> Iterator[list[subprocess.Popen[str]]]:
    """Start one ``tests.mqtt.ball_process`` per (ball id, room, person, level[, lumbar])."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.mqtt.ball_process", url, prefix, *ball],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for ball in balls
    ]
    try:
        for child in children:
            assert child.stdout is not None
            line = child.stdout.readline().strip()
            assert line == "connected", f"ball process did not connect: {line!r}"
        yield children
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()
            if child.stdout:
                child.stdout.close()
