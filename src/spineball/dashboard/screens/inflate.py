"""The inflation assistant: pump or let air out until the ball is at the target pressure.

The recorder compares the ball's gauge pressure with the target and says
pump / release / done and roughly how many strokes remain (one stroke of a
needle pump ≈ 1 kPa on a 6-lb ball, domain notes). The target starts at the
advised inflation; + and − move it by 0.5 kPa.
"""

from __future__ import annotations

from typing import ClassVar, Final

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer

from spineball.analysis.advice import MAX_INFLATION_KPA, MIN_INFLATION_KPA, InflationGuide
from spineball.dashboard.context import DashContext
from spineball.dashboard.widgets.panels import AlertBanner, Line, StatusBar
from spineball.session.api import StartInflation, StopInflation

STEP_KPA: Final = 0.5
SCALE_KPA: Final = 40.0  # the gauge bar spans 0–40 kPa (rest limit 35 kPa, domain notes)


def gauge_bar(guide: InflationGuide, width: int) -> Text:
    """A bar to the current pressure with the target marked (▲) beneath the scale."""
    width = max(width, 10)

    def col(kpa: float) -> int:
        return min(max(round(kpa / SCALE_KPA * (width - 1)), 0), width - 1)

    now, target = col(guide.current_kpa), col(guide.target_kpa)
    colour = {"done": "green3", "pump": "bright_cyan", "release": "dark_orange"}[guide.direction]
    bar = Text.assemble(("█" * (now + 1), colour), ("░" * (width - now - 1), "grey35"))
    marks = [" "] * width
    marks[target] = "▲"
    limit = col(MAX_INFLATION_KPA)
    if limit != target:
        marks[limit] = "│"
    label = f"target {guide.target_kpa:.1f}"
    start = min(max(target - len(label) // 2, 0), width - len(label))
    under = "".join(marks) + "\n" + " " * start + label
    return Text.assemble(bar, "\n", (under, "bold"))


def instruction(guide: InflationGuide) -> Text:
    if guide.direction == "done":
        return Text("✓ DONE — the ball is at the target", "bold green3")
    if guide.direction == "pump":
        strokes = f"about {guide.strokes} stroke{'s' if guide.strokes != 1 else ''}"
        return Text(f"▲ PUMP — {guide.remaining_kpa:.1f} kPa to go ({strokes})", "bold bright_cyan")
    return Text(f"▼ LET AIR OUT — {guide.remaining_kpa:.1f} kPa too high", "bold dark_orange")


class InflateScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign", "target(1)", "Target +0.5"),
        Binding("minus", "target(-1)", "Target −0.5"),
        Binding("escape,enter,i", "done", "Done"),
    ]

    def __init__(self, ctx: DashContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield AlertBanner(id="banner")
        with Vertical(id="tool-body"):
            yield Line(id="inflate-head")
            yield Digits("--.-", id="inflate-now")
            yield Line(id="inflate-bar")
            yield Line(id="inflate-say")
            yield Line(id="inflate-hint", classes="dim")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        self.query_one("#tool-body").border_title = "Inflation assistant"
        self.redraw(self.ctx.clock())
        await self.ctx.send(StartInflation())

    async def action_target(self, steps: int) -> None:
        update = self.ctx.view.update
        if update is None or update.inflation is None:
            return
        target = update.inflation.target_kpa + steps * STEP_KPA
        target = min(max(target, MIN_INFLATION_KPA), MAX_INFLATION_KPA)
        await self.ctx.send(StartInflation(target))

    async def action_done(self) -> None:
        await self.ctx.send(StopInflation())
        self.dismiss(None)

    def redraw(self, now: float) -> None:
        view = self.ctx.view
        update = view.update
        self.query_one(StatusBar).show(update, self.ctx.source, self.size.width)
        self.query_one(AlertBanner).show(view.alerts(now, self.ctx.settings.hide_alerts))
        head = self.query_one("#inflate-head", Line)
        guide = update.inflation if update is not None else None
        digits = self.query_one("#inflate-now", Digits)
        if guide is None:
            head.put("Asking the recorder for the ball's pressure…")
            return
        head.put(
            Text.assemble(
                "Ball pressure now (kPa above the air) · target ",
                (f"{guide.target_kpa:.1f} kPa", "bold"),
            )
        )
        value = f"{guide.current_kpa:.1f}"
        if digits.value != value:
            digits.update(value)
        width = self.query_one("#inflate-bar", Line).content_size.width
        self.query_one("#inflate-bar", Line).put(gauge_bar(guide, width))
        on_ball = update is not None and update.snapshot.on_ball
        if on_ball:  # the pressure under a person is not the inflation
            self.query_one("#inflate-say", Line).put(
                Text("● GET OFF THE BALL to read its inflation", "bold yellow")
            )
        else:
            self.query_one("#inflate-say", Line).put(instruction(guide))
        self.query_one("#inflate-hint", Line).put(
            "+ / − move the target by 0.5 kPa · Enter when done"
        )
