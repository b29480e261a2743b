"""hardware/pinout.csv and firmware/main/board_pins.h name the same pins, both ways."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PINOUT = REPO / "hardware" / "pinout.csv"
BOARD_PINS = REPO / "firmware" / "main" / "board_pins.h"

BOARDS = {"xiao_esp32c3": "C3", "xiao_esp32c6": "C6"}
DEFINE = re.compile(r"^#define SB_(C3|C6)_PIN_([A-Z0-9_]+)\s+(\d+)\b", re.MULTILINE)
POWER_SIGNALS = {"3V3", "GND", "BAT+", "BAT-"}
# Deep-sleep wake needs RTC/LP GPIOs: C3 GPIO0–5, C6 GPIO0–7 (ESP32-C3/C6 datasheets).
WAKE_CAPABLE = {"C3": range(6), "C6": range(8)}
WAKE_SIGNALS = ("BUTTON", "IMU_INT1")
# Strapping pins: GPIO8/9 on the C3 (boot mode), GPIO8/9/15 on the C6.
STRAPPING = {"C3": {8, 9}, "C6": {8, 9, 15}}

Pins = dict[tuple[str, str], int]


def header_pins(text: str) -> Pins:
    return {(board, signal): int(gpio) for board, signal, gpio in DEFINE.findall(text)}


def csv_pins(path: Path) -> Pins:
    pins: Pins = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if not row["gpio"]:
                assert row["signal"] in POWER_SIGNALS, f"{row['signal']} has no GPIO"
                continue
            key = (BOARDS[row["board"]], row["signal"])
            assert key not in pins, f"{key} listed twice in pinout.csv"
            pins[key] = int(row["gpio"])
    return pins


def mismatches(from_csv: Pins, from_header: Pins) -> list[str]:
    problems = []
    for key in sorted(from_csv.keys() | from_header.keys()):
        where = f"{key[0]} {key[1]}"
        if key not in from_header:
            problems.append(f"{where}: GPIO{from_csv[key]} in pinout.csv, missing in board_pins.h")
        elif key not in from_csv:
            problems.append(
                f"{where}: GPIO{from_header[key]} in board_pins.h, missing in pinout.csv"
            )
        elif from_csv[key] != from_header[key]:
            problems.append(
                f"{where}: pinout.csv says GPIO{from_csv[key]}, board_pins.h GPIO{from_header[key]}"
            )
    return problems


def test_every_pin_matches_in_both_directions() -> None:
    from_csv = csv_pins(PINOUT)
    from_header = header_pins(BOARD_PINS.read_text(encoding="utf-8"))
    assert len(from_header) == 16
    assert mismatches(from_csv, from_header) == []


def test_the_check_notices_a_changed_or_missing_pin() -> None:
    text = BOARD_PINS.read_text(encoding="utf-8")
    from_csv = csv_pins(PINOUT)
    moved = header_pins(text.replace("#define SB_C3_PIN_LED 21", "#define SB_C3_PIN_LED 10"))
    assert mismatches(from_csv, moved) == ["C3 LED: pinout.csv says GPIO21, board_pins.h GPIO10"]
    dropped = header_pins(text.replace("#define SB_C6_PIN_MOTOR 17", ""))
    assert mismatches(from_csv, dropped) == [
        "C6 MOTOR: GPIO17 in pinout.csv, missing in board_pins.h"
    ]


@pytest.mark.parametrize("board", ["C3", "C6"])
def test_pins_are_usable_on_the_board(board: str) -> None:
    pins = {signal: gpio for (b, signal), gpio in csv_pins(PINOUT).items() if b == board}
    assert len(set(pins.values())) == len(pins), "a GPIO is used twice"
    for signal in WAKE_SIGNALS:
        assert pins[signal] in WAKE_CAPABLE[board], f"{signal} cannot wake from deep sleep"
    assert not set(pins.values()) & STRAPPING[board]
    with PINOUT.open(newline="", encoding="utf-8") as handle:
        powered = {r["signal"] for r in csv.DictReader(handle) if BOARDS[r["board"]] == board}
    assert powered >= POWER_SIGNALS
