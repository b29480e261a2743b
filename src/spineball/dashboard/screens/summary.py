"""The end of a session: what was done, the advice, and — after a symptom stop — the doctor."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from spineball.dashboard.context import DashContext
from spineball.dashboard.format import clock
from spineball.dashboard.widgets.panels import AlertBanner, StatusBar


def _spots_table(spots: list[dict[str, Any]]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("level", "left"),
        ("stay", "right"),
        ("pain", "center"),
        ("target", "center"),
        ("bends", "left"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for spot in spots:
        first, last = spot.get("pain_first"), spot.get("pain_last")
        pain = "–" if first is None else f"{first} → {last}"
        met = spot.get("pain_target_met")
        target = "–" if met is None else ("✓ reached" if met else "not yet")
        bends = ", ".join(spot.get("side_bends", [])) or "–"
        table.add_row(spot["level"], clock(spot["dwell_s"]), pain, target, bends)
    return table


def summary_renderables(result: dict[str, Any]) -> list[Text | Table]:
    out: list[Text | Table] = []
    session = result["session"]
    plan = result.get("plan", {})
    out.append(
        Text.assemble(
            ("Session ", "bold"),
            f"{clock(session['duration_s'])} · on the ball {clock(session['on_ball_s'])}",
            f" · plan {clock(plan.get('target_s'))}" if plan else "",
        )
    )
    spots = result.get("spots", [])
    if spots:
        out.append(_spots_table(spots))
    else:
        out.append(Text("No spots: a spot is a stay of 8 s or more in one place.", "dim"))
    lumbar = len(result.get("lumbar_alerts", []))
    out.append(
        Text.assemble(
            f"Side bends: {len(result.get('flexions', []))} · ",
            ("low-back alerts: " + str(lumbar), "bold red" if lumbar else ""),
        )
    )
    advice = result.get("advice", {})
    if advice and advice["action"] == "keep":
        out.append(Text(f"Inflation next time: {advice['reason']}"))
    elif advice:
        verb = "pump up" if advice["action"] == "increase" else "let air out"
        delta = f"{float(advice['delta_kpa']):+.1f} kPa"
        out.append(Text(f"Inflation next time: {verb} {delta} — {advice['reason']}"))
    return out


class SummaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Session view"),
        Binding("h", "history", "History"),
    ]

    def __init__(self, ctx: DashContext, result: dict[str, Any]) -> None:
        super().__init__()
        self.ctx = ctx
        self.result = result

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield AlertBanner(id="banner")
        with VerticalScroll(id="summary"):
            stop = self.result.get("symptom_stop")
            if stop:
                symptom = str(stop.get("symptom", "")).upper()
                yield Static(f"■ STOPPED: {symptom} PAIN\n{stop.get('advice', '')}", id="doctor")
            for part in summary_renderables(self.result):
                yield Static(part)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#summary").border_title = "Session summary"
        self.redraw(self.ctx.clock())

    def redraw(self, now: float) -> None:
        view = self.ctx.view
        self.query_one(StatusBar).show(view.update, self.ctx.source, self.size.width)
        self.query_one(AlertBanner).show(view.alerts(now, self.ctx.settings.hide_alerts))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_history(self) -> None:
        from spineball.dashboard.screens.history import HistoryScreen  # the store, on first use

        self.app.push_screen(HistoryScreen(self.ctx))
