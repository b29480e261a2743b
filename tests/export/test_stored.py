"""Stored sessions → body-frame SessionData: orientation, derived columns, gaps, history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from spineball.analysis import euler_zyx
from spineball.anatomy import LEVELS
from spineball.export.stored import (
    earlier_ids,
    heading_json,
    load_session,
    recorded_heading,
)
from spineball.samples import quaternions
from spineball.sessionfile import CSV_DECIMALS, SessionData
from spineball.store import Database, import_session
from tests.export.builders import import_week, record_ball_session, week


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database.open(tmp_path_factory.mktemp("stored") / "s.db")
    yield database
    database.close()


@pytest.fixture(scope="module")
def ball_id(db: Database) -> int:
    """The week's last session recorded from a ball, with 1.5 s missing."""
    return record_ball_session(db, week().sessions[-1], gaps_s=[(60.0, 61.5)])


def _angle_error_deg(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    return np.abs(np.degrees(np.angle(np.exp(1j * (got - want)))))


def test_ball_quaternions_come_out_in_the_body_frame(db: Database, ball_id: int) -> None:
    """Against the simulator's body-frame truth: the heading (137°) is found and undone."""
    stored = load_session(db, ball_id)
    assert stored.heading is not None
    assert stored.heading_from == "landmarks"
    assert np.degrees(stored.heading.angle_rad) % 360 == pytest.approx(137.0, abs=2.0)
    sim = week().sessions[-1]
    t = stored.data.samples["t_s"]
    truth = sim.samples[np.isin(np.round(sim.samples["t_s"], 6), t)]
    assert len(truth) == len(t)
    # Roll (along the spine) is exact up to the wire's resolution; sway and yaw carry
    # the heading estimate's error (a degree or so: roll leaks into them).
    limits = (0.05, 2.5, 2.5)
    got = euler_zyx(quaternions(stored.data.samples))
    want = euler_zyx(quaternions(truth))
    for g, w, limit in zip(got, want, limits, strict=True):
        assert np.percentile(_angle_error_deg(g, w), 99) < limit
    orientation = stored.data.meta.extra["orientation"]
    assert orientation["aligned"] is True
    assert orientation["heading_deg"] == pytest.approx(137.0, abs=2.0)


def test_recorded_heading_is_used_as_is(db: Database, tmp_path: Path) -> None:
    sim = week().sessions[0]
    fixed = {"heading": {"angle_deg": 40.0, "rolling_deg": 55.0, "sign_from": "landmarks"}}
    with Database.open(tmp_path / "h.db") as other:
        sid = record_ball_session(other, sim, heading_deg=40.0, extra=dict(sim.meta.extra))
        other.update_extra(sid, fixed)
        stored = load_session(other, sid)
    assert stored.heading_from == "recorded"
    assert stored.heading is not None
    assert np.degrees(stored.heading.angle_rad) == pytest.approx(40.0)
    assert "heading" not in stored.data.meta.extra  # replaced by the orientation record
    assert recorded_heading(fixed) == stored.heading
    assert heading_json(stored.heading) == fixed["heading"]


def test_imported_sessions_are_not_turned(tmp_path: Path) -> None:
    with Database.open(tmp_path / "i.db") as db:
        (sid,) = import_week(db, sessions=1)
        raw = db.read_samples(sid)
        stored = load_session(db, sid)
    assert stored.heading is None
    assert stored.data.meta.extra["orientation"] == {"frame": "body", "aligned": False}
    for name in ("qw", "qx", "qy", "qz", "pressure_pa"):
        np.testing.assert_allclose(stored.data.samples[name], raw[name], atol=5e-9, rtol=0)


def test_samples_are_at_the_session_csv_precision(db: Database, ball_id: int) -> None:
    samples = load_session(db, ball_id).data.samples
    for name, decimals in CSV_DECIMALS.items():
        scaled = samples[name] * 10.0**decimals
        assert np.all(np.abs(scaled - np.rint(scaled)) < 1e-6), name


def test_gaps_are_listed_and_never_filled(db: Database, ball_id: int) -> None:
    stored = load_session(db, ball_id)
    (gap,) = stored.gaps
    assert (gap.start_s, gap.end_s, gap.missing_samples) == (60.0, 61.5, 150)
    assert gap.cause == "overwritten"
    t = stored.data.samples["t_s"]
    assert not np.any((t >= 60.0) & (t < 61.5))
    assert np.count_nonzero(np.diff(t) > 1.0) == 1
    columns = stored.derived_columns()
    assert all(len(values) == len(t) for values in columns.values())


def test_per_sample_columns_follow_the_truth(db: Database, ball_id: int) -> None:
    """load_n within 10 % of the simulated load and level within one vertebra, on the ball."""
    stored = load_session(db, ball_id)
    columns = stored.derived_columns()
    assert set(columns) == {"load_n", "position_mm", "level"}
    per = week().sessions[-1].per_sample
    keep = np.isin(np.round(per.t_s, 6), stored.data.samples["t_s"])
    on = per.on_ball[keep] & (per.load_n[keep] > 100.0)
    load_error = np.abs(columns["load_n"][on] - per.load_n[keep][on]) / per.load_n[keep][on]
    assert np.median(load_error) < 0.10
    names = columns["level"][on]
    assert np.all(names != "")
    got = np.array([LEVELS.index(n) for n in names])
    assert np.mean(np.abs(got - per.level_index[keep][on]) <= 1) > 0.9
    # Off the ball (truth) there is no position; the detector may lag by a few frames.
    off = ~per.on_ball[keep]
    assert np.mean(np.isnan(columns["position_mm"][off])) > 0.97
    assert np.array_equal(np.isnan(columns["position_mm"]), columns["level"] == "")


def test_columns_only_when_calibrated(tmp_path: Path) -> None:
    sim = week().sessions[0]
    bare = dataclasses.replace(sim.meta, calibration=(), events=())
    with Database.open(tmp_path / "c.db") as db:
        sid = import_session(db, SessionData(bare, sim.samples))
        assert load_session(db, sid).derived_columns() == {}
        only_points = dataclasses.replace(sim.meta, events=())
        sid = import_session(db, SessionData(only_points, sim.samples))
        assert set(load_session(db, sid).derived_columns()) == {"load_n"}


def test_history_is_the_same_ball_and_person(tmp_path: Path) -> None:
    with Database.open(tmp_path / "p.db") as db:
        ids = import_week(db, sessions=4)
        sim = week().sessions[0]
        someone_else = dataclasses.replace(
            sim.meta, extra={**sim.meta.extra, "person": "K.L.", "started_at": "2025-01-07T09:00Z"}
        )
        import_session(db, SessionData(someone_else, sim.samples))
        ball = record_ball_session(db, week().sessions[1], started_at=1_736_300_000.0)
        assert earlier_ids(db, db.session(ids[3])) == ids[:3]
        assert earlier_ids(db, db.session(ids[0])) == []
        assert earlier_ids(db, db.session(ball)) == []  # another ball
