"""Pick the dashboard's data source from the command line and build the app.

- ``--replay FILE``: a :class:`~spineball.dashboard.replay.ReplayClient` in this process;
- otherwise the recorder of the ball (``--virtual``: the built-in virtual ball with a
  simulated person), attached over its socket and started first if none runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from spineball.dashboard.app import DashboardApp
from spineball.dashboard.connect import BallFinder, RecorderConnection
from spineball.dashboard.replay import ReplayClient
from spineball.dashboard.settings import dashboard_settings
from spineball.dashboard.source import SourceInfo
from spineball.sessionfile import SessionFileError

if TYPE_CHECKING:
    from spineball.session.radio import RadioSpec

#: a virtual ball's recording stops by itself: a forgotten demo leaves nothing running
VIRTUAL_LIMIT_S: Final = 600.0


class LaunchError(Exception):
    """The dashboard cannot start; the message is one line for the user."""


def replay_app(
    path: Path, *, speed: float = 1.0, start_s: float = 0.0, db_path: Path | None = None
) -> DashboardApp:
    settings = dashboard_settings()  # a bad settings file is reported first
    try:
        client = ReplayClient.from_file(path, speed=speed, start_s=start_s)
    except SessionFileError as err:
        raise LaunchError(str(err)) from None
    except ValueError as err:
        raise LaunchError(f"{path}: {err}") from None
    return DashboardApp(
        client,
        SourceInfo("replay", path.name),
        settings=settings,
        db_path=db_path,
        speed=speed,
    )


def recorder_app(
    radio: RadioSpec, ball: str | None = None, *, db_path: Path | None = None
) -> DashboardApp:
    """Attach to (or start) the recorder; without a paired ball in reach, the Pair screen."""
    extra = ("--duration", f"{VIRTUAL_LIMIT_S:g}") if radio.virtual else ()
    connection = RecorderConnection(radio, ball, db_path, extra)
    label = radio.label if radio.virtual else (ball or "your ball")
    return DashboardApp(
        None,
        SourceInfo(
            "recorder",
            label,
            keeps_recording=True,
            stops_after_s=VIRTUAL_LIMIT_S if radio.virtual else None,
        ),
        connection=connection,
        finder=None if radio.virtual else BallFinder(radio),
        settings=dashboard_settings(),
        db_path=db_path,
    )
