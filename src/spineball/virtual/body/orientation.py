"""Quaternions for the simulator (w-x-y-z, Hamilton product), vectorised.

Body frame of the interchange contract: x = the person's right, y = along the
spine towards the feet, z = up; q = q_z(yaw)·q_y(sway)·q_x(roll).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def from_euler_zyx(yaw_deg: FloatArray, sway_deg: FloatArray, roll_deg: FloatArray) -> FloatArray:
    """(n, 4) quaternions q_z(yaw)·q_y(sway)·q_x(roll) from angles in degrees."""
    hy, hs, hr = (np.radians(a) / 2.0 for a in (yaw_deg, sway_deg, roll_deg))
    cy, sy = np.cos(hy), np.sin(hy)
    cs, ss = np.cos(hs), np.sin(hs)
    cr, sr = np.cos(hr), np.sin(hr)
    return np.stack(
        [
            cr * cs * cy + sr * ss * sy,
            sr * cs * cy - cr * ss * sy,
            cr * ss * cy + sr * cs * sy,
            cr * cs * sy - sr * ss * cy,
        ],
        axis=-1,
    )


def about_z(angle_deg: float) -> FloatArray:
    half = np.radians(angle_deg) / 2.0
    return np.array([np.cos(half), 0.0, 0.0, np.sin(half)])


def multiply(a: FloatArray, b: FloatArray) -> FloatArray:
    """Hamilton product a·b, broadcasting over leading axes."""
    aw, ax, ay, az = np.moveaxis(np.asarray(a, dtype=np.float64), -1, 0)
    bw, bx, by, bz = np.moveaxis(np.asarray(b, dtype=np.float64), -1, 0)
    return np.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        axis=-1,
    )


def conjugate(q: FloatArray) -> FloatArray:
    result: FloatArray = np.asarray(q, dtype=np.float64) * np.array([1.0, -1.0, -1.0, -1.0])
    return result


def continuous(q: FloatArray) -> FloatArray:
    """Flip signs so consecutive quaternions lie in the same hemisphere (q and −q agree)."""
    if len(q) < 2:
        return q.copy()
    flips = np.sign(np.einsum("ij,ij->i", q[1:], q[:-1]))
    flips[flips == 0] = 1.0
    signs = np.concatenate(([1.0], np.cumprod(flips)))
    result: FloatArray = q * signs[:, None]
    return result
