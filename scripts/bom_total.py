"""Total the sensor's bill of materials and check it against the cost target.

    python scripts/bom_total.py [hardware/bom.csv] [--target 35]

Sums qty × unit_price_usd over the fitted parts (dnp = 0; the "under the ball"
variant parts are dnp = 1), prints one line per part and the total, and exits
with status 1 when the total is over the target or the file is malformed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

COLUMNS = (
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
)
DEFAULT_BOM = Path(__file__).resolve().parent.parent / "hardware" / "bom.csv"
TARGET_USD = Decimal("35")  # per sensor at single quantity, ball not included


class BomError(ValueError):
    """The BOM file does not follow the column contract."""


@dataclass(frozen=True)
class Line:
    ref: str
    qty: int
    description: str
    unit_price: Decimal
    dnp: bool

    @property
    def cost(self) -> Decimal:
        return self.unit_price * self.qty


def read_bom(path: Path) -> list[Line]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise BomError(f"{path}: columns must be {','.join(COLUMNS)}")
        lines = []
        for number, row in enumerate(reader, start=2):
            try:
                qty = int(row["qty"])
                price = Decimal(row["unit_price_usd"])
            except (ValueError, InvalidOperation):
                raise BomError(f"{path}:{number}: qty and unit_price_usd must be numbers") from None
            if qty < 1 or price < 0:
                raise BomError(f"{path}:{number}: qty must be ≥ 1 and the price ≥ 0")
            if row["dnp"] not in ("0", "1"):
                raise BomError(f"{path}:{number}: dnp must be 0 or 1")
            refs = row["ref"].split()
            if not refs or len(refs) not in (1, qty):
                raise BomError(f"{path}:{number}: give one ref, or one ref per piece")
            if not row["description"] or not row["mpn"]:
                raise BomError(f"{path}:{number}: description and mpn are required")
            lines.append(Line(row["ref"], qty, row["description"], price, row["dnp"] == "1"))
    return lines


def total(lines: list[Line]) -> Decimal:
    return sum((line.cost for line in lines if not line.dnp), Decimal(0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bom", nargs="?", type=Path, default=DEFAULT_BOM)
    parser.add_argument("--target", type=Decimal, default=TARGET_USD)
    args = parser.parse_args(argv)
    try:
        lines = read_bom(args.bom)
    except (BomError, OSError) as err:
        print(f"bom: error: {err}", file=sys.stderr)
        return 1
    for line in lines:
        mark = "  (not fitted)" if line.dnp else ""
        print(f"{line.ref:<16} {line.qty:>3} × {line.unit_price:>6} = {line.cost:>7}{mark}")
    cost = total(lines)
    print(f"total per sensor: ${cost:.2f} (target ≤ ${args.target:.2f})")
    if cost > args.target:
        print(f"bom: error: ${cost:.2f} is over the ${args.target:.2f} target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
