"""The spine map: C7 → L5 left to right (head → pelvis), the ball on it, dwell and pain per level.

Row 1 places the ball (▼) with its position uncertainty as a band (±1σ);
row 2 names the levels, T12 amber and the lumbar levels red (never roll
there); row 3 is the time spent at each level this session, row 4 the pain
ratings given there (first → latest, green once the target is reached).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from spineball.analysis.live import LiveSnapshot
from spineball.analysis.spots import pain_target
from spineball.anatomy import LEVELS, LUMBAR
from spineball.dashboard.format import clock
from spineball.dashboard.state import LevelTally

TYPICAL_LEVEL_MM: Final = (
    27.0  # thoracic spacing for a 1.75 m person (anatomy prior), fallback only
)
MIN_CELL: Final = 4  # "T10", "1:05", "10→7" fit in four columns
MIN_DWELL_SHOWN_S: Final = 2.0  # passing over a level while rolling is not dwelling

AMBER: Final = Style(color="black", bgcolor="dark_orange", bold=True)
RED: Final = Style(color="bright_white", bgcolor="dark_red", bold=True)
RED_ZONE: Final = Style(bgcolor="#3a0000")
HERE: Final = Style(color="black", bgcolor="bright_cyan", bold=True)
MUTED: Final = Style(color="grey50")


def level_coordinate(snapshot: LiveSnapshot, position_mm: float) -> float:
    """Where ``position_mm`` falls on the map, in levels (0 = the top of C7, 18 = below L5)."""
    edges = snapshot.level_edges_mm
    if len(edges) == len(LEVELS) - 1:
        top = edges[0] - (edges[1] - edges[0])
        bottom = edges[-1] + (edges[-1] - edges[-2])
        knots = np.array([top, *edges, bottom])
        return float(np.interp(position_mm, knots, np.arange(len(LEVELS) + 1.0)))
    # a recorder without level edges: centre of the named level, typical spacing
    base = LEVELS.index(snapshot.level) + 0.5 if snapshot.level in LEVELS else 0.0
    offset = 0.0 if snapshot.position_mm is None else position_mm - snapshot.position_mm
    return base + offset / TYPICAL_LEVEL_MM


def _cell(text: str, width: int) -> str:
    return text[:width].center(width)


def _place_row(snapshot: LiveSnapshot | None, cell: int, width: int) -> Text:
    row = Text(no_wrap=True, overflow="crop")
    if snapshot is None or not snapshot.on_ball:
        row.append(" off the ball" if snapshot is not None else " waiting for data…", MUTED)
        return row
    if snapshot.position_mm is None:
        row.append(" position unknown: roll a little along the back", MUTED)
        return row
    pos, sd = snapshot.position_mm, snapshot.position_sd_mm or 0.0
    lo, at, hi = (
        level_coordinate(snapshot, pos - sd),
        level_coordinate(snapshot, pos),
        level_coordinate(snapshot, pos + sd),
    )
    style = {"red": RED, "amber": AMBER}.get(snapshot.lumbar, Style(color="bright_cyan", bold=True))
    chars = [" "] * width
    c_lo, c_at, c_hi = (min(max(int(u * cell), 0), width - 1) for u in (lo, at, hi))
    for c in range(c_lo, c_hi + 1):
        chars[c] = "─"
    chars[c_at] = "▼"
    text = "".join(chars)
    row.append(text[:c_lo])
    row.append(text[c_lo : c_hi + 1], style)
    label = f" {snapshot.level} ±{sd:.0f} mm" if snapshot.level else ""
    room = width - (c_hi + 1)
    row.append(label[:room] if room >= len(label) else "", style if snapshot.lumbar != "ok" else "")
    return row


def _label_row(snapshot: LiveSnapshot | None, cell: int) -> Text:
    here = snapshot.level if snapshot is not None and snapshot.on_ball else None
    row = Text(no_wrap=True, overflow="crop")
    for name in LEVELS:
        style = RED if name in LUMBAR else AMBER if name == "T12" else Style(bold=True)
        if name == here:
            style = HERE if name not in LUMBAR and name != "T12" else style + Style(reverse=True)
        row.append(_cell(name, cell), style)
    return row


def _dwell_row(tally: LevelTally, cell: int) -> Text:
    row = Text(no_wrap=True, overflow="crop")
    for i, name in enumerate(LEVELS):
        s = float(tally.dwell_s[i])
        text = "" if s < MIN_DWELL_SHOWN_S else f"{s:.0f}s" if s < 60 else clock(s)
        zone = RED_ZONE if name in LUMBAR else Style()
        style = zone + (MUTED if s < 8.0 else Style(color="bright_white"))
        row.append(_cell(text, cell), style)
    return row


def _pain_row(tally: LevelTally, cell: int) -> Text:
    row = Text(no_wrap=True, overflow="crop")
    for i, name in enumerate(LEVELS):
        first, last = tally.pain_first[i], tally.pain_last[i]
        zone = RED_ZONE if name in LUMBAR else Style()
        if first is None:
            row.append(_cell("", cell), zone)
            continue
        text = f"{first}" if last is None or last == first else f"{first}→{last}"
        met = last is not None and last <= pain_target(first)
        row.append(_cell(text, cell), zone + Style(color="green3" if met else "yellow", bold=True))
    return row


def spine_rows(snapshot: LiveSnapshot | None, tally: LevelTally, width: int) -> list[Text]:
    cell = max(width // len(LEVELS), MIN_CELL)
    return [
        _place_row(snapshot, cell, width),
        _label_row(snapshot, cell),
        _dwell_row(tally, cell),
        _pain_row(tally, cell),
    ]


class SpineMap(Widget):
    """Redrawn only when the ball moved by a column or a tally changed."""

    DEFAULT_CSS = "SpineMap { height: 6; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._snapshot: LiveSnapshot | None = None
        self._tally = LevelTally()
        self._key: object = None

    def show(self, snapshot: LiveSnapshot | None, tally: LevelTally) -> None:
        cell = max(self.content_size.width // len(LEVELS), MIN_CELL)
        key: object = None
        if snapshot is not None:
            where = None
            if snapshot.position_mm is not None:
                sd = snapshot.position_sd_mm or 0.0
                where = tuple(
                    round(level_coordinate(snapshot, snapshot.position_mm + k * sd) * cell)
                    for k in (-1, 0, 1)
                )
            key = (snapshot.on_ball, snapshot.level, snapshot.lumbar, where)
        key = (
            key,
            tuple(np.round(tally.dwell_s).astype(int)),
            tuple(tally.pain_first),
            tuple(tally.pain_last),
        )
        self._snapshot, self._tally = snapshot, tally
        if key != self._key:
            self._key = key
            self.refresh()

    def render(self) -> Text:
        rows = spine_rows(self._snapshot, self._tally, max(self.content_size.width, 1))
        return Text("\n").join(rows)
