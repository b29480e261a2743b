"""The calibration wizard: a pure state machine the CLI and the dashboard drive.

Steps: an unloaded reading, then one to three readings with a known load
(a board with 10/20 kg weights on the ball, or the ball on a bathroom scale
pressed down with the knees). Each reading is a steady window of pressure
samples the caller collected while the user held still; the wizard checks it
and either records a calibration point or says, in one line, what to redo.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from spineball.analysis.load import G, LoadModel, fit_model
from spineball.sessionfile import Ball, CalibrationPoint

MAX_LOADED_POINTS: Final = 3
MIN_SAMPLES: Final = 10
PLAUSIBLE_ABS_PA: Final = (60_000.0, 250_000.0)  # sensor span 0–172 kPa; ball ≤ 50 kPa gauge
STEADY_PA: Final = 25.0  # allowed std of an unloaded reading (sensor noise + handling)
STEADY_LOADED_REL: Final = 0.05  # allowed std of a loaded reading, relative to its rise
MIN_RISE_PA: Final = 20.0  # a load must lift the pressure clearly above the noise
MAX_LOAD_N: Final = 2_000.0
MIN_LOAD_STEP: Final = 0.15  # loads must differ by ≥ 15 % to add information


class WizardStep(enum.Enum):
    UNLOADED = "unloaded"
    LOADED = "loaded"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class WizardReply:
    accepted: bool
    message: str


def kg_to_n(kg: float) -> float:
    return kg * G


class CalibrationWizard:
    """Collects calibration points for one ball at one inflation."""

    def __init__(self, ball: Ball | None = None) -> None:
        self.ball = ball or Ball()
        self._unloaded: CalibrationPoint | None = None
        self._loaded: list[CalibrationPoint] = []
        self._finished = False

    @property
    def step(self) -> WizardStep:
        if self._finished or len(self._loaded) >= MAX_LOADED_POINTS:
            return WizardStep.DONE
        return WizardStep.UNLOADED if self._unloaded is None else WizardStep.LOADED

    @property
    def prompt(self) -> str:
        step = self.step
        if step is WizardStep.UNLOADED:
            return "Put the ball on the floor with nothing on it and keep it still."
        if step is WizardStep.LOADED:
            n = len(self._loaded) + 1
            extra = " (or finish now)" if self._loaded else ""
            return (
                f"Load {n}: put a known weight on the ball (a board with 10–20 kg, or press "
                f"the ball on a bathroom scale), hold still and enter the load{extra}."
            )
        return "Calibration complete."

    @property
    def points(self) -> tuple[CalibrationPoint, ...]:
        head = (self._unloaded,) if self._unloaded is not None else ()
        return (*head, *self._loaded)

    @property
    def can_finish(self) -> bool:
        return bool(self._loaded)

    def submit(self, pressures_pa: npt.ArrayLike, load_n: float = 0.0) -> WizardReply:
        """Offer a steady pressure window for the current step (``load_n`` for loaded steps)."""
        p = np.asarray(pressures_pa, dtype=np.float64)
        p = p[np.isfinite(p)]
        step = self.step
        if step is WizardStep.DONE:
            return WizardReply(False, "calibration is already complete")
        if len(p) < MIN_SAMPLES:
            return WizardReply(False, f"need at least {MIN_SAMPLES} pressure readings; hold longer")
        mean, std = float(p.mean()), float(p.std())
        if not PLAUSIBLE_ABS_PA[0] <= mean <= PLAUSIBLE_ABS_PA[1]:
            return WizardReply(False, f"pressure {mean / 1000:.1f} kPa is not plausible for a ball")
        if step is WizardStep.UNLOADED:
            if std > STEADY_PA:
                return WizardReply(False, "pressure is not steady; leave the ball untouched")
            self._unloaded = CalibrationPoint(0.0, mean)
            return WizardReply(True, f"unloaded: {mean / 1000:.2f} kPa")
        return self._submit_loaded(mean, std, load_n)

    def _submit_loaded(self, mean: float, std: float, load_n: float) -> WizardReply:
        assert self._unloaded is not None
        if not 0.0 < load_n <= MAX_LOAD_N:
            return WizardReply(False, f"enter a load between 1 and {MAX_LOAD_N:.0f} N")
        rise = mean - self._unloaded.pressure_pa
        if rise < MIN_RISE_PA:
            return WizardReply(False, "the pressure did not rise; is the weight on the ball?")
        if std > max(STEADY_PA, STEADY_LOADED_REL * rise):
            return WizardReply(False, "pressure is not steady; hold still and try again")
        for other in self._loaded:
            if abs(load_n - other.load_n) < MIN_LOAD_STEP * max(load_n, other.load_n):
                return WizardReply(False, "use a load at least 15 % different from earlier ones")
            if (load_n - other.load_n) * (mean - other.pressure_pa) <= 0:
                return WizardReply(
                    False, "a heavier load must give a higher pressure; check the load and retake"
                )
        self._loaded.append(CalibrationPoint(load_n, mean))
        return WizardReply(True, f"{load_n:.0f} N → +{rise:.0f} Pa")

    def undo(self) -> None:
        """Forget the last point taken."""
        self._finished = False
        if self._loaded:
            self._loaded.pop()
        else:
            self._unloaded = None

    def finish(self) -> LoadModel:
        """Stop collecting and return the fitted model (needs one loaded point)."""
        if not self._loaded:
            raise ValueError("take at least one loaded reading before finishing")
        self._finished = True
        return fit_model(self.points, self.ball)
