"""The dashboard app: a worker follows the session's updates, the screen redraws at ≤ fps.

Data comes only through a :class:`~spineball.session.api.SessionClient` (a
recorder in this process, over the local socket, or a replay). The worker
turns each update into a message; the app folds it into the
:class:`~spineball.dashboard.state.LiveView` and asks for a redraw, which is
coalesced: at most ``fps`` frames a second, drawn from the newest state, as
soon as the frame budget allows (so latency stays low without drawing per
update).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from spineball.dashboard.alerts import Alert
from spineball.dashboard.connect import BallFinder, ConnectError, RecorderConnection
from spineball.dashboard.context import DashContext
from spineball.dashboard.messages import ConnectFailed, StreamEnded, UpdateArrived
from spineball.dashboard.screens.dialogs import SymptomPicker
from spineball.dashboard.screens.help import HelpScreen
from spineball.dashboard.screens.session import SessionScreen
from spineball.dashboard.settings import DashboardSettings
from spineball.dashboard.source import SourceInfo
from spineball.dashboard.state import LiveView
from spineball.session.api import ReportSymptom, SessionClient, Symptom, UserInput

HOUSEKEEPING_S = 0.5  # notices "no data" even when nothing arrives


@runtime_checkable
class Redrawable(Protocol):
    def redraw(self, now: float) -> None: ...


class DashboardApp(App[None]):
    CSS_PATH = "dashboard.tcss"
    TITLE = "spineball"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "symptom", "STOP", show=False),
        Binding("question_mark", "help", "Help", key_display="?", show=False),
        Binding("q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        client: SessionClient | None,
        source: SourceInfo,
        *,
        connection: RecorderConnection | None = None,
        finder: BallFinder | None = None,
        settings: DashboardSettings | None = None,
        db_path: Path | None = None,
        speed: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        if client is None and connection is None:
            raise ValueError("the dashboard needs a client or a way to reach a recorder")
        self.client = client
        self.connection = connection
        self.finder = finder
        self.ctx = DashContext(
            view=LiveView(),
            source=source,
            settings=settings or DashboardSettings(),
            send=self.send_input,
            clock=clock,
            db_path=db_path,
            speed=speed,
        )
        self._frame_s = 1.0 / self.ctx.settings.fps
        self._last_frame = -1.0
        self._frame_pending = False
        self._urgent: set[str] = set()
        self._summary_shown = False
        self.frames = 0
        self.drawn_version = -1  # the LiveView version the screen shows
        #: called after each redraw with (time, newest plot time shown); for benchmarks
        self.on_frame: Callable[[float, float | None], None] | None = None

    @property
    def view(self) -> LiveView:
        return self.ctx.view

    def on_mount(self) -> None:
        self.push_screen(SessionScreen(self.ctx))
        self.follow_updates()
        self.set_interval(HOUSEKEEPING_S, self.request_redraw)

    # ------------------------------------------------------------------ data in

    @work(exclusive=True, group="updates")
    async def follow_updates(self) -> None:
        if self.client is None:
            assert self.connection is not None
            try:
                self.client = await self.connection.attach()
            except ConnectError as err:
                self.post_message(ConnectFailed(str(err)))
                return
        try:
            async for update in self.client.updates():
                self.post_message(UpdateArrived(update))
        except (ConnectionError, OSError) as err:
            self.post_message(StreamEnded(str(err) or type(err).__name__))
        else:
            self.post_message(StreamEnded())

    def on_update_arrived(self, message: UpdateArrived) -> None:
        self.view.apply(message.update, self.ctx.clock())
        self.request_redraw()
        result = message.update.result
        if message.update.state == "ended" and result is not None and not self._summary_shown:
            self._summary_shown = True
            from spineball.dashboard.screens.summary import SummaryScreen  # at the end only

            self.push_screen(SummaryScreen(self.ctx, result))

    def on_connect_failed(self, message: ConnectFailed) -> None:
        self.view.detach(message.problem)
        self.request_redraw()
        if self.finder is None or self.connection is None:
            return

        def chosen(address: str | None) -> None:
            if address is not None and self.connection is not None:
                self.connection = self.connection.for_ball(address)
                self.view.reattach()
                self.follow_updates()

        from spineball.dashboard.screens.pair import PairScreen  # only when no recorder came up

        self.push_screen(PairScreen(self.ctx, self.finder, message.problem), chosen)

    async def on_stream_ended(self, message: StreamEnded) -> None:
        if self.view.ended:
            self.request_redraw()
            return
        problem = message.error or ""
        if self.connection is not None and self.client is not None:
            await self.client.close()
            self.client = None  # a new attach starts from scratch
            problem = await asyncio.to_thread(self.connection.why_lost) or problem
        if problem and self.finder is not None:
            self.post_message(ConnectFailed(problem))  # a recorder that died: pair or retry
            return
        self.view.detach(problem)
        self.request_redraw()

    # ------------------------------------------------------------------ data out

    async def send_input(self, message: UserInput) -> bool:
        if self.client is None:
            self.notify("not connected to a recorder yet", severity="warning", timeout=4)
            return False
        try:
            await self.client.send(message)
        except ConnectionError as err:
            self.notify(f"not delivered: {err}", severity="error", timeout=6)
            return False
        except ValueError as err:
            self.notify(str(err), severity="warning", timeout=6)
            return False
        return True

    # ------------------------------------------------------------------ drawing

    def request_redraw(self) -> None:
        """Coalesce: one frame as soon as the frame budget allows, from the newest state."""
        if self._frame_pending:
            return
        self._frame_pending = True
        wait = self._last_frame + self._frame_s - self.ctx.clock()
        if wait > 0:
            self.set_timer(wait, self._draw_frame)
        else:
            self.call_later(self._draw_frame)

    def _draw_frame(self) -> None:
        self._frame_pending = False
        now = self.ctx.clock()
        self._last_frame = now
        for screen in self._visible_screens():
            screen.redraw(now)
        self.frames += 1
        self.drawn_version = self.view.version
        self._ring_for_new_urgent(self.view.alerts(now, self.ctx.settings.hide_alerts))
        if self.on_frame is not None:
            trace = self.view.trace
            self.on_frame(now, float(trace.latest(1)[0, 0]) if len(trace) else None)

    def _visible_screens(self) -> list[Redrawable]:
        """The top screen, and the ones under it while only modal dialogs cover them."""
        out: list[Redrawable] = []
        for screen in reversed(self.screen_stack):
            if screen.is_mounted and screen.is_attached and isinstance(screen, Redrawable):
                out.append(screen)
            if not isinstance(screen, ModalScreen):
                break
        return out

    def _ring_for_new_urgent(self, alerts: list[Alert]) -> None:
        """The terminal bell once when a lumbar, pressure or symptom alert starts."""
        urgent = {a.kind for a in alerts if a.urgent}
        if urgent - self._urgent:
            self.bell()
        self._urgent = urgent

    # ------------------------------------------------------------------ app-wide keys

    def action_symptom(self) -> None:
        if isinstance(self.screen, SymptomPicker) or self.view.ended:
            return

        async def chosen(symptom: Symptom | None) -> None:
            if symptom is not None:
                await self.send_input(ReportSymptom(symptom))

        self.push_screen(SymptomPicker(), chosen)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        if self.client is not None:
            await self.client.close()
        self.exit(message=self.ctx.source.quit_note or None)
