"""Numbers as a person lying on the ball reads them: minutes:seconds, kilograms, kPa."""

from __future__ import annotations

import math
from typing import Final

G: Final = 9.80665  # N per kg: loads are shown in kg, the unit a bathroom scale shows


def clock(seconds: float | None) -> str:
    """``m:ss`` (``h:mm:ss`` past an hour); ``–:––`` when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "–:––"
    total = max(round(seconds), 0)
    hours, rest = divmod(total, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60}:{rest % 60:02d}"


def kg(load_n: float | None) -> str:
    return "–" if load_n is None or not math.isfinite(load_n) else f"{load_n / G:.0f}"


def kpa(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def signed_kpa(delta: float) -> str:
    return f"{delta:+.1f} kPa"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
