"""Where spineball keeps its files, and the settings file.

Paths follow the platform (platformdirs): the database and bond keys in the
user data dir, ``config.toml`` in the user config dir. ``SPINEBALL_DATA_DIR``
and ``SPINEBALL_CONFIG_DIR`` override them (tests and portable installs).

The settings file is TOML with one table per concern (``[user]``, ``[ball]``,
``[mqtt]``, ``[cues]`` …). This module only finds and parses it; each concern
validates its own table, so a typo in one section names that section.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Final

import platformdirs

APP_NAME: Final = "spineball"
CONFIG_FILE_NAME: Final = "config.toml"


class ConfigError(ValueError):
    """The settings file is unreadable or a value in it is wrong (one clear line)."""


def data_dir() -> Path:
    override = os.environ.get("SPINEBALL_DATA_DIR")
    path = Path(override) if override else platformdirs.user_data_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    override = os.environ.get("SPINEBALL_CONFIG_DIR")
    return Path(override) if override else platformdirs.user_config_path(APP_NAME, appauthor=False)


def config_path() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def load_settings(path: Path | None = None) -> dict[str, Any]:
    """The whole settings file as a dict; an absent file is an empty dict."""
    target = path or config_path()
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{target}: cannot read settings ({err})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{target}: not valid TOML ({err})") from None


def section(settings: dict[str, Any], name: str) -> dict[str, Any]:
    """One ``[name]`` table (empty if absent); anything but a table is an error."""
    value = settings.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"settings: [{name}] must be a table")
    return value
