"""The session over time: where on the spine, load with pain ratings, pressure and temperature.

Spots are shaded and labelled with their vertebra, lumbar alerts are red
bands across every panel, and missing data (gaps) is hatched grey — never
drawn through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from spineball.anatomy import LEVELS, level_positions_mm
from spineball.export.report.style import (
    ALERT_RED,
    AMBER,
    GAP_GREY,
    LOAD_BLUE,
    PAIN_PURPLE,
    SPOT_BLUE,
    Box,
    mmss_axis,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from spineball.export.report.data import ReportData

LEVEL_MARGIN_MM: Final = 25.0


def _nan_breaks(t: np.ndarray, y: np.ndarray, on: np.ndarray | None = None) -> np.ndarray:
    """``y`` with NaN where a line must not be drawn: off the ball, or across a gap."""
    out = np.array(y, dtype=np.float64)
    if on is not None:
        out[~on] = np.nan
    if len(t) > 1:
        step = np.median(np.diff(t))
        out[1:][np.diff(t) > 4 * step] = np.nan
    return out


def _shade(ax: Axes, data: ReportData, *, label_spots: bool = False) -> None:
    a = data.current.analysis
    for spot in a.spots:
        ax.axvspan(spot.start_s, spot.end_s, color=SPOT_BLUE, alpha=0.18, lw=0)
        if label_spots:
            ax.text(
                (spot.start_s + spot.end_s) / 2,
                1.01,
                spot.level,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8,
                color="#1f4e79",
                fontweight="bold",
            )
    for start, end in a.lumbar:
        ax.axvspan(start, end, color=ALERT_RED, alpha=0.28, lw=0)
        if label_spots:
            ax.text(
                (start + end) / 2,
                1.01,
                "lumbar\nalert",
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7,
                color=ALERT_RED,
                fontweight="bold",
                linespacing=0.9,
            )
    for gap in data.current.stored.gaps:
        ax.axvspan(gap.start_s, gap.end_s, facecolor="none", edgecolor=GAP_GREY, hatch="///", lw=0)


def _position(ax: Axes, data: ReportData) -> None:
    a = data.current.analysis
    t = a.frames["t_s"]
    pos = _nan_breaks(t, a.position_mm, a.on_ball)
    sd = a.position_sd_mm
    anat = level_positions_mm(a.pmap.height_m) - a.pmap.origin_from_c7_mm
    edges = (anat[1:] + anat[:-1]) / 2.0
    lumbar_edge = float(edges[LEVELS.index("T12")])  # T12/L1
    amber_edge = float(edges[LEVELS.index("T11")])  # T11/T12
    finite = pos[np.isfinite(pos)]
    low = min(float(anat[0]), float(finite.min()) if len(finite) else 0.0) - LEVEL_MARGIN_MM
    high = max(lumbar_edge + 40.0, float(finite.max()) if len(finite) else 0.0) + LEVEL_MARGIN_MM
    ax.axhspan(amber_edge, lumbar_edge, color=AMBER, alpha=0.18, lw=0)
    ax.axhspan(lumbar_edge, high, color=ALERT_RED, alpha=0.12, lw=0)
    ax.text(
        0.99,
        (lumbar_edge + high) / 2,
        "lumbar spine — keep the ball off",
        transform=ax.get_yaxis_transform(),
        ha="right",
        va="center",
        fontsize=8,
        color=ALERT_RED,
        bbox={"facecolor": "white", "alpha": 0.7, "lw": 0, "pad": 1.5},
    )
    ax.fill_between(t, pos - sd, pos + sd, color=LOAD_BLUE, alpha=0.15, lw=0, label="±1σ")
    ax.plot(t, pos, color=LOAD_BLUE, lw=1.2, label="ball under the back")
    for bend in a.bends:
        mid = (bend.start_s + bend.end_s) / 2
        y = float(np.interp(mid, t, np.nan_to_num(a.position_mm)))
        marker = "<" if bend.side == "left" else ">"
        ax.plot(mid, y, marker=marker, color="#2e7d32", ms=7, ls="none")
    shown = [i for i, mm in enumerate(anat) if low <= mm <= high]
    ax.set_yticks([float(anat[i]) for i in shown], [LEVELS[i] for i in shown], fontsize=7)
    ax.set_ylim(high, low)  # head at the top
    ax.set_ylabel("level under the ball")
    right = ax.secondary_yaxis("right")
    right.set_ylabel("mm from first landmark", fontsize=8)
    right.tick_params(labelsize=7)
    _shade(ax, data, label_spots=True)
    ax.plot([], [], marker="<", color="#2e7d32", ls="none", label="side bend left / right ▶")
    if data.current.stored.gaps:
        ax.fill_between([], [], facecolor="none", edgecolor=GAP_GREY, hatch="///", label="no data")
    ax.legend(loc="lower left", fontsize=7, framealpha=0.85, ncols=3)


def _load(ax: Axes, data: ReportData) -> None:
    a = data.current.analysis
    t = a.frames["t_s"]
    ax.plot(t, _nan_breaks(t, a.load_n), color=LOAD_BLUE, lw=1.0, label="load on the ball")
    ax.set_ylabel("load (N)")
    ax.set_ylim(bottom=0)
    _shade(ax, data)
    pain = ax.twinx()
    ratings = [(e.t_s, e.value) for e in a.meta.events if e.kind == "pain"]
    if ratings:
        xs, ys = zip(*ratings, strict=True)
        pain.plot(xs, ys, "o", color=PAIN_PURPLE, ms=5, label="pain rating")
        for x, y in ratings:
            pain.annotate(
                str(y),
                (x, float(y) if isinstance(y, int) else 0.0),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
                color=PAIN_PURPLE,
            )
    for e in a.meta.events:
        if e.kind == "symptom":
            ax.axvline(e.t_s, color=ALERT_RED, lw=2)
            ax.text(
                e.t_s,
                0.97,
                f" {e.value}: STOP",
                transform=ax.get_xaxis_transform(),
                color=ALERT_RED,
                fontsize=8,
                va="top",
                fontweight="bold",
            )
    for spot in a.spots:
        if spot.pain_target is not None:
            pain.hlines(
                spot.pain_target, spot.start_s, spot.end_s, color=PAIN_PURPLE, lw=1, ls="--"
            )
    if any(spot.pain_target is not None for spot in a.spots):
        pain.plot([], [], color=PAIN_PURPLE, lw=1, ls="--", label="pain target (⅔ of first)")
    pain.set_ylim(0, 10.8)
    pain.set_ylabel("pain (0–10)", color=PAIN_PURPLE)
    pain.tick_params(axis="y", colors=PAIN_PURPLE, labelsize=7)
    handles = [*ax.get_legend_handles_labels()[0], *pain.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, loc="lower left", fontsize=7, framealpha=0.85, ncols=3)


def _pressure(ax: Axes, data: ReportData) -> None:
    a = data.current.analysis
    t = a.frames["t_s"]
    gauge = (a.frames["pressure_pa"] - a.atmosphere_pa) / 1000.0
    ax.plot(t, _nan_breaks(t, gauge), color="#37474f", lw=0.9, label="pressure in the ball")
    ax.set_ylabel("gauge pressure (kPa)")
    _shade(ax, data)
    temp = ax.twinx()
    temp.plot(
        t,
        _nan_breaks(t, a.frames["temperature_c"]),
        color="#ef6c00",
        lw=0.9,
        label="sensor temperature",
    )
    temp.set_ylabel("temperature (°C)", color="#ef6c00")
    temp.tick_params(axis="y", colors="#ef6c00", labelsize=7)
    handles = [*ax.get_legend_handles_labels()[0], *temp.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.85, ncols=2)
    mmss_axis(ax)
    ax.set_xlabel("time since the start of the session (min:s)")


def draw_timeline(fig: Figure | SubFigure, data: ReportData, box: Box) -> None:
    """Three panels sharing the time axis, inside ``box`` of the figure."""
    axes: Any = fig.subplots(
        3, 1, sharex=True, gridspec_kw={**box.gridspec(), "height_ratios": [1.25, 1.0, 0.7]}
    )
    _position(axes[0], data)
    axes[0].set_title(
        "Where the ball was, the load on it and the pressure inside",
        loc="left",
        fontsize=10,
        pad=14,
    )
    _load(axes[1], data)
    _pressure(axes[2], data)
    for ax in axes:
        ax.grid(axis="x", color="#dddddd", lw=0.5)
        ax.tick_params(labelsize=7)
    t = data.current.analysis.frames["t_s"]
    if len(t) > 1:
        axes[2].set_xlim(float(t[0]), float(t[-1]))
