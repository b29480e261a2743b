"""The ``[dashboard]`` table of config.toml.

```toml
[dashboard]
fps = 15              # redraws per second, 10–20
plot_seconds = 60     # how much of the load plot to show, 20–600
hide_alerts = ["unstable"]   # only "link" and "unstable" may be hidden
```

The lumbar guard, the symptom stop and the pressure alarms cannot be hidden:
naming them is an error, not a silent no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from spineball.config import ConfigError, load_settings, section
from spineball.dashboard.alerts import HIDEABLE

FPS_RANGE: Final = (10, 20)  # 10–20 redraws a second: smooth, and cheap at 200 Hz
PLOT_RANGE_S: Final = (20.0, 600.0)


@dataclass(frozen=True, slots=True)
class DashboardSettings:
    fps: int = 15
    plot_seconds: float = 60.0
    hide_alerts: frozenset[str] = frozenset()


DEFAULT: Final = DashboardSettings()


def dashboard_settings(settings: dict[str, Any] | None = None) -> DashboardSettings:
    table = section(load_settings() if settings is None else settings, "dashboard")
    unknown = set(table) - {"fps", "plot_seconds", "hide_alerts"}
    if unknown:
        raise ConfigError(f"settings: [dashboard] has unknown key {sorted(unknown)[0]!r}")
    fps = table.get("fps", DEFAULT.fps)
    if isinstance(fps, bool) or not isinstance(fps, int) or not FPS_RANGE[0] <= fps <= FPS_RANGE[1]:
        raise ConfigError(
            f"settings: [dashboard] fps must be a whole number {FPS_RANGE[0]}–{FPS_RANGE[1]}"
        )
    plot = table.get("plot_seconds", DEFAULT.plot_seconds)
    if (
        isinstance(plot, bool)
        or not isinstance(plot, int | float)
        or not PLOT_RANGE_S[0] <= plot <= PLOT_RANGE_S[1]
    ):
        raise ConfigError(
            f"settings: [dashboard] plot_seconds must be {PLOT_RANGE_S[0]:g}–{PLOT_RANGE_S[1]:g}"
        )
    hide = table.get("hide_alerts", [])
    if not isinstance(hide, list) or not all(isinstance(k, str) for k in hide):
        raise ConfigError("settings: [dashboard] hide_alerts must be a list of names")
    never = sorted(set(hide) - HIDEABLE)
    if never:
        raise ConfigError(
            f"settings: [dashboard] hide_alerts cannot hide {never[0]!r}: the lumbar guard, "
            "the symptom stop and the pressure alarms always show (only "
            + " and ".join(repr(k) for k in sorted(HIDEABLE))
            + " may be hidden)"
        )
    return DashboardSettings(fps, float(plot), frozenset(hide))
