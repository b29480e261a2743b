"""A recorder process for crash-safety tests: a synthetic 100 Hz ball in real time.

    python -m tests.store.record_child DB SEED SECONDS

Frames (5 samples, every 50 ms) go through the real stream (notify-callback
inputs, pump, fan-out) into the real recorder (record_stream, commits in a
worker thread). Prints ``session ID`` once recording, then ``fed INDEX`` after
each frame is handed to the stream, and ``done`` after a clean finish.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import numpy as np

from spineball.sessionfile import SessionMeta
from spineball.store import Database, record_stream
from spineball.stream import SampleStream
from tests.stream.ball import frames_of, make_raw

PER_FRAME = 5
FRAME_S = PER_FRAME / 100.0


def truth(seed: int, seconds: float) -> np.ndarray:
    """The raw samples this child sends for ``seed`` (temperature as framed)."""
    raw = make_raw(int(seconds * 100), seed=seed)
    first = raw["temperature_raw"][::PER_FRAME]
    raw["temperature_raw"] = first.repeat(PER_FRAME)[: len(raw)]
    return raw


async def main(db_path: Path, seed: int, seconds: float) -> None:
    db = Database.open(db_path)
    recorder = db.start_session(SessionMeta(), source="virtual", commit_interval_s=0.5)
    print(f"session {recorder.session_id}", flush=True)
    stream = SampleStream(start_index=0)
    recording = asyncio.create_task(record_stream(stream.subscribe("recorder"), recorder))
    pump = asyncio.create_task(stream.run())
    loop = asyncio.get_running_loop()
    start = loop.time()
    for k, frame in enumerate(frames_of(truth(seed, seconds), PER_FRAME)):
        await asyncio.sleep(max(0.0, start + (k + 1) * FRAME_S - loop.time()))
        stream.feed_notification(frame)
        print(f"fed {(k + 1) * PER_FRAME - 1}", flush=True)
    stream.finish()
    await pump
    await recording
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
