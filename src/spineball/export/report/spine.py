"""The spine heat map (C7–L5 × recent sessions: time in spots and pain) and the spot table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from spineball.anatomy import LEVELS, LUMBAR
from spineball.export.report.style import ALERT_RED, Box, mmss

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from spineball.export.history import AnalysedSession
    from spineball.export.report.data import ReportData

MIN_DWELL_SCALE_S: Final = 30.0


def level_matrices(
    sessions: tuple[AnalysedSession, ...],
) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
    """(dwell s, first pain, "first→last" text) per level (rows) and session (columns)."""
    dwell = np.full((len(LEVELS), len(sessions)), np.nan)
    pain = np.full_like(dwell, np.nan)
    text = [["" for _ in sessions] for _ in LEVELS]
    for col, item in enumerate(sessions):
        for spot in item.result["spots"]:
            row = LEVELS.index(spot["level"])
            dwell[row, col] = np.nansum([dwell[row, col], spot["dwell_s"] or 0.0])
            first, last = spot["pain_first"], spot["pain_last"]
            shown = pain[row, col]
            if first is not None and (np.isnan(shown) or first > shown):  # the sorest spot
                pain[row, col] = first
                text[row][col] = f"{first}→{last}" if last is not None else str(first)
    return dwell, pain, text


def _column_labels(sessions: tuple[AnalysedSession, ...]) -> list[str]:
    return [f"{s.stored.started:%d %b}\n#{s.id}" for s in sessions]


def _heat(
    ax: Axes,
    values: np.ndarray,
    text: list[list[str]],
    sessions: tuple[AnalysedSession, ...],
    cmap: str,
    vmax: float,
    title: str,
    unit: str,
) -> None:
    fig = ax.get_figure()
    assert fig is not None
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, aspect="auto", cmap=cmap, vmin=0.0, vmax=vmax)
    colorbar = fig.colorbar(image, ax=ax, fraction=0.06, pad=0.02)
    colorbar.set_label(unit, fontsize=7)
    colorbar.ax.tick_params(labelsize=6)
    ax.set_yticks(range(len(LEVELS)), LEVELS, fontsize=7)
    for tick in ax.get_yticklabels():
        if tick.get_text() in LUMBAR:
            tick.set_color(ALERT_RED)
    ax.set_xticks(range(len(sessions)), _column_labels(sessions), fontsize=6)
    ax.set_title(title, fontsize=9, loc="left")
    boundary = LEVELS.index("T12") + 0.5
    ax.axhline(boundary, color=ALERT_RED, lw=1.5)
    ax.axhspan(boundary, len(LEVELS) - 0.5, facecolor="none", edgecolor="#e57373", hatch="..", lw=0)
    ax.set_xticks(np.arange(-0.5, len(sessions)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(LEVELS)), minor=True)
    ax.grid(which="minor", color="white", lw=0.8)
    ax.tick_params(which="minor", length=0)
    last = len(sessions) - 1
    ax.add_patch(_current_box(last, len(LEVELS)))
    for row, cells in enumerate(text):
        for col, label in enumerate(cells):
            if label:
                dark = np.isfinite(values[row, col]) and values[row, col] > 0.6 * vmax
                ax.text(
                    col,
                    row,
                    label,
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if dark else "black",
                )


def _current_box(col: int, rows: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (col - 0.5, -0.5), 1.0, rows, fill=False, edgecolor="black", lw=1.6, clip_on=False, zorder=5
    )


def draw_spine(fig: Figure | SubFigure, data: ReportData, box: Box) -> None:
    """Time in spots and pain per vertebra for the recent sessions (the reported one boxed)."""
    sessions = data.recent
    dwell, pain, pain_text = level_matrices(sessions)
    dwell_text = [[f"{v:.0f}" if np.isfinite(v) else "" for v in row] for row in dwell]
    axes: Any = fig.subplots(1, 2, gridspec_kw=box.gridspec())
    vmax = max(MIN_DWELL_SCALE_S, float(np.nanmax(dwell)) if np.isfinite(dwell).any() else 0.0)
    _heat(
        axes[0],
        dwell,
        dwell_text,
        sessions,
        "Blues",
        vmax,
        "Time in spots per vertebra (s)",
        "seconds",
    )
    _heat(
        axes[1],
        pain,
        pain_text,
        sessions,
        "OrRd",
        10.0,
        "Pain per vertebra: first → last rating",
        "first rating",
    )
    axes[1].set_yticklabels([])
    row = LEVELS.index("L1")
    for col, item in enumerate(sessions):
        if item.result["lumbar_alerts"]:
            for ax in axes:
                ax.text(
                    col,
                    row,
                    "alert",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color=ALERT_RED,
                    fontweight="bold",
                    zorder=6,
                )
    fig.text(
        box.left,
        box.bottom - 0.07,
        "Columns: the most recent sessions, the reported one boxed; blank: no spot there.\n"
        "Red line: the lumbar spine starts below T12 — time there is an alert, not a goal.",
        fontsize=7,
        color="#444444",
        va="top",
    )


def spot_rows(result: dict[str, Any]) -> list[list[str]]:
    rows = []
    for s in result["spots"]:
        if s["pain_first"] is None:
            pain = "not rated"
        else:
            last = "–" if s["pain_last"] is None else s["pain_last"]
            met = "met" if s["pain_target_met"] else "not met"
            pain = f"{s['pain_first']} → {last} (target {s['pain_target']}, {met})"
        sides = s["side_bends"]
        bends = "both" if len(sides) == 2 else (f"{sides[0]} only" if sides else "none")
        rows.append(
            [
                s["level"],
                mmss(s["start_s"]),
                f"{s['dwell_s']:.0f}",
                f"{s['position_mm']:.0f} ± {s['position_sd_mm']:.0f}",
                f"{s['mean_load_n']:.0f}",
                pain,
                bends,
                "yes" if s["sore"] else "",
            ]
        )
    return rows


SPOT_COLUMNS: Final = (
    "level",
    "start",
    "dwell (s)",
    "position (mm)",
    "load (N)",
    "pain first → last",
    "side bends",
    "sore",
)


def draw_spot_table(fig: Figure | SubFigure, data: ReportData, box: Box) -> None:
    ax = fig.add_axes((box.left, box.bottom, box.right - box.left, box.top - box.bottom))
    ax.axis("off")
    rows = spot_rows(data.current.result)
    ax.set_title("Spots this session (stays of ≥ 8 s in one place)", fontsize=9, loc="left")
    if not rows:
        ax.text(0, 0.9, "No spots: the ball never stayed in one place for 8 s.", fontsize=8)
        return
    table = ax.table(
        cellText=rows,
        colLabels=list(SPOT_COLUMNS),
        loc="upper left",
        cellLoc="left",
        colLoc="left",
        colWidths=[0.07, 0.07, 0.08, 0.13, 0.08, 0.34, 0.12, 0.06],
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.scale(1.0, 1.25)
    for (row, _col), cell in table.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if row == 0:
            cell.set_facecolor("#eeeeee")


def draw_notes(fig: Figure | SubFigure, data: ReportData, box: Box) -> None:
    from spineball.export.report.notes import note_lines

    ax = fig.add_axes((box.left, box.bottom, box.right - box.left, box.top - box.bottom))
    ax.axis("off")
    ax.set_title("Notes", fontsize=9, loc="left")
    lines = note_lines(data)
    colours = [
        ALERT_RED if line.startswith(("STOP", "Lumbar guard: the ball may", "Alarm")) else "#222222"
        for line in lines
    ]
    step = min(0.1, 0.95 / max(len(lines), 1))
    for i, (line, colour) in enumerate(zip(lines, colours, strict=True)):
        ax.text(0.0, 0.95 - i * step, "• " + line, fontsize=7.5, va="top", color=colour, wrap=True)
