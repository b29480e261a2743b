"""Where a running recorder can be found: one Unix socket per ball in a private directory.

The directory is per user and private (mode 0700): ``$SPINEBALL_RUNTIME_DIR``
if set, else ``$XDG_RUNTIME_DIR/spineball`` (Linux), else the platform's
runtime or temporary directory with the user id in its name. Sockets are
``recorder-<ball>.sock`` (mode 0600); the recorder's log is beside it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Final

SOCKET_PREFIX: Final = "recorder-"
DEFAULT_BALL_KEY: Final = "default"
#: AF_UNIX paths are limited to 104–108 bytes; keep names short.
MAX_SOCKET_PATH: Final = 100


def runtime_dir() -> Path:
    override = os.environ.get("SPINEBALL_RUNTIME_DIR")
    if override:
        path = Path(override)
    elif os.environ.get("XDG_RUNTIME_DIR"):
        path = Path(os.environ["XDG_RUNTIME_DIR"]) / "spineball"
    else:
        uid = os.getuid() if hasattr(os, "getuid") else os.getpid()
        path = Path(tempfile.gettempdir()) / f"spineball-{uid}"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
        raise PermissionError(f"{path} belongs to another user; set SPINEBALL_RUNTIME_DIR")
    path.chmod(0o700)
    return path


def ball_key(ball: str | None) -> str:
    """A file-name-safe key for the ball a recorder serves (address or name)."""
    if not ball:
        return DEFAULT_BALL_KEY
    return re.sub(r"[^A-Za-z0-9-]", "", ball.upper().replace(":", "")) or DEFAULT_BALL_KEY


def socket_path(ball: str | None) -> Path:
    path = runtime_dir() / f"{SOCKET_PREFIX}{ball_key(ball)}.sock"
    if len(str(path)) > MAX_SOCKET_PATH:
        raise OSError(f"socket path {path} is too long; set SPINEBALL_RUNTIME_DIR to a short path")
    return path


def log_path(ball: str | None) -> Path:
    return runtime_dir() / f"{SOCKET_PREFIX}{ball_key(ball)}.log"


def running_sockets() -> list[Path]:
    return sorted(runtime_dir().glob(f"{SOCKET_PREFIX}*.sock"))
