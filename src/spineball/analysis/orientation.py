"""Ball orientation: quaternions → roll / sway / yaw, and device frame → body frame.

Body frame (interchange contract): x = the person's right, y = along the spine
towards the feet, z = up. A session quaternion is the ball's rotation since
session start in that frame, composed as q = q_z(yaw) · q_y(sway) · q_x(roll).
Rolling along the back is roll (positive = contact point moving towards the
pelvis), rocking sideways is sway, a side bend turns the ball about the
vertical: yaw (positive = bend to the person's right).

The ball itself reports orientation in a gravity-referenced frame with an
arbitrary heading (protocol §3.3). :func:`align_to_body` finds the heading of
the rolling axis (the dominant horizontal rotation axis) and its sign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from spineball.anatomy import level_index

# Re-exported: the analysis API has always offered these.
from spineball.quaternion import about_z as about_z
from spineball.quaternion import conjugate as conjugate
from spineball.quaternion import euler_zyx as euler_zyx
from spineball.quaternion import from_euler_zyx as from_euler_zyx
from spineball.quaternion import multiply as multiply
from spineball.quaternion import normalize as normalize

FloatArray = npt.NDArray[np.float64]

#: Horizontal rotation (degrees) needed before the rolling axis is trusted.
MIN_ROLLING_DEG = 20.0


def rotation_vectors(q: FloatArray) -> FloatArray:
    """Axis × angle (radians) of each unit quaternion, shortest way round."""
    q = np.where(q[..., :1] < 0, -q, q)
    xyz = q[..., 1:]
    sin_half = np.linalg.norm(xyz, axis=-1, keepdims=True)
    angle = 2.0 * np.arctan2(sin_half, q[..., :1])
    scale = np.divide(angle, sin_half, out=np.full_like(angle, 2.0), where=sin_half > 1e-12)
    return np.asarray(xyz * scale)


@dataclass(frozen=True, slots=True)
class Heading:
    """Where the body's +x axis points in the device's horizontal frame."""

    angle_rad: float  # heading of body +x, counter-clockwise from device x
    rolling_deg: float  # total horizontal rotation the estimate rests on
    sign_from: Literal["landmarks", "largest excursion", "none"]

    @property
    def confident(self) -> bool:
        return self.rolling_deg >= MIN_ROLLING_DEG


def _valid(q: FloatArray) -> FloatArray:
    ok = np.all(np.isfinite(q), axis=1)
    return normalize(q[ok])


def relative_to_start(q: FloatArray) -> FloatArray:
    """World-frame rotation since the first valid sample: q(t)·q(0)⁻¹ (NaN rows stay NaN)."""
    valid = np.all(np.isfinite(q), axis=1)
    if not valid.any():
        return np.array(q, dtype=np.float64)
    first = normalize(q[int(np.argmax(valid))])
    return multiply(q, conjugate(first))


def rolling_axis(q_device: FloatArray, step: int = 10) -> tuple[float, float]:
    """(axis angle in [0, π), degrees of horizontal rotation) from world-frame increments.

    The rolling axis is the principal axis of the horizontal components of the
    ball's rotation increments: rolling dominates, sideways rocking is smaller
    and side bends are about the vertical.
    """
    q = _valid(np.asarray(q_device, dtype=np.float64))
    if len(q) <= step:
        return 0.0, 0.0
    # Every step-th increment only (the same values as computing all, then subsampling).
    stride = max(step, 1)
    increments = rotation_vectors(multiply(q[step::stride], conjugate(q[:-step:stride])))
    h = increments[:, :2]
    cov = h.T @ h
    eigvals, eigvecs = np.linalg.eigh(cov)
    major = eigvecs[:, int(np.argmax(eigvals))]
    total_deg = float(np.degrees(np.abs(h @ major).sum()))
    return float(np.arctan2(major[1], major[0]) % np.pi), total_deg


def _roll_about(q_rel_world: FloatArray, heading_rad: float) -> FloatArray:
    body = to_body(q_rel_world, heading_rad)
    roll, _, _ = euler_zyx(body)
    good = np.isfinite(roll)
    out = np.full(len(roll), np.nan)
    out[good] = np.unwrap(roll[good])
    return out


def to_body(q_rel_world: FloatArray, heading_rad: float) -> FloatArray:
    """Express world-frame relative rotations in the body frame whose +x has this heading."""
    r = about_z(heading_rad)
    return multiply(multiply(conjugate(r), q_rel_world), r)


def estimate_heading(
    q_device: FloatArray,
    t_s: FloatArray | None = None,
    landmarks: Sequence[tuple[float, str]] = (),
) -> Heading:
    """Heading of the body's +x axis from device-frame quaternions.

    The axis comes from :func:`rolling_axis`; its sign from two landmarks of
    different levels if given (the more caudal landmark must have the larger
    roll), otherwise from the largest roll excursion from the start, which
    points towards the pelvis because the exercise works down the back from
    the upper thoracic spine.
    """
    q = np.asarray(q_device, dtype=np.float64)
    axis, rolling_deg = rolling_axis(q)
    rel = relative_to_start(q)
    roll = _roll_about(rel, axis)
    finite = np.isfinite(roll)
    if not finite.any():
        return Heading(axis, rolling_deg, "none")
    if t_s is not None and len({level for _, level in landmarks}) >= 2:
        marks = sorted(landmarks, key=lambda m: level_index(m[1]))
        t = np.asarray(t_s, dtype=np.float64)[finite]
        r_first = float(np.interp(marks[0][0], t, roll[finite]))
        r_last = float(np.interp(marks[-1][0], t, roll[finite]))
        if r_last != r_first:
            flip = r_last < r_first
            return Heading((axis + np.pi) if flip else axis, rolling_deg, "landmarks")
    excursion = roll[finite] - roll[finite][0]
    flip = -float(excursion.min()) > float(excursion.max())
    return Heading((axis + np.pi) if flip else axis, rolling_deg, "largest excursion")


def align_to_body(
    q_device: FloatArray,
    t_s: FloatArray | None = None,
    landmarks: Sequence[tuple[float, str]] = (),
    heading: Heading | None = None,
) -> FloatArray:
    """Body-frame quaternions relative to the first sample, as a session file holds them.

    ``q_device`` is (n, 4) w-x-y-z, sensor → gravity-referenced frame with an
    arbitrary heading (protocol §3.3). ``landmarks`` are (t_s, level) marks
    used to choose the sign of the rolling axis (needs ``t_s``).
    """
    q = np.asarray(q_device, dtype=np.float64)
    if heading is None:
        heading = estimate_heading(q, t_s, landmarks)
    return to_body(relative_to_start(q), heading.angle_rad)
