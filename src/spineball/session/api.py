"""What flows between a recorder and its clients: updates out, the user's inputs in.

The recorder (docs/architecture.md) owns the link, the store, the live
analysis, cues and MQTT; a dashboard attaches to it in-process or over a local
socket. Everything here is a frozen dataclass made of JSON-friendly fields, so
:mod:`spineball.session.wire` can carry it as one JSON object per line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeAlias

from spineball.analysis.advice import InflationGuide
from spineball.analysis.live import LiveSnapshot
from spineball.sessionfile import CalibrationPoint

LinkPhase: TypeAlias = Literal[
    "idle", "scanning", "connecting", "pairing", "streaming", "reconnecting", "stopped", "failed"
]
RecorderState: TypeAlias = Literal["waiting", "recording", "paused", "ended"]
Symptom: TypeAlias = Literal["burning", "tingling", "electric"]


@dataclass(frozen=True, slots=True)
class LinkState:
    """How the connection to the ball is doing (the dashboard's link panel, MQTT's link)."""

    phase: LinkPhase
    address: str | None = None
    name: str | None = None
    rssi_dbm: int | None = None
    battery_pct: int | None = None
    loss_pct: float = 0.0  # samples not (yet) received / samples the ball produced
    reconnects: int = 0
    backfill_pending: int = 0  # samples still to come from the ball's ring buffer
    gaps_s: float = 0.0  # time lost for good (longer than the ring buffer)
    malformed_frames: int = 0
    error: str | None = None  # the last problem, in words a user can act on


@dataclass(frozen=True, slots=True)
class TracePoints:
    """Points for the live plot added since the previous update (≤ 20 per second)."""

    t_s: tuple[float, ...] = ()
    gauge_kpa: tuple[float, ...] = ()  # pressure above the atmosphere
    load_n: tuple[float | None, ...] = ()
    pressure_pa: tuple[float, ...] = ()  # absolute, for the calibration wizard (may be empty)


@dataclass(frozen=True, slots=True)
class CueNote:
    """A cue the recorder gave (sound, voice, buzz), for the on-screen list."""

    t_s: float
    kind: str
    priority: Literal["urgent", "normal", "info"]
    text: str


@dataclass(frozen=True, slots=True)
class SessionUpdate:
    """The recorder's state, sent 10–20 times a second to every attached client."""

    seq: int
    state: RecorderState
    session_id: int | None
    snapshot: LiveSnapshot
    link: LinkState
    trace: TracePoints = field(default_factory=TracePoints)
    cues: tuple[CueNote, ...] = ()  # the newest last; at most the last 20
    inflation: InflationGuide | None = None  # while the inflation assistant runs
    result: dict[str, object] | None = None  # the analyze contract JSON once ended
    store_error: str | None = None  # the database refused the last commit (disk full…); retried


# ------------------------------------------------------------------ user inputs


@dataclass(frozen=True, slots=True)
class RatePain:
    value: int  # 1–10 for the current spot


@dataclass(frozen=True, slots=True)
class MarkSore:
    pass


@dataclass(frozen=True, slots=True)
class MarkLandmark:
    level: str  # C7, T1–T12, L1–L5: "the ball is under this vertebra now"


@dataclass(frozen=True, slots=True)
class ReportSymptom:
    symptom: Symptom  # ends the session with the see-a-doctor advice


@dataclass(frozen=True, slots=True)
class AddNote:
    text: str


@dataclass(frozen=True, slots=True)
class Pause:
    pass


@dataclass(frozen=True, slots=True)
class Resume:
    pass


@dataclass(frozen=True, slots=True)
class EndSession:
    pass


@dataclass(frozen=True, slots=True)
class StartInflation:
    target_kpa: float | None = None  # None: the advised inflation


@dataclass(frozen=True, slots=True)
class StopInflation:
    pass


@dataclass(frozen=True, slots=True)
class SetCues:
    enabled: bool | None = None
    volume: float | None = None  # 0–1
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class SetCalibration:
    """Load calibration points taken with the CalibrationWizard for this ball at this inflation.

    The recorder keeps them for the ball and uses them for the load from now on.
    """

    points: tuple[CalibrationPoint, ...]


UserInput: TypeAlias = (
    RatePain
    | MarkSore
    | MarkLandmark
    | ReportSymptom
    | AddNote
    | Pause
    | Resume
    | EndSession
    | StartInflation
    | StopInflation
    | SetCues
    | SetCalibration
)

USER_INPUTS: tuple[type[UserInput], ...] = (
    RatePain,
    MarkSore,
    MarkLandmark,
    ReportSymptom,
    AddNote,
    Pause,
    Resume,
    EndSession,
    StartInflation,
    StopInflation,
    SetCues,
    SetCalibration,
)


class SessionClient(Protocol):
    """How a dashboard talks to a recorder (in-process, over the local socket, or a replay)."""

    def updates(self) -> AsyncIterator[SessionUpdate]:
        """Updates as they come; ends when the recorder ends or the connection drops."""
        ...

    async def send(self, message: UserInput) -> None:
        """Deliver one user input; raises ConnectionError if the recorder is gone."""
        ...

    async def close(self) -> None:
        """Detach (the recording goes on)."""
        ...


@dataclass(frozen=True, slots=True)
class BallInfo:
    """A ball seen while scanning (the Pair screen and ``spineball scan``)."""

    address: str
    name: str | None
    rssi_dbm: int | None
    battery_pct: int | None = None
    paired: bool = False  # this computer holds a bond with it
    pairing_open: bool = False  # the ball accepts pairing now
