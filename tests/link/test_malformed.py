"""A malformed frame from the ball is counted and logged; the stream goes on, nothing lost."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from spineball.protocol import Rate, encode_raw_frame
from spineball.store import Database
from tests.link.helpers import recording


class CorruptOneFrame:
    """The ball's real encoder, except that frame number ``which`` goes out broken."""

    def __init__(self, which: int) -> None:
        self.which = which
        self.calls = 0

    def __call__(
        self,
        first_index: int,
        flags: int,
        temperature_raw: int,
        pressure_raw: npt.ArrayLike,
        q_omit: npt.ArrayLike,
        q_kept: npt.ArrayLike,
    ) -> bytes:
        frame = encode_raw_frame(first_index, flags, temperature_raw, pressure_raw, q_omit, q_kept)
        self.calls += 1
        if self.calls == self.which:
            return frame[:-4]  # a truncated frame: its length no longer matches its count
        return frame


async def test_a_malformed_frame_is_counted_logged_and_backfilled(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="spineball.stream")
    encoder = CorruptOneFrame(which=40)
    async with recording(tmp_path, rate=Rate.HZ_100, encode_raw_frame=encoder) as rec:
        clock = rec.world.ball.clock
        await clock.sleep(10.0)
        await rec.caught_up()
        state = rec.link.state()
        session_id = await rec.finish()
        produced = rec.world.ball.sampler.next_index

    assert encoder.calls > 40
    assert state.malformed_frames == 1
    assert state.phase == "streaming"
    assert any("malformed sample frame" in r.getMessage() for r in caplog.records)
    db = Database.open(tmp_path / "sessions.db")
    assert db.read_gaps(session_id) == []
    assert np.array_equal(db.read_samples(session_id)["index"], np.arange(produced))
