"""``spineball virtual`` as its own process, reached by third-party and own tools."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from bleak import BleakClient

from spineball.ble.bumble_backend import BumbleStack
from spineball.protocol import Rate, Start, decode_raw_frames
from spineball.protocol.uuids import MODEL_NUMBER_UUID
from tests.virtual.helpers import BallSession, find_ball

BIN = Path(sys.executable).parent
BALL = "C4:5B:1D:BA:11:01"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_ball(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, list[str]]]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spineball",
            "virtual",
            "--hci",
            f"tcp-server:127.0.0.1:{port}",
            "--state-dir",
            str(tmp_path / "ball"),
            "--pairing-window",
            "60",
            "--rate",
            "50",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    banner = [process.stdout.readline().strip() for _ in range(3)]
    try:
        yield process, port, banner
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_bumble_gatt_dump_lists_the_balls_services(
    served_ball: tuple[subprocess.Popen[str], int, list[str]],
) -> None:
    process, port, banner = served_ball
    assert banner[0] == f"virtual ball SB-1101 at {BALL}"
    assert banner[1] == "pairing window: open for 60 s"
    assert banner[2].startswith("state: sampling at 50 Hz")
    dump = subprocess.run(
        [str(BIN / "bumble-gatt-dump"), f"tcp-client:127.0.0.1:{port}", BALL],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for expected in (
        "5B1D0001-BA11-4C0D-8E5A-5B1DBA110000",
        "(Device Information)",
        "(Battery)",
        "(Environmental Sensing)",
        "(Battery Level)",
    ):
        assert expected in dump.stdout
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "virtual ball stopped" in err
    assert "Traceback" not in err


async def test_spineball_reaches_the_ball_over_tcp_client(
    served_ball: tuple[subprocess.Popen[str], int, list[str]], tmp_path: Path
) -> None:
    _process, port, _banner = served_ball
    async with BumbleStack(f"tcp-client:127.0.0.1:{port}", bonds_dir=tmp_path / "central") as stack:
        device = await find_ball(stack)
        async with BleakClient(device, backend=stack.client_backend, timeout=5) as client:
            await client.pair()
            assert (await client.read_gatt_char(MODEL_NUMBER_UUID)).decode() == "SB-1V"
            session = BallSession(client)
            await session.subscribe()
            await session.command(Start(Rate.HZ_200))
            await session.wait_samples(200, within_s=5.0)
        raw = decode_raw_frames(session.frames)
        raw = raw[(raw["flags"] >> 4) == Rate.HZ_200]  # the autostarted 50 Hz run came first
        assert np.array_equal(raw["index"], np.arange(len(raw)))
        await asyncio.sleep(0)


def test_cli_errors_are_one_clear_line(
    served_ball: tuple[subprocess.Popen[str], int, list[str]], tmp_path: Path
) -> None:
    _process, port, _banner = served_ball
    busy = subprocess.run(
        [sys.executable, "-m", "spineball", "virtual", "--hci", f"tcp-server:127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=30,
        env={"SPINEBALL_DATA_DIR": str(tmp_path), "PATH": str(BIN)},
    )
    assert busy.returncode == 1
    assert busy.stderr.startswith(
        f"spineball: error: cannot serve HCI on tcp-server:127.0.0.1:{port}"
    )
    assert busy.stderr.count("\n") == 1
    wrong_rate = subprocess.run(
        [sys.executable, "-m", "spineball", "virtual", "--hci", "tcp-server:_:1", "--rate", "33"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert wrong_rate.returncode == 2
    assert "'33' is not one of" in wrong_rate.stderr


async def test_world_serves_its_radio_to_a_tcp_client(tmp_path: Path) -> None:
    from spineball.virtual.world import VirtualWorld

    port = free_port()
    async with VirtualWorld(state_dir=tmp_path) as world:
        await world.serve_hci(f"tcp-server:127.0.0.1:{port}")
        async with BumbleStack(f"tcp-client:127.0.0.1:{port}", bonds_dir=tmp_path / "far") as far:
            device = await find_ball(far)
            assert device.address == BALL
            assert far.address != world.stack.address  # a distinct central identity
