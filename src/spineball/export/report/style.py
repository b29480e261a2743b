"""Colours, time axes, and the header and footer every report page carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from spineball import __version__
from spineball.export.summary import DISCLAIMER

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    from spineball.export.report.data import ReportData

LOAD_BLUE: Final = "#1565c0"
SPOT_BLUE: Final = "#42a5f5"
PAIN_PURPLE: Final = "#7b1fa2"
ALERT_RED: Final = "#c62828"
AMBER: Final = "#f9a825"
GAP_GREY: Final = "#9e9e9e"
OK_GREEN: Final = "#2e7d32"


@dataclass(frozen=True, slots=True)
class Box:
    """Where a section's axes go, as fractions of its (sub)figure."""

    left: float = 0.1
    bottom: float = 0.08
    right: float = 0.9
    top: float = 0.9
    hspace: float = 0.18
    wspace: float = 0.25

    def gridspec(self) -> dict[str, float]:
        return {
            "left": self.left,
            "bottom": self.bottom,
            "right": self.right,
            "top": self.top,
            "hspace": self.hspace,
            "wspace": self.wspace,
        }


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    total = round(seconds)
    sign = "-" if total < 0 else ""
    return f"{sign}{abs(total) // 60}:{abs(total) % 60:02d}"


def mmss_axis(ax: Axes) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=10, steps=[1, 1.5, 3, 6, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: mmss(x)))


def title_line(data: ReportData) -> str:
    s = data.current.stored
    who = f" · person {data.person}" if data.person else ""
    ball = "imported file" if s.summary.source == "import" and not s.summary.device else s.ball
    return f"spineball session report — {s.started:%d %b %Y, %H:%M} · {ball}{who}"


def key_numbers(data: ReportData) -> str:
    r = data.current.result
    spots = r["spots"]
    rated = [s for s in spots if s["pain_first"] is not None and s["pain_last"] is not None]
    met = sum(1 for s in rated if s["pain_target_met"])
    adv = r["advice"]
    advice = "keep" if adv["action"] == "keep" else f"{adv['action']} {adv['delta_kpa']:+.1f} kPa"
    plan = r["plan"]
    alerts = len(r["lumbar_alerts"])
    return (
        f"On the ball {mmss(r['session']['on_ball_s'])} of {mmss(r['session']['duration_s'])}"
        f" (today's plan {mmss(plan['target_s'])}, session {plan['session_number']}) · "
        f"{len(spots)} spot{'' if len(spots) == 1 else 's'}, "
        f"pain target met at {met} of {len(rated)} rated · "
        f"thoracic coverage {r['coverage']['fraction'] * 100:.0f} %\n"
        f"{f'LUMBAR ALERT ×{alerts}' if alerts else 'no lumbar alert'} · "
        f"{'STOPPED: ' + r['symptom_stop']['symptom'] + ' · ' if r['symptom_stop'] else ''}"
        f"inflation {data.current.stored.data.meta.ball.rest_gauge_kpa:.1f} kPa → {advice}"
    )


def header(fig: Figure | SubFigure, data: ReportData, subtitle: str) -> None:
    fig.suptitle(title_line(data), x=0.02, ha="left", fontsize=12, fontweight="bold")
    fig.text(0.02, 0.958, subtitle, fontsize=9, va="top", fontweight="bold", color="#1f4e79")
    fig.text(0.02, 0.943, key_numbers(data), fontsize=8, va="top", linespacing=1.4)


def footer(fig: Figure | SubFigure) -> None:
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    fig.text(
        0.02,
        0.008,
        f"{DISCLAIMER}\nspineball {__version__} · made {stamp}",
        fontsize=7,
        color="#555555",
        va="bottom",
    )
