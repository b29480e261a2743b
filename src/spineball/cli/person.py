"""The person's alias for shared summaries and reports: initials or a number, never a name."""

from __future__ import annotations

from collections.abc import Sequence

from spineball.cli.errors import fail
from spineball.config import ConfigError, load_settings, section
from spineball.export.stored import StoredSession


def alias_for(option: str | None, sessions: Sequence[StoredSession]) -> str | None:
    """``--person``, else ``alias`` in the settings' ``[user]`` table, else the sessions' own."""
    if option:
        return option
    try:
        alias = section(load_settings(), "user").get("alias")
    except ConfigError as err:
        fail(str(err))
    if alias is not None and not isinstance(alias, str):
        fail("settings: [user] alias must be a string (initials or a number, not a name)")
    if alias:
        return alias
    recorded = {s.person for s in sessions if s.person}
    return recorded.pop() if len(recorded) == 1 else None
