"""hardware/bom.csv: the column contract, the parts a sensor needs, and its cost."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOM = REPO / "hardware" / "bom.csv"
SCRIPT = REPO / "scripts" / "bom_total.py"
COLUMNS = [
    "ref",
    "qty",
    "description",
    "manufacturer",
    "mpn",
    "supplier",
    "supplier_pn",
    "unit_price_usd",
    "dnp",
    "notes",
]


def rows() -> list[dict[str, str]]:
    with BOM.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_columns_are_the_contract() -> None:
    with BOM.open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == COLUMNS
    refs = [ref for row in rows() for ref in row["ref"].split()]
    assert len(refs) == len(set(refs)), "a reference designator is used twice"


@pytest.mark.parametrize(
    "needle",
    [
        "113991054",  # XIAO ESP32-C3
        "MPRLS0025PA00001A",
        "LSM6DSOX",
        "protection",  # LiPo with PCM
        "Tactile switch",
        "LED",
        "Vibration motor",
        "MOSFET",
        "Flyback diode",
        "100 kΩ",  # battery divider
        "inflation needle",
        "O-ring",
        "Screw",
        "Heat-set insert",
    ],
)
def test_the_sensor_has_its_parts(needle: str) -> None:
    fitted = [r for r in rows() if r["dnp"] == "0"]
    assert any(needle.lower() in (r["description"] + " " + r["mpn"]).lower() for r in fitted)


def test_total_is_within_35_dollars_and_the_script_agrees() -> None:
    expected = sum(int(r["qty"]) * float(r["unit_price_usd"]) for r in rows() if r["dnp"] == "0")
    assert expected <= 35.0
    done = run_script(str(BOM))
    assert done.returncode == 0, done.stderr
    assert f"total per sensor: ${expected:.2f} (target ≤ $35.00)" in done.stdout
    variant = sum(int(r["qty"]) * float(r["unit_price_usd"]) for r in rows() if r["dnp"] == "1")
    assert variant > 0  # the "under the ball" parts are listed but not counted


def test_over_budget_and_malformed_files_fail_loudly(tmp_path: Path) -> None:
    over = tmp_path / "over.csv"
    over.write_text(BOM.read_text(encoding="utf-8"), encoding="utf-8")
    done = run_script(str(over), "--target", "20")
    assert done.returncode == 1
    assert "is over the $20.00 target" in done.stderr
    broken = tmp_path / "broken.csv"
    broken.write_text("ref,qty,price\nU1,1,4.99\n", encoding="utf-8")
    done = run_script(str(broken))
    assert done.returncode == 1
    assert done.stderr.startswith("bom: error:")
    assert "columns must be" in done.stderr
    bad_qty = tmp_path / "bad_qty.csv"
    bad_qty.write_text(",".join(COLUMNS) + "\nU1,two,x,m,p,s,sp,1.00,0,\n", encoding="utf-8")
    done = run_script(str(bad_qty))
    assert done.returncode == 1
    assert "bad_qty.csv:2: qty and unit_price_usd must be numbers" in done.stderr
