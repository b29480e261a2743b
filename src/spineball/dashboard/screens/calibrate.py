"""Calibration: the load calibration wizard and the two spine landmarks.

Load (docs/analysis.md, "Calibration wizard"): an unloaded reading, then one
to three readings with a known load — the ball pressed on a bathroom scale,
or a board with 10–20 kg on it — each taken from the last 2 s of pressure
when the user presses Enter, checked by
:class:`~spineball.analysis.CalibrationWizard`. Finishing sends the points to
the recorder, which uses them for this ball at this inflation.

Landmarks: while lying on the ball, tell where it is — under T1 (or C7) and
under the tips of the shoulder blades (≈ T8).
"""

from __future__ import annotations

from typing import ClassVar, Final

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from spineball.analysis import CalibrationWizard, WizardReply, WizardStep, kg_to_n
from spineball.analysis.wizard import MIN_SAMPLES, STEADY_LOADED_REL, STEADY_PA
from spineball.dashboard.context import DashContext
from spineball.dashboard.format import G
from spineball.dashboard.screens.dialogs import WeightPrompt
from spineball.dashboard.widgets.panels import AlertBanner, Line, StatusBar
from spineball.session.api import MarkLandmark, SetCalibration

WINDOW_S: Final = 2.0  # the reading: the last two seconds of pressure


def steadiness(wizard: CalibrationWizard, window_pa: np.ndarray) -> tuple[bool, str]:
    """Is the pressure steady enough for the wizard's current step? (ok, words)."""
    if len(window_pa) < MIN_SAMPLES:
        return False, "collecting readings…"
    mean, sd = float(np.mean(window_pa)), float(np.std(window_pa))
    limit = STEADY_PA
    if wizard.step is WizardStep.LOADED and wizard.points:
        rise = mean - wizard.points[0].pressure_pa
        limit = max(STEADY_PA, STEADY_LOADED_REL * rise)
    words = f"{mean / 1000:.2f} kPa ±{sd:.0f} Pa"
    return sd <= limit, words


def _point_text(wizard: CalibrationWizard) -> str:
    points = wizard.points
    if not points:
        return "no readings yet"
    base = points[0].pressure_pa if points[0].load_n == 0.0 else None
    parts = []
    for p in points:
        if p.load_n == 0.0:
            parts.append(f"unloaded {p.pressure_pa / 1000:.2f} kPa")
        elif base is not None:
            parts.append(f"{p.load_n / G:.1f} kg → +{p.pressure_pa - base:.0f} Pa")
        else:
            parts.append(f"{p.load_n / G:.1f} kg → {p.pressure_pa / 1000:.2f} kPa")
    return " · ".join(parts)


class CalibrateScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "take", "Take reading"),
        Binding("u", "undo", "Undo"),
        Binding("f", "finish", "Finish"),
        Binding("t", "landmark('T1')", "Under T1"),
        Binding("7", "landmark('C7')", "Under C7", show=False),
        Binding("8", "landmark('T8')", "Under T8"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, ctx: DashContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.wizard = CalibrationWizard()
        self.reply: Text = Text("")
        self.sent = False

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield AlertBanner(id="banner")
        with Vertical(id="tool-body"):
            yield Line(id="cal-title")
            yield Line(id="cal-prompt")
            yield Line(id="cal-steady")
            yield Line(id="cal-points")
            yield Line(id="cal-reply")
            yield Line(id="cal-landmarks")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#tool-body").border_title = "Calibrate"
        self.redraw(self.ctx.clock())

    # ------------------------------------------------------------------ keys

    def action_take(self) -> None:
        window = self.ctx.view.recent_pressure_pa(WINDOW_S)
        step = self.wizard.step
        if step is WizardStep.DONE:
            self._say(False, "calibration is complete: press f to use it")
        elif step is WizardStep.UNLOADED:
            self._answer(self.wizard.submit(window))
        else:

            def weighed(kg: float | None) -> None:
                if kg is not None:
                    self._answer(self.wizard.submit(window, kg_to_n(kg)))

            self.app.push_screen(
                WeightPrompt("What does the scale show (kg) with the ball loaded?"), weighed
            )

    def action_undo(self) -> None:
        self.wizard.undo()
        self._say(True, "last reading removed")

    async def action_finish(self) -> None:
        if not self.wizard.can_finish:
            self._say(False, "take an unloaded and at least one loaded reading first")
            return
        self.wizard.finish()
        if await self.ctx.send(SetCalibration(self.wizard.points)):
            self.sent = True
            self._say(True, f"calibration with {len(self.wizard.points)} points sent: in use now")

    async def action_landmark(self, level: str) -> None:
        if await self.ctx.send(MarkLandmark(level)):
            self.notify(f"Landmark: the ball is under {level}", timeout=3)

    def action_back(self) -> None:
        self.dismiss(None)

    def _answer(self, reply: WizardReply) -> None:
        self._say(reply.accepted, reply.message)

    def _say(self, ok: bool, message: str) -> None:
        self.reply = Text(("✓ " if ok else "✗ ") + message, "green3" if ok else "yellow")
        self.redraw(self.ctx.clock())

    # ------------------------------------------------------------------ drawing

    def redraw(self, now: float) -> None:
        view = self.ctx.view
        self.query_one(StatusBar).show(view.update, self.ctx.source, self.size.width)
        self.query_one(AlertBanner).show(view.alerts(now, self.ctx.settings.hide_alerts))
        step = self.wizard.step
        n_loaded = len([p for p in self.wizard.points if p.load_n > 0])
        title = {
            WizardStep.UNLOADED: "Load calibration · step 1: unloaded",
            WizardStep.LOADED: f"Load calibration · step {n_loaded + 2}: known load",
            WizardStep.DONE: "Load calibration · complete",
        }[step]
        self.query_one("#cal-title", Line).put(Text(title, "bold"))
        self.query_one("#cal-prompt", Line).put(self.wizard.prompt + "  Enter takes the reading.")
        ok, words = steadiness(self.wizard, view.recent_pressure_pa(WINDOW_S))
        steady = Text.assemble(
            "Reading ",
            (words, "bold"),
            "  ",
            ("● steady" if ok else "○ hold still", "bold green3" if ok else "bold yellow"),
        )
        self.query_one("#cal-steady", Line).put(steady)
        self.query_one("#cal-points", Line).put(f"Points: {_point_text(self.wizard)}")
        self.query_one("#cal-reply", Line).put(self.reply)
        self.query_one("#cal-landmarks", Line).put(
            Text.assemble(
                ("\nLandmarks", "bold"),
                " — lying on the ball, press when it is under the place:\n",
                "  t  T1, top of the upper back (7: C7, the bump at the base of the neck)\n",
                "  8  T8, level with the tips of the shoulder blades",
            )
        )
