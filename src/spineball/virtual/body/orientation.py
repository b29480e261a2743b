"""Quaternions for the simulator, with angles in degrees (w-x-y-z, Hamilton product).

Body frame of the interchange contract: x = the person's right, y = along the
spine towards the feet, z = up; q = q_z(yaw)·q_y(sway)·q_x(roll).
"""

from __future__ import annotations

import numpy as np

from spineball import quaternion
from spineball.quaternion import FloatArray, conjugate, continuous, multiply

__all__ = ["FloatArray", "about_z", "conjugate", "continuous", "from_euler_zyx", "multiply"]


def from_euler_zyx(yaw_deg: FloatArray, sway_deg: FloatArray, roll_deg: FloatArray) -> FloatArray:
    """(n, 4) quaternions q_z(yaw)·q_y(sway)·q_x(roll) from angles in degrees."""
    return quaternion.from_euler_zyx(
        np.radians(roll_deg), np.radians(sway_deg), np.radians(yaw_deg)
    )


def about_z(angle_deg: float) -> FloatArray:
    return quaternion.about_z(float(np.radians(angle_deg)))
