from __future__ import annotations

import numpy as np
import pytest

from spineball.analysis.frames import build_frames
from spineball.analysis.orientation import (
    about_z,
    align_to_body,
    conjugate,
    estimate_heading,
    euler_zyx,
    from_euler_zyx,
    multiply,
)


def test_euler_round_trip() -> None:
    rng = np.random.default_rng(1)
    roll = rng.uniform(-3, 3, 500)
    sway = rng.uniform(-1.4, 1.4, 500)
    yaw = rng.uniform(-3, 3, 500)
    r, s, y = euler_zyx(from_euler_zyx(roll, sway, yaw))
    np.testing.assert_allclose(r, roll, atol=1e-9)
    np.testing.assert_allclose(s, sway, atol=1e-9)
    np.testing.assert_allclose(y, yaw, atol=1e-9)


def test_composition_order_is_zyx() -> None:
    """q = q_z(yaw)·q_y(sway)·q_x(roll) as the interchange contract says."""
    qx = np.array([np.cos(0.2), np.sin(0.2), 0, 0])
    qy = np.array([np.cos(0.1), 0, np.sin(0.1), 0])
    qz = np.array([np.cos(0.3), 0, 0, np.sin(0.3)])
    q = multiply(multiply(qz, qy), qx)
    r, s, y = euler_zyx(q)
    assert (r, s, y) == pytest.approx((0.4, 0.2, 0.6))


def _body_motion(n: int = 6000, sway_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(n) / 100.0
    roll = np.radians(np.interp(t, [0, 5, 20, 30, 45, 60], [0, 0, 80, 80, 140, 120]))
    sway = np.radians(sway_deg * np.sin(2 * np.pi * 0.3 * t))
    yaw = np.radians(np.where((t > 22) & (t < 26), 6.0, 0.0))
    return t, from_euler_zyx(roll, sway, yaw)


@pytest.mark.parametrize("heading_deg", [0.0, 37.0, 135.0, 200.0, 301.0])
def test_align_to_body_recovers_body_frame(heading_deg: float) -> None:
    _t, q_body = _body_motion()
    r = about_z(np.radians(heading_deg))
    mount = from_euler_zyx(np.array(0.7), np.array(-0.4), np.array(2.0))  # pod anywhere on the ball
    q_world = multiply(multiply(multiply(r, q_body), conjugate(r)), mount)
    aligned = align_to_body(q_world)
    dots = np.abs(np.sum(aligned * q_body, axis=1))
    assert dots.min() > 1 - 1e-9
    heading = estimate_heading(q_world)
    assert heading.sign_from == "largest excursion"
    assert heading.confident


def test_align_to_body_with_rocking_stays_close() -> None:
    """Sideways rocking makes the axis estimate noisy, but not by more than a degree."""
    _t, q_body = _body_motion(sway_deg=2.0)
    r = about_z(np.radians(123.0))
    q_world = multiply(multiply(r, q_body), conjugate(r))
    aligned = align_to_body(q_world)
    for got, want in zip(euler_zyx(aligned), euler_zyx(q_body), strict=True):
        err = np.degrees(np.angle(np.exp(1j * (got - want))))
        assert np.abs(err).max() < 3.0
    assert np.degrees(np.abs(euler_zyx(aligned)[0] - euler_zyx(q_body)[0])).max() < 0.5


def test_landmarks_decide_the_sign() -> None:
    """A session whose largest excursion is headwards: landmarks still get the sign right."""
    t = np.arange(6000) / 100.0
    roll = np.radians(np.interp(t, [0, 10, 20, 40, 60], [0, 30, 30, -60, -60]))
    q_body = from_euler_zyx(roll, np.zeros_like(t), np.zeros_like(t))
    r = about_z(np.radians(75.0))
    q_world = multiply(multiply(r, q_body), conjugate(r))
    marks = [(15.0, "T8"), (50.0, "T1")]  # T8 at +30°, T1 at −60°: pelvis is +roll
    aligned = align_to_body(q_world, t, marks)
    np.testing.assert_allclose(euler_zyx(aligned)[0][-1], np.radians(-60.0), atol=1e-6)
    flipped = align_to_body(q_world)
    np.testing.assert_allclose(euler_zyx(flipped)[0][-1], np.radians(60.0), atol=1e-6)


def test_frames_unwrap_several_turns() -> None:
    from tests.analysis.synth import session_samples

    t = np.arange(0, 40, 0.01)
    roll = np.interp(t, [0, 40], [0, 800])  # more than two turns
    frames, _ = build_frames(session_samples(t, np.full(len(t), 114_300.0), roll), 100.0)
    np.testing.assert_allclose(frames["roll_deg"], np.interp(frames["t_s"], t, roll), atol=0.01)


def test_align_simulated_device_stream_with_landmarks() -> None:
    """The simulator's device view (heading 250°, pod mounted askew) back to the body frame."""
    from spineball.samples import quaternions
    from spineball.virtual.body import random_scenario, simulate

    sim = simulate(random_scenario(507))
    t = sim.samples["t_s"]
    mount = from_euler_zyx(np.array(1.0), np.array(0.5), np.array(-2.0))
    device = sim.source(heading_deg=250.0, mount=mount).read(t).quaternion
    marks = [(e.t_s, str(e.level)) for e in sim.meta.events if e.kind == "landmark"]
    heading = estimate_heading(device, t, marks)
    assert heading.sign_from == "landmarks"
    aligned = align_to_body(device, t, marks, heading)
    body = quaternions(sim.samples)
    for got, want in zip(euler_zyx(aligned), euler_zyx(body), strict=True):
        err = np.degrees(np.angle(np.exp(1j * (got - want))))
        assert np.abs(err).max() < 1.0
