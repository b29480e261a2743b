"""The live load plot: the last minute of load on the ball as a braille chart.

Drawn from the ring buffer in one vectorised pass per frame (points → dot
columns → min/max per column → braille cells), never per sample. The y scale
moves in steps of 10 kg so breathing does not make the chart jump.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from spineball.dashboard.format import G, kg, kpa
from spineball.dashboard.ring import FloatArray, Ring

SCALE_STEP_KG: Final = 10.0
JOIN_S: Final = 2.0  # points further apart than this are a gap in the data, not a line
MIN_SCALE_KG: Final = 20.0
MAX_POINTS_PER_S: Final = 25  # the session API sends at most 20 plot points a second
AXIS_WIDTH: Final = 4  # "100 " on the left
TITLE_EVERY_S: Final = 0.5
# bit of each dot in a braille cell: rows 0–3, columns 0–1 (Unicode braille patterns)
DOT_BITS: Final = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])
LINE: Final = Style(color="bright_cyan")
AXIS: Final = Style(color="grey62")


def braille(
    t: FloatArray, y: FloatArray, t_end: float, window_s: float, y_max: float, cols: int, rows: int
) -> list[str]:
    """``rows`` strings of ``cols`` braille cells; each dot column spans window_s / (2·cols)."""
    dots_x, dots_y = 2 * cols, 4 * rows
    # dot columns sit on a fixed time grid: the chart steps one column at a time and
    # only the newest column changes in between (no shimmer, few repaints)
    col_s = window_s / dots_x
    x_all = np.floor(t / col_s).astype(np.int64) - int(np.floor(t_end / col_s)) + dots_x - 1
    good = np.isfinite(y) & (x_all >= 0) & (x_all < dots_x)
    tg, x = t[good], x_all[good]
    level = np.clip(y[good] / y_max, 0.0, 1.0)
    dot = np.round((1.0 - level) * (dots_y - 1)).astype(np.int64)
    top = np.full(dots_x, dots_y)
    bottom = np.full(dots_x, -1)
    np.minimum.at(top, x, dot)
    np.maximum.at(bottom, x, dot)
    # join each point to the one before, so sparse points still draw a line; not across gaps
    joined = np.flatnonzero(np.diff(tg) <= JOIN_S) + 1
    np.minimum.at(top, x[joined], np.minimum(dot[joined], dot[joined - 1]))
    np.maximum.at(bottom, x[joined], np.maximum(dot[joined], dot[joined - 1]))
    rows_idx = np.arange(dots_y)[:, None]
    mask: npt.NDArray[np.bool_] = (rows_idx >= top[None, :]) & (rows_idx <= bottom[None, :])
    cells = (mask.reshape(rows, 4, cols, 2) * DOT_BITS[None, :, None, :]).sum(axis=(1, 3))
    codes = (0x2800 + cells).astype("<u4")
    return [codes[r].tobytes().decode("utf-32-le") for r in range(rows)]


def scale_kg(load_kg: FloatArray) -> float:
    finite = load_kg[np.isfinite(load_kg)]
    peak = float(finite.max()) if len(finite) else 0.0
    return max(MIN_SCALE_KG, float(np.ceil(peak * 1.1 / SCALE_STEP_KG) * SCALE_STEP_KG))


class TracePlot(Widget):
    """Load (kg) over the last ``window_s`` seconds; the title shows the current values.

    The chart is worked out on each redraw but repainted only when a braille cell
    changed (a 60 s window moves one dot column every ~0.5 s), and the title's
    numbers change at most twice a second: at 15 frames a second nothing else
    would be visible, only costly.
    """

    def __init__(self, window_s: float = 60.0, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.window_s = window_s
        self._seen = -1
        self._drawn_size = (0, 0)
        self._chart: tuple[float, list[str]] | None = None  # (scale, lines)
        self._title_at = -TITLE_EVERY_S
        self.changes = 0  # chart repaints so far (the benchmark's latency probe)

    def show(
        self, ring: Ring, version: int, load_n: float | None, gauge_kpa: float | None, now: float
    ) -> None:
        if now - self._title_at >= TITLE_EVERY_S:
            self._title_at = now
            title = f"Load {kg(load_n)} kg · {kpa(gauge_kpa)} kPa"
            if self.border_title != title:
                self.border_title = title
                self.border_subtitle = f"last {self.window_s:.0f} s"
        size = (self.content_size.width, self.content_size.height)
        if version == self._seen and size == self._drawn_size:
            return
        self._seen, self._drawn_size = version, size
        chart = self._draw(ring, *size)
        if chart != self._chart:
            self._chart = chart
            self.changes += 1
            self.refresh()

    def _draw(self, ring: Ring, width: int, height: int) -> tuple[float, list[str]] | None:
        if len(ring) == 0:
            return None
        cols, rows = max(width - AXIS_WIDTH, 1), max(height, 1)
        data = ring.latest(int(self.window_s * MAX_POINTS_PER_S))
        t_end = float(data[0, -1])
        recent = data[:, data[0] > t_end - self.window_s]
        t, load_kg = recent[0], recent[2] / G
        top = scale_kg(load_kg)
        return top, braille(t, load_kg, t_end, self.window_s, top, cols, rows)

    def render(self) -> Text:
        if self._chart is None:
            return Text("waiting for data…", AXIS)
        top, lines = self._chart
        out = Text(no_wrap=True, overflow="crop")
        for r, line in enumerate(lines):
            axis = f"{top:.0f}" if r == 0 else "0" if r == len(lines) - 1 else ""
            out.append(axis.rjust(AXIS_WIDTH - 1) + " ", AXIS)
            out.append(line, LINE)
            if r < len(lines) - 1:
                out.append("\n")
        return out
