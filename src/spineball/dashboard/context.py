"""What every screen needs: the live model, the source, the settings and a way to send inputs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from spineball.dashboard.settings import DashboardSettings
from spineball.dashboard.source import SourceInfo
from spineball.dashboard.state import LiveView
from spineball.session.api import UserInput


@dataclass(slots=True)
class DashContext:
    view: LiveView
    source: SourceInfo
    settings: DashboardSettings
    send: Callable[[UserInput], Awaitable[bool]]  # False: not delivered (the user was told)
    clock: Callable[[], float]
    db_path: Path | None = None  # the session database for History (None: the default)
    speed: float | None = None  # replay speed, shown in the link panel
