"""Soak: a long recording at 200 Hz with a link drop every ~30 s (not part of CI).

The ball runs in another process (a VirtualWorld with a simulated person,
serving its radio on TCP, dropping the link every 25–35 s of ball time for
0.5–5 s); this process is the client + recorder, exactly as
``spineball record --transport tcp-client:…`` runs it: Bumble host, bleak,
link engine, stream, SQLite store, live analysis, 10 Hz updates. Time is
scaled (the ball's clock runs N× faster), so CPU figures are given per
second of *ball* time, i.e. as % of one core at real time.

Printed: samples lost (goal 0), CPU % of one core (client + recorder), DB
bytes per sample, memory growth; and the baseline measured in the same run:
a bare bleak client that only counts notifications from the same kind of
ball (no drops), with its CPU on the same scale.

    python benchmarks/soak.py                     # 30 min at 200 Hz, 10× → about 4 min
    python benchmarks/soak.py --minutes 5         # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bleak import BleakClient, BleakScanner
from bleak.backends.characteristic import BleakGATTCharacteristic

from spineball.ble.bumble_backend import BumbleStack
from spineball.ble.link import BallLink, BumbleBackend
from spineball.protocol import CONTROL_UUID, SAMPLES_UUID, SERVICE_UUID, Rate, Start, encode_command
from spineball.session.recorder import SessionRecorder
from spineball.sessionfile import SessionMeta
from spineball.store import Database
from spineball.stream import SampleStream

BALL = "SB-1101"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


# --------------------------------------------------------------------------- the ball


async def serve_ball(port: int, time_scale: float, drop_every_s: float, seed: int) -> None:
    from spineball.virtual.body import SimulatedSource, random_scenario, simulate
    from spineball.virtual.world import VirtualWorld

    rng = random.Random(seed)
    person = SimulatedSource(simulate(random_scenario(seed)))
    with tempfile.TemporaryDirectory() as state:
        async with VirtualWorld(source=person, state_dir=Path(state), time_scale=time_scale) as w:
            await w.serve_hci(f"tcp-server:127.0.0.1:{port}")
            print("serving", flush=True)
            clock = w.ball.clock
            drops = 0
            while drop_every_s > 0:
                await clock.sleep(rng.uniform(0.8, 1.2) * drop_every_s)
                if w.ball.connected:
                    await w.faults.drop_link(reconnect_after_s=rng.uniform(0.5, 5.0))
                    drops += 1
                    print(f"drop {drops}", flush=True)
            await asyncio.Event().wait()


def start_ball(port: int, time_scale: float, drop_every_s: float) -> subprocess.Popen[str]:
    ball = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve-ball",
            str(port),
            "--time-scale",
            str(time_scale),
            "--drop-every",
            str(drop_every_s),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert ball.stdout is not None
    if ball.stdout.readline().strip() != "serving":
        raise RuntimeError("the ball process did not start")
    return ball


# --------------------------------------------------------------------------- the recorder


async def soak(
    minutes: float, rate: Rate, time_scale: float, drop_every_s: float
) -> dict[str, Any]:
    port = free_port()
    ball = start_ball(port, time_scale, drop_every_s)
    sim_s = minutes * 60.0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "soak.db"
            async with BumbleStack(f"tcp-client:127.0.0.1:{port}", bonds_dir=Path(tmp)) as stack:
                stream = SampleStream(start_index=0)
                link = BallLink(BumbleBackend(stack), stream, ball=BALL, rate=rate)
                with Database.open(db_path) as db:
                    recorder = SessionRecorder(
                        link, db, SessionMeta(sample_rate_hz=float(rate.hz)), source="virtual"
                    )
                    task = asyncio.create_task(recorder.run())
                    await recorder.recording.wait()
                    cpu0, wall0 = cpu_s(), time.monotonic()
                    rss: list[float] = []
                    while (time.monotonic() - wall0) * time_scale < sim_s:
                        await asyncio.sleep(1.0)
                        rss.append(rss_mb())
                        done = (time.monotonic() - wall0) * time_scale
                        print(
                            f"\r{done / 60:5.1f} / {minutes:g} min of ball time, "
                            f"{link.reconnects} reconnects",
                            end="",
                            file=sys.stderr,
                        )
                    cpu = cpu_s() - cpu0
                    elapsed_sim = (time.monotonic() - wall0) * time_scale
                    recorder.end()
                    session_id = await task
                    print(file=sys.stderr)
                    summary = db.session(session_id)
                    gaps = db.read_gaps(session_id)
                db_bytes = db_path.stat().st_size
                wal = db_path.with_name(db_path.name + "-wal")
                if wal.exists():
                    db_bytes += wal.stat().st_size
            return {
                "ball_minutes": elapsed_sim / 60.0,
                "samples": summary.samples,
                "lost": sum(g.missing for g in gaps),
                "gaps": len(gaps),
                "reconnects": link.reconnects,
                "cpu_pct": 100.0 * cpu / elapsed_sim,
                "bytes_per_sample": db_bytes / max(summary.samples, 1),
                "rss_start_mb": rss[min(len(rss) - 1, 5)],
                "rss_end_mb": rss[-1],
                "gap_list": [(g.cause, g.start_s, g.end_s) for g in gaps],
            }
    finally:
        ball.kill()
        ball.wait()


async def baseline(seconds: float, rate: Rate, time_scale: float) -> dict[str, float]:
    """A bare bleak client on the same kind of link: only counts notifications."""
    port = free_port()
    ball = start_ball(port, time_scale, 0.0)
    received = 0

    def count(_char: BleakGATTCharacteristic, data: bytearray) -> None:
        nonlocal received
        received += (len(data) - 9) // 9

    try:
        with tempfile.TemporaryDirectory() as tmp:
            async with BumbleStack(f"tcp-client:127.0.0.1:{port}", bonds_dir=Path(tmp)) as stack:
                device = await BleakScanner.find_device_by_filter(
                    lambda _d, ad: SERVICE_UUID in ad.service_uuids,
                    timeout=5.0,
                    backend=stack.scanner_backend,
                )
                assert device is not None
                async with BleakClient(device, backend=stack.client_backend) as client:
                    await client.pair()
                    await client.start_notify(CONTROL_UUID, lambda _c, _d: None)
                    await client.start_notify(SAMPLES_UUID, count)
                    await client.write_gatt_char(
                        CONTROL_UUID, encode_command(Start(int(rate)), 1), response=True
                    )
                    cpu0, wall0 = cpu_s(), time.monotonic()
                    await asyncio.sleep(seconds / time_scale)
                    cpu = cpu_s() - cpu0
                    elapsed_sim = (time.monotonic() - wall0) * time_scale
        return {"cpu_pct": 100.0 * cpu / elapsed_sim, "samples": received}
    finally:
        ball.kill()
        ball.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="ball time to record")
    parser.add_argument("--rate", type=int, default=200, choices=(25, 50, 100, 200))
    parser.add_argument("--time-scale", type=float, default=10.0)
    parser.add_argument("--drop-every", type=float, default=30.0, help="ball seconds")
    parser.add_argument("--log", action="store_true", help="the link's log on stderr")
    parser.add_argument("--serve-ball", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.log:
        logging.basicConfig(format="%(relativeCreated)8.0f %(name)s %(message)s")
        for name in ("spineball.ble", "spineball.stream", "spineball.session"):
            logging.getLogger(name).setLevel(logging.INFO)
    if args.serve_ball is not None:
        asyncio.run(serve_ball(args.serve_ball, args.time_scale, args.drop_every, seed=7))
        return
    rate = Rate.from_hz(args.rate)
    result = asyncio.run(soak(args.minutes, rate, args.time_scale, args.drop_every))
    base = asyncio.run(baseline(min(180.0, args.minutes * 60.0), rate, args.time_scale))
    print(
        f"soak: {result['ball_minutes']:.1f} min of ball time at {args.rate} Hz "
        f"(time scale {args.time_scale:g}), {result['reconnects']:.0f} link drops"
    )
    print(f"  samples recorded        {result['samples']:.0f}")
    print(f"  samples lost            {result['lost']:.0f} in {result['gaps']:.0f} gaps (goal 0)")
    for cause, start_s, end_s in result["gap_list"]:
        print(f"    {cause} gap {start_s:.2f}–{end_s:.2f} s")
    print(f"  CPU, client + recorder  {result['cpu_pct']:.1f} % of one core at real time")
    print(f"  CPU, bare bleak client  {base['cpu_pct']:.1f} % (baseline, same link, no drops)")
    print(f"  ratio                   {result['cpu_pct'] / base['cpu_pct']:.2f}x")
    print(f"  database                {result['bytes_per_sample']:.2f} bytes per sample")
    print(
        f"  memory (RSS)            {result['rss_start_mb']:.0f} MB after 5 s → "
        f"{result['rss_end_mb']:.0f} MB at the end"
    )


if __name__ == "__main__":
    main()
