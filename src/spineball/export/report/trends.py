"""The trend over recent sessions: time on the ball against the plan, soreness, inflation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from spineball.export.history import is_sore
from spineball.export.report.style import ALERT_RED, LOAD_BLUE, OK_GREEN, PAIN_PURPLE, Box

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from spineball.export.history import AnalysedSession
    from spineball.export.report.data import ReportData


def _mean(values: list[int]) -> float:
    return float(np.mean(values)) if values else np.nan


def _labels(sessions: tuple[AnalysedSession, ...]) -> list[str]:
    return [f"{s.stored.started:%d %b}\n#{s.id}" for s in sessions]


def _time(ax: Axes, sessions: tuple[AnalysedSession, ...], x: np.ndarray) -> None:
    on = np.array([s.result["session"]["on_ball_s"] or 0.0 for s in sessions]) / 60.0
    low = np.array([s.result["plan"]["range_s"][0] for s in sessions]) / 60.0
    high = np.array([s.result["plan"]["range_s"][1] for s in sessions]) / 60.0
    target = np.array([s.result["plan"]["target_s"] for s in sessions]) / 60.0
    ax.bar(x, high - low, bottom=low, width=0.85, color=OK_GREEN, alpha=0.18, label="plan range")
    ax.hlines(target, x - 0.42, x + 0.42, color=OK_GREEN, lw=1.5, label="plan target", zorder=3)
    ax.bar(x, on, width=0.5, color=LOAD_BLUE, alpha=0.85, label="time on the ball", zorder=2)
    ax.set_ylabel("minutes")
    ax.set_ylim(0, max(5.5, float(np.nanmax(on)) + 0.5))
    ax.set_title("Time on the ball against the daily plan", fontsize=9, loc="left")
    ax.legend(fontsize=7, loc="upper left", ncols=3)


def _soreness(ax: Axes, sessions: tuple[AnalysedSession, ...], x: np.ndarray) -> None:
    sore = [sum(1 for sp in s.result["spots"] if is_sore(sp)) for s in sessions]
    spots = [len(s.result["spots"]) for s in sessions]
    firsts = [
        _mean([sp["pain_first"] for sp in s.result["spots"] if sp["pain_first"] is not None])
        for s in sessions
    ]
    lasts = [
        _mean([sp["pain_last"] for sp in s.result["spots"] if sp["pain_last"] is not None])
        for s in sessions
    ]
    ax.bar(x, spots, width=0.6, color="#b0bec5", label="spots")
    ax.bar(x, sore, width=0.6, color="#ef9a9a", label="sore spots")
    ax.set_ylabel("spots")
    ax.set_ylim(0, max([*spots, 4]) + 1)
    pain = ax.twinx()
    pain.plot(x, firsts, "o-", color=PAIN_PURPLE, lw=1.2, ms=4, label="mean first pain")
    pain.plot(x, lasts, "s--", color=PAIN_PURPLE, lw=1.0, ms=3, alpha=0.7, label="mean last pain")
    pain.set_ylim(0, 10.5)
    pain.set_ylabel("pain (0–10)", color=PAIN_PURPLE)
    pain.tick_params(axis="y", colors=PAIN_PURPLE, labelsize=7)
    handles = [*ax.get_legend_handles_labels()[0], *pain.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, fontsize=7, loc="upper left", ncols=4)
    ax.set_title("Sore spots and pain at them", fontsize=9, loc="left")


def _inflation(ax: Axes, sessions: tuple[AnalysedSession, ...], x: np.ndarray) -> None:
    kpa = [s.stored.data.meta.ball.rest_gauge_kpa for s in sessions]
    ax.plot(x, kpa, "o-", color="#37474f", lw=1.2, ms=4, label="inflation (rest, gauge)")
    top = max(kpa) + 3.0
    for xi, s in zip(x, sessions, strict=True):
        adv = s.result["advice"]
        mark = {"increase": "↑ pump up", "decrease": "↓ let air out", "keep": "keep"}[adv["action"]]
        if adv["action"] != "keep":
            mark += f" {abs(adv['delta_kpa']):.1f}"
        ax.annotate(
            mark,
            (xi, kpa[int(xi)]),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=6,
            color="#37474f",
        )
        alerts = len(s.result["lumbar_alerts"])
        if alerts:
            ax.text(xi, top - 0.6, f"lumbar ×{alerts}", color=ALERT_RED, fontsize=6, ha="center")
        if s.result["symptom_stop"]:
            ax.text(
                xi, top - 1.4, "STOP", color=ALERT_RED, fontsize=7, ha="center", fontweight="bold"
            )
    ax.set_ylim(max(0.0, min(kpa) - 3.0), top)
    ax.set_ylabel("kPa")
    ax.set_title("Inflation and the advice after each session", fontsize=9, loc="left")
    ax.legend(fontsize=7, loc="lower left")


def draw_trends(fig: Figure | SubFigure, data: ReportData, box: Box) -> None:
    sessions = data.recent
    x = np.arange(len(sessions), dtype=np.float64)
    axes: Any = fig.subplots(3, 1, sharex=True, gridspec_kw=box.gridspec())
    _time(axes[0], sessions, x)
    _soreness(axes[1], sessions, x)
    _inflation(axes[2], sessions, x)
    labels = _labels(sessions)
    labels[-1] += "\n(this report)"
    axes[2].set_xticks(x, labels, fontsize=7)
    axes[2].set_xlim(-0.6, len(sessions) - 0.4)
    for ax in axes:
        ax.tick_params(labelsize=7)
        ax.axvspan(
            len(sessions) - 1.5, len(sessions) - 0.5, color="#fff59d", alpha=0.5, lw=0, zorder=0
        )
    if len(sessions) == 1:
        axes[0].text(
            0.5,
            0.5,
            "earlier sessions will show a trend here",
            ha="center",
            transform=axes[0].transAxes,
            fontsize=8,
            color="#666666",
        )
