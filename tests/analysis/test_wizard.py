from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.load import BallGeometry
from spineball.analysis.wizard import CalibrationWizard, WizardStep, kg_to_n


def _rise(load_n: float, wall: float = 5_000.0) -> float:
    """Pressure rise of a reference ball (13 kPa, R = 0.115 m) under a load."""
    d, rise, gauge_area = BallGeometry(0.115, 114_300.0, 101_300.0).depth_table()
    return float(np.interp(load_n, gauge_area + wall * d, rise))


def _steady(mean: float, noise: float = 2.0, n: int = 50) -> np.ndarray:
    return mean + np.random.default_rng(int(mean)).normal(0, noise, n)


def test_full_calibration_flow() -> None:
    wiz = CalibrationWizard()
    assert wiz.step is WizardStep.UNLOADED
    assert "nothing on it" in wiz.prompt
    assert wiz.submit(_steady(114_300.0)).accepted
    assert wiz.step is WizardStep.LOADED
    assert not wiz.can_finish
    reply = wiz.submit(_steady(114_300.0 + _rise(kg_to_n(25.0))), kg_to_n(25.0))
    assert reply.accepted, reply.message
    assert wiz.can_finish
    assert "finish" in wiz.prompt
    assert wiz.submit(_steady(114_300.0 + _rise(kg_to_n(35.0))), kg_to_n(35.0)).accepted
    model = wiz.finish()
    assert wiz.step is WizardStep.DONE
    assert [p.load_n for p in wiz.points] == pytest.approx([0.0, 245.25, 343.35])
    assert model.calibrated
    assert model.load_n(np.array([_rise(300.0)]))[0] == pytest.approx(300.0, rel=0.03)


@pytest.mark.parametrize(
    ("pressures", "load_n", "why"),
    [
        (_steady(116_900.0, noise=400.0), 250.0, "not steady"),
        (_steady(114_305.0), 250.0, "did not rise"),
        (_steady(116_900.0), 0.0, "enter a load"),
        (_steady(116_900.0)[:3], 250.0, "at least"),
        (_steady(30_000.0), 250.0, "not plausible"),
    ],
)
def test_bad_readings_are_refused_with_a_reason(
    pressures: np.ndarray, load_n: float, why: str
) -> None:
    wiz = CalibrationWizard()
    wiz.submit(_steady(114_300.0))
    reply = wiz.submit(pressures, load_n)
    assert not reply.accepted
    assert why in reply.message
    assert len(wiz.points) == 1


def test_inconsistent_second_load_and_undo() -> None:
    wiz = CalibrationWizard()
    assert not wiz.submit(_steady(114_300.0, noise=100.0)).accepted  # unsteady zero
    wiz.submit(_steady(114_300.0))
    wiz.submit(_steady(116_900.0), 250.0)
    assert "higher pressure" in wiz.submit(_steady(116_000.0), 400.0).message
    assert "15 %" in wiz.submit(_steady(117_000.0), 260.0).message
    wiz.undo()
    assert len(wiz.points) == 1
    assert wiz.step is WizardStep.LOADED
    with pytest.raises(ValueError, match="loaded reading"):
        wiz.finish()
