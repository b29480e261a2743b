"""The live session: what a person lying on the ball looks at."""

from __future__ import annotations

from typing import ClassVar, Final

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from spineball.dashboard.context import DashContext
from spineball.dashboard.screens.dialogs import ConfirmEnd, LandmarkPicker
from spineball.dashboard.widgets.panels import (
    AdviceLine,
    AlertBanner,
    CueList,
    LinkPanel,
    PlanBar,
    StatusBar,
)
from spineball.dashboard.widgets.spine import SpineMap
from spineball.dashboard.widgets.spot import SpotCard
from spineball.dashboard.widgets.trace import TracePlot
from spineball.session.api import EndSession, MarkLandmark, MarkSore, Pause, RatePain, Resume

TALL_ROWS: Final = 34  # from here the spot card shows the level in big characters too


def _pain_bindings() -> list[BindingType]:
    """1–9 rate the pain at the current spot, 0 means 10; one footer entry for all ten."""
    keys: list[BindingType] = [
        Binding("1", "pain(1)", "Pain", key_display="1‥0", show=True),
    ]
    keys += [Binding(str(v), f"pain({v})", f"Pain {v}", show=False) for v in range(2, 10)]
    keys.append(Binding("0", "pain(10)", "Pain 10", show=False))
    return keys


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *_pain_bindings(),
        Binding("s", "sore", "Sore"),
        Binding("l", "landmark", "Mark"),
        Binding("x", "app.symptom", "STOP"),
        Binding("p", "pause", "Pause"),
        Binding("e", "end", "End"),
        Binding("i", "inflate", "Pump"),
        Binding("c", "calibrate", "Calib"),
        Binding("h", "history", "Hist"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("q", "leave", "Quit (recording goes on)"),
    ]

    def __init__(self, ctx: DashContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        # three bands: the compositor skips a band the plot's repaint does not touch
        with Vertical(id="top"):
            yield StatusBar(id="status")
            yield AlertBanner(id="banner")
            yield SpineMap(id="spine")
        with Horizontal(id="middle"):
            yield SpotCard(id="spot")
            yield TracePlot(self.ctx.settings.plot_seconds, id="trace")
        with Vertical(id="bottom"):
            yield PlanBar(id="plan")
            yield AdviceLine(id="advice")
            yield LinkPanel(id="link")
            yield CueList(id="cues")
        yield Footer(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height >= TALL_ROWS, "-tall")

    def on_mount(self) -> None:
        # widgets looked up once: a redraw runs up to 20 times a second
        self._status = self.query_one(StatusBar)
        self._banner = self.query_one(AlertBanner)
        self._spine = self.query_one(SpineMap)
        self._spot = self.query_one(SpotCard)
        self._trace = self.query_one(TracePlot)
        self._plan = self.query_one(PlanBar)
        self._advice = self.query_one(AdviceLine)
        self._link = self.query_one(LinkPanel)
        self._cues = self.query_one(CueList)
        self._spine.border_title = "Spine · head ◀ ▶ pelvis"
        self._spine.border_subtitle = "red: lumbar, never"
        self._cues.border_title = "Cues"
        self.redraw(self.ctx.clock())

    def on_screen_resume(self) -> None:
        """Back from another screen: show the newest state at once, not at the next update."""
        self.redraw(self.ctx.clock())

    def redraw(self, now: float) -> None:
        view = self.ctx.view
        update = view.update
        snap = update.snapshot if update is not None else None
        self._status.show(update, self.ctx.source, self.size.width)
        self._banner.show(view.alerts(now, self.ctx.settings.hide_alerts))
        self._spine.show(snap, view.tally)
        self._spot.show(snap)
        gauge = float(view.trace.latest(1)[1, 0]) if len(view.trace) else None
        self._trace.show(view.trace, view.trace_version, snap.load_n if snap else None, gauge, now)
        self._plan.show(snap.plan if snap else None, self._plan.content_size.width)
        self._advice.show(snap.advice if snap else None)
        self._link.show(update.link if update else None, self.ctx.source, self.ctx.speed)
        self._cues.show(
            update.cues if update else (),
            snap.warnings if snap else (),
            max(self._cues.content_size.height, 1),
        )

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """q says whether the recording goes on: one of its two bindings applies."""
        keeps = self.ctx.source.keeps_recording
        if action == "quit":
            return not keeps
        if action == "leave":
            return keeps
        return True

    async def action_quit(self) -> None:
        await self.app.action_quit()

    async def action_leave(self) -> None:
        await self.app.action_quit()

    def _level(self) -> str:
        update = self.ctx.view.update
        snap = update.snapshot if update else None
        if snap is None or not snap.on_ball or snap.level is None:
            return "(not on the ball)"
        return f"at {snap.level}"

    async def action_pain(self, value: int) -> None:
        if await self.ctx.send(RatePain(value)):
            self.notify(f"Pain {value} noted {self._level()}", timeout=3)

    async def action_sore(self) -> None:
        if await self.ctx.send(MarkSore()):
            self.notify(f"Sore spot marked {self._level()}", timeout=3)

    def action_landmark(self) -> None:
        async def chosen(level: str | None) -> None:
            if level is not None and await self.ctx.send(MarkLandmark(level)):
                self.notify(f"Landmark: the ball is under {level}", timeout=3)

        self.app.push_screen(LandmarkPicker(), chosen)

    async def action_pause(self) -> None:
        update = self.ctx.view.update
        paused = update is not None and update.state == "paused"
        if await self.ctx.send(Resume() if paused else Pause()):
            self.notify("Resumed" if paused else "Paused: press p to go on", timeout=3)

    def action_end(self) -> None:
        async def confirmed(yes: bool | None) -> None:
            if yes:
                await self.ctx.send(EndSession())

        self.app.push_screen(ConfirmEnd(), confirmed)

    # the tools load on first use: the live view must come up fast

    def action_inflate(self) -> None:
        from spineball.dashboard.screens.inflate import InflateScreen

        self.app.push_screen(InflateScreen(self.ctx))

    def action_calibrate(self) -> None:
        from spineball.dashboard.screens.calibrate import CalibrateScreen

        self.app.push_screen(CalibrateScreen(self.ctx))

    def action_history(self) -> None:
        from spineball.dashboard.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.ctx))
