"""Session events the cue engine hears besides the live snapshots.

The recorder owns the link and the session, so it reports what only it
knows: the link went down or came back, the inflation assistant's state,
pause, resume and the end of the session. Times are session time (the same
clock as :attr:`LiveSnapshot.t_s`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from spineball.analysis.advice import InflationGuide


@dataclass(frozen=True, slots=True)
class LinkLost:
    t_s: float


@dataclass(frozen=True, slots=True)
class LinkRestored:
    t_s: float


@dataclass(frozen=True, slots=True)
class InflationUpdate:
    """The inflation assistant's latest reading (``analysis.inflation_guide``)."""

    t_s: float
    guide: InflationGuide


@dataclass(frozen=True, slots=True)
class Paused:
    t_s: float


@dataclass(frozen=True, slots=True)
class Resumed:
    t_s: float


@dataclass(frozen=True, slots=True)
class SessionEnded:
    t_s: float


SessionEvent: TypeAlias = (
    LinkLost | LinkRestored | InflationUpdate | Paused | Resumed | SessionEnded
)
