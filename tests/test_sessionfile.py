"""Session files of the interchange contract: read, write, bad input."""

from __future__ import annotations

import errno
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest

from spineball.samples import SESSION_DTYPE
from spineball.sessionfile import (
    CalibrationPoint,
    Event,
    SessionFileError,
    SessionMeta,
    User,
    read_session,
    write_session,
)


def make_samples(n: int = 500) -> np.ndarray:
    s = np.zeros(n, dtype=SESSION_DTYPE)
    s["t_s"] = np.arange(n) / 100
    s["pressure_pa"] = 114300 + np.arange(n) * 0.0625
    s["temperature_c"] = 25.25
    angle = np.linspace(0, 1, n)
    s["qw"], s["qx"] = np.cos(angle / 2), np.sin(angle / 2)
    return s


META = SessionMeta(
    sample_rate_hz=100,
    user=User(1.78, 80.0),
    calibration=(CalibrationPoint(0.0, 114300.0), CalibrationPoint(250.0, 116900.0)),
    events=(
        Event(3.0, "landmark", "T1"),
        Event(41.2, "pain", value=6),
        Event(70.0, "symptom", value="tingling"),
    ),
    extra={"device": {"serial": "abc"}},
)


def test_round_trip_keeps_values_within_documented_precision(tmp_path: Path) -> None:
    s = make_samples()
    s["pressure_pa"][7] = math.nan
    path = write_session(tmp_path / "s.csv", META, s, {"level": np.array(["T4"] * len(s))})
    data = read_session(path)
    assert data.meta == META
    assert data.warnings == []
    assert np.array_equal(data.samples["pressure_pa"], s["pressure_pa"], equal_nan=True)
    assert np.allclose(data.samples["qx"], s["qx"], atol=5e-9)
    assert list(data.extra) == ["level"]
    assert data.extra["level"][0] == "T4"
    sidecar = json.loads((tmp_path / "s.json").read_text())
    assert sidecar["format"] == "spineball-session"
    assert sidecar["device"] == {"serial": "abc"}


def test_contract_example_sidecar_reads(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text(
        "t_s,pressure_pa,temperature_c,qw,qx,qy,qz,load_n\n"
        "0.0,114300.0,25.0,1,0,0,0,0\n0.01,114310.0,25.0,1,0,0,0,3.5\n"
    )
    (tmp_path / "x.json").write_text(
        json.dumps(
            {
                "format": "spineball-session",
                "version": 1,
                "sample_rate_hz": 100,
                "ball": {"radius_m": 0.115, "rest_gauge_kpa": 13.0},
                "user": {"height_m": 1.78, "mass_kg": 80.0},
                "calibration": {"points": [{"load_n": 0.0, "pressure_pa": 114300.0}]},
                "events": [
                    {"t_s": 41.2, "kind": "pain", "value": 6},
                    {"t_s": 3.0, "kind": "landmark", "level": "T1"},
                ],
            }
        )
    )
    data = read_session(tmp_path / "x.csv")
    assert [e.kind for e in data.meta.events] == ["landmark", "pain"]
    assert data.extra["load_n"].tolist() == [0.0, 3.5]


def test_missing_sidecar_falls_back_with_a_warning(tmp_path: Path) -> None:
    write_session(tmp_path / "s.csv", META, make_samples())
    (tmp_path / "s.json").unlink()
    data = read_session(tmp_path / "s.csv")
    assert data.meta.sample_rate_hz == 100
    assert "s.json not found" in data.warnings[0]


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("a,b\n1,2\n", "missing column"),
        ("t_s,pressure_pa,temperature_c,qw,qx,qy,qz\n0,1,2,1,0,0,0\n0.1,x,2,1,0,0,0\n", "garbled"),
        ("t_s,pressure_pa,temperature_c,qw,qx,qy,qz\n0,1,2,1,0,0,0\n0.1,1,2,1,0\n", "garbled"),
        (
            "t_s,pressure_pa,temperature_c,qw,qx,qy,qz\n0.2,1,2,1,0,0,0\n0.1,1,2,1,0,0,0\n",
            "not increasing at line 3",
        ),
        (
            "t_s,pressure_pa,temperature_c,qw,qx,qy,qz\n0,1,2,1,0,0,0\nnan,1,2,1,0,0,0\n",
            "no valid time",
        ),
        ("t_s,pressure_pa,temperature_c,qw,qx,qy,qz\n0,1,2,2,0,0,0\n", "quaternion norm"),
        ("\x00\xff\xfe", "cannot read"),
    ],
)
def test_bad_csv_is_one_clear_error(tmp_path: Path, csv_text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_text.encode("latin-1"))
    with pytest.raises(SessionFileError, match=message) as info:
        read_session(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("sidecar", "message"),
    [
        ("{", "not valid JSON"),
        ('{"format": "other", "version": 1}', "format"),
        ('{"format": "spineball-session", "version": 2, "sample_rate_hz": 100}', "version 2"),
        (
            '{"format": "spineball-session", "version": 1, "sample_rate_hz": "fast"}',
            "finite number",
        ),
        (
            '{"format": "spineball-session", "version": 1, "sample_rate_hz": 100, '
            '"events": [{"t_s": 1, "kind": "pain", "value": 11}]}',
            "pain value",
        ),
        (
            '{"format": "spineball-session", "version": 1, "sample_rate_hz": 100, '
            '"events": [{"t_s": 1, "kind": "landmark", "level": "T13"}]}',
            "landmark level",
        ),
        (
            '{"format": "spineball-session", "version": 1, "sample_rate_hz": 100, '
            '"events": [{"t_s": 1, "kind": "dance"}]}',
            "unknown event kind",
        ),
        (
            '{"format": "spineball-session", "version": 1, "sample_rate_hz": 100, '
            '"user": {"height_m": 7}}',
            "not plausible",
        ),
    ],
)
def test_bad_sidecar_is_one_clear_error(tmp_path: Path, sidecar: str, message: str) -> None:
    write_session(tmp_path / "s.csv", META, make_samples(10))
    (tmp_path / "s.json").write_text(sidecar)
    with pytest.raises(SessionFileError, match=message):
        read_session(tmp_path / "s.csv")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SessionFileError, match="file not found"):
        read_session(tmp_path / "nope.csv")


def test_disk_full_keeps_the_old_file_and_leaves_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_session(tmp_path / "s.csv", META, make_samples(10))
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(SessionFileError, match=r"cannot write .*No space left on device"):
        write_session(path, META, make_samples(20))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.json"]


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(SessionFileError, match="cannot write"):
        write_session(blocker / "s.csv", META, make_samples(10))


def test_write_replaces_atomically(tmp_path: Path) -> None:
    path = write_session(tmp_path / "s.csv", META, make_samples(10))
    write_session(path, META, make_samples(20))
    assert len(read_session(path).samples) == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.json"]


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    path = write_session(tmp_path / "s.csv", META, make_samples(10))
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert (tmp_path / "s.json").stat().st_mode & 0o777 == 0o666 & ~umask
