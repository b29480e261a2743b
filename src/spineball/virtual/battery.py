"""Battery drain model of the virtual ball.

A linear model is enough for a companion app to show a falling level and to
react to LOW_BATTERY: the sensor pod's ~300 mAh cell lasts about 12 h while
streaming (ESP32-C3 connected with notifications, IMU and pressure sensor,
~25 mA average) and about 100 h advertising idle (~3 mA with light sleep).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

STREAMING_DRAIN_PCT_PER_H: Final = 100.0 / 12.0
IDLE_DRAIN_PCT_PER_H: Final = 100.0 / 100.0
LOW_BATTERY_PCT: Final = 15  # status LOW_BATTERY at or below this level
CRITICAL_BATTERY_PCT: Final = 5  # status error BATTERY_CRITICAL at or below this level


@dataclass
class Battery:
    level: float = 100.0  # percent, continuous

    def __post_init__(self) -> None:
        self.set_level(self.level)

    def set_level(self, percent: float) -> None:
        if not 0.0 <= percent <= 100.0:
            raise ValueError(f"battery level {percent} % outside 0 … 100")
        self.level = float(percent)

    def drain(self, seconds: float, *, streaming: bool) -> None:
        rate = STREAMING_DRAIN_PCT_PER_H if streaming else IDLE_DRAIN_PCT_PER_H
        self.level = max(0.0, self.level - rate * seconds / 3600.0)

    @property
    def percent(self) -> int:
        """What the Battery Level characteristic reports (rounded up: 0 % means empty)."""
        whole = int(self.level)
        return min(100, whole + (1 if self.level > whole else 0))

    @property
    def low(self) -> bool:
        return self.percent <= LOW_BATTERY_PCT

    @property
    def critical(self) -> bool:
        return self.percent <= CRITICAL_BATTERY_PCT
