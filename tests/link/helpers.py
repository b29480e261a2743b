"""A recording over the virtual ball, as the recorder runs it, for link tests."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from spineball.ble.link import Backoff, BallLink, BumbleBackend
from spineball.protocol import Rate
from spineball.session.recorder import SessionRecorder
from spineball.sessionfile import SessionMeta
from spineball.store import Database
from spineball.stream import SampleStream
from spineball.virtual.source import SampleSource
from spineball.virtual.world import VirtualWorld
from tests.virtual.helpers import WavingBall


@dataclass
class Recording:
    world: VirtualWorld
    link: BallLink
    recorder: SessionRecorder
    db: Database
    task: asyncio.Task[int]

    async def streaming(self, within_s: float = 15.0) -> None:
        async with asyncio.timeout(within_s):
            while not self.link.connected:  # noqa: ASYNC110 (a state, not an event)
                await asyncio.sleep(0.01)

    async def caught_up(self, within_s: float = 15.0) -> None:
        """Until nothing is missing: every hole filled from the ball's ring."""
        async with asyncio.timeout(within_s):
            while not self.link.connected or self.link.state().backfill_pending:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

    async def drop(self, hold_s: float) -> None:
        """Drop the link; the ball stays silent for ``hold_s`` of its time."""
        await self.world.faults.drop_link(reconnect_after_s=hold_s)
        async with asyncio.timeout(5.0):
            while self.link.connected:  # noqa: ASYNC110 (a state, not an event)
                await asyncio.sleep(0.005)

    async def finish(self) -> int:
        self.recorder.end()
        return await self.task


@contextlib.asynccontextmanager
async def recording(
    tmp_path: Path,
    *,
    rate: Rate = Rate.HZ_100,
    time_scale: float = 10.0,
    update_hz: float = 10.0,
    recorder_args: dict[str, Any] | None = None,
    source: SampleSource | None = None,
    **world_args: object,
) -> AsyncIterator[Recording]:
    async with VirtualWorld(
        source=source or WavingBall(),
        state_dir=tmp_path / "world",
        time_scale=time_scale,
        **world_args,
    ) as world:
        stream = SampleStream(start_index=0)
        link = BallLink(
            BumbleBackend(world.stack),
            stream,
            ball=world.ball.name,
            rate=rate,
            backoff=Backoff(0.05, 0.5),
        )
        with Database.open(tmp_path / "sessions.db") as db:
            recorder = SessionRecorder(
                link,
                db,
                SessionMeta(sample_rate_hz=float(rate.hz)),
                source="virtual",
                update_hz=update_hz,
                **(recorder_args or {}),
            )
            task = asyncio.create_task(recorder.run())
            session = Recording(world, link, recorder, db, task)
            try:
                await session.streaming()
                yield session
            finally:
                if not task.done():
                    recorder.end()
                    await task


def truth_pressure(index: npt.NDArray[np.int64], rate_hz: float) -> npt.NDArray[np.float64]:
    """What the waving ball measured at each sample (index 0 is taken at source time 0)."""
    return WavingBall().pressure(index / rate_hz)


def live_blocks(db_path: Path, session_id: int) -> list[tuple[int, int, int]]:
    """(first_index, count, flags) of every stored block (flags bit 0 = backfilled)."""
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute(
            "SELECT first_index, count, flags FROM sample_blocks WHERE session_id = ? "
            "ORDER BY first_index",
            (session_id,),
        ).fetchall()
    return [(int(a), int(b), int(c)) for a, b, c in rows]
