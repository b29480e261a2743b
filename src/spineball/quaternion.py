"""Unit quaternions (w, x, y, z), Hamilton product, vectorised over leading axes.

Shared by the analysis and the simulator. Euler angles follow the interchange
contract: q = q_z(yaw)·q_y(sway)·q_x(roll), angles in radians.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def normalize(q: FloatArray) -> FloatArray:
    return np.asarray(q / np.linalg.norm(q, axis=-1, keepdims=True))


def multiply(a: FloatArray, b: FloatArray) -> FloatArray:
    """Hamilton product a·b of (…, 4) arrays (broadcasting)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    # Contiguous component rows in, one (4, …) block out (returned as a view with the
    # components last): the same arithmetic as stacking, without the strided copies.
    aw, ax, ay, az = np.ascontiguousarray(np.moveaxis(a, -1, 0))
    bw, bx, by, bz = np.moveaxis(b, -1, 0)
    out = np.empty((4, *np.broadcast_shapes(a.shape[:-1], b.shape[:-1])))
    out[0] = aw * bw - ax * bx - ay * by - az * bz
    out[1] = aw * bx + ax * bw + ay * bz - az * by
    out[2] = aw * by - ax * bz + ay * bw + az * bx
    out[3] = aw * bz + ax * by - ay * bx + az * bw
    return np.moveaxis(out, 0, -1)


def conjugate(q: FloatArray) -> FloatArray:
    return np.asarray(np.asarray(q, dtype=np.float64) * np.array([1.0, -1.0, -1.0, -1.0]))


def about_z(angle_rad: float) -> FloatArray:
    return np.array([np.cos(angle_rad / 2), 0.0, 0.0, np.sin(angle_rad / 2)])


def euler_zyx(q: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(roll, sway, yaw) of q = q_z(yaw)·q_y(sway)·q_x(roll); roll and yaw wrap at ±π."""
    w, x, y, z = np.moveaxis(q, -1, 0)
    roll = np.arctan2(2.0 * (w * x + y * z), 1.0 - 2.0 * (x * x + y * y))
    sway = np.arcsin(np.clip(2.0 * (w * y - z * x), -1.0, 1.0))
    yaw = np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
    return roll, sway, yaw


def from_euler_zyx(roll_rad: FloatArray, sway_rad: FloatArray, yaw_rad: FloatArray) -> FloatArray:
    """Inverse of :func:`euler_zyx`."""
    cr, sr = np.cos(np.asarray(roll_rad) / 2), np.sin(np.asarray(roll_rad) / 2)
    cp, sp = np.cos(np.asarray(sway_rad) / 2), np.sin(np.asarray(sway_rad) / 2)
    cy, sy = np.cos(np.asarray(yaw_rad) / 2), np.sin(np.asarray(yaw_rad) / 2)
    return np.stack(
        [
            cy * cp * cr + sy * sp * sr,
            cy * cp * sr - sy * sp * cr,
            cy * sp * cr + sy * cp * sr,
            sy * cp * cr - cy * sp * sr,
        ],
        axis=-1,
    )


def continuous(q: FloatArray) -> FloatArray:
    """Flip signs so consecutive quaternions lie in the same hemisphere (q and −q agree)."""
    if len(q) < 2:
        return np.array(q, dtype=np.float64)
    flips = np.sign(np.einsum("ij,ij->i", q[1:], q[:-1]))
    flips[flips == 0] = 1.0
    signs = np.concatenate(([1.0], np.cumprod(flips)))
    return np.asarray(q * signs[:, None])
