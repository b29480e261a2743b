"""MQTT fan-in: many balls publishing to one local Mosquitto, latency and CPU.

    python benchmarks/mqtt.py [--balls 20] [--seconds 10] [--update-hz 100] [--qos 1]

Starts a private ``mosquitto`` on a free port. Publishers run in a child
process, each ball fed ``--update-hz`` snapshots per second (what the live
orchestrator will do); a subscriber in this process timestamps arrivals.
Scenarios, all in one run:

- ``publisher × 1``   — one ball through spineball's Publisher (baseline)
- ``publisher × N``   — N balls through the Publisher
- ``raw aiomqtt × N`` — N plain aiomqtt clients publishing the newest snapshot
                        on a 2 Hz timer: the least any 2 Hz publisher must do

Reported: transit latency (send → arrival), data age (update() call →
arrival, includes the ≤ 0.5 s coalescing wait by design), messages/s, CPU %
of the publishing process and of the broker.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import aiomqtt
import numpy as np

from spineball.mqtt.publisher import Publisher
from spineball.mqtt.schema import BallState, LinkHealth, Pain, encode_state
from spineball.mqtt.settings import settings_from

HOST = "127.0.0.1"
PREFIX = "bench"
QOS = 1  # as shipped; --qos changes it (the child processes are forked after parsing)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_broker(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    conf = workdir / "mosquitto.conf"
    run_as = "user root\n" if os.geteuid() == 0 else ""
    conf.write_text(f"{run_as}listener {port} {HOST}\nallow_anonymous true\npersistence false\n")
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    broker = subprocess.Popen([mosquitto, "-c", str(conf)], stderr=subprocess.DEVNULL)
    for _ in range(250):
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return broker
        except OSError:
            time.sleep(0.02)
    raise SystemExit("mosquitto did not start")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def base_state(ball: int) -> BallState:
    return BallState(
        ball_id=f"ball-{ball:02d}",
        room=f"Room {ball}",
        person="A.B.",
        planned_min=3.0,
        load_n=310.0,
        level="T6",
        position_mm=118.0,
        position_uncertainty_mm=12.0,
        spot_dwell_s=20.0,
        pain=Pain(6, 5, 4),
        battery_pct=80,
        link=LinkHealth(True, -60, 0.5, 0),
    )


async def feed(states: list[BallState], push: list[object], hz: float, seconds: float) -> int:
    """Hand every ball a fresh snapshot ``hz`` times a second; session_s carries the wall time."""
    updates = 0
    period = 1.0 / hz
    end = time.monotonic() + seconds
    next_tick = time.monotonic()
    while time.monotonic() < end:
        now = time.time()
        for i, state in enumerate(states):
            push[i](dataclasses.replace(state, session_s=now))  # type: ignore[operator]
        updates += len(states)
        next_tick += period
        await asyncio.sleep(max(0.0, next_tick - time.monotonic()))
    return updates


async def run_publishers(port: int, balls: int, hz: float, seconds: float) -> None:
    settings = settings_from(
        {"topic_prefix": PREFIX, "discovery": False, "qos": QOS},
        url=f"mqtt://{HOST}:{port}",
        environ={},
    )
    assert settings is not None
    states = [base_state(i) for i in range(balls)]
    outbox = Path(tempfile.mkdtemp()) / "outbox.db"
    publishers = [Publisher(settings, s.ball_id, outbox_path=outbox) for s in states]
    for publisher in publishers:
        await publisher.__aenter__()
    for publisher in publishers:
        await publisher.wait_connected(5)
    await feed(states, [p.update for p in publishers], hz, seconds)
    for publisher in publishers:
        await publisher.aclose()


async def run_raw(port: int, balls: int, hz: float, seconds: float) -> None:
    states = [base_state(i) for i in range(balls)]
    latest = list(states)

    def setter(i: int) -> object:
        def push(state: BallState) -> None:
            latest[i] = state

        return push

    async def client_loop(i: int, client: aiomqtt.Client, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await client.publish(
                f"{PREFIX}/{states[i].ball_id}/state",
                encode_state(latest[i], time.time()),
                qos=QOS,
                retain=True,
            )
            await asyncio.sleep(0.5)

    clients = [aiomqtt.Client(HOST, port) for _ in states]
    for client in clients:
        await client.__aenter__()
    stop = asyncio.Event()
    loops = [asyncio.create_task(client_loop(i, c, stop)) for i, c in enumerate(clients)]
    await feed(states, [setter(i) for i in range(balls)], hz, seconds)
    stop.set()
    await asyncio.gather(*loops)
    for client in clients:
        await client.__aexit__(None, None, None)


def child(mode: str, port: int, balls: int, hz: float, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    start_cpu, start = time.process_time(), time.monotonic()
    runner = run_publishers if mode == "publisher" else run_raw
    asyncio.run(runner(port, balls, hz, seconds))
    out.put((time.process_time() - start_cpu, time.monotonic() - start))


async def measure(
    mode: str, port: int, broker_pid: int, balls: int, hz: float, seconds: float
) -> dict[str, float]:
    transit: list[float] = []
    age: list[float] = []
    async with aiomqtt.Client(HOST, port) as sub:
        await sub.subscribe(f"{PREFIX}/+/state")
        await asyncio.sleep(0.3)
        # drain retained messages from an earlier scenario
        while len(sub.messages):
            await anext(aiter(sub.messages))
        results: mp.Queue = mp.Queue()  # type: ignore[type-arg]
        process = mp.get_context("fork").Process(
            target=child, args=(mode, port, balls, hz, seconds, results)
        )
        broker_cpu = cpu_seconds(broker_pid)
        process.start()

        async def collect() -> None:
            async for message in sub.messages:
                now = time.time()
                if message.retain or not isinstance(message.payload, bytes):
                    continue
                body = json.loads(message.payload)
                transit.append(now - body["ts_unix_s"])
                age.append(now - body["session_s"])

        collector = asyncio.create_task(collect())
        await asyncio.to_thread(process.join)
        await asyncio.sleep(0.3)
        collector.cancel()
        broker_cpu = cpu_seconds(broker_pid) - broker_cpu
        cpu, wall = results.get(timeout=5)
    t = np.array(transit) * 1000
    a = np.array(age) * 1000
    return {
        "msgs_per_s": len(t) / seconds,
        "transit_p50_ms": float(np.percentile(t, 50)),
        "transit_p99_ms": float(np.percentile(t, 99)),
        "age_p50_ms": float(np.percentile(a, 50)),
        "age_p99_ms": float(np.percentile(a, 99)),
        "cpu_pct": 100 * cpu / wall,
        "broker_cpu_pct": 100 * broker_cpu / wall,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--balls", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--update-hz", type=float, default=100.0)
    parser.add_argument("--qos", type=int, choices=(0, 1, 2), default=1)
    args = parser.parse_args()
    global QOS  # read by the forked publisher processes
    QOS = args.qos
    port = free_port()
    broker = start_broker(Path(tempfile.mkdtemp()), port)
    try:
        scenarios = [("publisher", 1), ("publisher", args.balls), ("raw aiomqtt", args.balls)]
        rows = []
        for mode, balls in scenarios:
            result = await measure(
                "publisher" if mode == "publisher" else "raw",
                port,
                broker.pid,
                balls,
                args.update_hz,
                args.seconds,
            )
            rows.append((f"{mode} × {balls}", result))
    finally:
        broker.terminate()
        broker.wait()
    print(f"{args.update_hz:g} Hz updates/ball, {args.seconds:g} s each, QoS {QOS}, local broker")
    print(f"{'scenario':<20}{'msg/s':>7}  {'transit p50/p99 ms':<20}{'age p50/p99 ms':<18}", end="")
    print(f"{'CPU %':>7}{'broker %':>10}")
    for name, r in rows:
        transit = f"{r['transit_p50_ms']:.2f} / {r['transit_p99_ms']:.2f}"
        age = f"{r['age_p50_ms']:.1f} / {r['age_p99_ms']:.1f}"
        print(f"{name:<20}{r['msgs_per_s']:>7.1f}  {transit:<20}{age:<18}", end="")
        print(f"{r['cpu_pct']:>7.1f}{r['broker_cpu_pct']:>10.1f}")
    one, many, raw = (r for _n, r in rows)
    print(
        f"CPU per ball: publisher {many['cpu_pct'] / args.balls:.2f} %, "
        f"1-ball baseline {one['cpu_pct']:.2f} %, raw aiomqtt {raw['cpu_pct'] / args.balls:.2f} %; "
        f"publisher/raw CPU ratio {many['cpu_pct'] / raw['cpu_pct']:.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
