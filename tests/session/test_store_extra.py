"""What the live analysis learns while recording is kept with the session (store extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spineball.sessionfile import SessionMeta
from spineball.store import Database, StoreError


def test_update_extra_merges_at_commit_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Database.open(path) as db:
        recorder = db.start_session(SessionMeta(extra={"from_meta": 1}), source="virtual")
        recorder.update_extra({"device_heading": {"angle_rad": 0.5, "sign_from": "none"}})
        assert "device_heading" not in db.session_data(recorder.session_id).meta.extra
        recorder.commit()
        recorder.update_extra({"device_heading": {"angle_rad": 0.7, "sign_from": "landmarks"}})
        recorder.update_extra({"other": [1, 2]})
        recorder.close()
    with Database.open(path) as db:
        (summary,) = db.sessions()
        extra = db.session_data(summary.id).meta.extra
    assert extra["from_meta"] == 1
    assert extra["device_heading"] == {"angle_rad": 0.7, "sign_from": "landmarks"}
    assert extra["other"] == [1, 2]
    with pytest.raises(StoreError, match="closed"):
        recorder.update_extra({"late": True})
