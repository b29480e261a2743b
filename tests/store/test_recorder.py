"""Recording and reading back: exact samples, gaps, events, metadata; WAL readers."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
import pytest

from spineball.protocol import raw_to_decoded
from spineball.samples import SAMPLE_DTYPE, SampleBlock, quaternions
from spineball.sessionfile import (
    Ball,
    CalibrationPoint,
    Event,
    SessionMeta,
    User,
    read_session,
    write_session,
)
from spineball.store import (
    Database,
    DeviceInfo,
    StoredEvent,
    StoreError,
    import_session,
)
from spineball.store.reader import read_raw
from spineball.stream import StreamAssembler
from tests.stream.ball import frames_of, make_raw
from tests.stream.test_merge import simulate

META = SessionMeta(
    sample_rate_hz=100.0,
    ball=Ball(0.12, 14.0),
    user=User(1.80, 82.0),
    calibration=(CalibrationPoint(0.0, 114_300.0), CalibrationPoint(250.0, 116_900.0)),
    events=(Event(2.0, "landmark", "T1"),),
    extra={"mounting": {"yaw_deg": 12.5}},
)


def test_a_recorded_stream_reads_back_bit_for_bit_with_its_gaps_and_events(
    tmp_path: Path,
) -> None:
    _ball, _received, items, _stream, _ = simulate(seed=1)  # drops, backfill, PARTIAL gaps
    db = Database.open(tmp_path / "spineball.db")
    device = db.upsert_device(DeviceInfo("F1:22:33:44:55:66", "SB-5566", "a1b2c3d4e5f6", "SB-1"))
    with db.start_session(META, device_id=device) as recorder:
        for item in items:
            recorder.add(item)
            recorder.commit_if_due()
        recorder.add_event(Event(41.2, "pain", value=6))
        recorder.add_event(
            StoredEvent(50.0, "advice", data={"action": "increase", "delta_kpa": 1.5})
        )
        recorder.add_event(StoredEvent(60.0, "inflation", value=15.5))
    sid = recorder.session_id
    blocks = [i for i in items if isinstance(i, SampleBlock)]
    gaps = [i for i in items if not isinstance(i, SampleBlock)]
    want = np.concatenate([b.samples for b in blocks])
    got = db.read_samples(sid)
    assert got.dtype == SAMPLE_DTYPE
    assert got.tobytes() == want.tobytes()  # every field, every bit (t_s included)
    index, raw, residuals = read_raw(db._conn, sid)
    want_raw = np.concatenate([b.raw for b in blocks if b.raw is not None])
    assert residuals is None
    assert np.array_equal(index, want["index"])
    for name in ("index", "flags", "temperature_raw", "pressure_raw", "q_omit", "q_kept"):
        assert np.array_equal(raw[name], want_raw[name]), name
    assert db.read_gaps(sid) == gaps
    summary = db.session(sid)
    assert summary.state == "finished"
    assert summary.samples == len(want)
    assert summary.gaps == len(gaps)
    assert summary.missing == sum(g.missing for g in gaps)
    assert summary.device is not None
    assert summary.device_label == "SB-5566"
    data = db.session_data(sid)
    assert data.meta.events == (
        Event(2.0, "landmark", "T1"),
        Event(41.2, "pain", value=6),
    )
    assert data.meta.calibration == META.calibration
    assert (data.meta.ball, data.meta.user) == (META.ball, META.user)
    assert data.meta.extra["mounting"] == {"yaw_deg": 12.5}
    assert data.meta.extra["app_events"][0] == {
        "t_s": 50.0, "kind": "advice", "action": "increase", "delta_kpa": 1.5,
    }  # fmt: skip
    assert len(data.meta.extra["gaps"]) == len(gaps)
    assert data.meta.extra["device"]["serial"] == "a1b2c3d4e5f6"
    assert np.array_equal(data.samples["pressure_pa"], want["pressure_pa"], equal_nan=True)


def test_export_through_the_session_file_contract(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "s.db")
    raw = make_raw(1000)
    stream = StreamAssembler()
    with db.start_session(META) as recorder:
        for item in stream.frames(frames_of(raw, 5), [0.0] * 200):
            recorder.add(item)
    data = db.session_data(recorder.session_id)
    path = write_session(tmp_path / "out.csv", data.meta, data.samples)
    back = read_session(path)
    assert back.meta.events == data.meta.events
    assert np.allclose(back.samples["qx"], data.samples["qx"], atol=5e-9)
    assert np.array_equal(back.samples["pressure_pa"], data.samples["pressure_pa"])


def test_an_imported_session_is_quantised_to_the_protocol_resolution(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 3000
    src = np.zeros(
        n,
        dtype=[(c, "<f8") for c in ("t_s", "pressure_pa", "temperature_c", "qw", "qx", "qy", "qz")],
    )
    keep = np.ones(n, dtype=bool)
    keep[1000:1200] = False  # 2 s with no rows: a gap
    src["t_s"] = 5.0 + np.arange(n) / 50.0 + rng.normal(0, 2e-6, n).round(6)
    src["pressure_pa"] = 114_300 + rng.normal(0, 300, n)
    src["pressure_pa"][17] = math.nan
    src["temperature_c"] = 24 + rng.normal(0, 0.3, n)
    angle = rng.uniform(-3, 3, n)
    src["qw"], src["qx"], src["qy"] = (
        np.cos(angle / 2),
        np.sin(angle / 2) * 0.6,
        np.sin(angle / 2) * 0.8,
    )
    src = src[keep]
    csv_path = write_session(tmp_path / "in.csv", SessionMeta(sample_rate_hz=50.0), src)
    data = read_session(csv_path)
    db = Database.open(tmp_path / "s.db")
    sid = import_session(db, data, notes="from another app")
    got = db.read_samples(sid)
    s = data.samples
    assert len(got) == len(s)
    assert np.nanmax(np.abs(got["pressure_pa"] - s["pressure_pa"])) <= 1 / 32
    assert math.isnan(got["pressure_pa"][17])
    assert np.max(np.abs(got["temperature_c"] - s["temperature_c"])) <= 0.005 + 1e-9
    q_got, q_src = quaternions(got), quaternions(s)
    q_got *= np.sign(np.sum(q_got * q_src, axis=1))[:, None]  # q and −q are one rotation
    assert np.max(np.abs(q_got - q_src)) < 3e-5
    assert np.max(np.abs(got["t_s"] - s["t_s"])) < 1e-6
    [gap] = db.read_gaps(sid)
    assert (gap.first_index, gap.end_index, gap.cause) == (1000, 1200, "lost")
    summary = db.session(sid)
    assert (summary.source, summary.state, summary.notes) == (
        "import",
        "finished",
        "from another app",
    )


def test_readers_see_committed_samples_while_recording(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    db = Database.open(path)
    stream = StreamAssembler()
    frames = frames_of(make_raw(1000), 5)
    recorder = db.start_session(META, commit_interval_s=3600)
    for item in stream.frames(frames[:60], [0.0] * 60):
        recorder.add(item)
    other = Database.open(path)  # a second opener must not think the session died
    assert other.session(recorder.session_id).state == "recording"
    assert len(other.read_samples(recorder.session_id)) == 0  # nothing committed yet
    recorder.commit()
    assert len(other.read_samples(recorder.session_id)) == 300
    for item in stream.frames(frames[60:], [1.0] * 140):
        recorder.add(item)
    recorder.commit()
    third = Database.open(path)
    assert third.session(recorder.session_id).state == "recording"
    assert np.array_equal(other.read_samples(recorder.session_id)["index"], np.arange(1000))
    recorder.close()
    assert other.session(recorder.session_id).state == "finished"


def test_commits_are_batched_by_the_interval(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "b.db")
    recorder = db.start_session(META, commit_interval_s=0.2)
    stream = StreamAssembler()
    for item in stream.frames(frames_of(make_raw(50), 5), [0.0] * 10):
        recorder.add(item)
    assert not recorder.commit_if_due()
    assert recorder.seconds_until_due() > 0.1
    time.sleep(0.21)
    assert recorder.commit_if_due()
    assert db.session(recorder.session_id).samples == 50
    recorder.close()


def test_blocks_out_of_order_are_refused(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "o.db")
    stream = StreamAssembler()
    items = stream.frames(frames_of(make_raw(20), 5), [0.0] * 4)
    with db.start_session(META) as recorder:
        recorder.add(items[0])
        with pytest.raises(StoreError, match="index order"):
            recorder.add(items[0])


def test_ten_minutes_at_100_hz_take_at_most_12_bytes_per_sample_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "size.db"
    db = Database.open(path)
    raw = make_raw(60_000, seed=9)  # realistic noise: random-walk pressure and roll
    frames = frames_of(raw, 5)
    stream = StreamAssembler()
    with db.start_session(META) as recorder:
        for k in range(0, len(frames), 10):  # 0.5 s of frames per commit, as live
            for item in stream.frames(frames[k : k + 10], [k * 0.05] * 10):
                recorder.add(item)
            recorder.commit()
    db.close()
    Database.open(path).close()  # last connection: WAL checkpointed into the file
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    per_sample = size / 60_000
    print(f"\n{per_sample:.2f} bytes per sample ({size} bytes, {[p.name for p in files]})")
    assert per_sample <= 12.0
    assert os.path.getsize(path) == size


def test_devices_and_calibrations_per_ball_and_inflation(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "c.db")
    ball = db.upsert_device(DeviceInfo("AA:BB:CC:DD:EE:01", name="SB-EE01"))
    same = db.upsert_device(DeviceInfo("AA:BB:CC:DD:EE:01", firmware="1.1.0"))
    other = db.upsert_device(DeviceInfo("AA:BB:CC:DD:EE:02"))
    assert ball == same != other
    [record, *_] = [d for d in db.devices() if d.id == ball]
    assert (record.info.name, record.info.firmware) == ("SB-EE01", "1.1.0")
    low = db.add_calibration(
        [CalibrationPoint(0, 114_000), CalibrationPoint(200, 115_500)],
        rest_gauge_kpa=12.0,
        device_id=ball,
    )
    high = db.add_calibration([CalibrationPoint(0, 116_000)], rest_gauge_kpa=16.0, device_id=ball)
    db.add_calibration([CalibrationPoint(0, 113_000)], rest_gauge_kpa=12.0, device_id=other)
    found = db.calibration_for(ball, 12.3)
    assert found is not None
    assert found.id == low
    assert found.points[1] == CalibrationPoint(200, 115_500)
    assert db.calibration_for(ball, 15.8) is not None
    assert db.calibration_for(ball, 15.8).id == high  # type: ignore[union-attr]
    assert db.calibration_for(ball, 14.0) is None
    with pytest.raises(ValueError, match="at least one"):
        db.add_calibration([], rest_gauge_kpa=12.0)


def test_bad_events_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="pain value 11"):
        StoredEvent(1.0, "pain", value=11)
    with pytest.raises(ValueError, match="unknown event kind"):
        StoredEvent(1.0, "dance")
    with pytest.raises(ValueError, match="not a finite number"):
        StoredEvent(math.nan, "note", value="x")
    assert StoredEvent(3.0, "alert", value="lumbar").to_event() is None


def test_quantised_blocks_without_raw_are_stored_at_protocol_resolution(tmp_path: Path) -> None:
    raw = make_raw(300)
    decoded = raw_to_decoded(raw)
    samples = np.zeros(300, dtype=SAMPLE_DTYPE)
    samples["index"] = np.arange(300)
    samples["t_s"] = np.arange(300) / 100
    for c in ("pressure_pa", "temperature_c", "qw", "qx", "qy", "qz"):
        samples[c] = decoded[c] + (1e-7 if c.startswith("q") else 0.001)  # off the grid
    db = Database.open(tmp_path / "q.db")
    with db.start_session(META, source="virtual") as recorder:
        recorder.append(SampleBlock(samples, 100.0))
    _, stored, _ = read_raw(db._conn, recorder.session_id)
    assert np.array_equal(stored["pressure_raw"], raw["pressure_raw"])
    assert np.array_equal(stored["q_kept"], raw["q_kept"])
