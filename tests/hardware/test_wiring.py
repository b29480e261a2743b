"""hardware/wiring.yml agrees with pinout.csv and renders with WireViz."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WIRING = REPO / "hardware" / "wiring.yml"
PINOUT = REPO / "hardware" / "pinout.csv"


def wiring() -> dict[str, object]:
    data = yaml.safe_load(WIRING.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_xiao_pads_carry_the_pinout_signals() -> None:
    labels = wiring()["connectors"]["U1"]["pinlabels"]  # type: ignore[index]
    with PINOUT.open(newline="", encoding="utf-8") as handle:
        c3 = [r for r in csv.DictReader(handle) if r["board"] == "xiao_esp32c3"]
    for row in c3:
        expected = f"GPIO{row['gpio']} {row['signal']}" if row["gpio"] else row["signal"]
        assert any(expected in label for label in labels), expected
        pad = row["xiao_pin"].split()[0].split("/")[0]  # "D0/A0" → "D0", "BAT+ pad" → "BAT+"
        assert any(label.startswith(pad) for label in labels), pad


def expand(pins: list[int | str]) -> list[int]:
    """WireViz pin lists: numbers and "a-b" ranges."""
    out: list[int] = []
    for pin in pins:
        if isinstance(pin, str) and "-" in pin:
            first, last = (int(part) for part in pin.split("-"))
            out += range(first, last + 1)
        else:
            out.append(int(pin))
    return out


def test_connections_use_declared_parts_and_pins() -> None:
    data = wiring()
    connectors = data["connectors"]
    cables = data["cables"]
    assert isinstance(connectors, dict)
    assert isinstance(cables, dict)
    for run in data["connections"]:  # type: ignore[attr-defined]
        for hop in run:
            ((name, pins),) = hop.items()
            assert name in connectors or name in cables, name
            count = (
                len(connectors[name]["pinlabels"])
                if name in connectors
                else cables[name]["wirecount"]
            )
            assert all(1 <= pin <= count for pin in expand(pins)), (name, pins)


def test_wireviz_renders_the_diagram(tmp_path: Path) -> None:
    wireviz = shutil.which("wireviz", path=str(Path(sys.executable).parent)) or shutil.which(
        "wireviz"
    )
    if wireviz is None or shutil.which("dot") is None:
        pytest.fail("wireviz (dev extra) and graphviz (scripts/system-packages.sh) are needed")
    done = subprocess.run(
        [wireviz, "-f", "s", "-o", str(tmp_path), str(WIRING)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    svg = (tmp_path / "wiring.svg").read_text(encoding="utf-8")
    committed = (REPO / "hardware" / "wiring.svg").read_text(encoding="utf-8")
    for name in ("U1", "PCB1", "BT1", "DIV", "SW1", "LED", "MOT", "GPIO6 I2C_SDA"):
        assert name in svg
        assert name in committed  # the committed rendering is of this wiring
