"""What the store hands out: devices, calibrations, events and session summaries."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal, get_args

from spineball.sessionfile import (
    EVENT_KINDS,
    CalibrationPoint,
    Event,
    SessionFileError,
    parse_event,
)

SessionState = Literal["recording", "finished", "interrupted"]
SESSION_STATES: Final = get_args(SessionState)

#: Event kinds beyond the interchange contract's: advice the app showed
#: (data: action, delta_kpa, reason), an inflation change (value: new rest
#: gauge kPa), and a safety alert shown (value: "lumbar", "symptom_stop", …).
APP_EVENT_KINDS: Final = ("advice", "inflation", "alert")
ALL_EVENT_KINDS: Final = (*EVENT_KINDS, *APP_EVENT_KINDS)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A ball as the link engine sees it (Device Information service, docs/protocol.md §1.2)."""

    address: str
    name: str | None = None
    serial: str | None = None
    model: str | None = None
    firmware: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    id: int
    info: DeviceInfo
    first_seen: float
    last_seen: float


@dataclass(frozen=True, slots=True)
class Calibration:
    """(load, pressure) points taken on one ball at one inflation."""

    id: int
    device_id: int | None
    rest_gauge_kpa: float
    ball_radius_m: float | None
    created_at: float
    points: tuple[CalibrationPoint, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A session event: the contract's kinds (landmark, pain, sore, symptom, note)
    plus :data:`APP_EVENT_KINDS`; ``data`` carries extra JSON fields."""

    t_s: float
    kind: str
    level: str | None = None
    value: int | float | str | None = None
    data: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.t_s):
            raise ValueError(f"event time {self.t_s} is not a finite number")
        if self.kind not in ALL_EVENT_KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}; expected one of {ALL_EVENT_KINDS}")
        if self.kind in EVENT_KINDS:
            try:
                parse_event(self._contract_json(), "event")
            except SessionFileError as err:
                raise ValueError(str(err)) from None

    def _contract_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t_s": self.t_s, "kind": self.kind}
        if self.level is not None:
            out["level"] = self.level
        if self.value is not None:
            out["value"] = self.value
        return out

    @classmethod
    def from_event(cls, event: Event) -> StoredEvent:
        return cls(event.t_s, event.kind, event.level, event.value)

    def to_event(self) -> Event | None:
        """The interchange-contract event, or None for app-only kinds."""
        if self.kind not in EVENT_KINDS:
            return None
        value = self.value
        if isinstance(value, float):
            value = int(value) if value.is_integer() else str(value)
        return parse_event(self._contract_json() | {"value": value}, "event")

    def to_json(self) -> dict[str, Any]:
        out = self._contract_json()
        if self.data:
            out.update({k: v for k, v in self.data.items() if k not in out})
        return out


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the session list (kept current by the recorder, schema v2)."""

    id: int
    started_at: float  # Unix time of t_s = 0
    ended_at: float | None
    state: SessionState
    source: str
    sample_rate_hz: float
    samples: int
    gaps: int
    missing: int  # samples inside gaps
    duration_s: float
    device: DeviceRecord | None
    notes: str

    @property
    def device_label(self) -> str:
        if self.device is None:
            return ""
        return self.device.info.name or self.device.info.address

    def to_json(self) -> dict[str, Any]:
        def iso(t: float | None) -> str | None:
            return None if t is None else datetime.fromtimestamp(t, UTC).isoformat()

        return {
            "id": self.id,
            "start": iso(self.started_at),
            "end": iso(self.ended_at),
            "duration_s": round(self.duration_s, 3),
            "samples": self.samples,
            "gaps": self.gaps,
            "missing_samples": self.missing,
            "sample_rate_hz": self.sample_rate_hz,
            "state": self.state,
            "source": self.source,
            "device": None
            if self.device is None
            else {
                "address": self.device.info.address,
                "name": self.device.info.name,
                "serial": self.device.info.serial,
                "firmware": self.device.info.firmware,
            },
            "notes": self.notes,
        }
