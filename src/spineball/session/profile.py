"""The person and the ball for a new session: command-line options over the settings file.

``[user]`` (``height_m``, ``mass_kg``) and ``[ball]`` (``radius_m``,
``rest_gauge_kpa``) tables of the settings file give the defaults, so they
are set once; options override them. A virtual ball brings its simulated
person's values instead (they are the ground truth of that session).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from spineball import config
from spineball.sessionfile import Ball, SessionMeta, User

_RANGES: Final = {
    ("user", "height_m"): (1.0, 2.5),
    ("user", "mass_kg"): (25.0, 250.0),
    ("ball", "radius_m"): (0.05, 0.5),
    ("ball", "rest_gauge_kpa"): (1.0, 50.0),
}


def _value(table: dict[str, Any], section: str, key: str) -> float | None:
    raw = table.get(key)
    if raw is None:
        return None
    low, high = _RANGES[(section, key)]
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not low <= raw <= high:
        raise config.ConfigError(
            f"{config.config_path()}: [{section}] {key} = {raw!r} must be a number "
            f"from {low:g} to {high:g}"
        )
    return float(raw)


def session_meta(
    rate_hz: float,
    *,
    base: SessionMeta | None = None,
    height_m: float | None = None,
    mass_kg: float | None = None,
    radius_m: float | None = None,
    rest_gauge_kpa: float | None = None,
) -> SessionMeta:
    settings = config.load_settings()
    user_table = config.section(settings, "user")
    ball_table = config.section(settings, "ball")
    meta = base or SessionMeta()
    user, ball = meta.user, meta.ball
    if base is None:
        user = User(
            _value(user_table, "user", "height_m") or user.height_m,
            _value(user_table, "user", "mass_kg") or user.mass_kg,
        )
        ball = Ball(
            _value(ball_table, "ball", "radius_m") or ball.radius_m,
            _value(ball_table, "ball", "rest_gauge_kpa") or ball.rest_gauge_kpa,
        )
    user = User(height_m or user.height_m, mass_kg or user.mass_kg)
    ball = Ball(radius_m or ball.radius_m, rest_gauge_kpa or ball.rest_gauge_kpa)
    return replace(meta, sample_rate_hz=rate_hz, user=user, ball=ball, events=())
