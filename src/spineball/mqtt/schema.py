"""What a ball publishes: typed snapshots in, versioned JSON out (and back).

The live session orchestrator hands the publisher a :class:`BallState` (the
aggregated picture of one ball right now) and, at the end, a
:class:`SessionSummary`; events that need attention travel as :class:`Alert`.
Field names carry their units (``load_n``, ``spot_dwell_s``…) and are the JSON
keys one-to-one, so a payload reads without a separate units table. Every
payload carries ``"schema": SCHEMA_VERSION``; readers accept any payload of
the same major version and ignore keys they do not know.

No I/O here: bytes in, frozen dataclasses out; one error type.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import time
import types
import typing
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias, get_args

SCHEMA_VERSION: Final = 1

Lumbar: TypeAlias = Literal["none", "amber", "red"]
Severity: TypeAlias = Literal["info", "warning", "critical"]
AdviceAction: TypeAlias = Literal["increase", "decrease", "keep"]
Side: TypeAlias = Literal["left", "right"]

#: Ball ids end up in MQTT topics and Home Assistant object ids, which only
#: allow ``[a-zA-Z0-9_-]`` (HA discovery topic rule).
BALL_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


class SchemaError(ValueError):
    """A payload does not match the published schema (one clear line)."""


def check_ball_id(ball_id: str) -> str:
    if not BALL_ID_PATTERN.fullmatch(ball_id):
        raise SchemaError(
            f"ball id {ball_id!r} must be 1–64 characters of letters, digits, '_' or '-'"
        )
    return ball_id


@dataclass(frozen=True, slots=True)
class Pain:
    """Pain ratings (1–10) at the current spot; target is 2/3 of the first (domain notes)."""

    first: int | None = None
    now: int | None = None
    target: int | None = None


@dataclass(frozen=True, slots=True)
class SideBends:
    """Side bends (lateral flexions) done while on the current spot."""

    left: int = 0
    right: int = 0


@dataclass(frozen=True, slots=True)
class LinkHealth:
    """The BLE link between this client and its ball."""

    connected: bool = False
    rssi_dbm: int | None = None
    loss_pct: float | None = None
    reconnects: int = 0


@dataclass(frozen=True, slots=True)
class InflationAdvice:
    action: AdviceAction
    delta_kpa: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class BallState:
    """One ball right now, as the orchestrator sees it. ``None`` means unknown or not applicable."""

    ball_id: str
    room: str = ""
    #: a short alias chosen by the clinic or user, never a full name
    person: str = ""
    session_s: float = 0.0
    planned_min: float | None = None
    load_n: float | None = None
    level: str | None = None
    position_mm: float | None = None
    position_uncertainty_mm: float | None = None
    #: time on the current spot; None while rolling or off the ball
    spot_dwell_s: float | None = None
    pain: Pain = Pain()
    side_bends: SideBends = SideBends()
    lumbar: Lumbar = "none"
    #: active alarm codes, e.g. "symptom_stop", "pressure_spike", "lumbar_red"
    alarms: tuple[str, ...] = ()
    battery_pct: int | None = None
    link: LinkHealth = LinkHealth()
    advice: InflationAdvice | None = None

    def __post_init__(self) -> None:
        check_ball_id(self.ball_id)
        if self.lumbar not in get_args(Lumbar):
            raise SchemaError(f"lumbar must be one of {get_args(Lumbar)}, not {self.lumbar!r}")


@dataclass(frozen=True, slots=True)
class SpotSummary:
    """One spot of a session; the same fields as ``spineball analyze`` reports."""

    start_s: float
    end_s: float
    dwell_s: float
    level: str | None = None
    position_mm: float | None = None
    mean_load_n: float | None = None
    peak_load_n: float | None = None
    pain_first: int | None = None
    pain_last: int | None = None
    pain_target_met: bool | None = None


@dataclass(frozen=True, slots=True)
class FlexionSummary:
    start_s: float
    end_s: float
    side: Side
    level: str | None = None


@dataclass(frozen=True, slots=True)
class LumbarAlertSummary:
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """The end of one session. ``session_id`` makes delivery idempotent."""

    session_id: str
    ball_id: str
    duration_s: float
    room: str = ""
    person: str = ""
    started_unix_s: float | None = None
    on_ball_s: float | None = None
    planned_min: float | None = None
    spots: tuple[SpotSummary, ...] = ()
    flexions: tuple[FlexionSummary, ...] = ()
    lumbar_alerts: tuple[LumbarAlertSummary, ...] = ()
    #: nerve symptoms reported (burning / tingling / electric): the session was stopped
    symptoms: tuple[str, ...] = ()
    advice: InflationAdvice | None = None

    def __post_init__(self) -> None:
        check_ball_id(self.ball_id)
        if not self.session_id:
            raise SchemaError("session_id must not be empty")


@dataclass(frozen=True, slots=True)
class Alert:
    """Something a clinician should see now (event-like; not retained)."""

    kind: str
    message: str
    severity: Severity = "warning"
    session_s: float | None = None
    alert_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ts_unix_s: float = field(default_factory=time.time)

    def __post_init__(self) -> None:
        if self.severity not in get_args(Severity):
            raise SchemaError(f"severity must be one of {get_args(Severity)}")


# ---------------------------------------------------------------- encoding


def _finite(value: Any) -> Any:
    """JSON has no NaN/inf: unknown numbers travel as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _dump(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(_finite(dict(obj)), separators=(",", ":"), allow_nan=False).encode()


def encode_state(state: BallState, ts_unix_s: float) -> bytes:
    return _dump({"schema": SCHEMA_VERSION, "ts_unix_s": ts_unix_s, **dataclasses.asdict(state)})


def encode_summary(summary: SessionSummary) -> bytes:
    return _dump({"schema": SCHEMA_VERSION, **dataclasses.asdict(summary)})


def encode_alert(alert: Alert, ball_id: str) -> bytes:
    return _dump({"schema": SCHEMA_VERSION, "ball_id": ball_id, **dataclasses.asdict(alert)})


# ---------------------------------------------------------------- decoding


def _load(payload: bytes | str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as err:
        raise SchemaError(f"{what}: not JSON ({err})") from None
    if not isinstance(data, dict):
        raise SchemaError(f"{what}: expected a JSON object")
    version = data.get("schema")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SchemaError(f"{what}: missing integer 'schema' field")
    if version != SCHEMA_VERSION:
        raise SchemaError(f"{what}: schema {version} not supported (this reads {SCHEMA_VERSION})")
    return data


def _build(cls: type[Any], data: Any, what: str) -> Any:
    """Construct a (nested) dataclass from a JSON object, checking types field by field."""
    if not isinstance(data, dict):
        raise SchemaError(f"{what}: expected an object")
    kwargs: dict[str, Any] = {}
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        kwargs[f.name] = _coerce(hints[f.name], data[f.name], f"{what}.{f.name}")
    try:
        return cls(**kwargs)
    except TypeError as err:  # a required field is missing
        raise SchemaError(f"{what}: {err}") from None


_HINT_CACHE: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINT_CACHE:
        _HINT_CACHE[cls] = typing.get_type_hints(cls)
    return _HINT_CACHE[cls]


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(inner[0], value, where)
    if origin is Literal:
        if value not in args:
            raise SchemaError(f"{where}: {value!r} is not one of {args}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise SchemaError(f"{where}: expected a list")
        return tuple(_coerce(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(hint):
        return _build(typing.cast(type[Any], hint), value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise SchemaError(f"{where}: expected true/false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"{where}: expected an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SchemaError(f"{where}: expected a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise SchemaError(f"{where}: expected a string")
        return value
    raise SchemaError(f"{where}: unsupported field type {hint!r}")  # pragma: no cover


def decode_state(payload: bytes | str) -> tuple[BallState, float | None]:
    """A state payload → (state, the sender's ``ts_unix_s``)."""
    data = _load(payload, "state")
    ts = data.get("ts_unix_s")
    state = _build(BallState, data, "state")
    assert isinstance(state, BallState)
    return state, float(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else None


def decode_summary(payload: bytes | str) -> SessionSummary:
    summary = _build(SessionSummary, _load(payload, "summary"), "summary")
    assert isinstance(summary, SessionSummary)
    return summary


def decode_alert(payload: bytes | str) -> tuple[Alert, str]:
    """An alert payload → (alert, ball id)."""
    data = _load(payload, "alert")
    ball_id = data.get("ball_id")
    if not isinstance(ball_id, str):
        raise SchemaError("alert: missing 'ball_id'")
    alert = _build(Alert, data, "alert")
    assert isinstance(alert, Alert)
    return alert, ball_id
