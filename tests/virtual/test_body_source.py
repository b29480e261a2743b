"""The simulated session as the virtual ball's SampleSource (device frame)."""

from __future__ import annotations

import numpy as np
import pytest

from spineball import protocol as p
from spineball.samples import quaternions
from spineball.virtual.body import SimulatedSession, random_scenario, simulate
from spineball.virtual.body import orientation as o
from spineball.virtual.body.physics import ZERO_C_K
from spineball.virtual.source import SampleSource


@pytest.fixture(scope="module")
def session() -> SimulatedSession:
    return simulate(random_scenario(4, heading_deg=0.0), rate_hz=50.0)


def aligned(q: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return q * np.sign(np.einsum("ij,ij->i", q, reference))[:, None]


def test_undoing_heading_and_mount_gives_back_the_session(session: SimulatedSession) -> None:
    mount = o.multiply(o.about_z(20.0), np.array([np.cos(0.6), 0.0, np.sin(0.6), 0.0]))
    source: SampleSource = session.source(heading_deg=37.0, mount=mount)
    t = session.samples["t_s"]
    seen = source.read(t)
    body = o.multiply(o.multiply(o.about_z(-37.0), seen.quaternion), o.conjugate(mount))
    expected = quaternions(session.samples)
    np.testing.assert_allclose(aligned(body, expected), expected, atol=1e-9)
    np.testing.assert_array_equal(seen.pressure_pa, session.samples["pressure_pa"])
    np.testing.assert_array_equal(seen.temperature_c, session.samples["temperature_c"])


def test_heading_turns_the_rolling_axis_in_the_world_frame(session: SimulatedSession) -> None:
    t = session.samples["t_s"]
    seen = session.source(heading_deg=90.0).read(t)
    # the ball rolls about the body's x axis; with a 90° heading that is the world's y axis
    start, later = seen.quaternion[0], seen.quaternion[np.argmax(session.per_sample.roll_deg)]
    relative = o.multiply(later, o.conjugate(start))
    axis = relative[1:] / np.linalg.norm(relative[1:])
    assert abs(axis[1]) > 0.95


def test_default_view_is_the_scenario_heading() -> None:
    s = simulate(random_scenario(4, heading_deg=-63.0), rate_hz=25.0)
    assert s.truth["heading_deg"] == -63.0
    seen = s.read(s.samples["t_s"][:10])
    np.testing.assert_allclose(
        aligned(seen.quaternion, np.tile(o.about_z(-63.0), (10, 1))),
        np.tile(o.about_z(-63.0), (10, 1)),
        atol=1e-3,
    )


def test_between_samples_and_after_the_end(session: SimulatedSession) -> None:
    source = session.source()
    t = session.samples["t_s"]
    mid = source.read((t[:-1] + t[1:]) / 2)
    np.testing.assert_allclose(np.linalg.norm(mid.quaternion, axis=1), 1.0)
    low = np.minimum(session.samples["pressure_pa"][:-1], session.samples["pressure_pa"][1:])
    assert np.all(mid.pressure_pa >= low)
    later = source.read(t[-1] + np.arange(1, 6001) / 50.0)  # two minutes after the script
    assert not session.per_sample.on_ball[-1]
    assert np.ptp(later.quaternion, axis=0).max() == 0.0  # still
    assert np.ptp(later.temperature_c) == 0.0
    # the undershoot of getting off relaxes to the warmed gas's unloaded pressure
    ball = session.air_ball
    gas_k = session.per_sample.gas_temperature_c[-1] + ZERO_C_K
    settled = ball.rest_abs_pa * gas_k / (ball.reference_c + ZERO_C_K)
    assert later.pressure_pa[0] < settled
    assert np.all(np.diff(later.pressure_pa) >= 0)
    assert later.pressure_pa[-1] == pytest.approx(settled, abs=1.0)
    warming = session.per_sample.gas_temperature_c[-1] - ball.reference_c
    assert 350 * warming < settled - ball.rest_abs_pa < 450 * warming


def test_source_values_encode_on_the_wire(session: SimulatedSession) -> None:
    seen = session.source(heading_deg=123.0).read(session.samples["t_s"][:26])
    frame = p.encode_frame(0, seen.pressure_pa, seen.quaternion, 24.0, p.Rate.HZ_50)
    decoded = p.decode_frame(frame)
    np.testing.assert_allclose(decoded["pressure_pa"], seen.pressure_pa, atol=1 / 32)


def test_bad_mount_is_refused(session: SimulatedSession) -> None:
    with pytest.raises(ValueError, match="mount"):
        session.source(mount=np.zeros(4))
