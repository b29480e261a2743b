"""The ball's sensor loop: read the source at the sample times, quantise, buffer.

Samples are produced in whole vectorised blocks (everything due since the
last call), never one Python call per sample. Sample ``k`` of a run is taken
at ``anchor_t + (k - anchor_index) / rate`` in simulated time; the anchor
moves at START and SET_RATE so indices and times stay exact across rate
changes. The source sees one continuous timeline: seconds since the first
START of this ball.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.protocol import RATE_HZ, ErrorFlags, Rate
from spineball.protocol.frames import (
    PRESSURE_INVALID,
    PRESSURE_MAX_RAW,
    PRESSURE_SCALE,
    TEMPERATURE_INVALID,
    quaternions_to_raw,
)
from spineball.virtual.ring import RING_DTYPE, RingSamples, SampleRing
from spineball.virtual.source import SampleSource

ATMOSPHERE_PA: Final = 101_325.0
OVER_PRESSURE_GAUGE_PA: Final = 50_000.0  # status OVER_PRESSURE threshold (protocol §5)
TEMPERATURE_RANGE_C: Final = (-10.0, 60.0)  # outside: TEMPERATURE_RANGE error (sensor spec)
TARE_WINDOW_S: Final = 0.25  # rest pressure = mean of the newest quarter second
# Errors the sensor loop derives from the data; others are set from outside.
DATA_ERRORS: Final = (
    ErrorFlags.PRESSURE_SATURATED | ErrorFlags.OVER_PRESSURE | ErrorFlags.TEMPERATURE_RANGE
)


class Sampler:
    def __init__(self, source: SampleSource, ring: SampleRing | None = None) -> None:
        self.source = source
        self.ring = ring or SampleRing()
        self.streaming = False
        self.rate = Rate.HZ_100
        self.data_errors = ErrorFlags(0)
        self.injected_errors = ErrorFlags(0)  # set by fault injection: readings invalid
        self._origin: float | None = None
        self._anchor_index = 0
        self._anchor_t = 0.0

    @property
    def next_index(self) -> int:
        return self.ring.next_index

    @property
    def errors(self) -> ErrorFlags:
        return self.data_errors | self.injected_errors

    def time_of(self, index: int) -> float:
        """Simulated time of sample ``index`` of the current rate segment (or later)."""
        return self._anchor_t + (index - self._anchor_index) / RATE_HZ[self.rate]

    def start(self, rate: Rate, now: float) -> None:
        if self._origin is None:
            self._origin = now
        self.ring.clear()
        self.rate = rate
        self._anchor_index = 0
        self._anchor_t = now
        self.streaming = True

    def stop(self, now: float) -> None:
        self.generate_until(now)
        self.streaming = False

    def set_rate(self, rate: Rate, now: float) -> None:
        self.generate_until(now)
        next_t = self.time_of(self.next_index)
        self._anchor_index = self.next_index
        self._anchor_t = next_t
        self.rate = rate

    def generate_until(self, now: float) -> int:
        """Take every sample due by ``now``; returns how many were added."""
        if not self.streaming:
            return 0
        last_due = self._anchor_index + int(np.floor((now - self._anchor_t) * RATE_HZ[self.rate]))
        count = last_due - self.next_index + 1
        if count <= 0:
            return 0
        indices = np.arange(self.next_index, last_due + 1, dtype=np.int64)
        times = self._anchor_t + (indices - self._anchor_index) / RATE_HZ[self.rate]
        self.ring.append(self._measure(indices, times))
        return count

    def rest_pressure_raw(self) -> int | None:
        """TARE: mean raw pressure of the newest samples; None if the newest is invalid."""
        window = max(1, round(TARE_WINDOW_S * RATE_HZ[self.rate]))
        recent = self.ring.latest(window)
        if len(recent) == 0 or int(recent["pressure_raw"][-1]) == PRESSURE_INVALID:
            return None
        valid = recent["pressure_raw"][recent["pressure_raw"] != PRESSURE_INVALID]
        return round(float(np.mean(valid)))

    def read_now(self, now: float) -> tuple[float, float]:
        """(pressure Pa, temperature °C) now, for the 1 Hz Environmental Sensing summary."""
        if self.streaming and len(self.ring):
            newest = self.ring.latest(1)
            raw_p = int(newest["pressure_raw"][0])
            raw_t = int(newest["temperature_raw"][0])
            pressure = float("nan") if raw_p == PRESSURE_INVALID else raw_p / PRESSURE_SCALE
            temperature = float("nan") if raw_t == TEMPERATURE_INVALID else raw_t / 100.0
            return pressure, temperature
        origin = self._origin if self._origin is not None else now
        values = self.source.read(np.array([now - origin]))
        pressure = float(values.pressure_pa[0])
        if self.injected_errors & ErrorFlags.PRESSURE_SENSOR:
            pressure = float("nan")
        return pressure, float(values.temperature_c[0])

    def _measure(
        self, indices: npt.NDArray[np.int64], times: npt.NDArray[np.float64]
    ) -> RingSamples:
        origin = self._origin if self._origin is not None else 0.0
        values = self.source.read(times - origin)
        block = np.empty(len(indices), dtype=RING_DTYPE)
        block["index"] = indices
        block["t_s"] = times
        block["rate"] = int(self.rate)
        block["pressure_raw"], saturated = _pressure_raw(values.pressure_pa)
        quats, imu_bad = _usable_quaternions(values.quaternion)
        block["q_omit"], block["q_kept"] = quaternions_to_raw(quats)
        temps = np.asarray(values.temperature_c, dtype=np.float64)
        block["temperature_raw"] = np.where(
            np.isfinite(temps),
            np.clip(
                _round_half_away(np.nan_to_num(temps) * 100.0), -32768, TEMPERATURE_INVALID - 1
            ),
            TEMPERATURE_INVALID,
        ).astype(np.int16)
        if self.injected_errors & ErrorFlags.PRESSURE_SENSOR:
            block["pressure_raw"] = PRESSURE_INVALID
        self.data_errors = self._derive_errors(values.pressure_pa, temps, saturated, imu_bad)
        return block

    @staticmethod
    def _derive_errors(
        pressure: npt.NDArray[np.float64],
        temps: npt.NDArray[np.float64],
        saturated: bool,
        imu_bad: bool,
    ) -> ErrorFlags:
        errors = ErrorFlags(0)
        if saturated:
            errors |= ErrorFlags.PRESSURE_SATURATED
        with np.errstate(invalid="ignore"):
            if np.any(pressure - ATMOSPHERE_PA > OVER_PRESSURE_GAUGE_PA):
                errors |= ErrorFlags.OVER_PRESSURE
            low, high = TEMPERATURE_RANGE_C
            if np.any((temps < low) | (temps > high)):
                errors |= ErrorFlags.TEMPERATURE_RANGE
        if imu_bad:
            errors |= ErrorFlags.IMU
        return errors


def _round_half_away(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Round like C's lround(), as the firmware and the protocol codec do."""
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _pressure_raw(pressure_pa: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.uint32], bool]:
    """Absolute pressure → 1/16 Pa counts, clipped to the 22-bit range; NaN → invalid."""
    p = np.asarray(pressure_pa, dtype=np.float64)
    raw = _round_half_away(np.nan_to_num(p, nan=0.0) * PRESSURE_SCALE)
    saturated = bool(np.any((raw < 0) | (raw > PRESSURE_MAX_RAW)))
    raw = np.clip(raw, 0, PRESSURE_MAX_RAW)
    return np.where(np.isnan(p), PRESSURE_INVALID, raw).astype(np.uint32), saturated


def _usable_quaternions(quats: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], bool]:
    """Replace non-finite or zero quaternions (an IMU fault) by identity."""
    q = np.asarray(quats, dtype=np.float64).reshape(-1, 4)
    norms = np.linalg.norm(q, axis=1)
    bad = ~np.isfinite(norms) | (norms < 1e-6)
    if not np.any(bad):
        return q, False
    q = q.copy()
    q[bad] = (1.0, 0.0, 0.0, 0.0)
    return q, True
