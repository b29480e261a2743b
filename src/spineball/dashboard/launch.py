"""Pick the dashboard's data source from the command line and build the app."""

from __future__ import annotations

import secrets
from pathlib import Path

from spineball.dashboard.app import DashboardApp
from spineball.dashboard.replay import ReplayClient
from spineball.dashboard.settings import dashboard_settings
from spineball.dashboard.source import SourceInfo
from spineball.sessionfile import SessionFileError


class LaunchError(Exception):
    """The dashboard cannot start; the message is one line for the user."""


def build_app(
    *,
    replay: Path | None = None,
    virtual: bool = False,
    seed: int | None = None,
    speed: float = 1.0,
    start_s: float = 0.0,
    db_path: Path | None = None,
) -> DashboardApp:
    settings = dashboard_settings()
    if replay is not None and virtual:
        raise LaunchError("use either --replay or --virtual, not both")
    if replay is not None:
        try:
            client = ReplayClient.from_file(replay, speed=speed, start_s=start_s)
        except SessionFileError as err:
            raise LaunchError(str(err)) from None
        except ValueError as err:
            raise LaunchError(f"{replay}: {err}") from None
        source = SourceInfo("replay", replay.name)
        return DashboardApp(client, source, settings=settings, db_path=db_path, speed=speed)
    if virtual:
        person = seed if seed is not None else secrets.randbelow(10_000)
        client = ReplayClient.simulated(person, speed=speed, start_s=start_s)
        source = SourceInfo("replay", f"virtual ball · person {person}")
        return DashboardApp(client, source, settings=settings, db_path=db_path, speed=speed)
    raise LaunchError(
        "no connection to a ball yet: try spineball dash --virtual, or --replay SESSION.csv"
    )
