"""Shared quaternion math against independent rotation-matrix arithmetic."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from spineball import quaternion as q


def matrix(quat: np.ndarray) -> np.ndarray:
    w, x, y, z = quat
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def rot(axis: int, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m = np.eye(3)
    m[i, i], m[i, j], m[j, i], m[j, j] = c, -s, s, c
    return m


angles = st.floats(-1.5, 1.5)


@given(angles, angles, angles)
def test_euler_composition_matches_rotation_matrices(roll: float, sway: float, yaw: float) -> None:
    quat = q.from_euler_zyx(np.array(roll), np.array(sway), np.array(yaw))
    expected = rot(2, yaw) @ rot(1, sway) @ rot(0, roll)
    assert np.allclose(matrix(quat), expected, atol=1e-12)
    back = q.euler_zyx(quat)
    assert np.allclose([float(a) for a in back], [roll, sway, yaw], atol=1e-9)


@given(angles, angles, angles, angles)
def test_product_is_matrix_product(a: float, b: float, c: float, d: float) -> None:
    p1 = q.from_euler_zyx(np.array(a), np.array(b), np.array(0.3))
    p2 = q.from_euler_zyx(np.array(c), np.array(0.1), np.array(d))
    assert np.allclose(matrix(q.multiply(p1, p2)), matrix(p1) @ matrix(p2), atol=1e-12)
    assert np.allclose(q.multiply(p1, q.conjugate(p1)), [1, 0, 0, 0], atol=1e-12)


def test_about_z_and_continuity() -> None:
    assert np.allclose(matrix(q.about_z(0.7)), rot(2, 0.7))
    path = q.from_euler_zyx(np.linspace(0, 6, 50), np.zeros(50), np.zeros(50))
    flipped = path * np.where(np.arange(50) % 3 == 0, -1.0, 1.0)[:, None]
    smooth = q.continuous(flipped)
    assert np.all(np.einsum("ij,ij->i", smooth[1:], smooth[:-1]) > 0)
    assert np.allclose(q.normalize(np.array([2.0, 0, 0, 0])), [1, 0, 0, 0])
