"""Session files of the interchange contract: ``NAME.csv`` + sidecar ``NAME.json``.

See "Interchange contract" in the design notes and docs/session-files.md.
Readers accept extra CSV columns (kept in :attr:`SessionData.extra`) and
unknown sidecar keys (kept in :attr:`SessionMeta.extra`); writers replace the
target atomically (temp file, then rename) so a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, cast, get_args

import numpy as np
import numpy.typing as npt

from spineball.anatomy import LEVELS
from spineball.csvfast import format_columns
from spineball.samples import SESSION_COLUMNS, SESSION_DTYPE, Samples

FORMAT_NAME: Final = "spineball-session"
FORMAT_VERSION: Final = 1
SYMPTOMS: Final = ("burning", "tingling", "electric")

EventKind: TypeAlias = Literal["landmark", "pain", "sore", "symptom", "note"]
EVENT_KINDS: Final[tuple[str, ...]] = get_args(EventKind)

# Decimals per column: pressure has 1/16 Pa resolution (4 decimals are exact),
# temperature 0.01 °C, quaternion components ≈ 2·10⁻⁵ (8 decimals keep them).
CSV_DECIMALS: Final = {
    "t_s": 6,
    "pressure_pa": 4,
    "temperature_c": 2,
    "qw": 8,
    "qx": 8,
    "qy": 8,
    "qz": 8,
}


class SessionFileError(ValueError):
    """A session file that cannot be read or written; the message is one clear line."""


DEFAULT_RADIUS_M: Final = 0.115  # a 6-lb medicine ball is 20–26 cm across
DEFAULT_REST_GAUGE_KPA: Final = 13.0  # domain notes: starting inflation for 75 kg
DEFAULT_HEIGHT_M: Final = 1.75
DEFAULT_MASS_KG: Final = 75.0
DEFAULT_RATE_HZ: Final = 100.0


@dataclass(frozen=True, slots=True)
class Ball:
    radius_m: float = DEFAULT_RADIUS_M
    rest_gauge_kpa: float = DEFAULT_REST_GAUGE_KPA


@dataclass(frozen=True, slots=True)
class User:
    height_m: float = DEFAULT_HEIGHT_M
    mass_kg: float = DEFAULT_MASS_KG


@dataclass(frozen=True, slots=True)
class CalibrationPoint:
    load_n: float
    pressure_pa: float


@dataclass(frozen=True, slots=True)
class Event:
    t_s: float
    kind: EventKind
    level: str | None = None  # landmark
    value: int | str | None = None  # pain rating 1–10, symptom name, note text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t_s": self.t_s, "kind": self.kind}
        if self.level is not None:
            out["level"] = self.level
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass(frozen=True, slots=True)
class SessionMeta:
    sample_rate_hz: float = DEFAULT_RATE_HZ
    ball: Ball = field(default_factory=Ball)
    user: User = field(default_factory=User)
    calibration: tuple[CalibrationPoint, ...] = ()
    events: tuple[Event, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown sidecar keys, kept verbatim

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "sample_rate_hz": self.sample_rate_hz,
            "ball": {"radius_m": self.ball.radius_m, "rest_gauge_kpa": self.ball.rest_gauge_kpa},
            "user": {"height_m": self.user.height_m, "mass_kg": self.user.mass_kg},
            "calibration": {
                "points": [
                    {"load_n": p.load_n, "pressure_pa": p.pressure_pa} for p in self.calibration
                ]
            },
            "events": [e.to_json() for e in self.events],
        }
        out.update({k: v for k, v in self.extra.items() if k not in out})
        return out


@dataclass(slots=True)
class SessionData:
    meta: SessionMeta
    samples: Samples  # SESSION_DTYPE, time-ordered
    extra: dict[str, npt.NDArray[Any]] = field(default_factory=dict)  # extra CSV columns
    warnings: list[str] = field(default_factory=list)  # documented fallbacks taken on read

    @property
    def duration_s(self) -> float:
        if len(self.samples) == 0:
            return 0.0
        return float(self.samples["t_s"][-1] - self.samples["t_s"][0])


def sidecar_path(csv_path: Path) -> Path:
    return csv_path.with_suffix(".json")


# ---------------------------------------------------------------------------- reading


def _number(obj: Mapping[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = obj.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SessionFileError(f"{where}: '{key}' must be a finite number, got {value!r}")
    return float(value)


def parse_event(obj: Any, where: str) -> Event:
    if not isinstance(obj, dict):
        raise SessionFileError(f"{where}: an event must be an object")
    kind = obj.get("kind")
    if kind not in EVENT_KINDS:
        raise SessionFileError(
            f"{where}: unknown event kind {kind!r}; expected one of {EVENT_KINDS}"
        )
    t_s = _number(obj, "t_s", where)
    level = obj.get("level")
    value = obj.get("value")
    if kind == "landmark" and level not in LEVELS:
        raise SessionFileError(f"{where}: landmark level {level!r} is not one of C7, T1–T12, L1–L5")
    if kind == "pain" and (
        isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
    ):
        raise SessionFileError(f"{where}: pain value {value!r} must be an integer 0–10")
    if kind == "symptom" and value not in SYMPTOMS:
        raise SessionFileError(f"{where}: symptom {value!r} must be one of {SYMPTOMS}")
    if level is not None and not isinstance(level, str):
        raise SessionFileError(f"{where}: level must be a string")
    if value is not None and not isinstance(value, int | str):
        raise SessionFileError(f"{where}: value must be a number or a string")
    return Event(t_s, cast(EventKind, kind), level, value)


def parse_meta(obj: Any, where: str) -> SessionMeta:
    if not isinstance(obj, dict):
        raise SessionFileError(f"{where}: the sidecar must be a JSON object")
    if obj.get("format") != FORMAT_NAME:
        raise SessionFileError(f"{where}: 'format' is {obj.get('format')!r}, not {FORMAT_NAME!r}")
    if obj.get("version") != FORMAT_VERSION:
        raise SessionFileError(
            f"{where}: session format version {obj.get('version')!r} is not supported (only 1)"
        )
    rate = _number(obj, "sample_rate_hz", where)
    if not 1.0 <= rate <= 10_000.0:
        raise SessionFileError(f"{where}: sample_rate_hz {rate} is not plausible")
    ball_obj = obj.get("ball", {})
    user_obj = obj.get("user", {})
    if not isinstance(ball_obj, dict) or not isinstance(user_obj, dict):
        raise SessionFileError(f"{where}: 'ball' and 'user' must be objects")
    ball = Ball(
        _number(ball_obj, "radius_m", where, DEFAULT_RADIUS_M),
        _number(ball_obj, "rest_gauge_kpa", where, DEFAULT_REST_GAUGE_KPA),
    )
    user = User(
        _number(user_obj, "height_m", where, DEFAULT_HEIGHT_M),
        _number(user_obj, "mass_kg", where, DEFAULT_MASS_KG),
    )
    if not (
        0.05 <= ball.radius_m <= 0.5 and 0.8 <= user.height_m <= 2.5 and 15 <= user.mass_kg <= 300
    ):
        raise SessionFileError(f"{where}: ball radius, user height or mass is not plausible")
    cal_obj = obj.get("calibration", {"points": []})
    points_obj = cal_obj.get("points", []) if isinstance(cal_obj, dict) else None
    if not isinstance(points_obj, list):
        raise SessionFileError(f"{where}: 'calibration.points' must be a list")
    points = tuple(
        CalibrationPoint(_number(p, "load_n", where), _number(p, "pressure_pa", where))
        if isinstance(p, dict)
        else _bad_point(where)
        for p in points_obj
    )
    events_obj = obj.get("events", [])
    if not isinstance(events_obj, list):
        raise SessionFileError(f"{where}: 'events' must be a list")
    events = tuple(parse_event(e, f"{where} event {i}") for i, e in enumerate(events_obj))
    known = {"format", "version", "sample_rate_hz", "ball", "user", "calibration", "events"}
    extra = {k: v for k, v in obj.items() if k not in known}
    return SessionMeta(rate, ball, user, points, tuple(sorted(events, key=lambda e: e.t_s)), extra)


def _bad_point(where: str) -> CalibrationPoint:
    raise SessionFileError(f"{where}: a calibration point must be an object")


def read_meta(path: Path) -> SessionMeta:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SessionFileError(f"{path}: sidecar file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SessionFileError(f"{path}: cannot read sidecar ({err})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise SessionFileError(f"{path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    return parse_meta(obj, str(path))


def _infer_rate(t_s: npt.NDArray[np.float64]) -> float:
    steps = np.diff(t_s)
    steps = steps[steps > 0]
    if len(steps) == 0:
        return DEFAULT_RATE_HZ
    return float(round(1.0 / float(np.median(steps)), 3))


def read_session_csv(
    path: Path,
) -> tuple[Samples, dict[str, npt.NDArray[Any]]]:
    """Read the CSV part only: (samples, extra columns). Raises :class:`SessionFileError`."""
    try:
        # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte-order mark.
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise SessionFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SessionFileError(f"{path}: cannot read ({err})") from None
    header_end = text.find("\n")
    header_line = text if header_end < 0 else text[:header_end]
    header = [h.strip() for h in next(csv.reader([header_line]), [])]
    missing = [c for c in SESSION_COLUMNS if c not in header]
    if missing:
        raise SessionFileError(f"{path}: not a session CSV, missing column(s) {', '.join(missing)}")
    body = text[header_end + 1 :] if header_end >= 0 else ""
    if not body.strip():
        return np.zeros(0, dtype=SESSION_DTYPE), {}
    numeric_idx = [header.index(c) for c in SESSION_COLUMNS]
    extra_idx = [i for i, name in enumerate(header) if name not in SESSION_COLUMNS]

    def load(usecols: list[int], dtype: type) -> npt.NDArray[Any]:
        # One tokeniser pass per call; fields beyond `usecols` are only split, not converted.
        return np.loadtxt(
            io.StringIO(body),
            delimiter=",",
            usecols=usecols,
            dtype=dtype,
            ndmin=2,
            comments=None,
            quotechar='"',
        )

    try:
        table = load(numeric_idx, np.float64)
        texts = load(extra_idx, str) if extra_idx else None
    except ValueError as err:
        raise SessionFileError(f"{path}: garbled row ({err})") from None
    _check_row_widths(path, body, len(header))
    samples = np.zeros(len(table), dtype=SESSION_DTYPE)
    for k, name in enumerate(SESSION_COLUMNS):
        samples[name] = table[:, k]
    extra: dict[str, npt.NDArray[Any]] = {}
    for k, idx in enumerate(extra_idx):
        assert texts is not None
        column = texts[:, k]
        try:
            extra[header[idx]] = column.astype(np.float64)
        except ValueError:
            extra[header[idx]] = column
    _check_samples(path, samples)
    return samples, extra


def _check_row_widths(path: Path, body: str, width: int) -> None:
    """np.loadtxt with usecols ignores surplus fields; a session row must not have them."""
    first = body[: body.find("\n")] if "\n" in body else body
    fields = next(csv.reader([first]), [])
    if len(fields) != width:
        raise SessionFileError(f"{path}: line 2 has {len(fields)} fields, the header has {width}")


def _check_samples(path: Path, samples: Samples) -> None:
    t = samples["t_s"]
    if not np.all(np.isfinite(t)):
        raise SessionFileError(
            f"{path}: row {int(np.argmin(np.isfinite(t))) + 2} has no valid time"
        )
    backwards = np.flatnonzero(np.diff(t) <= 0)
    if len(backwards):
        row = int(backwards[0]) + 3  # header is line 1, first sample line 2
        raise SessionFileError(f"{path}: time is not increasing at line {row} (t_s {t[row - 2]})")
    q = np.stack([samples[c] for c in ("qw", "qx", "qy", "qz")], axis=1)
    norms = np.linalg.norm(q, axis=1)
    bad = ~np.isnan(norms) & (np.abs(norms - 1.0) > 0.01)
    if np.any(bad):
        row = int(np.argmax(bad)) + 2
        raise SessionFileError(f"{path}: line {row}: quaternion norm {norms[row - 2]:.3f} is not 1")


def read_session(path: Path | str) -> SessionData:
    """Read ``NAME.csv`` and its sidecar ``NAME.json``.

    A missing sidecar is a documented fallback, not an error: defaults are
    used (rate inferred from the time column, default ball and user, no
    calibration, no events) and :attr:`SessionData.warnings` says so.
    """
    csv_path = Path(path)
    samples, extra = read_session_csv(csv_path)
    side = sidecar_path(csv_path)
    warnings: list[str] = []
    if side.exists():
        meta = read_meta(side)
    else:
        rate = _infer_rate(samples["t_s"])
        meta = SessionMeta(sample_rate_hz=rate)
        warnings.append(
            f"{side.name} not found: using defaults (rate {rate:g} Hz inferred from t_s, "
            "ball radius 0.115 m, user 1.75 m / 75 kg, no calibration, no events)"
        )
    return SessionData(meta, samples, extra, warnings)


# ---------------------------------------------------------------------------- writing


def _default_file_mode() -> int:
    """The mode open() would give a new file (mkstemp alone would make it 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE: Final = _default_file_mode()


def atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    """Write to a temp file beside ``path``, fsync, then rename over it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_csv_rows(
    samples: Samples,
    extra: Mapping[str, npt.NDArray[Any]] | None = None,
    extra_decimals: Mapping[str, int] | None = None,
) -> bytes:
    """CSV text (no header) for samples and extra columns, one row per sample.

    Float extra columns get ``extra_decimals[name]`` decimals (default 4);
    other extra columns are written as text.
    """
    columns: list[npt.NDArray[Any]] = [samples[c] for c in SESSION_COLUMNS]
    decimals: list[int | None] = list(CSV_DECIMALS.values())
    for name, values in (extra or {}).items():
        arr = np.asarray(values)
        columns.append(arr)
        decimals.append((extra_decimals or {}).get(name, 4) if arr.dtype.kind in "fiu" else None)
    return format_columns(columns, decimals)


def write_session(
    path: Path | str,
    meta: SessionMeta,
    samples: Samples,
    extra: Mapping[str, npt.NDArray[Any]] | None = None,
) -> Path:
    """Write ``path`` (.csv) and its sidecar atomically; returns the CSV path."""
    csv_path = Path(path)
    if csv_path.suffix != ".csv":
        raise SessionFileError(f"{csv_path}: a session file name must end in .csv")
    header = ",".join([*SESSION_COLUMNS, *(extra or {}).keys()]) + "\n"
    body = format_csv_rows(samples, extra)
    try:
        atomic_write(csv_path, [header.encode(), body])
        atomic_write(
            sidecar_path(csv_path), [json.dumps(meta.to_json(), indent=2).encode() + b"\n"]
        )
    except OSError as err:
        raise SessionFileError(f"{csv_path}: cannot write ({err.strerror or err})") from None
    return csv_path
