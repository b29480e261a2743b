"""Dashboard figures: launch → first live frame, sensor → screen latency, CPU at 200 Hz.

    python benchmarks/dashboard.py [--seconds 10] [--runs 5] [--no-recorder]

Launch: ``spineball dash --replay`` started in a pseudo-terminal (80×24) until
the first frame that shows live data ("Spot at T…") is written; baseline: a
minimal Textual app until its first frame shows "ready", in the same run.

Latency and CPU run the real app in this process with a driver that renders
every frame to terminal bytes exactly as on a terminal (only the final write
is dropped): a 200 Hz simulated person replayed at 1×. Latency is measured at
each change of the load chart (samples that change nothing on screen need no
frame): from the newest sample's time at the source (when the replay plays it)
to the write of that frame; baseline: the same replay's updates arriving in a
bare loop (what the source itself adds). CPU is this process's CPU time over
wall time (analysis threads included); baseline: the same replay without a
screen. With a recorder (``spineball record --virtual --serve --rate 200``
in another process), the dashboard process holds only the screen and the
socket client: its CPU is the dashboard's own, and its latency share is from
the arrival of the update carrying a chart change's newest point to the
frame's write.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import AsyncIterator, Sequence
from fcntl import ioctl
from pathlib import Path
from typing import ClassVar

import numpy as np
from textual.drivers.headless_driver import HeadlessDriver

from spineball.dashboard.app import DashboardApp
from spineball.dashboard.replay import ReplayClient
from spineball.dashboard.source import SourceInfo
from spineball.dashboard.widgets.trace import TracePlot
from spineball.session.api import SessionClient, SessionUpdate
from spineball.sessionfile import SessionData
from spineball.virtual.body import random_scenario, simulate

SPINEBALL = [sys.executable, "-m", "spineball"]
SEED = 4
START_S = 20.0  # on the ball, before the first sore spot's stay ends

BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("ready")
Bare().run()
"""


# ---------------------------------------------------------------------------- launch


def first_frame_s(command: Sequence[str], marker: bytes, env: dict[str, str]) -> float:
    """Seconds from spawning ``command`` in an 80×24 pty to ``marker`` in its output."""
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.monotonic()
    child = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    try:
        while time.monotonic() - started < 30:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                seen = (seen + os.read(master, 65536))[-200_000:]
                if marker in seen:
                    return time.monotonic() - started
        raise RuntimeError(f"{command[-1]!r}: no {marker!r} within 30 s")
    finally:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(10)
        os.close(master)


def launch(
    runs: int, session_csv: Path, extra: list[str], marker: bytes, env: dict[str, str]
) -> tuple[list[float], list[float]]:
    dash = [*SPINEBALL, "dash", "--replay", str(session_csv), *extra]
    bare = [sys.executable, "-c", BARE_APP]
    ours, base = [], []
    for _ in range(runs):
        base.append(first_frame_s(bare, b"ready", env))
        ours.append(first_frame_s(dash, marker, env))
    return ours, base


# ---------------------------------------------------------------------------- latency, CPU


class TimedDriver(HeadlessDriver):
    """Renders like a terminal (the app is not headless) and notes when each frame is written."""

    writes: ClassVar[list[float]] = []

    @property
    def is_headless(self) -> bool:
        return False

    def _get_terminal_size(self) -> tuple[int, int]:
        return self._size or (80, 24)

    def write(self, data: str) -> None:
        TimedDriver.writes.append(time.monotonic())


def replay_client(rate_hz: float) -> ReplayClient:
    sim = simulate(random_scenario(SEED), rate_hz=rate_hz)
    return ReplayClient(SessionData(sim.meta, sim.samples), name="bench", start_s=START_S)


async def run_screen(
    client: SessionClient, seconds: float, size: tuple[int, int]
) -> tuple[DashboardApp, float, list[tuple[float, float | None]], list[float]]:
    """The app on ``client`` for ``seconds`` after 2 s of warm-up: app, CPU, draws, writes."""
    TimedDriver.writes = []
    draws: list[tuple[float, float | None]] = []
    app = DashboardApp(client, SourceInfo("replay", "bench"))
    app.driver_class = TimedDriver
    seen = [0]

    def frame(now: float, newest: float | None) -> None:
        """Note frames whose chart changed: they are the ones that show new samples."""
        plot = app.screen.query(TracePlot)
        changes = plot.first().changes if plot else 0
        if changes != seen[0]:
            seen[0] = changes
            draws.append((now, newest))

    app.on_frame = frame
    task = asyncio.create_task(app.run_async(size=size))
    await asyncio.sleep(2.0)
    cpu0, wall0 = time.process_time(), time.monotonic()
    await asyncio.sleep(seconds)
    cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
    app.exit()
    await task
    return app, cpu, draws, TimedDriver.writes


def screen_latency_ms(
    client: ReplayClient, draws: list[tuple[float, float | None]], writes: list[float]
) -> np.ndarray:
    """Per chart change: the newest sample's time at the source → the frame's write."""
    w = np.array(writes)
    out = []
    for drawn, newest in draws:
        if newest is None or newest <= START_S + 0.5:
            continue
        k = int(np.searchsorted(w, drawn))
        if k < len(w):
            out.append((w[k] - client.source_time(newest)) * 1000.0)
    return np.array(out)


async def bare_replay(rate_hz: float, seconds: float) -> tuple[float, np.ndarray]:
    """The replay alone: its CPU share, and each point's age when its update arrives (ms)."""
    client = replay_client(rate_hz)
    ages: list[float] = []
    updates = client.updates()
    async for update in updates:
        if update.snapshot.t_s >= START_S - 0.06:
            break
    await asyncio.sleep(0)
    cpu0, wall0 = time.process_time(), time.monotonic()
    async for update in updates:
        now = time.monotonic()
        ages += [(now - client.source_time(t)) * 1000.0 for t in update.trace.t_s]
        if now - wall0 > seconds:
            break
    cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
    await client.close()
    return cpu, np.array(ages)


# ---------------------------------------------------------------------------- with a recorder


def start_recorder(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], Path | None]:
    """``spineball record --virtual --serve --rate 200`` in its own process; its socket."""
    recorder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spineball",
            "record",
            "--virtual",
            "--seed",
            str(SEED),
            "--serve",
            "--rate",
            "200",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    socket = Path(env["SPINEBALL_RUNTIME_DIR"]) / "recorder-default.sock"
    deadline = time.monotonic() + 60
    while not socket.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return recorder, socket if socket.exists() else None


async def on_recorder(socket: Path, seconds: float) -> dict[str, float]:
    """The dashboard attached to a recorder: its own CPU, and arrival → frame written."""
    from spineball.session.socket_client import SocketClient

    client = await SocketClient.connect(socket)
    arrivals: list[tuple[float, float]] = []  # (when, newest plot time in the update)
    inner = client.updates

    async def timed() -> AsyncIterator[SessionUpdate]:  # note when each update arrives
        async for update in inner():
            if update.trace.t_s:
                arrivals.append((time.monotonic(), update.trace.t_s[-1]))
            yield update

    client.updates = timed  # type: ignore[method-assign]
    app, cpu, draws, writes = await run_screen(client, seconds, (80, 24))
    w = np.array(writes)
    share = []
    for drawn, newest in draws:  # each chart change: its newest point's arrival → write
        arrived = next((a for a, t in arrivals if newest is not None and t >= newest), None)
        if arrived is not None and (k := int(np.searchsorted(w, drawn))) < len(w):
            share.append((w[k] - arrived) * 1000.0)
    a = np.array(share)
    return {
        "cpu": cpu,
        "p50": pct(a, 50),
        "p99": pct(a, 99),
        "frames": app.frames / (seconds + 2.0),
        "updates": len(arrivals) / (seconds + 2.0),
        "changes": float(len(share)),
    }


# ---------------------------------------------------------------------------- report


def pct(a: np.ndarray, q: float) -> float:
    return float(np.percentile(a, q))


async def measure(seconds: float) -> None:
    cpu_base, ages = await bare_replay(200.0, seconds)
    print(
        f"replay alone (baseline): CPU {cpu_base * 100:.1f} % of a core, "
        f"point age at arrival p50 {pct(ages, 50):.0f} ms, p99 {pct(ages, 99):.0f} ms"
    )
    for size in ((80, 24), (120, 40)):
        client = replay_client(200.0)
        app, cpu, draws, writes = await run_screen(client, seconds, size)
        lat = screen_latency_ms(client, draws, writes)
        print(
            f"dashboard {size[0]}×{size[1]} at 200 Hz: CPU {cpu * 100:.1f} % "
            f"(screen alone ≈ {(cpu - cpu_base) * 100:.1f} %), "
            f"{app.frames / (seconds + 2.0):.1f} frames/s, "
            f"sensor→screen p50 {pct(lat, 50):.0f} ms, p99 {pct(lat, 99):.0f} ms "
            f"({len(lat)} chart changes)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-recorder", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "SPINEBALL_DATA_DIR": f"{tmp}/data",
            "SPINEBALL_CONFIG_DIR": f"{tmp}/config",
            "SPINEBALL_RUNTIME_DIR": f"{tmp}/run",
        }
        csv, _, _ = simulate(random_scenario(SEED)).write(Path(tmp) / "person.csv")
        for label, extra, marker in (
            ("first live frame", [], b"REPLAY"),
            ("first frame 30 s in (jump ahead)", ["--start", "30"], b"Spot at T"),
        ):
            ours, base = launch(args.runs, csv, extra, marker, env)
            mid, bare = statistics.median(ours), statistics.median(base)
            print(
                f"launch → {label}: median {mid:.2f} s (min {min(ours):.2f}, max "
                f"{max(ours):.2f}); bare Textual app {bare:.2f} s; ratio {mid / bare:.1f}×"
            )
        asyncio.run(measure(args.seconds))
        if args.no_recorder:
            return
        recorder, socket = start_recorder(env)
        try:
            if socket is None:
                print("recorder: did not start")
                return
            found = asyncio.run(on_recorder(socket, args.seconds))
        finally:
            os.killpg(recorder.pid, signal.SIGTERM)
            recorder.wait(30)
        print(
            f"dashboard on a recorder (virtual ball, 200 Hz, socket): CPU {found['cpu'] * 100:.1f} "
            f"% of a core, {found['updates']:.1f} updates/s, {found['frames']:.1f} frames/s, "
            f"update arrival → screen p50 {found['p50']:.0f} ms, p99 {found['p99']:.0f} ms "
            f"({found['changes']:.0f} chart changes)"
        )


if __name__ == "__main__":
    main()
