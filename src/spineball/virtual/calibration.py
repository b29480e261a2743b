"""The ball's three calibration slots (CAL_GET / CAL_SET, protocol §4.1).

On the ESP32 these live in NVS; the virtual ball keeps them in a JSON file
(or in memory) so they survive a restart like the firmware's.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Final

from spineball.sessionfile import atomic_write

CAL_SLOTS: Final = 3
EMPTY: Final = (math.nan, math.nan)


class CalibrationStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._slots: list[tuple[float, float]] = [EMPTY] * CAL_SLOTS
        if path is not None and path.exists():
            self._slots = self._load(path)

    @staticmethod
    def _load(path: Path) -> list[tuple[float, float]]:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            slots = [(float(s[0]), float(s[1])) if s else EMPTY for s in raw["slots"]]
        except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
            raise OSError(f"{path}: unreadable calibration file ({err})") from None
        return (slots + [EMPTY] * CAL_SLOTS)[:CAL_SLOTS]

    def get(self, slot: int) -> tuple[float, float]:
        return self._slots[slot]

    def set(self, slot: int, load_n: float, pressure_pa: float) -> None:
        """Store a point (NaN, NaN empties the slot); raises OSError if it cannot be saved."""
        previous = list(self._slots)
        self._slots[slot] = EMPTY if math.isnan(load_n) else (load_n, pressure_pa)
        try:
            self._save()
        except OSError:
            self._slots = previous
            raise

    def _save(self) -> None:
        if self.path is None:
            return
        slots = [None if math.isnan(s[0]) else list(s) for s in self._slots]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, [json.dumps({"slots": slots}).encode("utf-8")])
